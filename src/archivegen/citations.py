"""Citations of a record.

A first Chicago (notes-bibliography) formatter for the record page's citation box, built after the
Wilson Center Digital Archive's own citations. Full CSL output and exports come later.
"""

from __future__ import annotations

from .model import Record
from .settings import Settings
from . import urls


def _given_first(name: str) -> str:
    family, sep, given = name.partition(",")
    return f"{given.strip()} {family.strip()}" if sep and given.strip() else name.strip()


def _join(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def chicago(record: Record, settings: Settings) -> str:
    """Chicago note-style citation as plain text."""
    parts: list[str] = []
    if record.creators:
        parts.append(_join([_given_first(c) for c in record.creators]))
    parts.append(f"\u201c{record.title.rstrip('.')},\u201d {record.date.display}")
    if record.source:
        parts.append(record.source.rstrip("."))
    elif record.archive:
        parts.append(record.archive.rstrip("."))
    parts.append(settings.title + (f", {settings.publisher}" if settings.publisher else ""))
    parts.append(urls.absolute(settings, urls.record(record.id)))
    return ", ".join(parts) + "."
