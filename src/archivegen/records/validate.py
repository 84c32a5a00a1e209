"""Check raw records field by field and against each other; build typed Records.

Every problem found is returned; nothing stops at the first one.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from archivegen.records import rights as rights_mod
from archivegen.records.dates import DateError, RecordDate, parse_date
from archivegen.records.load import ID_PATTERN, RawRecord
from archivegen.records.model import Language, Record
from archivegen.problems import Problem, error, warning
from archivegen.records.settings import Settings

TEXT_FIELDS = ("title", "type", "summary", "classification", "archive", "source")
LIST_FIELDS = ("languages", "creators", "people", "places", "subjects", "collections", "related", "files")
DATE_FIELDS = ("date", "uploaded")
KNOWN_FIELDS = (*TEXT_FIELDS, *LIST_FIELDS, *DATE_FIELDS, "rights")
#: Names the build derives itself; a record may not set them.
RESERVED = ("id", "url", "path", "slug", "body", "content", "permalink", "layout", "template")
REQUIRED = ("title", "date")
_WS = re.compile(r"\s+")


def _clean(text: str) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


@lru_cache(maxsize=4096)
def normalise_language(value: str) -> Language | None:
    """ISO 639 code (2 or 3 letters) or English name -> Language; None when unknown."""
    import pycountry  # loads its JSON database on first use only

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


def validate_record(raw: RawRecord, settings: Settings, root: Path | None = None) -> tuple[Record | None, list[Problem]]:
    """Field checks for one record. ``root`` enables the file checks for ``files``."""
    path, f, problems = raw.path, raw.fields, []

    def line(key: str, index: int | None = None) -> int:
        if index is not None and key in raw.item_lines and index < len(raw.item_lines[key]):
            return raw.item_lines[key][index]
        return raw.lines.get(key, raw.end_line)

    if not ID_PATTERN.match(raw.id):
        problems.append(error(path, 1, "id", f'file name "{raw.id}" is not a valid record id: use letters, '
                              "digits, '.', '_' and '-', starting with a letter or digit (e.g. andropov-1956-11-01.md)"))
    for key in f:
        if key in RESERVED:
            problems.append(error(path, line(key), key, f"'{key}' is set by archivegen and cannot be set in a record; remove it"))
        elif key not in KNOWN_FIELDS:
            close = difflib.get_close_matches(key, KNOWN_FIELDS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known fields: {', '.join(KNOWN_FIELDS)}"
            problems.append(warning(path, line(key), key, f"unknown field{hint}"))
    for key in REQUIRED:
        if key in raw.lines and key not in f:
            continue  # present but refused by the loader, which reported why
        if f.get(key) in (None, "", []):
            at = line(key) if key in f else raw.end_line
            example = "title: Andropov Report, 1 November 1956" if key == "title" else "date: 1956-11-01"
            problems.append(error(path, at, key, f"required, missing or empty; e.g. '{example}'"))

    text: dict[str, str] = {}
    for key in TEXT_FIELDS:
        value = f.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str):
            problems.append(error(path, line(key), key, f"expected text, found {_describe(value)}; "
                                  f"quote it: {key}: \"…\""))
            continue
        text[key] = value.strip() if key == "summary" else _clean(value)

    lists: dict[str, tuple[str, ...]] = {}
    for key in LIST_FIELDS:
        value = f.get(key)
        if value is None:
            continue
        if not isinstance(value, list):
            shown = f'["{value}"]' if isinstance(value, str) else "[…]"
            problems.append(error(path, line(key), key, f"expected a list, found {_describe(value)}; "
                                  f"write {key}: {shown}"))
            continue
        items: list[str] = []
        seen: set[str] = set()
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, str) or not item.strip():
                problems.append(error(path, line(key, i), key, f"item {i + 1}: expected a name, found "
                                      f"{_describe(item)}; quote it if it is text"))
                continue
            cleaned = item.strip() if key in ("files", "related") else _clean(item)
            if cleaned in seen:
                problems.append(warning(path, line(key, i), key, f'"{cleaned}" is listed twice'))
                continue
            seen.add(cleaned)
            items.append(cleaned)
        lists[key] = tuple(items)

    languages: list[Language] = []
    for i, name in enumerate(lists.get("languages", ())):
        lang = normalise_language(name)
        if lang is None:
            problems.append(error(path, line("languages", i), "languages",
                                  f'"{name}" is not an ISO 639 language name or code; e.g. Russian, ru, hun'))
        elif lang not in languages:
            languages.append(lang)

    dates: dict[str, RecordDate] = {}
    for key in DATE_FIELDS:
        value = f.get(key)
        if value in (None, ""):
            continue
        if isinstance(value, bool) or not isinstance(value, str):
            problems.append(error(path, line(key), key, f"expected an EDTF date, found {_describe(value)}; "
                                  f"e.g. {key}: 1956-11-01 or {key}: 1956-10-23/1956-11-04"))
            continue
        try:
            dates[key] = parse_date(value)
        except DateError as exc:
            problems.append(error(path, line(key), key, str(exc)))

    rights = None
    value = f.get("rights")
    if value is not None:
        if not isinstance(value, str) or not value.strip():
            problems.append(error(path, line("rights"), "rights", f"expected a rights key, found {_describe(value)}"))
        else:
            rights = rights_mod.lookup(value.strip(), settings.rights)
            if rights is None:
                keys = rights_mod.known_keys(settings.rights)
                close = difflib.get_close_matches(value, keys, n=1, cutoff=0.5)
                hint = f"did you mean '{close[0]}'? " if close else ""
                local = ", ".join(sorted(settings.rights)) or "none"
                problems.append(error(path, line("rights"), "rights",
                                      f'"{value}" is not defined: {hint}use a key from archive.yaml ({local}), '
                                      "a rightsstatements.org code (InC-EDU, NoC-US…) or a Creative Commons id "
                                      "(CC-BY-4.0, CC0-1.0…)"))

    for i, rel in enumerate(lists.get("related", ())):
        if not ID_PATTERN.match(rel):
            problems.append(error(path, line("related", i), "related", f'"{rel}" is not a record id'))

    files: list[str] = []
    copied_as: dict[str, str] = {}
    for i, name in enumerate(lists.get("files", ())):
        resolved, problem = _check_file(raw.path, name, root)
        # Originals are copied to records/<id>/<file name>: two with one name would overwrite each
        # other, and index.html would replace the record page itself.
        base = PurePosixPath(name.replace("\\", "/")).name
        if not problem and base.casefold() == "index.html":
            problem = f'"{name}": a file named index.html would replace the record page; rename it'
        elif not problem and base.casefold() in copied_as:
            problem = (f'"{name}" has the same file name as "{copied_as[base.casefold()]}"; both would be '
                       f"published as records/{raw.id}/{base}: rename one")
        if problem:
            problems.append(error(path, line("files", i), "files", problem))
        elif resolved:
            copied_as[base.casefold()] = name
            files.append(resolved)

    if any(p.severity.value == "error" for p in problems) or "title" not in text or "date" not in dates:
        return None, problems
    record = Record(
        id=raw.id, path=raw.path, title=text["title"], date=dates["date"], body=raw.body,
        type=text.get("type", ""), summary=text.get("summary", ""), languages=tuple(languages),
        creators=lists.get("creators", ()), people=lists.get("people", ()), places=lists.get("places", ()),
        subjects=lists.get("subjects", ()), collections=lists.get("collections", ()),
        classification=text.get("classification", ""), archive=text.get("archive", ""),
        source=text.get("source", ""), rights=rights, uploaded=dates.get("uploaded"),
        related=lists.get("related", ()), files=tuple(files), body_line=raw.body_line,
    )
    return record, problems


def _check_file(record_path: str, name: str, root: Path | None) -> tuple[str | None, str | None]:
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


def _describe(value: Any) -> str:
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


def cross_check(raws: list[RawRecord], records: list[Record]) -> list[Problem]:
    """Checks across records: unique ids (also case-insensitively: URLs) and related ids exist."""
    problems: list[Problem] = []
    by_key: dict[str, list[RawRecord]] = {}
    for raw in raws:
        by_key.setdefault(raw.id.casefold(), []).append(raw)
    for group in by_key.values():
        if len(group) > 1:
            paths = ", ".join(sorted(r.path for r in group))
            for raw in group:
                problems.append(error(raw.path, 1, "id", f'record id "{raw.id}" is used by more than one '
                                      f"file ({paths}); ids must be unique (case-insensitively) across documents/"))
    ids = {raw.id for raw in raws}
    for raw in raws:
        related = raw.fields.get("related")
        if not isinstance(related, list):
            continue
        for i, rel in enumerate(related):
            if isinstance(rel, str) and rel.strip() and rel.strip() not in ids:
                close = difflib.get_close_matches(rel.strip(), sorted(ids), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                at = raw.item_lines.get("related", [raw.lines.get("related", 1)] * (i + 1))[i]
                problems.append(error(raw.path, at, "related", f'no record has the id "{rel.strip()}"{hint}'))
    return problems
