"""What builds that were killed left behind, removed by the next build (issue 20).

A build killed by ``kill -9`` (or out of memory) leaves its staging folder beside the site
(``.site-staging-PID``, as large as the site), the old tree or backup it was deleting
(``.site-old-…``), Pagefind's input and output folders in the search cache, half-written cache
files (``*.tmp-PID``) and the render process's result (``/tmp/.archivegen-render-PID-….pickle``).
Only the holder of the archive's build lock calls ``clean``: no other build of the archive is
running, so anything named after a process that no longer exists is garbage.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from pathlib import Path

from archivegen.build.write import remove_later

RENDER_RESULT_PREFIX = ".archivegen-render-"
#: Render results named before they carried their process id: removed once this old (seconds).
_UNNAMED_AGE = 86400.0
_PID = re.compile(r"-(\d+)(?:-|\Z|\.)")


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists (a zombie counts as gone)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True  # no /proc: it answered kill(0)


def _pid_in(name: str) -> int | None:
    found = _PID.search(name)
    return int(found.group(1)) if found else None


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        # Renamed first, so that a later build never meets it half-deleted under its own name.
        trash = path.with_name(f"{path.name}-gone-{time.time_ns()}") if "-old-" not in path.name else path
        try:
            os.rename(path, trash)
        except OSError:
            trash = path
        remove_later(trash)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def stale(folder: Path, prefix: str, *, any_pid: bool = False) -> list[Path]:
    """Entries of ``folder`` starting with ``prefix`` whose process is gone (``any_pid``: all)."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    found = []
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        pid = _pid_in(entry.name[len(prefix) - 1:])
        if any_pid or pid is None or not alive(pid):
            found.append(entry)
    return found


def clean(out: Path, cache: Path) -> list[Path]:
    """Remove every leftover of killed builds into ``out`` with the build cache ``cache``; return them."""

    found = stale(out.parent, f".{out.name}-staging-")
    # Old trees and backups: their owner deletes them in the background; under the lock any left
    # are orphans (a detached rm still running on one is harmless).
    found += stale(out.parent, f".{out.name}-old-", any_pid=True)
    found += stale(out.parent, ".pagefind-input-", any_pid=True)
    search = cache / "search"
    found += stale(search, ".pagefind-input-", any_pid=True)
    found += [p for p in stale(search, ".", any_pid=True) if "-new-" in p.name]
    for folder in (cache, cache / "records"):
        with contextlib.suppress(OSError):
            found += [p for p in folder.iterdir() if ".tmp-" in p.name and not alive(_tmp_pid(p.name))]
    found += _render_results()
    for path in found:
        _remove(path)
    return found


def _tmp_pid(name: str) -> int:
    """The writer of a cache file being saved (``NAME.tmp-PID``)."""
    pid = name.rsplit(".tmp-", 1)[1]
    return int(pid) if pid.isdigit() else 0


def _render_results() -> list[Path]:
    folder = Path(tempfile.gettempdir())
    found = []
    try:
        entries = list(folder.glob(f"{RENDER_RESULT_PREFIX}*.pickle"))
    except OSError:
        return []
    for entry in entries:
        rest = entry.name[len(RENDER_RESULT_PREFIX):]
        head = rest.split("-", 1)[0]
        try:
            if head.isdigit():
                if not alive(int(head)):
                    found.append(entry)
            elif time.time() - entry.stat().st_mtime > _UNNAMED_AGE:
                found.append(entry)
        except OSError:
            continue
    return found


def render_result_file() -> Path:
    """A fresh file for the render process's result, named after this (the build's) process."""
    fd, name = tempfile.mkstemp(prefix=f"{RENDER_RESULT_PREFIX}{os.getpid()}-", suffix=".pickle")
    os.close(fd)
    return Path(name)
