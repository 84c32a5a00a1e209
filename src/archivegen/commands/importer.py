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
from archivegen.records.load import ID_PATTERN, RawRecord, decode, find_documents, parse_record, read_record
from archivegen.records.settings import Settings, load_settings
from archivegen.records.validate import cross_check, validate_record
from archivegen.render.exports import FORMULA_START

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
    sheet, problems = _read_sheet(name, csv_path)
    if sheet is None:
        return [], problems
    header, rows = sheet
    taken = taken_ids(root)
    planned, explicit_ids, blank = _plan_rows(name, header, rows, taken, problems)
    # Ids from titles come after the explicit ones, so that a title never takes an id a later
    # row asks for by name.
    taken |= set(explicit_ids)
    new_raws: list[RawRecord] = []
    row_of: dict[str, int] = {}
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
        raw = _check_row(name, row, settings, root, problems)
        if raw is not None:
            new_raws.append(raw)
    # Cross-record checks (related ids exist, ids unique) over the archive as it will be; only
    # the new records' problems are the import's business.
    for p in cross_check(_existing(root) + new_raws, []):
        if p.path in row_of:
            problems.append(_at_row(name, row_of[p.path], p))
    for number in blank:
        problems.append(warning(name, number, "row", "empty row, skipped"))
    planned = [row for row in planned if row.rel]
    return planned, sort_problems(problems)


def _read_sheet(name: str, csv_path: Path) -> tuple[tuple[list[str], list[list[str]]] | None, list[Problem]]:
    """The header (field names, lower case) and the rows, or the problems that stop the import."""
    text, found = decode(name, csv_path.read_bytes())  # utf-8-sig: Excel's "CSV UTF-8" BOM
    if text is None:
        return None, [error(name, p.line, "encoding", p.message + ' (in Excel: Save As "CSV UTF-8")')
                      for p in found]
    # Excel saves "CSV" with ';' between cells where the decimal mark is a comma, and some
    # exports use tabs: the header line (field names: no commas inside) tells which.
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=lambda d: (first.count(d), d == ","))
    # Python's csv module refuses cells over 128 KB by default: a long transcription is one cell.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows or not any(cell.strip() for cell in rows[0]):
        return None, [error(name, 1, "header", "no header row; the first row names the fields, e.g. "
                            "title,date,people,body")]
    header = [cell.strip().lower() for cell in rows[0]]
    problems = _check_header(name, header)
    return (None if problems else (header, rows[1:])), problems


def _existing(root: Path) -> list[RawRecord]:
    """The archive's records as they are (for the checks across records)."""
    existing: list[RawRecord] = []
    if (root / "documents").is_dir():
        for file in find_documents(root):
            raw, _ = read_record(root, file)
            if raw is not None:
                existing.append(raw)
    return existing


def _plan_rows(name: str, header: list[str], rows: list[list[str]], taken: set[str],
               problems: list[Problem]) -> tuple[list[Row], dict[str, int], list[int]]:
    """A planned file per row (ids still to make where the row has none), the explicit ids and
    the blank rows; the rows' problems are added to ``problems``."""
    planned: list[Row] = []
    explicit_ids: dict[str, int] = {}
    blank: list[int] = []
    for number, cells in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells):
            blank.append(number)
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            problems.append(error(name, number, "row", f"has {len(cells)} cells but the header names "
                                  f"{len(header)} columns; is a ';' or a quote missing?"))
            continue
        values = {key: _unescape(cell.replace("\r\n", "\n").replace("\r", "\n").strip())
                  for key, cell in zip(header, cells, strict=False)}
        problems += _formula_warnings(name, number, values)
        record_id = values.get("id", "")
        problem = _id_problem(record_id, taken, explicit_ids)
        if problem:
            problems.append(error(name, number, "id", problem))
            continue
        if record_id:
            explicit_ids[record_id.casefold()] = number
        fields = _fields(values)
        body = next((values[c] for c in BODY_COLUMNS if values.get(c)), "")
        planned.append(Row(number, record_id, "", record_file(fields, body), fields.get("title", "")))
    return planned, explicit_ids, blank


def _fields(values: dict[str, str]) -> dict[str, Any]:
    """A row's cells as front matter values, in the field table's order."""
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
    return fields


def _id_problem(record_id: str, taken: set[str], explicit_ids: dict[str, int]) -> str:
    """Why a row's own id cannot be used ('' when it can, or when the row has none)."""
    if not record_id:
        return ""
    if not ID_PATTERN.match(record_id):
        # The id becomes a file name: "../x" or "a/b" would write outside documents/ (issue 20).
        return (f'"{record_id}" is not a valid record id: use letters, digits, \'.\', \'_\' and \'-\', '
                "starting with a letter or digit (e.g. andropov-1956-11-01)")
    key = record_id.casefold()
    if key in taken:
        return f'"{record_id}" is already used by a record under documents/; existing files are never replaced'
    if key in explicit_ids:
        return f'"{record_id}" is also the id of row {explicit_ids[key]}; ids must be unique'
    return ""


def _check_row(name: str, row: Row, settings: Settings, root: Path, problems: list[Problem]) -> RawRecord | None:
    """Parse and validate a planned file as `check` would; its problems, at its row, go to ``problems``."""
    raw, found = parse_record(row.rel, row.text)
    problems += [_at_row(name, row.row, p) for p in found]
    if raw is None:
        return None
    _, found = validate_record(raw, settings, root)
    date = raw.fields.get("date")
    if isinstance(date, str) and _SPREADSHEET_DATE.fullmatch(date):
        # Excel's habit of rewriting dates deserves a clearer word than the EDTF parser's.
        found = [p for p in found if p.field != "date"]
        found.append(error(row.rel, 0, "date", f'"{date}" is a spreadsheet-style date; write it as '
                           "EDTF, e.g. 1956-11-01 (format the date column as Text so Excel keeps it)"))
    problems += [_at_row(name, row.row, p) for p in found]
    return raw


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


def _unescape(cell: str) -> str:
    """A cell exported as ``'=…`` (records.csv's guard against formulas) is the text ``=…``."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_START):
        return cell[1:]
    return cell


def _formula_warnings(name: str, number: int, values: dict[str, str]) -> list[Problem]:
    """Cells a spreadsheet would run as formulas are imported as text, with a word about it."""
    found = []
    for key, value in values.items():
        if key in BODY_COLUMNS or not value.startswith(("=", "@")):
            continue
        found.append(warning(name, number, key, f'"{value[:40]}" starts with "{value[0]}", which a spreadsheet '
                             "reads as a formula; imported as text (data/records.csv publishes it "
                             "with a leading ' so that spreadsheets show it as text)"))
    return found


def _inside(root: Path, rel: str) -> Path:
    """``root/rel``, refused unless it lies in ``root/documents`` (ids are checked before; this
    is the last guard against a path that leaves the archive)."""
    docs = (root / "documents").resolve()
    path = (root / rel).resolve()
    if docs not in path.parents:
        raise ValueError(f"{rel} is outside {docs}")
    return root / rel


def write_rows(root: Path, rows: list[Row]) -> list[Path]:
    """Write every planned file, or none: a file appearing meanwhile undoes the ones written."""
    written: list[Path] = []
    paths = [_inside(root, row.rel) for row in rows]  # before anything is written
    try:
        for row, path in zip(rows, paths, strict=True):
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8") as fh:
                written.append(path)
                fh.write(row.text)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written
