"""Browse pages: facet indexes, term pages, the years timeline, and collection neighbours. (Issue #3.)

Pages planned here, per facet (collections, people, places, subjects, types, languages):

- ``<facet>/`` every term A–Z, grouped by initial letter, with a jump bar on long lists;
- ``<facet>/by-count/`` the same terms, most records first (a second static page, so both orders
  work without JavaScript; ``by-count`` is a reserved slug, see urls.RESERVED_SLUGS);
- ``<facet>/<slug>/`` and ``<facet>/<slug>/page/<n>/`` a term's records in date order,
  ``Settings.page_size`` a page.

And ``years/`` (a timeline by decade and year with counts) and ``years/<yyyy>/[page/<n>/]``.

Where a record is filed on the year pages. Every record is listed under exactly one year, the
first year its date can mean (``RecordDate.year``), so the year pages together list each record
once and the record page's date link lands on the page that lists it:

- a day, month or year, exact or approximate (``1956-10-30~``, ``1956?``): that year;
- an interval inside one year (``1956-10-23/1956-11-04``): that year;
- an interval across years (``1955/1957``): its start year, with a note naming the span; the
  first page of every later year it covers lists it again under "Also covering <year>", because a
  historian reading 1956 wants the editorial note on 1955–1957 too;
- a decade or century (``195X``, ``19XX``): its first year (1950), shown as "1950s" with a note;
  ``years/`` counts such records in their decade and says where they are.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from archivegen.records.fields import FACET_KEYS, FACETS
from archivegen.records.model import Archive, Record, Term
from archivegen.records.settings import Settings
from archivegen.render import urls
from archivegen.render.views import Page, View, link, record_summary

T = TypeVar("T")

#: Lists with more terms than this get an A–Z jump bar.
JUMP_BAR_MIN = 30
#: Pagination shows the first and last page and this many pages either side of the current one.
PAGE_WINDOW = 2
#: Letters that Unicode does not decompose but readers file under a Latin letter (Łódź under L).
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe",
                       "ı": "i", "ħ": "h", "ŧ": "t"})
_LABELS = {key: f.facet.label for key, f in FACETS if f.facet}


# ---------------------------------------------------------------------------------------------
# Ordering


def name_key(name: str) -> tuple[str, str, str]:
    """Sort key for names: accents ignored (Á with A, Ł with L), case ignored, then exact text.

    Library-free on purpose: an NFKD-stripped casefolded key puts Latin names where readers of
    any European language look for them; the second and third parts make the order total, so
    "Kadar" and "Kádár" always come out in the same order.
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_FOLD)
    return (base, name.casefold(), name)


def initial(name: str) -> str:
    """The jump-bar letter a name is filed under: its first letter without accents, or '#'."""
    for c in name_key(name)[0]:
        if c.isalpha():
            return c.upper()
        if c.isdigit():
            return "#"
    return "#"


def _letter_id(letter: str) -> str:
    return "letter-num" if letter == "#" else f"letter-{letter}"


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """Pages of ``size`` items; an empty list still makes one (empty) page."""
    return [items[i:i + size] for i in range(0, len(items), size)] or [items[:0]]


def pagination(url_for: Callable[[int], str], settings: Settings, current: int, total: int,
               label: str) -> View | None:
    """Pagination nav: first, last and a window around the current page, with gaps."""
    if total <= 1:
        return None
    shown = {1, total, *range(max(1, current - PAGE_WINDOW), min(total, current + PAGE_WINDOW) + 1)}
    items: list[dict[str, Any]] = []
    previous = 0
    for n in sorted(shown):
        if n > previous + 1:
            items.append({"gap": True, "number": 0, "url": "", "current": False})
        items.append({"gap": False, "number": n, "url": urls.url(settings, url_for(n)), "current": n == current})
        previous = n
    return {
        "label": label,
        "current": current,
        "total": total,
        "prev": urls.url(settings, url_for(current - 1)) if current > 1 else "",
        "next": urls.url(settings, url_for(current + 1)) if current < total else "",
        "items": items,
    }


def _records_word(n: int) -> str:
    return f"{n} record" if n == 1 else f"{n} records"


# ---------------------------------------------------------------------------------------------
# Facets


def _term_item(s: Settings, term: Term) -> View:
    return {"name": term.name, "url": urls.url(s, urls.term(term.facet, term.slug)), "count": term.count,
            "count_text": _records_word(term.count)}


