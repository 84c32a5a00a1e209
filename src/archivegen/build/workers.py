"""Worker processes and the build's memory policy: forked pools, a forked child for a whole phase,
when the garbage collector runs, and handing freed memory back.

Every trick here was measured (docs/performance.md):

- Work goes to forked workers, which read the loaded archive, the Jinja environment and the plan
  from the parent's memory instead of receiving pickled copies: ``run_chunks`` hands each a
  context set before the fork.
- Objects alive at a fork are frozen (``gc.freeze``): the workers' collections skip them, so
  fewer shared pages are written to (copy-on-write).
- While a build makes objects that all live on (a loaded archive, a plan, an unpickled cache),
  collections find nothing and cost ~1 s at 10,000 records: ``paused_collection``.
  Rendering makes short-lived cycles (Jinja): it collects among new objects only, the loaded
  archive and the plan frozen (``frozen_heap(collect=True)``).
- On large archives a render worker is replaced after a few chunks (``RECYCLE_ABOVE``).
- A full build renders in a child process (``in_child``): a Python process keeps the heap it
  grew, and the index then needs memory of its own.
- ``release_memory`` hands freed heap back to the system (glibc keeps it otherwise).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from archivegen.problems import ArchivegenError, BuildFailed
from archivegen.progress import Progress

C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R")

#: Below this many items a worker pool costs more than it saves.
PARALLEL_MIN = 400
#: Chunks a render worker handles before it is replaced by a fresh fork, on archives of more than
#: RECYCLE_ABOVE records. A forked worker shares the parent's memory until it writes to it, and
#: merely reading a Python object writes its reference count: a worker that renders a whole large
#: site ends up with its own copy of most of the archive. A fresh worker starts from shared pages
#: again, but pays to copy them again and starts with empty caches: at 10,000 records recycling
#: cost 2.4–3.1 s of a 15.5–18.8 s build (--no-index, three alternating pairs) for 100 MB less.
WORKER_CHUNKS = int(os.environ.get("ARCHIVEGEN_WORKER_CHUNKS", "4") or 4)
RECYCLE_ABOVE = 20_000


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


# ---------------------------------------------------------------------------------------------
# Garbage collection: one policy, two context managers

_resume: list[bool] = []
"""Per open ``paused_collection``: whether collections were on before it."""


@contextmanager
def paused_collection() -> Iterator[None]:
    """No cyclic garbage collection inside: building hundreds of thousands of objects that all
    live on (loading, modelling, planning, unpickling a cache) otherwise triggers full
    collections that walk the whole heap again and again, for nothing. On the way out the heap
    is thawed if it was not frozen on the way in (also when the build failed while frozen: serve
    rebuilds in one process), and collections are as they were."""
    _resume.append(gc.isenabled())
    was_frozen = gc.get_freeze_count() > 0
    gc.disable()
    try:
        yield
    finally:
        if not was_frozen:
            gc.unfreeze()
        if _resume.pop():
            gc.enable()


@contextmanager
def frozen_heap(collect: bool = False) -> Iterator[None]:
    """Every object alive now is frozen inside: collections skip it, and a forked worker does not
    write to its memory when collecting. With ``collect``, collections run inside among new
    objects (if they were on before the enclosing ``paused_collection``). Only the outermost
    freeze thaws. (No gc.collect() first: on a loaded archive a full collection costs more than
    it frees.)"""
    was_frozen = gc.get_freeze_count() > 0
    was_enabled = gc.isenabled()
    gc.freeze()
    if collect and (_resume[-1] if _resume else was_enabled):
        gc.enable()
    try:
        yield
    finally:
        if not was_frozen:
            gc.unfreeze()
        if not was_enabled:
            gc.disable()


def release_memory() -> None:
    """Hand freed heap back to the system (glibc keeps it otherwise). No collection first: over a
    40,000-record heap one costs ~0.5 s and finds nothing (the archive holds no cycles)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: the memory is reused, only not returned
        ctypes.CDLL("libc.so.6").malloc_trim(0)


# ---------------------------------------------------------------------------------------------
# A pool of forked workers

_work: tuple[Callable[[Any, Sequence[Any]], list[Any]], Any] | None = None
"""The function and context of the pool being run: set before the fork, read by the workers."""


def _call(chunk: Sequence[Any]) -> list[Any]:
    assert _work is not None
    func, context = _work
    return func(context, chunk)


def _chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def run_chunks(func: Callable[[C, Sequence[T]], list[R]], context: C, items: Sequence[T], jobs: int,
               progress: Progress | None, *, size: int | None = None, recycle: bool = False) -> Iterator[R]:
    """``func(context, chunk)`` over chunks of ``items``, in ``jobs`` forked processes when worth
    it; results in any order. The workers read ``context`` from the parent's memory (never
    pickled). ``size``: items per chunk (default: by count), and the caller has judged a pool
    worth it. ``recycle``: replace each worker after WORKER_CHUNKS chunks (a large parent heap)."""
    global _work
    if jobs <= 1 or (size is None and len(items) < PARALLEL_MIN) or not can_fork():
        for chunk in _chunks(items, size or 100):
            results = func(context, chunk)
            yield from results
            if progress:
                progress.advance(len(results))
        return
    size = size or max(20, min(500, len(items) // (jobs * 8)))
    _work = (func, context)
    try:
        with frozen_heap(), multiprocessing.get_context("fork").Pool(
                jobs, initializer=gc.enable, maxtasksperchild=WORKER_CHUNKS if recycle else None) as pool:
            for results in pool.imap_unordered(_call, _chunks(items, size)):
                yield from results
                if progress:
                    progress.advance(len(results))
    finally:
        _work = None


# ---------------------------------------------------------------------------------------------
# A forked child for a whole phase


def in_child(func: Callable[[T], R], arg: T, *, lost: Callable[[int], None] = lambda pid: None) -> R:
    """``func(arg)`` in a forked process, its result (or failure) pickled back through a file.
    ``lost(pid)`` cleans up after a child that ended without a word (killed: out of memory)."""
    if not can_fork():
        return func(arg)
    fd, name = tempfile.mkstemp(prefix=".archivegen-render-", suffix=".pickle")
    os.close(fd)
    result = Path(name)
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        _child(func, arg, result)
    try:
        _, status = os.waitpid(pid, 0)
        try:
            with open(result, "rb") as f:
                kind, value = pickle.load(f)
        except (OSError, EOFError, pickle.UnpicklingError) as exc:
            lost(pid)
            raise ArchivegenError(f"the build's render process ended without a result (status {status})") from exc
    except BaseException:
        try:  # interrupted: stop the child too
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        lost(pid)
        raise
    finally:
        result.unlink(missing_ok=True)
    if kind == "failed":
        raise BuildFailed(value)
    if kind == "error":
        raise value
    return value  # type: ignore[no-any-return]


def _child(func: Callable[[T], R], arg: T, result: Path) -> NoReturn:
    """The forked child's whole life: run, write the outcome, exit (never return)."""
    status = 0
    try:
        try:
            outcome: tuple[str, Any] = ("ok", func(arg))
        except BuildFailed as failed:
            outcome = ("failed", failed.problems)
        except BaseException as exc:
            outcome = ("error", exc)
        with open(result, "wb") as f:
            try:
                pickle.dump(outcome, f, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:
                f.seek(0)
                f.truncate()
                pickle.dump(("error", ArchivegenError(f"{type(outcome[1]).__name__}: {outcome[1]}")), f)
    except BaseException:
        status = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()  # the progress bar's last words; os._exit skips Python's own flush
        os._exit(status)
