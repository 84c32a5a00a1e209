"""A progress bar for long builds, on stderr, only when stderr is a terminal.

A dozen lines of our own rather than a dependency (tqdm, rich): the build needs one bar that
redraws at most ten times a second and disappears when done. Quiet when stderr is not a TTY or
when ``CI`` is set, so logs and CI output carry only the summary line.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class Progress:
    """``with Progress(stream) as p: p.stage("render", total); p.advance(n)``."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None, delay: float = 0.5) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)()) and not os.environ.get("CI")
        self.enabled = enabled
        self.delay = delay  # short builds never show a bar
        self.started = time.monotonic()
        self.label, self.total, self.done, self._drawn = "", 0, 0, 0.0
        #: (stage, seconds since start) as stages begin: ``ARCHIVEGEN_TIMINGS=1`` prints them.
        self.marks: list[tuple[str, float]] = []

    def stage(self, label: str, total: int = 1) -> None:
        self.label, self.total, self.done = label, total, 0
        self.marks.append((label, time.monotonic() - self.started))
        self._draw(force=True)

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._draw()

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started < self.delay or (not force and now - self._drawn < 0.1):
            return
        self._drawn = now
        width = 30
        filled = width * self.done // self.total if self.total else width
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r{self.label:<8} [{bar}] {self.done}/{self.total}  {now - self.started:5.1f} s\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = 0.0
        if os.environ.get("ARCHIVEGEN_TIMINGS") and self.marks:
            end = time.monotonic() - self.started
            steps = [f"{label} {(self.marks[i + 1][1] if i + 1 < len(self.marks) else end) - at:.2f}"
                     for i, (label, at) in enumerate(self.marks)]
            self.stream.write("timings (s): " + ", ".join(steps) + "\n")
            self.marks = []

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
