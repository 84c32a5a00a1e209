"""Process helpers any stage may use (below every stage, like problems.py).

``die_with_parent()`` is for helper processes whose work is worthless without the build (the
render process, Pagefind): the kernel kills them when the build dies, so none runs on against a
folder the next build cleans (issue 20).
"""

from __future__ import annotations

import ctypes
import signal
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1
try:  # loaded up front: die_with_parent also runs between fork and exec, where little is safe
    _PRCTL: Callable[..., int] | None = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux: an orphan finishes its work and exits
    _PRCTL = None


def die_with_parent() -> None:
    """Ask Linux to send SIGKILL to this process when its parent dies (elsewhere: nothing)."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
