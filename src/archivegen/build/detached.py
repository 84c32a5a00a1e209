"""Process helpers that keep a killed build from tearing the site (issue 20).

``finish_alone(func, …)`` runs the step that changes ``site/`` (an incremental build's commit, a
full build's swap) in a child process of its own session: killing the build (``kill -9`` of its
process, Ctrl-C to its process group) cannot stop that child half-way, so the site is left
either as it was (killed before) or as built (the child carries on). The steps are renames, so
the child lives milliseconds to a few seconds. ``die_with_parent()`` is the opposite, for the
helpers whose work is worthless without the build (the render process, Pagefind): the kernel
kills them when the build dies, so none runs on against a folder the next build cleans.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable
from typing import NoReturn, ParamSpec

from archivegen.processes import die_with_parent

__all__ = ["die_with_parent", "finish_alone"]

P = ParamSpec("P")


def finish_alone(func: Callable[P, None], *args: P.args, **kwargs: P.kwargs) -> None:
    """``func(*args)`` in a child process that a kill of this one does not stop; its exception,
    if any, is raised here. Interrupted meanwhile (Ctrl-C), this waits for the child first."""
    if not hasattr(os, "fork"):  # pragma: no cover - not POSIX
        func(*args, **kwargs)
        return
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        _child(read, write, func, *args, **kwargs)
    os.close(write)
    interrupted: BaseException | None = None
    data = b""
    with os.fdopen(read, "rb") as pipe:
        while True:
            try:
                chunk = pipe.read(65536)
            except KeyboardInterrupt as exc:  # the child finishes in moments: wait for it
                interrupted = exc
                continue
            if not chunk:
                break
            data += chunk
    while True:
        try:
            os.waitpid(pid, 0)
            break
        except KeyboardInterrupt as exc:
            interrupted = exc
        except ChildProcessError:
            break
    if interrupted is not None:
        raise interrupted
    if not data:
        raise OSError(f"the process committing the site ({pid}) ended without a word")
    outcome = pickle.loads(data)  # our own child's bytes
    if outcome is not None:
        raise outcome


def _child(read: int, write: int, func: Callable[P, None], *args: P.args, **kwargs: P.kwargs) -> NoReturn:
    """The committing child's whole life: its own session, deaf to interrupts; run, report, exit."""
    status = 0
    try:
        os.close(read)
        os.setsid()  # out of the build's process group: Ctrl-C and group kills miss it
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_IGN)
        outcome: BaseException | None = None
        try:
            func(*args, **kwargs)
        except BaseException as exc:
            outcome = exc
        try:
            data = pickle.dumps(outcome)
        except Exception:  # an exception that does not pickle
            data = pickle.dumps(OSError(f"{type(outcome).__name__}: {outcome}"))
        with contextlib.suppress(OSError), os.fdopen(write, "wb") as pipe:  # gone: nobody to tell
            pipe.write(data)
    except BaseException:
        status = 1
    finally:
        os._exit(status)
