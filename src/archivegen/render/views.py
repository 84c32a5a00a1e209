"""The home page and the record pages: their views and their planners (registered in plan.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archivegen.records.fields import FIELDS, Field
from archivegen.records.kinds import Date
from archivegen.records.model import Archive, Record
from archivegen.render import citations, glossaries, i18n, maps, metadata, urls
from archivegen.render import search_page as search
from archivegen.render.browse import collection_neighbours, recently_added, record_breadcrumbs
from archivegen.render.listing import record_summary
from archivegen.render.page import Page, View
from archivegen.render.urls import link


def _term_links(archive: Archive, facet: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    out = []
    for name in names:
        term = archive.term_for(facet, name)
        out.append(link(archive.settings, name, urls.term(facet, term.slug)) if term else {"text": name, "url": ""})
    return out


def _detail_terms(archive: Archive, record: Record, f: Field) -> list[dict[str, str]]:
    """A field's entries in the record page's details list."""
    value = record.value(f.name)
    if isinstance(f.kind, Date) and value is not None:
        # The record's own date leads to the year it is filed under (see browse.py).
        url = urls.url(archive.settings, urls.year(value.year)) if f.name == "date" else ""
        return [{"text": i18n.format_date(value), "url": url, "edtf": value.edtf}]
    if f.facet or f.links_to:
        return _term_links(archive, f.facet.key if f.facet else f.links_to, f.kind.terms(value))
    return [{"text": text, "url": ""} for text in f.kind.terms(value)]


def record_view(archive: Archive, record: Record) -> View:
    s = archive.settings
    rows: list[dict[str, Any]] = []

    for f in FIELDS:
        if f.details:
            terms = _detail_terms(archive, record, f)
            if terms:
                rows.append({"label": i18n.gettext(f.label), "key": f.name, "terms": terms})
    related = [record_summary(archive, archive.by_id[r]) for r in record.related if r in archive.by_id]
    files = [{"name": Path(f).name, "url": urls.url(s, urls.record_file(record.id, Path(f).name))}
             for f in record.files]
    rights = record.rights
    return {
        "page_title": record.title,
        "description": record.summary or record.title,
        "lang": s.language,
        "record": {
            **record_summary(archive, record),
            "edtf": record.date.edtf,
            "body": record.body,
            "classification": record.classification,
            "languages": [{"code": lang.code, "name": lang.name} for lang in record.languages],
            "uploaded": i18n.format_date(record.uploaded) if record.uploaded else "",
            "source_path": record.path,
        },
        "rows": rows,
        "files": files,
        "related": related,
        "rights": {"label": rights.label, "uri": rights.uri, "text": rights.text} if rights else None,
        "citation": citations.view(record, s),
        "meta": metadata.head(record, s),
        "search": search.record_fields(record),
        "breadcrumbs": record_breadcrumbs(archive, record),
        "neighbours": collection_neighbours(archive, record),
        "glossary": glossaries.record_glossary(archive, record),
        "map": maps.record_map(archive, record),
        "extra": {},
    }


def home_view(archive: Archive) -> View:
    s = archive.settings
    collections = sorted(archive.terms.get("collections", {}).values(), key=lambda t: t.name.casefold())
    return {
        "page_title": s.title,
        "description": s.description or s.title,
        "lang": s.language,
        "collections": [{"name": t.name, "url": urls.url(s, urls.term("collections", t.slug)),
                         "count": t.count, "description": t.description} for t in collections],
        **recently_added(archive),
        "total": len(archive.records),
        "breadcrumbs": [],
    }


def record_page(archive: Archive, record: Record) -> Page:
    return Page(urls.record(record.id), "record.html", lambda: record_view(archive, record), (record.id,))


def plan_home(archive: Archive) -> list[Page]:
    return [Page(urls.home(), "home.html", lambda: home_view(archive))]


def plan_records(archive: Archive) -> list[Page]:
    return [record_page(archive, record) for record in archive.records]
