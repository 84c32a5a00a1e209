"""``archivegen import``: record files from a spreadsheet (CSV) export, all or nothing.

One row per record; the header names the record fields (any case). Multi-valued fields
(people, places…) split their cells on ``;``, or on line breaks when the cell has any (so an
item may contain a ``;``). ``id`` is optional (the title's slug otherwise),
and ``body`` or ``transcription`` holds the Markdown text. Every generated file goes through the
same parse and validation as ``archivegen check`` before anything is written; any error in any
row writes nothing. Problems name the spreadsheet row (the header is row 1), which is what the
archivist sees in Excel or LibreOffice, even when a cell spans several lines of the file.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from archivegen.commands.new import fresh_id, taken_ids
from archivegen.problems import Problem, Severity, error, sort_problems, warning
from archivegen.records.fields import BY_NAME, FIELDS
from archivegen.records.load import RawRecord, decode, find_documents, parse_record, read_record
from archivegen.records.settings import load_settings
from archivegen.records.validate import cross_check, validate_record

BODY_COLUMNS = ("body", "transcription")
_SPREADSHEET_DATE = re.compile(r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}")
#: The columns an import reads, and their order in the written files: the field table's.
ORDER = tuple(f.name for f in FIELDS if f.imported)


@dataclass
class Row:
    """One spreadsheet row turned into a record file (not yet written)."""

    row: int
    """Spreadsheet row number (header = 1)."""
    id: str
    rel: str
    """documents/<id>.md"""
    text: str
    title: str = ""


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper (it quotes what must be quoted), with multi-line text as blocks."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def front_matter(fields: dict[str, Any]) -> str:
    ordered = {key: fields[key] for key in ORDER if key in fields}
    return yaml.dump(ordered, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)


def record_file(fields: dict[str, Any], body: str) -> str:
    body = body.strip("\n")
    return "---\n" + front_matter(fields) + "---\n" + (body + "\n" if body else "")


def plan_import(root: Path, csv_path: Path) -> tuple[list[Row], list[Problem]]:
    """Read and check the spreadsheet; return the files to write and every problem found.

    Write the rows only when ``import_fails(problems)`` is false.
    """
    name = csv_path.name
    settings, problems = load_settings(root)
    if settings is None:
        return [], problems
    text, found = decode(name, csv_path.read_bytes())  # utf-8-sig: Excel's "CSV UTF-8" BOM
    if text is None:
        return [], [error(name, p.line, "encoding", p.message + ' (in Excel: Save As "CSV UTF-8")')
                    for p in found]
    # Excel saves "CSV" with ';' between cells where the decimal mark is a comma, and some
    # exports use tabs: the header line (field names: no commas inside) tells which.
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=lambda d: (first.count(d), d == ","))
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows or not any(cell.strip() for cell in rows[0]):
        return [], [error(name, 1, "header", "no header row; the first row names the fields, e.g. "
                          "title,date,people,body")]
    header = [cell.strip().lower() for cell in rows[0]]
    problems = _check_header(name, header)
    if problems:
        return [], problems

    existing: list[RawRecord] = []
    if (root / "documents").is_dir():
        for file in find_documents(root):
            raw, _ = read_record(root, file)
            if raw is not None:
                existing.append(raw)
    taken = taken_ids(root)

    planned: list[Row] = []
    new_raws: list[RawRecord] = []
    row_of: dict[str, int] = {}
    explicit_ids: dict[str, int] = {}
    blank: list[int] = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            blank.append(number)
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            problems.append(error(name, number, "row", f"has {len(cells)} cells but the header names "
                                  f"{len(header)} columns; is a ';' or a quote missing?"))
            continue
        values = {key: cell.replace("\r\n", "\n").replace("\r", "\n").strip()
                  for key, cell in zip(header, cells, strict=False)}
        fields: dict[str, Any] = {}
        for key in ORDER:
            value = values.get(key, "")
            if not value:
                continue
            if BY_NAME[key].kind.multi:
                # One item per line when the cell has line breaks (Alt+Enter in Excel), which
                # lets an item contain ';'; otherwise items are separated by ';'.
                parts = value.split("\n") if "\n" in value else value.split(";")
                items = [item.strip() for item in parts if item.strip()]
                if items:
                    fields[key] = items
            else:
                fields[key] = value
        body = next((values[c] for c in BODY_COLUMNS if values.get(c)), "")
        record_id = values.get("id", "")
        if record_id:
            key = record_id.casefold()
            if key in taken:
                problems.append(error(name, number, "id", f'"{record_id}" is already used by a record under '
                                      "documents/; existing files are never replaced"))
                continue
            if key in explicit_ids:
                problems.append(error(name, number, "id", f'"{record_id}" is also the id of row '
                                      f"{explicit_ids[key]}; ids must be unique"))
                continue
            explicit_ids[key] = number
        title = fields.get("title", "")
        planned.append(Row(number, record_id, "", record_file(fields, body), title))

    # Ids from titles come after the explicit ones, so that a title never takes an id a later
    # row asks for by name.
    taken |= set(explicit_ids)
    for row in planned:
        if not row.id:
            if not row.title:
                problems.append(error(name, row.row, "title", "required, missing or empty; the id is made "
                                      "from the title when there is no id column"))
                continue
            row.id = fresh_id(row.title, taken)
            taken.add(row.id.casefold())
        row.rel = f"documents/{row.id}.md"
        row_of[row.rel] = row.row
        raw, found = parse_record(row.rel, row.text)
        problems += [_at_row(name, row.row, p) for p in found]
        if raw is None:
            continue
        new_raws.append(raw)
        _, found = validate_record(raw, settings, root)
        date = raw.fields.get("date")
        if isinstance(date, str) and _SPREADSHEET_DATE.fullmatch(date):
            # Excel's habit of rewriting dates deserves a clearer word than the EDTF parser's.
            found = [p for p in found if p.field != "date"]
            found.append(error(row.rel, 0, "date", f'"{date}" is a spreadsheet-style date; write it as '
                               "EDTF, e.g. 1956-11-01 (format the date column as Text so Excel keeps it)"))
        problems += [_at_row(name, row.row, p) for p in found]
    # Cross-record checks (related ids exist, ids unique) over the archive as it will be; only
    # the new records' problems are the import's business.
    for p in cross_check(existing + new_raws, []):
        if p.path in row_of:
            problems.append(_at_row(name, row_of[p.path], p))
    for number in blank:
        problems.append(warning(name, number, "row", "empty row, skipped"))
    planned = [row for row in planned if row.rel]
    return planned, sort_problems(problems)


def import_fails(problems: list[Problem], strict: bool = False) -> bool:
    """Errors stop an import; with ``strict`` so do warnings (except for skipped empty rows)."""
    return any(p.severity is Severity.ERROR or (strict and p.field != "row") for p in problems)


def _check_header(name: str, header: list[str]) -> list[Problem]:
    problems = []
    allowed = set(ORDER) | {"id", *BODY_COLUMNS}
    seen: dict[str, int] = {}
    for col, key in enumerate(header, start=1):
        if not key:
            problems.append(error(name, 1, "header", f"column {col} has no name; name it after a record field"))
        elif key in seen:
            problems.append(error(name, 1, key, f"columns {seen[key]} and {col} both have this name; keep one"))
        elif key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            problems.append(error(name, 1, key, f"column {col} is not a record field; {hint}columns: "
                                  f"id, {', '.join(ORDER)}, body"))
        seen.setdefault(key, col)
    if len([c for c in BODY_COLUMNS if c in seen]) > 1:
        problems.append(error(name, 1, "body", "both 'body' and 'transcription' columns; keep one"))
    if "title" not in seen:
        problems.append(error(name, 1, "title", "no 'title' column; every record needs a title"))
    if "date" not in seen:
        problems.append(error(name, 1, "date", "no 'date' column; every record needs a date (EDTF, e.g. 1956-11-01)"))
    return problems


def _at_row(name: str, row: int, problem: Problem) -> Problem:
    return Problem(name, row, problem.field, problem.message, problem.severity)


def write_rows(root: Path, rows: list[Row]) -> list[Path]:
    """Write every planned file, or none: a file appearing meanwhile undoes the ones written."""
    written: list[Path] = []
    try:
        for row in rows:
            path = root / row.rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8") as fh:
                written.append(path)
                fh.write(row.text)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written
