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
