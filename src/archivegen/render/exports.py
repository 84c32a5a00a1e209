"""Site-wide and per-record exports: feed, sitemap, robots.txt, data files, 404, citation files. (#4)

Non-HTML outputs are ordinary Pages. XML goes through autoescaped templates (feed.xml,
sitemap.xml); text outputs (BibTeX, RIS, JSON, CSV) are built in Python and rendered through
``exports/raw.txt``, which is not autoescaped because of its extension, so no change to the
render stage was needed.

Everything here is deterministic: the feed's ``updated`` comes from the records' upload dates, never
from the build clock, and every listing is sorted.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from archivegen.records.fields import FIELDS
from archivegen.records.kinds import Files
from archivegen.records.model import Archive, Record
from archivegen.render import citations, i18n, iiif, text_words, urls
from archivegen.render.markdown import render_inline
from archivegen.render.page import Page, View, raw_page

SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org)
MULTI_SEPARATOR = "; "
"""How records.csv joins multi-valued fields (records.json keeps them as arrays)."""

#: The columns of records.json/.csv: (name, multi-valued, description shown on the /data/ page).
#: The record's id and page lead; every other column comes from the field table (records/fields.py).
COLUMNS: tuple[tuple[str, bool, str], ...] = (
    ("id", False, "The record's identifier (its file name without .md)."),
    ("url", False, "The record's page."),
    *((c.name, f.kind.multi if c.multi is None else c.multi, c.description) for f in FIELDS for c in f.columns),
)


def record_data(archive: Archive, record: Record) -> dict[str, Any]:
    s = archive.settings
    data: dict[str, Any] = {"id": record.id, "url": urls.absolute(s, urls.record(record.id))}
    for f in FIELDS:
        value = record.value(f.name)
        for c in f.columns:
            data[c.name] = c.value(value) if c.value and value is not None else f.kind.export(value)
            if isinstance(f.kind, Files):  # published beside the record page: their URLs
                data[c.name] = [urls.absolute(s, urls.record_file(record.id, n.rsplit("/", 1)[-1]))
                                for n in data[c.name]]
    return data


def records_json(archive: Archive) -> str:
    rows = [record_data(archive, r) for r in archive.records]
    return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"


def records_csv(archive: Archive) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow([name for name, _, _ in COLUMNS])
    for record in archive.records:
        data = record_data(archive, record)
        writer.writerow([spreadsheet_safe(MULTI_SEPARATOR.join(data[name]) if multi else data[name])
                         for name, multi, _ in COLUMNS])
    return out.getvalue()


#: What makes a spreadsheet read a cell as a formula (OWASP "CSV Injection"): the cell's first
#: character is one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading ``'``
    (OWASP's advice; Excel and LibreOffice hide it and show the text). ``archivegen import``
    removes it again, so an exported file imports as it was."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# ---------------------------------------------------------------------------------------------
# Feed


def _timestamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def feed_records(archive: Archive) -> list[Record]:
    """The most recently uploaded records (as on the home page, 5x as many); newest first."""
    dated = [r for r in archive.records if r.uploaded]
    dated.sort(key=lambda r: (r.uploaded.sort_key if r.uploaded else "", r.date.sort_key, r.id), reverse=True)
    return dated[: archive.settings.recent * 5]


def feed_view(archive: Archive) -> View:
    s = archive.settings
    entries = []
    for r in feed_records(archive):
        assert r.uploaded is not None
        entries.append({
            "id": urls.absolute(s, urls.record(r.id)) if s.origin else f"urn:archivegen:{r.id}",
            "title": r.title, "url": urls.absolute(s, urls.record(r.id)),
            # The upload date is when the entry appeared; the feed has no other clock.
            "updated": _timestamp(r.uploaded.lower),
            "summary": str(render_inline(r.summary)) if r.summary else "",
            "date": i18n.format_date(r.date),
            "authors": list(r.creators),
            # Which texts the record has (issue 15): "English translation from Russian; Russian original".
            "texts": "; ".join(text_words.summary(t) for t in r.texts),
        })
    # No uploads: the newest record date; no records at all: the Unix epoch (never the clock).
    updated = max((str(e["updated"]) for e in entries),
                  default=_timestamp(max((r.date.lower for r in archive.records), default=date(1970, 1, 1))))
    return {
        "feed_id": urls.absolute(s, urls.home()) if s.origin else "urn:archivegen:" + s.base_path,
        "title": s.title, "subtitle": s.description, "author": s.publisher or s.title,
        "home": urls.absolute(s, urls.home()), "self_url": urls.absolute(s, urls.feed()),
        "updated": updated, "entries": entries,
    }


# ---------------------------------------------------------------------------------------------
# Sitemap


def is_listed_html(page: Page) -> bool:
    """Pages a sitemap lists: every HTML page but the error page."""
    html = page.path == urls.home() or page.path.endswith("/") or page.path.endswith(".html")
    return html and page.path != urls.not_found()


def _sitemap_pages(archive: Archive, pages: list[Page]) -> list[Page]:
    s = archive.settings
    paths = sorted({p.path for p in pages if is_listed_html(p)})
    chunks = [paths[i:i + SITEMAP_LIMIT] for i in range(0, len(paths), SITEMAP_LIMIT)] or [[]]

    def urlset(chunk: list[str]) -> Callable[[], View]:
        return lambda: {"kind": "urlset", "locs": [urls.absolute(s, p) for p in chunk]}

    if len(chunks) == 1:
        return [Page(urls.sitemap(), "sitemap.xml", urlset(chunks[0]))]
    # More URLs than one file may hold: sitemap.xml becomes an index of numbered sitemaps.
    out = [Page(urls.sitemap(i), "sitemap.xml", urlset(chunk)) for i, chunk in enumerate(chunks, 1)]
    index = [urls.absolute(s, urls.sitemap(i)) for i in range(1, len(chunks) + 1)]
    out.append(Page(urls.sitemap(), "sitemap.xml", lambda: {"kind": "index", "locs": index}))
    return out


# ---------------------------------------------------------------------------------------------
# Pages


def data_view(archive: Archive) -> View:
    s = archive.settings
    return {
        "page_title": i18n.gettext("Data"),
        "description": i18n.gettext("Download the metadata of every record in %(archive)s.") % {"archive": s.title},
        "lang": s.language, "breadcrumbs": [urls.link(s, i18n.gettext("Home"), urls.home())],
        "total": len(archive.records), "separator": MULTI_SEPARATOR,
        "columns": [{"name": n, "multi": m, "description": i18n.gettext(d)} for n, m, d in COLUMNS],
        "json_url": urls.url(s, urls.records_json()), "csv_url": urls.url(s, urls.records_csv()),
        "feed_url": urls.url(s, urls.feed()),
        "authorities_url": urls.url(s, urls.authorities_json()) if archive.authorities.entries else "",
        "sitemap_url": urls.url(s, urls.sitemap()) if s.origin else "",
    }


def not_found_view(archive: Archive) -> View:
    s = archive.settings
    return {"page_title": i18n.gettext("Page not found"), "description": i18n.gettext("This page does not exist."),
            "lang": s.language,
            "breadcrumbs": [], "total": len(archive.records)}


def _iiif_pages(archive: Archive, record: Record) -> list[Page]:
    """The record's manifest and its images' info.json (only for a record with page images)."""
    images = iiif.record_images(record, archive.memo.get("image_sizes", {}))
    if not images:
        return []
    s, ids = archive.settings, (record.id,)
    return [raw_page(urls.record_file(record.id, "manifest.json"), partial(iiif.manifest, record, s, images), ids),
            *(raw_page(iiif.image_path(record.id, name) + "/info.json",
                       partial(iiif.info_json, s, record.id, name, full), ids) for name, full in images)]


def plan(archive: Archive, pages: list[Page]) -> list[Page]:
    """The export pages; ``pages`` is the plan so far (the sitemap lists its HTML pages)."""
    s = archive.settings
    out: list[Page] = []
    for record in archive.records:
        ids = (record.id,)
        out.append(raw_page(urls.record_bibtex(record.id), partial(citations.bibtex, record, s), ids))
        out.append(raw_page(urls.record_ris(record.id), partial(citations.ris, record, s), ids))
        out.append(raw_page(urls.record_csl_json(record.id), partial(citations.csl_json, record, s), ids))
        out.extend(_iiif_pages(archive, record))
    every = tuple(r.id for r in archive.records)
    out.append(Page(urls.feed(), "feed.xml", lambda: feed_view(archive), tuple(r.id for r in feed_records(archive))))
    out.append(Page(urls.data_page(), "data.html", lambda: data_view(archive)))
    out.append(raw_page(urls.records_json(), lambda: records_json(archive), every))
    out.append(raw_page(urls.records_csv(), lambda: records_csv(archive), every))
    out.append(Page(urls.not_found(), "404.html", lambda: not_found_view(archive)))
    # Sitemaps need absolute URLs: with a bare-path base_url there is no sitemap to point to.
    sitemaps = _sitemap_pages(archive, pages + out) if s.origin else []
    out += sitemaps
    robots = {"sitemap": urls.absolute(s, urls.sitemap()) if sitemaps else ""}
    out.append(Page(urls.robots(), "robots.txt", lambda: robots))
    return out
