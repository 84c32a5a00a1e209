"""The archive as typed, validated data: Record, Term, Archive."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from archivegen.problems import Problem, warning
from archivegen.records.authorities import Authority, AuthorityFiles
from archivegen.records.dates import RecordDate
from archivegen.records.fields import BY_NAME, FACET_KEYS, facet_field
from archivegen.records.kinds import Language
from archivegen.records.mentions import text_mentions
from archivegen.records.rights import Rights
from archivegen.records.settings import Settings
from archivegen.records.slugs import RESERVED_SLUGS, assign_slugs
from archivegen.records.texts import Contributor, Text

__all__ = ["Archive", "Language", "Link", "Record", "Term", "build_model", "make_record", "record_sort_key"]


@dataclass(frozen=True)
class Link:
    """A link from a record's text to another record (``[Document 49](record:ID)``)."""

    target: str
    """The linked record's id."""
    path: str
    """The file the link is written in (the record file or one of its text files)."""
    line: int
    fragment: str = ""
    """What follows '#' ("note-4"), if anything."""


@dataclass(frozen=True)
class Record:
    """One archival record, validated and normalised. Later stages never re-check it.

    Each field of the table (records/fields.py) holds the value its kind normalised, or the
    kind's empty value when the record leaves it out. The fields every stage knows are typed
    attributes (read on every page, so plain attributes: no lookup); a field added to the table
    without an attribute here lives in ``extra``. ``value(name)`` reads either.
    """

    id: str
    """File stem; unique across documents/."""
    path: str
    """Source file, relative to the archive folder."""
    title: str
    """The record's title (plain text)."""
    date: RecordDate
    """When the record was created (EDTF)."""
    body: str = ""
    """The Markdown transcription."""
    type: str = ""
    """Kind of document: Report, Telegram, Memorandum…"""
    summary: str = ""
    """Abstract in inline Markdown."""
    languages: tuple[Language, ...] = ()
    """Languages of the original."""
    creators: tuple[str, ...] = ()
    """Authors, "Family, Given" (NFC)."""
    people: tuple[str, ...] = ()
    """People mentioned, "Family, Given" (NFC)."""
    places: tuple[str, ...] = ()
    """Places mentioned (NFC)."""
    subjects: tuple[str, ...] = ()
    """Subject terms (NFC)."""
    collections: tuple[str, ...] = ()
    """Collections the record belongs to (NFC)."""
    classification: str = ""
    """Security classification of the original ("Top Secret")."""
    archive: str = ""
    """Holding archive of the original."""
    source: str = ""
    """Archival citation of the original (free text)."""
    rights: Rights | None = None
    """Rights statement, resolved."""
    uploaded: RecordDate | None = None
    """When the record was added to this archive."""
    related: tuple[str, ...] = ()
    """Ids of related records (all exist)."""
    files: tuple[str, ...] = ()
    """Original files, relative to the archive folder (all exist, inside the archive)."""
    texts: tuple[Text, ...] = ()
    """The record's texts: the body's description first (when given), then the other texts."""
    contributors: tuple[Contributor, ...] = ()
    """Contributors with MARC relator roles."""
    body_line: int = 0
    """File line where the body starts (for messages about the body)."""
    links: tuple[Link, ...] = ()
    """Links to other records in its texts (``record:ID``), found by validation."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Values of table fields that have no attribute above (do not change it)."""

    def value(self, name: str) -> Any:
        """A field's value by name (records/fields.py)."""
        return self.extra[name] if name in self.extra else getattr(self, name)

    def terms(self, name: str) -> tuple[str, ...]:
        """A field's value as the names a reader sees (see Kind.terms)."""
        return BY_NAME[name].kind.terms(self.value(name))

    def facet_values(self, facet: str) -> tuple[str, ...]:
        """The term names this record carries in a browse facet ("people", "types"…)."""
        return self.terms(facet_field(facet).name)


#: Record's attributes that are fields of the table (the others go to ``extra``).
ATTRIBUTES = frozenset(Record.__dataclass_fields__) - {"id", "path", "body", "body_line", "extra", "links"}


def make_record(record_id: str, path: str, values: dict[str, Any], body: str = "", body_line: int = 0,
                links: tuple[Link, ...] = ()) -> Record:
    """A Record from every table field's normalised value."""
    known = {k: v for k, v in values.items() if k in ATTRIBUTES}
    extra = {k: v for k, v in values.items() if k not in ATTRIBUTES}
    return Record(id=record_id, path=path, body=body, body_line=body_line, extra=extra, links=links, **known)


@dataclass(frozen=True)
class Term:
    """A value of a facet (a person, a collection…) and the records that carry it."""

    facet: str
    """Facet key: "people", "collections"…"""
    name: str
    """The name as written (NFC)."""
    slug: str
    """URL segment, unique within the facet."""
    record_ids: tuple[str, ...]
    """Records carrying the term, in date order."""
    description: str = ""
    """From archive.yaml, where given (else the authority's)."""
    authority: Authority | None = None
    """The authority entry the name stands for (its preferred name is the term's name)."""

    @property
    def count(self) -> int:
        return len(self.record_ids)


