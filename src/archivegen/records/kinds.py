"""Kinds of record field: how a front matter value is checked, normalised and read back.

A kind knows one shape of value (one line of text, a list of names, an EDTF date…). The field
table (fields.py) gives each field a kind; validation, import and the later stages ask the kind,
never the field's name, how to treat a value.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from archivegen.problems import Problem, error, warning
from archivegen.records import rights as rights_mod
from archivegen.records.dates import DateError, RecordDate, parse_date
from archivegen.records.load import ID_PATTERN
from archivegen.records.rights import Rights

_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Language:
    """A language a record is written in."""

    code: str
    """ISO 639-1 code where one exists, else ISO 639-3 ("ru", "hu", "chu")."""
    name: str
    """English name ("Russian")."""


@dataclass
class Context:
    """Where a value stands (for messages) and what checking it needs."""

    path: str
    """The record file, relative to the archive folder."""
    record_id: str
    key: str
    """The field's name."""
    line: Callable[[int | None], int]
    """The file line of the field (None) or of one of its list items (an index)."""
    rights: Mapping[str, Rights]
    """Rights statements defined in archive.yaml."""
    root: Path | None
    """The archive folder; None skips the checks that read files."""
    problems: list[Problem] = field(default_factory=list)

    def error(self, message: str, index: int | None = None) -> None:
        self.problems.append(error(self.path, self.line(index), self.key, message))

    def warning(self, message: str, index: int | None = None) -> None:
        self.problems.append(warning(self.path, self.line(index), self.key, message))


#: Control characters (C0 but tab, line feed and carriage return; DEL; C1): invalid in HTML, XML
#: (the feed) and BibTeX, and never meant in a record (a paste from a PDF or a word processor).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character(value: Any) -> str | None:
    """A message naming the first control character in a value (text, or a list of text), or None."""
    texts = value if isinstance(value, list) else [value]
    for i, text in enumerate(texts):
        found = _CONTROL.search(text) if isinstance(text, str) else None
        if found:
            item = f"item {i + 1} " if isinstance(value, list) else ""
            return (f"{item}contains the control character U+{ord(found.group()):04X} at character "
                    f"{found.start() + 1}; remove it (often left by a copy from a PDF or a word processor)")
    return None


