"""The record schema: every field of a record file, declared once.

Validation, ``archivegen new`` and ``import``, the data exports, the search filters, the browse
facets, the record page's details list and the field table of docs/records.md all read FIELDS.
To add a field, add one row here (and a docstring-style ``help``); nothing else needs to know it.

``docs_table()`` is the table docs/records.md shows (a test checks that the document says the same):
``python -c "from archivegen.records.fields import docs_table; print(docs_table(), end='')"``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from archivegen.records.kinds import Date, Files, Kind, Languages, Names, RecordIds, RightsKey, Text
from archivegen.records.texts import Contributors, Texts


@dataclass(frozen=True)
class Facet:
    """A field whose values get browse pages (an index and one page per value)."""

    key: str
    """URL folder and facet key ("people"); also the archive.yaml key for descriptions."""
    label: str
    """Navigation label ("People")."""
    position: int
    """Order in the site's navigation."""


@dataclass(frozen=True)
class Filter:
    """A search filter fed by a field."""

    key: str
    """Pagefind filter key ("person")."""
    label: str
    """Label on the search page ("Person")."""
    position: int
    """Order on the search page."""
    values: Callable[[Any], tuple[str, ...]] | None = None
    """The filter's values from the field's value; default: the kind's terms."""


@dataclass(frozen=True)
class Column:
    """A column of data/records.json and data/records.csv fed by a field."""

    name: str
    description: str
    """What the /data/ page says of the column."""
    value: Callable[[Any], Any] | None = None
    """The column's value from the field's value; default: the kind's export."""
    multi: bool | None = None
    """A list (joined in the CSV); default: whether the kind is a list."""


@dataclass(frozen=True)
class Field:
    """One field of a record file's front matter."""

    name: str
    kind: Kind
    label: str
    """How the record page labels it."""
    help: str
    """What it holds, for docs/records.md and the comment in a new record file."""
    example: str = ""
    """A value as written in YAML (for messages and new record files)."""
    required: bool = False
    facet: Facet | None = None
    filters: tuple[Filter, ...] = ()
    details: bool = False
    """A row of the record page's details list (linked to the facet's pages when it has one)."""
    columns: tuple[Column, ...] = ()
    """Its columns in the data exports (none: not exported)."""
    imported: bool = True
    """A column that ``archivegen import`` reads from a spreadsheet."""
    links_to: str = ""
    """A facet (without one of its own) whose pages its values link to when one has their name."""


def _col(name: str, description: str) -> tuple[Column, ...]:
    return (Column(name, description),)


