"""The build's progress bar: drawn on a terminal, silent otherwise (issue #5)."""

from __future__ import annotations

import io

from archivegen.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_counts_on_a_terminal_and_clears_itself(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    out = _Terminal()
    with Progress(out, delay=0) as progress:
        progress.stage("render", 4)
        progress.advance(4)
        progress.stage("index", 1)
    text = out.getvalue()
    assert "render" in text and "0/4" in text and "index" in text
    assert text.endswith("\r\x1b[K")  # the summary line that follows starts on a clean line


def test_progress_is_silent_when_not_a_terminal_or_in_ci(monkeypatch) -> None:
    piped = io.StringIO()
    with Progress(piped, delay=0) as progress:
        progress.stage("render", 2)
        progress.advance(2)
    assert piped.getvalue() == ""
    monkeypatch.setenv("CI", "true")
    terminal = _Terminal()
    with Progress(terminal, delay=0) as progress:
        progress.stage("render", 2)
    assert terminal.getvalue() == ""
