"""A record as listings show it (browse pages, person and place pages, neighbours, the home page)."""

from __future__ import annotations

from archivegen.records.model import Archive, Record
from archivegen.render import i18n, urls
from archivegen.render.page import View

__all__ = ["record_summary"]


def record_summary(archive: Archive, record: Record) -> View:
    """What a listing shows of a record (one dict per record and build: never change it)."""
    key = ("summary", record.id)
    view: View | None = archive.memo.get(key)
    if view is None:
        s = archive.settings
        view = archive.memo[key] = {
            "id": record.id, "title": record.title, "url": urls.url(s, urls.record(record.id)),
            "date": i18n.format_date(record.date), "date_iso": record.date.lower.isoformat(),
            "approximate": record.date.approximate, "type": record.type, "summary": record.summary,
        }
    return view
