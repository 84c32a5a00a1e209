"""The home page and the record pages: their views and their planners (registered in plan.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import Markup

from archivegen.records.fields import FIELDS, Field
from archivegen.records.kinds import Date
from archivegen.records.model import Archive, Record
from archivegen.records.texts import Contributors, Text
from archivegen.render import citations, glossaries, i18n, iiif, maps, metadata, text_words, urls
from archivegen.render import search_page as search
from archivegen.render.browse import collection_neighbours, recently_added, record_breadcrumbs
from archivegen.render.listing import record_summary
from archivegen.render.markdown import render_markdown
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
    if isinstance(f.kind, Contributors):
        return [{"text": text_words.contributor(c), "url": ""} for c in value]
    if f.facet or f.links_to:
        return _term_links(archive, f.facet.key if f.facet else f.links_to, f.kind.terms(value))
    return [{"text": text, "url": ""} for text in f.kind.terms(value)]


def _text_ids(record: Record) -> list[str]:
    """Each text's anchor ("text-en", "text-ru"; "text-en-2" for a second English text)."""
    ids: list[str] = []
    for text in texts_of(record):
        base = f"text-{text.language.code if text else 'main'}"
        same = sum(1 for i in ids if i == base or i.startswith(base + "-"))
        ids.append(f"{base}-{same + 1}" if same else base)
    return ids


def texts_of(record: Record) -> list[Text | None]:
    """The record's texts as the page shows them: its body first (None: a body nothing describes)."""
    texts: list[Text | None] = list(record.texts)
    if not texts or texts[0] is None or texts[0].file:  # Texts sorts the body's entry first
        texts.insert(0, None)
    return texts


def texts_view(archive: Archive, record: Record) -> list[dict[str, Any]]:
    """The record's texts, rendered: its body first, then the texts of its files."""
    s = archive.settings

    def resolve(rid: str) -> str:  # record: links (validated: the record exists)
        return urls.url(s, urls.record(rid))

    out = []
    for i, (text, anchor) in enumerate(zip(texts_of(record), _text_ids(record), strict=True)):
        body = record.body if text is None or not text.file else text.body
        # The first text's notes keep plain ids (#note-4): the links in other records point there.
        prefix = "" if i == 0 else anchor.removeprefix("text-")
        out.append({
            "id": anchor, "lang": text.language.code if text else "",
            "label": text_words.label(text), "credit": text_words.credit(text),
            "title": text.title if text else "",
            "html": (html := Markup(render_markdown(body, prefix, resolve))),
            "notes": 'class="footnotes"' in html,  # the page then loads texts.css (note labels)
        })
    return out


def referrers(archive: Archive, record_id: str) -> tuple[str, ...]:
    """Ids of the records whose texts link to ``record_id``, in archive order (computed once a build)."""
    table: dict[str, tuple[str, ...]] | None = archive.memo.get("referrers")
    if table is None:
        found: dict[str, list[str]] = {}
        for r in archive.records:
            for target in dict.fromkeys(link.target for link in r.links):
                if target != r.id:
                    found.setdefault(target, []).append(r.id)
        table = archive.memo["referrers"] = {k: tuple(v) for k, v in found.items()}
    return table.get(record_id, ())


def scans_view(archive: Archive, record: Record) -> dict[str, Any] | None:
    """The record's page images for the viewer (static/viewer.js), and its IIIF manifest."""
    s = archive.settings
    images = iiif.record_images(record, archive.memo.get("image_sizes", {}))
    if not images:
        return None
    pages = []
    for name, full in images:
        small = iiif.sizes(full)[0]
        pages.append({"name": name, "width": small[0], "height": small[1], "full_width": full[0],
                      "src": urls.url(s, iiif.size_path(record.id, name, small, full)),
                      "large": urls.url(s, iiif.size_path(record.id, name, full, full))})
    return {"manifest": urls.url(s, urls.record_file(record.id, "manifest.json")), "pages": pages}


def record_view(archive: Archive, record: Record) -> View:
    s = archive.settings
    texts = texts_view(archive, record)
    # Abbreviations explained where they stand, in the record's own text (issue 16).
    glossary = glossaries.record_glossary(archive, record, texts[0]["html"])
    if glossary is not None:
        texts[0]["html"] = glossary["body"]
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
        "scans": scans_view(archive, record),
        "page_title": record.title,
        "description": record.summary or record.title,
        "lang": s.language,
        "record": {
            **record_summary(archive, record),
            "edtf": record.date.edtf,
            "classification": record.classification,
            "languages": [{"code": lang.code, "name": lang.name} for lang in record.languages],
            "uploaded": i18n.format_date(record.uploaded) if record.uploaded else "",
            "source_path": record.path,
        },
        "rows": rows,
        "files": files,
        "texts": texts,
        "related": related,
        "referenced_by": [record_summary(archive, archive.by_id[r]) for r in referrers(archive, record.id)],
        "rights": {"label": rights.label, "uri": rights.uri, "text": rights.text,
                   "contact": vars(rights.contact) if rights.contact else None} if rights else None,
        "citation": citations.view(record, s),
        "meta": metadata.head(record, s),
        "search": search.record_fields(record),
        "breadcrumbs": record_breadcrumbs(archive, record),
        "neighbours": collection_neighbours(archive, record),
        "glossary": glossary,
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
    # The records that link to it are listed on it ("Referenced by"): declared, so that a change
    # to one of them, or to who links here, re-renders the page in an incremental build.
    return Page(urls.record(record.id), "record.html", lambda: record_view(archive, record),
                (record.id, *referrers(archive, record.id)))


def plan_home(archive: Archive) -> list[Page]:
    return [Page(urls.home(), "home.html", lambda: home_view(archive))]


def plan_records(archive: Archive) -> list[Page]:
    return [record_page(archive, record) for record in archive.records]
