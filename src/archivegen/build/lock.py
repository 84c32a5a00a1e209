"""One build of an archive at a time (issue 20).

Two builds of one archive (two terminals, ``serve`` rebuilding while a manual build runs, a CI
job started twice) share the record cache, the search cache and the staging folders beside the
site: run together they delete each other's files. Every build holds an exclusive ``flock`` on
``.archivegen-cache/build.lock``; a second build waits for it, saying who holds it. The kernel
releases the lock when its holder dies, even by ``kill -9``: a lock is never stale.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from archivegen.problems import ArchivegenError

LOCK_NAME = "build.lock"
#: How long a build waits for another one (seconds; ``ARCHIVEGEN_LOCK_WAIT``). A build cannot
#: hang (Pagefind runs have a timeout), so this only bounds a very long one.
DEFAULT_WAIT = 3600.0

def lock_path(cache: Path) -> Path:
    """The lock file, in the build cache's folder: builds that share a cache (and so a site) take
    turns; the archive folder itself may be read-only."""
    return cache / LOCK_NAME


def _wait_limit() -> float:
    value = os.environ.get("ARCHIVEGEN_LOCK_WAIT", "")
    try:
        return float(value) if value else DEFAULT_WAIT
    except ValueError:
        return DEFAULT_WAIT


def _holder(fd: int) -> str:
    """Who holds the lock, as its holder wrote it: 'process 1234 (archivegen build), since 11:52:03'."""
    try:
        text = os.pread(fd, 512, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "another process"


@contextmanager
def archive_lock(cache: Path, say: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the build lock of the cache folder ``cache`` inside; wait for it (telling ``say`` once)
    when it is taken."""
    path = lock_path(cache)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise ArchivegenError(f"{path}: cannot create the build lock: {exc.strerror}") from None
    try:
        _acquire(fd, say or _stderr)
        # Who holds it, for the message of a build that has to wait.
        command = "archivegen " + (sys.argv[1] if len(sys.argv) > 1 else "")
        note = f"process {os.getpid()} ({command.strip()}), since {time.strftime('%H:%M:%S')}\n"
        os.ftruncate(fd, 0)
        os.pwrite(fd, note.encode("utf-8", "replace"), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def _acquire(fd: int, say: Callable[[str], None]) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    limit = _wait_limit()
    say(f"archivegen: another build of this archive is running ({_holder(fd)}); waiting for it to finish")
    deadline = time.monotonic() + limit
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise ArchivegenError(f"another build of this archive ({_holder(fd)}) still runs after "
                                      f"{limit:.0f} s; stop it or try again later") from None
            time.sleep(0.1)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
