"""Check raw records field by field and against each other; build typed Records.

Every problem found is returned; nothing stops at the first one.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from archivegen.problems import Problem, error, has_errors, warning
from archivegen.records.fields import BY_NAME, FIELDS, NAMES, REQUIRED, RESERVED
from archivegen.records.kinds import Context, Date, RecordIds, control_character, normalise_language
from archivegen.records.links import note_labels, record_links
from archivegen.records.load import ID_PATTERN, RawRecord
from archivegen.records.model import Link, Record, make_record
from archivegen.records.settings import Settings
from archivegen.records.texts import Text

__all__ = ["cross_check", "normalise_language", "validate_record"]


def validate_record(raw: RawRecord, settings: Settings,
                    root: Path | None = None) -> tuple[Record | None, list[Problem]]:
    """Every field of one record, checked and normalised by its kind (records/fields.py).

    ``root`` enables the checks that read files (``files``).
    """
    problems = _check_names(raw)
    problems += _check_required(raw)
    problems += _check_body(raw)
    values: dict[str, Any] = {}
    for f in FIELDS:
        value = raw.fields.get(f.name)
        if value is None or (value == "" and isinstance(f.kind, Date)):
            values[f.name] = f.kind.empty()
            continue
        at = Context(raw.path, raw.id, f.name, _liner(raw, f.name), settings.rights, root, problems)
        control = control_character(value)
        if control:  # every kind alike: a field with one is refused (issue 20)
            at.error(control)
            values[f.name] = f.kind.empty()
            continue
        parsed = f.kind.parse(value, at)
        values[f.name] = f.kind.empty() if parsed is None else parsed
        if f.required and parsed is not None and not f.kind.terms(parsed):
            at.error(f"required, and empty once white space is removed; e.g. '{f.name}: {f.example}'")
    summary = values.get("summary") or ""
    if "record:" in summary and record_links(summary):
        # Summaries are shown in listings and feeds, where record: links are not resolved.
        problems.append(error(raw.path, raw.lines.get("summary", 1), "summary",
                              "record: links work in the transcription, not in the summary; link there"))
    if has_errors(problems) or any(not values[name] for name in REQUIRED):
        return None, problems
    links = _links(raw, values.get("texts") or ())
    return make_record(raw.id, raw.path, values, raw.body, raw.body_line, links), problems


def _links(raw: RawRecord, texts: tuple[Text, ...]) -> tuple[Link, ...]:
    """``record:`` links in the body and in the record's text files, with their file and line
    (whether their targets exist is checked across records: ``cross_check``)."""
    found = [Link(target, raw.path, raw.body_line + line, fragment)
             for target, fragment, line in record_links(raw.body)]
    for text in texts:
        if text.file:
            found += [Link(target, text.file, line + 1, fragment) for target, fragment, line in record_links(text.body)]
    return tuple(found)


def _check_body(raw: RawRecord) -> list[Problem]:
    """The transcription may hold no control character either (it reaches HTML and the feed)."""
    if control_character(raw.body) is None:  # one scan of the whole text in the common case
        return []
    for number, text in enumerate(raw.body.split("\n"), start=raw.body_line):
        control = control_character(text)
        if control:
            return [error(raw.path, number, "body", control)]
    return []


def _liner(raw: RawRecord, key: str) -> Callable[[int | None], int]:
    """The line of a field (None) or of one of its list items."""

    def line(index: int | None = None) -> int:
        items = raw.item_lines.get(key)
        if index is not None and items is not None and index < len(items):
            return items[index]
        return raw.lines.get(key, raw.end_line)

    return line


def _check_names(raw: RawRecord) -> list[Problem]:
    """The file name is an id; every key is a field of the table and none is reserved."""
    problems = []
    if not ID_PATTERN.match(raw.id):
        problems.append(error(raw.path, 1, "id", f'file name "{raw.id}" is not a valid record id: use '
                              "letters, digits, '.', '_' and '-', starting with a letter or digit "
                              "(e.g. andropov-1956-11-01.md)"))
    for key in raw.fields:
        at = raw.lines.get(key, raw.end_line)
        if key in RESERVED:
            problems.append(error(raw.path, at, key,
                                  f"'{key}' is set by archivegen and cannot be set in a record; remove it"))
        elif key not in BY_NAME:
            close = difflib.get_close_matches(key, NAMES, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known fields: {', '.join(NAMES)}"
            problems.append(warning(raw.path, at, key, f"unknown field{hint}"))
    return problems


def _check_required(raw: RawRecord) -> list[Problem]:
    problems = []
    for name in REQUIRED:
        if name in raw.lines and name not in raw.fields:
            continue  # present but refused by the loader, which reported why
        if raw.fields.get(name) in (None, "", []):
            at = raw.lines.get(name, raw.end_line) if name in raw.fields else raw.end_line
            example = f"{name}: {BY_NAME[name].example}"
            problems.append(error(raw.path, at, name, f"required, missing or empty; e.g. '{example}'"))
    return problems


def cross_check(raws: list[RawRecord], records: list[Record]) -> list[Problem]:
    """Checks across records: unique ids (also case-insensitively: URLs) and linked ids exist."""
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
    links = [f.name for f in FIELDS if isinstance(f.kind, RecordIds)]
    for raw in raws:
        for name in links:
            problems += _missing_ids(raw, name, ids)
    problems += _check_record_links(records, ids)
    return problems


def _check_record_links(records: list[Record], ids: set[str]) -> list[Problem]:
    """Every ``record:ID`` link names a record, and a ``#note-N`` fragment one of its notes."""
    problems: list[Problem] = []
    by_id = {r.id: r for r in records}
    for record in records:
        for link in record.links:
            if link.target not in ids:
                close = difflib.get_close_matches(link.target, sorted(ids), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                problems.append(error(link.path, link.line, "body", f'link to "record:{link.target}": no record '
                                      f"has the id \"{link.target}\"{hint}; write [text](record:ID), ID being a "
                                      "record's file name without .md"))
            elif link.fragment.startswith("note-") and link.target in by_id:
                target = by_id[link.target]
                labels = {f"note-{label}" for label in note_labels(target.body)}
                if link.fragment not in labels:
                    shown = ", ".join(sorted(labels)) or "none"
                    problems.append(error(link.path, link.line, "body", f'link to "record:{link.target}#'
                                          f'{link.fragment}": that record has no such note (its notes: {shown})'))
    return problems


def _missing_ids(raw: RawRecord, name: str, ids: set[str]) -> list[Problem]:
    """A record-id field's ids that no record has."""
    problems: list[Problem] = []
    value = raw.fields.get(name)
    if not isinstance(value, list):
        return problems
    for i, rel in enumerate(value):
        if isinstance(rel, str) and rel.strip() and rel.strip() not in ids:
            close = difflib.get_close_matches(rel.strip(), sorted(ids), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            at = _liner(raw, name)(i)
            problems.append(error(raw.path, at, name, f'no record has the id "{rel.strip()}"{hint}'))
    return problems