FIELDS: tuple[Field, ...] = (
    Field("title", Text(), "Title", "Plain text. A number-like title (`title: 1956`) stays text.",
          "Andropov Report, 1 November 1956", required=True, columns=_col("title", "Title.")),
    Field("date", Date(), "Date", "When the record was created; see *Dates*.", "1956-11-01",
          required=True, details=True,
          filters=(Filter("decade", "Decade", 8, lambda d: (f"{d.decade}s",)),
                   # The year a record is filed under, as on the year pages.
                   Filter("year", "Year", 9, lambda d: (str(d.year),))),
          columns=(
              Column("date", "Date of the original as EDTF (1956-11-01, 1956-11, 1956~, 1956-10-23/1956-11-04)."),
              Column("date_display", "The date as the site shows it.", lambda d: d.display),
              Column("date_start", "Earliest day the date can mean (YYYY-MM-DD).", lambda d: d.lower.isoformat()),
              Column("date_end", "Latest day the date can mean (YYYY-MM-DD).", lambda d: d.upper.isoformat()))),
    Field("type", Text(), "Type", "Kind of document: Report, Telegram, Memorandum… Gets a browse page.",
          "Report", details=True, facet=Facet("types", "Types", 5),
          filters=(Filter("type", "Type", 2),), columns=_col("type", "Kind of document (Report, Telegram…).")),
    Field("summary", Text(squeeze=False), "Summary",
          "One paragraph describing the document: inline Markdown (`*emphasis*`, links); no raw HTML.",
          '"Andropov reports on the situation in Budapest."',
          columns=_col("summary", "Abstract (inline Markdown).")),
    Field("creators", Names(), "Creators", 'Authors, people or bodies, written `"Family, Given"`.',
          '["Andropov, Yuri Vladimirovich"]', details=True, links_to="people",
          columns=_col("creators", 'Authors, people as "Family, Given".')),
    Field("contributors", Contributors(), "Contributors",
          'Others who made the record what it is, each with a MARC relator role (code or label): '
          '`trl` translator, `trc` transcriber, `edt` editor, `fnd` funder, `dnr` donor…; '
          'see *Texts and contributors*.',
          '[{name: "Doe, Jane", role: trl}, {name: "Example Foundation", role: fnd}]', details=True,
          columns=_col("contributors", 'Contributors as "Name [relator code]".'), imported=False),
    Field("languages", Languages(), "Languages",
          "Languages of the original: names or ISO 639 codes (`Russian`, `ru`, `rus`, `no` for Norwegian), "
          "stored as the ISO 639-1 code where one exists and the English name.", "[Russian]", details=True,
          facet=Facet("languages", "Languages", 6), filters=(Filter("language", "Language", 3),),
          columns=_col("languages", "Languages of the original, ISO 639 codes.")),
    Field("texts", Texts(), "Texts",
          "The record's texts: the transcription below (the entry without `file`) and others in files beside the "
          "record (an original-language transcription, more translations), each with its `language` and, for a "
          "translation, `translated_from`, `translated_by`, `published_in`; see *Texts and contributors*.",
          "[{language: English, translated_from: Russian}, {language: Russian, file: x.ru.markdown}]",
          columns=_col("texts", 'Its texts\' languages, ISO 639 ("en (from ru)" for a translation); '
                       "the first is the page's."),
          imported=False),
    Field("people", Names(), "People", 'People mentioned, `"Family, Given"`.', '["Nagy, Imre", "Kádár, János"]',
          details=True, facet=Facet("people", "People", 2), filters=(Filter("person", "Person", 4),),
          columns=_col("people", 'People mentioned, as "Family, Given".')),
    Field("places", Names(), "Places", "Places mentioned.", "[Budapest, Hungary]", details=True,
          facet=Facet("places", "Places", 3), filters=(Filter("place", "Place", 5),),
          columns=_col("places", "Places mentioned.")),
    Field("subjects", Names(), "Subjects", "Subject terms.", "[Neutrality, Warsaw Treaty Organization]",
          details=True, facet=Facet("subjects", "Subjects", 4), filters=(Filter("subject", "Subject", 6),),
          columns=_col("subjects", "Subject terms.")),
    Field("collections", Names(), "Collections",
          "Collections the record belongs to; describe them in `archive.yaml`.", '["Hungarian Revolution, 1956"]',
          details=True, facet=Facet("collections", "Collections", 1),
          filters=(Filter("collection", "Collection", 1),),
          columns=_col("collections", "Collections the record belongs to.")),
    Field("classification", Text(), "Classification",
          "Security classification of the original, as marked on it.", "Top Secret", details=True,
          filters=(Filter("classification", "Classification", 7),),
          columns=_col("classification", "Security classification of the original.")),
    Field("archive", Text(), "Archive", "The archive holding the original.",
          "Archive of Foreign Policy of the Russian Federation (AVP RF)", details=True,
          columns=_col("archive", "Archive holding the original.")),
    Field("source", Text(), "Source",
          "Archival citation of the original or the translation (fond, opis, delo, pages, publication).",
          '"AVP RF, f. 059a, op. 4, p. 6, d. 5"', details=True,
          columns=_col("source", "Archival reference of the original.")),
    Field("rights", RightsKey(), "Rights",
          "Rights statement: a key from `archive.yaml`, a rightsstatements.org code (`InC-EDU`, `NoC-US`) "
          "or a Creative Commons id (`CC-BY-4.0`, `CC0-1.0`); see *Rights*.", "InC-EDU",
          filters=(Filter("rights", "Rights", 10),),
          columns=(Column("rights", "Rights statement: its label."),
                   Column("rights_uri", "Rights statement: its URI, where it has one.",
                          lambda r: r.uri if r else ""))),
    Field("uploaded", Date(), "Uploaded",
          'When the record was added to this archive (EDTF); orders "recently added".', "2024-05-01",
          columns=_col("uploaded", "When the record was added (EDTF).")),
    Field("related", RecordIds(), "Related records",
          "Ids of other records in this archive (their file names without .md). Each must exist.",
          "[andropov-report-1-november-1956]", columns=_col("related", "Ids of related records.")),
    Field("files", Files(), "Original files",
          "Original files (scans, PDFs) beside the record file; see *Files*.", "[scan-p1.jpg, original.pdf]",
          columns=_col("files", "Original files (URLs).")),
)

BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
NAMES: tuple[str, ...] = tuple(BY_NAME)
REQUIRED: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)
#: Names the build derives itself; a record may not set them.
RESERVED = ("id", "url", "path", "slug", "body", "content", "permalink", "layout", "template")
#: Browse facets in navigation order: (facet key, field).
FACETS: tuple[tuple[str, Field], ...] = tuple(sorted(
    ((f.facet.key, f) for f in FIELDS if f.facet), key=lambda pair: pair[1].facet.position if pair[1].facet else 0))
FACET_KEYS: tuple[str, ...] = tuple(key for key, _ in FACETS)
#: Search filters in the search page's order: (filter, field).
FILTERS: tuple[tuple[Filter, Field], ...] = tuple(
    sorted(((flt, f) for f in FIELDS for flt in f.filters), key=lambda pair: pair[0].position))


def facet_field(facet: str) -> Field:
    """The field behind a browse facet ("people" -> people)."""
    return dict(FACETS)[facet]


def docs_table() -> str:
    """The field table of docs/records.md."""
    lines = ["| Field | Kind | Required | Notes | Browse pages, search filters |", "|---|---|---|---|---|"]
    for f in FIELDS:
        found = ([f"{f.facet.label}"] if f.facet else []) + [f"filter {flt.label}" for flt in f.filters]
        lines.append(f"| `{f.name}` | {f.kind.doc} | {'yes' if f.required else ''} | {f.help} | {', '.join(found)} |")
    return "\n".join(lines) + "\n"