@dataclass(frozen=True)
class Archive:
    """Everything the render stage needs."""

    settings: Settings
    records: tuple[Record, ...]
    """All records in date order (then title, then id)."""
    terms: dict[str, dict[str, Term]] = field(default_factory=dict)
    """facet -> term name -> Term."""
    authorities: AuthorityFiles = field(default_factory=AuthorityFiles)
    """The archive's authority files (records/authorities.py)."""
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    """facet -> a name as records write it -> the term it is filed under (only where they differ)."""
    created: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """A people term's name -> the records it created (``creators``), in date order."""
    text_mentions: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    """(authority kind, name) -> records whose transcription mentions it (records/mentions.py)."""

    def term_for(self, facet: str, name: str) -> Term | None:
        """The term a record's name is filed under (an authority's name, or the name itself)."""
        terms = self.terms.get(facet, {})
        return terms.get(self.aliases.get(facet, {}).get(name, name))

    @cached_property
    def by_id(self) -> dict[str, Record]:
        return {r.id: r for r in self.records}

    @cached_property
    def memo(self) -> dict[Any, Any]:
        """Views of one record computed once per build (the archive does not change): a record
        is listed on ten pages or more, and its listing entry costs ~65 µs (URL quoting)."""
        return {}


def record_sort_key(record: Record) -> tuple[str, str, str]:
    return (record.date.sort_key, record.title.casefold(), record.id)


#: Browse facets whose names an authority of each namespace stands for (records/authorities.py).
AUTHORITY_FACETS = {"people": "agents", "places": "places"}


class _Filing:
    """Which term a facet's name is filed under: the authority's preferred name where an entry
    stands for it, else the name as written."""

    def __init__(self, facet: str, authorities: AuthorityFiles) -> None:
        namespace = AUTHORITY_FACETS.get(facet)
        self.namespace = namespace if authorities.entries else None
        self.authorities = authorities
        self.aliases: dict[str, str] = {}
        self.entries: dict[str, Authority] = {}

    def term(self, name: str) -> str:
        if self.namespace is None:
            return name
        hit = self.aliases.get(name)
        if hit is None:
            a = self.authorities.find(self.namespace, name)
            hit = self.aliases[name] = a.name if a is not None else name
            if a is not None:
                self.entries[a.name] = a
        return hit


def build_model(settings: Settings, records: list[Record],
                authorities: AuthorityFiles | None = None) -> tuple[Archive, list[Problem]]:
    """Sort records, gather every facet's terms, give each a unique slug. A name that an
    authority stands for is filed under the authority's preferred name. A record is also filed
    under its creators' people pages, where they have one (a record names them, or an authority
    entry describes them)."""
    authorities = authorities or AuthorityFiles()
    ordered = tuple(sorted(records, key=record_sort_key))
    problems = []
    terms: dict[str, dict[str, Term]] = {}
    all_aliases: dict[str, dict[str, str]] = {}
    created: dict[str, tuple[str, ...]] = {}
    for facet in FACET_KEYS:
        filing = _Filing(facet, authorities)
        carriers: dict[str, list[str]] = {}
        first_path: dict[str, str] = {}
        term_of = filing.term if filing.namespace else None  # no authorities: no call per name
        for record in ordered:
            for name in record.facet_values(facet):
                term = term_of(name) if term_of else name
                ids = carriers.setdefault(term, [])
                if not ids or ids[-1] != record.id:  # two variants of one name in one record
                    ids.append(record.id)
                first_path.setdefault(term, record.path)
        if facet == "people":
            created = _file_creators(ordered, filing, carriers, first_path)
        aliases = {k: v for k, v in filing.aliases.items() if k != v}
        if aliases:
            all_aliases[facet] = aliases
        entries = filing.entries
        slugs, collisions = assign_slugs(list(carriers), RESERVED_SLUGS)
        for base, names in collisions:
            shown = ", ".join(f'"{n}" -> {slugs[n]}' for n in names)
            problems.append(warning(first_path[names[1]], 0, facet,
                                    f'different names share the URL slug "{base}": {shown}; '
                                    "check whether they are the same name spelt differently"))
        # Record names are NFC (validate.py); archive.yaml keys must meet them in the same form.
        descriptions = {unicodedata.normalize("NFC", k): v for k, v in settings.descriptions.get(facet, {}).items()}
        terms[facet] = {
            name: Term(facet, name, slugs[name], tuple(ids),
                       descriptions.get(name, "") or (entries[name].description if name in entries else ""),
                       entries.get(name))
            for name, ids in sorted(carriers.items())
        }
    mentions = text_mentions(((r.id, r.body) for r in ordered), authorities.entries) if authorities.entries else {}
    return Archive(settings, ordered, terms, authorities, all_aliases, created,
                   {k: tuple(v) for k, v in mentions.items()}), problems


def _file_creators(ordered: tuple[Record, ...], filing: _Filing, carriers: dict[str, list[str]],
                   first_path: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """File each record under its creators' people terms (those that exist, or an authority
    person's); return term -> the records it created."""
    created: dict[str, list[str]] = {}
    for record in ordered:
        for name in record.creators:
            term = filing.term(name)
            entry = filing.entries.get(term)
            if term in carriers or (entry is not None and entry.kind == "person"):
                created.setdefault(term, []).append(record.id)
                first_path.setdefault(term, record.path)
    if created:
        position = {r.id: i for i, r in enumerate(ordered)}
        for term, ids in created.items():
            carriers[term] = sorted(set(carriers.get(term, [])) | set(ids), key=position.__getitem__)
    return {k: tuple(v) for k, v in created.items()}