def clean(text: str) -> str:
    """NFC, every run of white space one space, no space at the ends."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def describe(value: Any) -> str:
    """A found value, as a message names it."""
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (a 'key: value' inside the value; quote text that contains ': ')"
    if isinstance(value, str):
        return f'"{value}"'
    return type(value).__name__


class Kind:
    """A shape of field value. Subclasses override what differs."""

    #: How docs/records.md names the kind.
    doc = "text"
    #: A list in the front matter (import splits a cell into items).
    multi = False
    #: Extra lines for the comment above the field in a new record file.
    guide: tuple[str, ...] = ()

    def empty(self) -> Any:
        """The value of an absent field."""
        return ""

    def parse(self, value: Any, at: Context) -> Any | None:
        """The normalised value, or None when it is refused (the problem is added to ``at``)."""
        raise NotImplementedError

    def terms(self, value: Any) -> tuple[str, ...]:
        """The value as names a reader sees, browses and filters by."""
        return (value,) if value else ()

    def export(self, value: Any) -> Any:
        """The value in data/records.json (records.csv joins lists)."""
        return value


class Text(Kind):
    """One line of plain text; white space runs become one space."""

    def __init__(self, squeeze: bool = True, doc: str = "text") -> None:
        self.squeeze = squeeze
        self.doc = doc

    def parse(self, value: Any, at: Context) -> str | None:
        if isinstance(value, bool) or not isinstance(value, str):
            at.error(f'expected text, found {describe(value)}; quote it: {at.key}: "…"')
            return None
        return clean(value) if self.squeeze else value.strip()


class Names(Kind):
    """A list of names (people, places, terms…), each cleaned like text; repeats are dropped."""

    doc = "list"
    multi = True

    def __init__(self, squeeze: bool = True) -> None:
        self.squeeze = squeeze

    def empty(self) -> tuple[str, ...]:
        return ()

    def parse(self, value: Any, at: Context) -> tuple[Any, ...] | None:
        if not isinstance(value, list):
            shown = f'["{value}"]' if isinstance(value, str) else "[…]"
            at.error(f"expected a list, found {describe(value)}; write {at.key}: {shown}")
            return None
        items: list[str] = []
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, str) or not item.strip():
                at.error(f"item {i + 1}: expected a name, found {describe(item)}; quote it if it is text", i)
                continue
            cleaned = clean(item) if self.squeeze else item.strip()
            if cleaned in items:
                at.warning(f'"{cleaned}" is listed twice', i)
                continue
            items.append(cleaned)
        return self.items(items, at)

    def items(self, items: list[str], at: Context) -> tuple[Any, ...] | None:
        """Checks of the items beyond their being names."""
        return tuple(items)

    def terms(self, value: Any) -> tuple[str, ...]:
        return tuple(value)

    def export(self, value: Any) -> Any:
        return list(value)


class Languages(Names):
    """ISO 639 languages, by name or code; stored as Language (code and English name)."""

    def items(self, items: list[str], at: Context) -> tuple[Language, ...] | None:
        languages: list[Language] = []
        for i, name in enumerate(items):
            lang = normalise_language(name)
            if lang is None:
                at.error(f'"{name}" is not an ISO 639 language name or code; e.g. Russian, ru, hun', i)
            elif lang not in languages:
                languages.append(lang)
        return tuple(languages)

    def terms(self, value: Any) -> tuple[str, ...]:
        return tuple(lang.name for lang in value)

    def export(self, value: Any) -> Any:
        return [lang.code for lang in value]


class RecordIds(Names):
    """Ids of other records of the archive (that they exist is checked across records)."""

    def __init__(self) -> None:
        super().__init__(squeeze=False)

    def items(self, items: list[str], at: Context) -> tuple[str, ...] | None:
        for i, rel in enumerate(items):
            if not ID_PATTERN.match(rel):
                at.error(f'"{rel}" is not a record id', i)
        return tuple(items)


class Files(Names):
    """Files beside the record file, inside the archive; stored relative to the archive folder."""

    def __init__(self) -> None:
        super().__init__(squeeze=False)

    def items(self, items: list[str], at: Context) -> tuple[str, ...] | None:
        files: list[str] = []
        copied_as: dict[str, str] = {}
        for i, name in enumerate(items):
            resolved, problem = check_file(at.path, name, at.root)
            # Originals are copied to records/<id>/<file name>: two with one name would overwrite
            # each other, and index.html would replace the record page itself.
            base = PurePosixPath(name.replace("\\", "/")).name
            if not problem and base.casefold() == "index.html":
                problem = f'"{name}": a file named index.html would replace the record page; rename it'
            elif not problem and base.casefold() in copied_as:
                problem = (f'"{name}" has the same file name as "{copied_as[base.casefold()]}"; both would be '
                           f"published as records/{at.record_id}/{base}: rename one")
            if problem:
                at.error(problem, i)
            elif resolved:
                copied_as[base.casefold()] = name
                files.append(resolved)
        return tuple(files)


class Date(Kind):
    """An EDTF date (levels 0-1, and the level-2 forms docs/records.md lists)."""

    doc = "EDTF date"
    guide = ("The date in EDTF: 1956-11-01, 1956-11, 1956, 1956~ (approximate),",
             "1956? (uncertain), 195X (the 1950s), 1956-10-23/1956-11-04 (a span).")

    def empty(self) -> None:
        return None

    def parse(self, value: Any, at: Context) -> RecordDate | None:
        if isinstance(value, bool) or not isinstance(value, str):
            at.error(f"expected an EDTF date, found {describe(value)}; "
                     f"e.g. {at.key}: 1956-11-01 or {at.key}: 1956-10-23/1956-11-04")
            return None
        try:
            return parse_date(value)
        except DateError as exc:
            at.error(str(exc))
            return None

    def terms(self, value: Any) -> tuple[str, ...]:
        return (value.display,) if value else ()

    def export(self, value: Any) -> Any:
        return value.edtf if value else ""


class RightsKey(Kind):
    """A rights statement: a key of archive.yaml, a rightsstatements.org code or a CC licence id."""

    doc = "key"

    def empty(self) -> None:
        return None

    def parse(self, value: Any, at: Context) -> Rights | None:
        if not isinstance(value, str) or not value.strip():
            at.error(f"expected a rights key, found {describe(value)}")
            return None
        found = rights_mod.lookup(value.strip(), at.rights)
        if found is None:
            keys = rights_mod.known_keys(at.rights)
            close = difflib.get_close_matches(value, keys, n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'? " if close else ""
            local = ", ".join(sorted(at.rights)) or "none"
            at.error(f'"{value}" is not defined: {hint}use a key from archive.yaml ({local}), '
                     "a rightsstatements.org code (InC-EDU, NoC-US…) or a Creative Commons id "
                     "(CC-BY-4.0, CC0-1.0…)")
        return found

    def terms(self, value: Any) -> tuple[str, ...]:
        return (value.label,) if value else ()

    def export(self, value: Any) -> Any:
        return value.label if value else ""


@lru_cache(maxsize=4096)
def normalise_language(value: str) -> Language | None:
    """ISO 639 code (2 or 3 letters) or English name -> Language; None when unknown."""
    import pycountry  # noqa: PLC0415 - loads its JSON database on first use only

    text = value.strip()
    lang = None
    if re.fullmatch(r"[A-Za-z]{2}", text):
        lang = pycountry.languages.get(alpha_2=text.lower())
    elif re.fullmatch(r"[A-Za-z]{3}", text):
        lang = pycountry.languages.get(alpha_3=text.lower())
    if lang is None:
        try:
            lang = pycountry.languages.lookup(text)
        except LookupError:
            return None
    code = getattr(lang, "alpha_2", None) or lang.alpha_3
    return Language(code, lang.name)


def check_file(record_path: str, name: str, root: Path | None) -> tuple[str | None, str | None]:
    """Resolve a ``files`` entry beside the record; refuse anything that leaves the archive."""
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or re.match(r"[A-Za-z]:", name):
        return None, f'"{name}" is an absolute path; give a path beside the record file, e.g. scan.pdf'
    if ".." in pure.parts:
        return None, f'"{name}" leaves the record\'s folder (".."); keep originals beside the record file'
    rel = (PurePosixPath(record_path).parent / pure).as_posix()
    if root is None:
        return rel, None
    full = root / rel
    # No part of the path may be a symlink: a link could point anywhere on the machine.
    probe = root
    for part in PurePosixPath(rel).parts:
        probe = probe / part
        if probe.is_symlink():
            return None, f'"{name}" is a symbolic link; copy the file into the archive instead'
    if not full.is_file():
        return None, f'"{name}" not found (looked for {rel})'
    real = os.path.realpath(full)
    if not real.startswith(os.path.realpath(root) + os.sep):
        return None, f'"{name}" resolves outside the archive'
    return rel, None
