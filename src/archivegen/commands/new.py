"""``archivegen new``: a new record file with every field an archivist may fill, explained.

The date is required (``--date``): a record must have one to be filed under a year, and a
placeholder that ``check`` accepts would be published as a wrong date the day someone forgets
it. Every other field is written empty (YAML null, which the validator treats as absent), with
a comment giving its meaning and an example, so the file passes ``archivegen check`` as written.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import yaml

from archivegen.problems import ArchivegenError, Problem, Severity, error
from archivegen.records.fields import FIELDS
from archivegen.records.load import ID_PATTERN, find_documents, parse_record
from archivegen.records.settings import load_settings
from archivegen.records.slugs import slugify
from archivegen.records.validate import validate_record


def taken_ids(root: Path) -> set[str]:
    """Record ids in use anywhere under documents/, case-folded (ids are URLs: case-insensitive)."""
    return {file.stem.casefold() for file in find_documents(root)} if (root / "documents").is_dir() else set()


def fresh_id(title: str, taken: set[str]) -> str:
    """A slug of the title not in ``taken`` (case-folded): the slug, then slug-2, slug-3…"""
    base = slugify(title)
    if not ID_PATTERN.match(base):  # slugify can start with a digit but never with '-' or '.'
        base = "record-" + base
    candidate, n = base, 2
    while candidate.casefold() in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _scalar(value: str) -> str:
    """One YAML scalar, quoted only when it must be (PyYAML knows the rules)."""
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000)
    return text.removesuffix("\n...\n").rstrip("\n")


def _list(values: list[str]) -> str:
    return yaml.safe_dump(values, allow_unicode=True, default_flow_style=True, width=10_000).rstrip("\n")


HEADER = """\
# A new record. Fill in what you know, delete nothing: an empty field is simply left out.
# Lists take one name per line ("  - Nagy, Imre") or brackets: ["Nagy, Imre", "Kádár, János"].
# Put text that contains ': ' or starts with a quote in double quotes.
# Check your work with: archivegen check      (docs/records.md describes every field)"""


def record_template(title: str, date: str, collections: list[str]) -> str:
    """The text of a new record file: every field of the table, explained (records/fields.py)."""
    given: dict[str, str] = {"title": _scalar(title), "date": _scalar(date)}
    if collections:
        given["collections"] = _list(collections)
    lines = ["---", HEADER]
    for f in FIELDS:
        example = f", e.g. {f.example}" if f.example and f.name not in given else ""
        help_text = re.sub(r"`([^`]*)`", r"\1", f.help.rstrip(".")).replace("*", "")
        lines += ["# " + line for line in textwrap.wrap(help_text + example + ".", 96)]
        lines += [f"# {line}" for line in f.kind.guide]
        lines.append(f"{f.name}: {given.get(f.name, '')}".rstrip())
    lines += ["# Below the closing line: the transcription, in Markdown.", "---", ""]
    return "\n".join(lines)


def create_record(root: Path, title: str, date: str, collections: list[str] | None = None,
                  record_id: str | None = None) -> tuple[Path | None, list[Problem]]:
    """Write documents/<id>.md for a new record; return (its path, problems).

    Nothing is written when there are errors. An existing file is never replaced.
    """
    title = title.strip()
    if not title:
        raise ArchivegenError("the title is empty; e.g. archivegen new \"Andropov Report, 1 November 1956\" "
                              "--date 1956-11-01")
    settings, problems = load_settings(root)
    if settings is None:
        return None, problems
    taken = taken_ids(root)
    if record_id is None:
        record_id = fresh_id(title, taken)
    elif record_id.casefold() in taken:
        return None, [error(f"documents/{record_id}.md", 0, "id", f'"{record_id}" is already used by a '
                            "record under documents/; choose another --id or leave it out")]
    rel = f"documents/{record_id}.md"
    text = record_template(title, date, collections or [])
    raw, found = parse_record(rel, text)
    if raw is not None:
        _, more = validate_record(raw, settings, root)
        found += more
    if any(p.severity is Severity.ERROR for p in found):
        # The file does not exist: the problems are about what was typed on the command line.
        return None, [Problem("archivegen new", 0, p.field, p.message, p.severity) for p in found]
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as fh:  # "x": fail rather than replace, even in a race
        fh.write(text)
    return path, found