def facet_index_view(archive: Archive, facet: str, by_count: bool) -> View:
    s = archive.settings
    label = _LABELS[facet]
    terms = list(archive.terms.get(facet, {}).values())
    groups: list[dict[str, Any]] = []
    if by_count:
        terms.sort(key=lambda t: (-t.count, name_key(t.name)))
        groups.append({"letter": "", "id": "", "terms": [_term_item(s, t) for t in terms]})
    else:
        terms.sort(key=lambda t: name_key(t.name))
        for t in terms:
            letter = initial(t.name)
            if not groups or groups[-1]["letter"] != letter:
                groups.append({"letter": letter, "id": _letter_id(letter), "terms": []})
            groups[-1]["terms"].append(_term_item(s, t))
    jump = ([{"letter": g["letter"], "url": "#" + g["id"]} for g in groups]
            if not by_count and len(terms) > JUMP_BAR_MIN else [])
    return {
        "page_title": f"{label} by number of records" if by_count else label,
        "description": f"{len(terms)} {label.lower()} in {s.title}.",
        "lang": s.language,
        "breadcrumbs": [link(s, "Home", "")] + ([link(s, label, urls.facet_index(facet))] if by_count else []),
        "heading": label,
        "facet": facet,
        "total_terms": len(terms),
        "by_count": by_count,
        "orders": [
            {"text": "A–Z", "url": urls.url(s, urls.facet_index(facet)), "current": not by_count},
            {"text": "Most records first", "url": urls.url(s, urls.facet_index_by_count(facet)), "current": by_count},
        ],
        "jump": jump,
        "groups": groups,
    }


def term_view(archive: Archive, term: Term, page: int, ids: Sequence[str], pages: int, first: int) -> View:
    s = archive.settings
    label = _LABELS[term.facet]
    title = term.name if page == 1 else f"{term.name} (page {page} of {pages})"
    crumbs = [link(s, "Home", ""), link(s, label, urls.facet_index(term.facet))]
    if page > 1:
        crumbs.append(link(s, term.name, urls.term(term.facet, term.slug)))
    return {
        "page_title": title,
        "description": term.description or f"{_records_word(term.count)} on {term.name} in {s.title}.",
        "lang": s.language,
        "breadcrumbs": crumbs,
        "facet_label": label,
        "term": {"name": term.name, "description": term.description, "count": term.count,
                 "count_text": _records_word(term.count)},
        "page": page,
        "shown": {"first": first, "last": first + len(ids) - 1, "total": term.count},
        "records": [record_summary(archive, archive.by_id[i]) for i in ids],
        "pagination": pagination(lambda n: urls.term(term.facet, term.slug, n), s, page, pages,
                                 f"Pages of records on {term.name}"),
    }


# ---------------------------------------------------------------------------------------------
# Years


def _year_note(record: Record) -> str:
    """Why a record sits where it does on a year page, when its date is wider than that year."""
    d = record.date
    if d.lower.year == d.upper.year:
        return ""
    if d.is_interval:
        return f"Spans {d.lower.year}–{d.upper.year}; listed under its first year, {d.year}."
    return f"Dated only as {d.display}; listed under {d.year}, the first year it can mean."


def _listed(archive: Archive, record: Record) -> View:
    return dict(record_summary(archive, record), note=_year_note(record))


def years_of(archive: Archive) -> dict[int, list[Record]]:
    """Records by the year they are filed under (see the module docstring), in date order."""
    years: dict[int, list[Record]] = {}
    for record in archive.records:
        years.setdefault(record.date.year, []).append(record)
    return years


