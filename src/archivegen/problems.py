"""Problems with the input, reported as data.

Bad input never raises: every stage returns ``Problem`` values, the build collects all of
them, prints them sorted by path and line, and exits 1. Exceptions are for bugs and I/O::

    Exception
     └── ArchivegenError        an operational failure the CLI reports without a traceback
          ├── BuildFailed       the input had errors; carries the list of Problems
          └── IndexingFailed    the Pagefind binary failed on the staged site
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in the input."""

    path: str
    """The file, relative to the archive folder (``documents/x.md``, ``archive.yaml``)."""
    line: int
    """1-based line in that file, counting the opening ``---`` fence; 0 when it has none."""
    field: str
    """The front matter key (or ``front matter``, ``body``, ``id``…) the problem is about."""
    message: str
    """What was found, what was expected, and an example."""
    severity: Severity = Severity.ERROR

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity.value}: {self.field}: {self.message}"


def error(path: str | PurePosixPath, line: int, field: str, message: str) -> Problem:
    return Problem(str(path), line, field, message, Severity.ERROR)


def warning(path: str | PurePosixPath, line: int, field: str, message: str) -> Problem:
    return Problem(str(path), line, field, message, Severity.WARNING)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.field, p.message))


def has_errors(problems: list[Problem], strict: bool = False) -> bool:
    return any(p.severity is Severity.ERROR or strict for p in problems)


class ArchivegenError(Exception):
    """An operational failure reported to the user without a traceback."""


class BuildFailed(ArchivegenError):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


class IndexingFailed(ArchivegenError):
    pass


#: What to do about the file-system errors a build can meet (issue 20): errno name -> advice.
_OS_ADVICE = {
    "ENOSPC": "no space left on the device; free some space (a full build needs room for a second "
              "copy of the site) and build again",
    "EDQUOT": "the disk quota is exceeded; free some space and build again",
    "EROFS": "the file system is read-only; build into a writable folder (archivegen build --out DIR)",
    "EACCES": "permission denied; build into a folder you may write to (archivegen build --out DIR)",
    "EPERM": "operation not permitted; build into a folder you may write to (archivegen build --out DIR)",
    "EFBIG": "the file is larger than the file-size limit (ulimit -f); raise the limit and build again",
    "EMFILE": "too many open files (ulimit -n); raise the limit and build again",
    "ENAMETOOLONG": "the path is longer than the file system allows; use a shorter output folder",
}


def os_error_message(exc: OSError, near: str = "a file of the build") -> str:
    """One line for a file-system failure: the path, what happened, what to do. ``near`` names
    the place when the error does not (a write to an open file names none)."""
    import errno  # noqa: PLC0415
    import re  # noqa: PLC0415

    if exc.errno is None and exc.args and isinstance(exc.args[0], list) and exc.args[0]:
        # shutil.copytree's Error: a list of (source, target, "[Errno N] text: …"); the first says it.
        _, target, why = exc.args[0][0]
        found = re.match(r"\[Errno (\d+)\] ([^:]*)", str(why))
        exc = OSError(int(found.group(1)), found.group(2), target) if found else OSError(0, str(why), target)
    name = errno.errorcode.get(exc.errno or 0, "")
    what = _OS_ADVICE.get(name) or (exc.strerror or str(exc))
    where = exc.filename if exc.filename is not None else f"writing {near}"
    return f"{where}: {what}"