def years_index_view(archive: Archive, years: dict[int, list[Record]]) -> View:
    s = archive.settings
    most = max((len(v) for v in years.values()), default=1)
    decades: list[dict[str, Any]] = []
    for decade in sorted({y // 10 * 10 for y in years}):
        rows = []
        for y in range(decade, decade + 10):
            n = len(years.get(y, []))
            rows.append({"year": y, "count": n, "count_text": _records_word(n),
                         "url": urls.url(s, urls.year(y)) if n else "",
                         # Bar length relative to the busiest year, as an SVG width (0–100).
                         "bar": round(100 * n / most, 1)})
        filed = [r for y in range(decade, decade + 10) for r in years.get(y, [])]
        loose = sum(1 for r in filed if not r.date.is_interval and r.date.upper.year > r.date.lower.year)
        decades.append({"decade": decade, "label": f"{decade}s", "id": f"decade-{decade}", "count": len(filed),
                        "count_text": _records_word(len(filed)), "years": rows, "decade_only": loose,
                        "decade_only_url": urls.url(s, urls.year(decade)) if loose else ""})
    return {
        "page_title": "Years",
        "description": f"Records of {s.title} by decade and year.",
        "lang": s.language,
        "breadcrumbs": [link(s, "Home", "")],
        "total": len(archive.records),
        "decades": decades,
    }


def year_view(archive: Archive, year: int, page: int, records: Sequence[Record], pages: int, first: int,
              total: int, also: list[Record]) -> View:
    s = archive.settings
    title = str(year) if page == 1 else f"{year} (page {page} of {pages})"
    crumbs = [link(s, "Home", ""), link(s, "Years", urls.years_index())]
    if page > 1:
        crumbs.append(link(s, str(year), urls.year(year)))
    return {
        "page_title": title,
        "description": f"{_records_word(total)} filed under {year} in {s.title}.",
        "lang": s.language,
        "breadcrumbs": crumbs,
        "year": year,
        "decade": {"label": f"{year // 10 * 10}s",
                   "url": urls.url(s, urls.years_index()) + f"#decade-{year // 10 * 10}"},
        "page": page,
        "shown": {"first": first, "last": first + len(records) - 1, "total": total},
        "records": [_listed(archive, r) for r in records],
        # Only on the first page, capped, so a long-span record cannot blow up every year it covers.
        "also": [_listed(archive, r) for r in also[: s.page_size]] if page == 1 else [],
        "also_more": max(0, len(also) - s.page_size) if page == 1 else 0,
        "pagination": pagination(lambda n: urls.year(year, n), s, page, pages, f"Pages of records from {year}"),
    }


# ---------------------------------------------------------------------------------------------
# Record neighbours

_positions: dict[int, tuple[Archive, dict[tuple[str, str], int]]] = {}


def _position(archive: Archive, collection: str, record_id: str) -> int:
    """Index of a record in its collection's date order (one table per archive, built once)."""
    cached = _positions.get(id(archive))
    if cached is None or cached[0] is not archive:
        table = {(t.name, rid): i for t in archive.terms.get("collections", {}).values()
                 for i, rid in enumerate(t.record_ids)}
        _positions.clear()  # one archive at a time: a serve loop must not keep old ones alive
        _positions[id(archive)] = cached = (archive, table)
    return cached[1][(collection, record_id)]


def collection_neighbours(archive: Archive, record: Record) -> list[View]:
    """Previous and next record in date order within each of the record's collections."""
    s = archive.settings
    out = []
    for name in record.collections:
        term = archive.terms.get("collections", {}).get(name)
        if term is None or term.count < 2:
            continue
        i = _position(archive, name, record.id)
        ids = term.record_ids
        out.append({
            "collection": name,
            "url": urls.url(s, urls.term("collections", term.slug)),
            "position": i + 1,
            "count": term.count,
            "prev": record_summary(archive, archive.by_id[ids[i - 1]]) if i > 0 else None,
            "next": record_summary(archive, archive.by_id[ids[i + 1]]) if i + 1 < len(ids) else None,
        })
    return out


# ---------------------------------------------------------------------------------------------
# The plan


def plan(archive: Archive) -> list[Page]:
    size = archive.settings.page_size
    pages: list[Page] = []
    for facet in FACET_KEYS:
        pages.append(Page(urls.facet_index(facet), "facet_index.html",
                          lambda f=facet: facet_index_view(archive, f, False)))
        pages.append(Page(urls.facet_index_by_count(facet), "facet_index.html",
                          lambda f=facet: facet_index_view(archive, f, True)))
        for term in sorted(archive.terms.get(facet, {}).values(), key=lambda t: t.slug):
            parts = chunks(term.record_ids, size)
            for n, ids in enumerate(parts, 1):
                pages.append(Page(urls.term(facet, term.slug, n), "term.html",
                                  (lambda t=term, n=n, ids=ids, total=len(parts):
                                   term_view(archive, t, n, ids, total, (n - 1) * size + 1)),
                                  tuple(ids)))
    years = years_of(archive)
    pages.append(Page(urls.years_index(), "years.html", lambda: years_index_view(archive, years)))
    spanning = [r for r in archive.records if r.date.upper.year > r.date.lower.year]
    for year, records in sorted(years.items()):
        also = [r for r in spanning if r.date.lower.year < year <= r.date.upper.year]
        parts = chunks(records, size)
        for n, part in enumerate(parts, 1):
            pages.append(Page(urls.year(year, n), "year.html",
                              (lambda y=year, n=n, part=part, total=len(parts), count=len(records), also=also:
                               year_view(archive, y, n, part, total, (n - 1) * size + 1, count, also)),
                              # page 1 also shows the records that began earlier (the manifest must know)
                              tuple(r.id for r in part) + (tuple(r.id for r in also) if n == 1 else ())))
    return pages
