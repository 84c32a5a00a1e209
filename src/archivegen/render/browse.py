"""Browse pages: facet indexes, term pages, the years timeline; a record as listings show it, and its
collection neighbours. (Issue #3.)

Pages planned here, per facet (collections, people, places, subjects, types, languages):

- ``<facet>/`` every term A–Z, grouped by initial letter, with a jump bar on long lists;
- ``<facet>/by-count/`` the same terms, most records first (a second static page, so both orders
  work without JavaScript; ``by-count`` is a reserved slug, see slugs.RESERVED_SLUGS);
- ``<facet>/<slug>/`` and ``<facet>/<slug>/page/<n>/`` a term's records in date order,
  ``Settings.page_size`` a page.

And ``years/`` (a bar chart of records per year, then the years with records by decade, runs of
empty years folded into one row) and ``years/<yyyy>/[page/<n>/]`` (a chart of records per month,
a jump list of months, and the records under a heading per month; see ``month_of``).

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
from functools import partial
from typing import Any, TypeVar

from archivegen.records.fields import FACET_KEYS, FACETS
from archivegen.records.model import Archive, Record, Term
from archivegen.records.settings import Settings
from archivegen.render import i18n, timeline, urls
from archivegen.render.page import Page, View
from archivegen.render.urls import link

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
# A record in a listing


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
    return i18n.ngettext("%(num)d record", "%(num)d records", n)


def _paged(title: str, page: int, pages: int) -> str:
    return i18n.gettext("%(title)s (page %(page)d of %(pages)d)") % {"title": title, "page": page, "pages": pages}


# ---------------------------------------------------------------------------------------------
# Facets


def _term_item(s: Settings, term: Term) -> View:
    return {"name": term.name, "url": urls.url(s, urls.term(term.facet, term.slug)), "count": term.count,
            "count_text": _records_word(term.count)}


def facet_index_view(archive: Archive, facet: str, by_count: bool) -> View:
    s = archive.settings
    label = i18n.gettext(_LABELS[facet])
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
        "page_title": i18n.gettext("%(facet)s by number of records") % {"facet": label} if by_count else label,
        "description": i18n.gettext("%(count)d %(facet)s in %(archive)s.") % {
            "count": len(terms), "facet": i18n.inline(_LABELS[facet]), "archive": s.title},
        "lang": s.language,
        "breadcrumbs": [link(s, i18n.gettext("Home"), "")]
        + ([link(s, label, urls.facet_index(facet))] if by_count else []),
        "heading": label,
        "heading_inline": i18n.inline(_LABELS[facet]),
        "facet": facet,
        "total_terms": len(terms),
        "by_count": by_count,
        "orders": [
            {"text": i18n.gettext("A–Z"), "url": urls.url(s, urls.facet_index(facet)), "current": not by_count},
            {"text": i18n.gettext("Most records first"), "url": urls.url(s, urls.facet_index_by_count(facet)),
             "current": by_count},
        ],
        "jump": jump,
        "groups": groups,
    }


def term_view(archive: Archive, term: Term, page: int, ids: Sequence[str], pages: int, first: int) -> View:
    s = archive.settings
    label = i18n.gettext(_LABELS[term.facet])
    title = term.name if page == 1 else _paged(term.name, page, pages)
    crumbs = [link(s, i18n.gettext("Home"), ""), link(s, label, urls.facet_index(term.facet))]
    if page > 1:
        crumbs.append(link(s, term.name, urls.term(term.facet, term.slug)))
    return {
        "page_title": title,
        "description": term.description or i18n.gettext("%(records)s on %(term)s in %(archive)s.") % {
            "records": _records_word(term.count), "term": term.name, "archive": s.title},
        "lang": s.language,
        "breadcrumbs": crumbs,
        "facet_label": label,
        "term": {"name": term.name, "description": term.description, "count": term.count,
                 "count_text": _records_word(term.count)},
        "page": page,
        "shown": {"first": first, "last": first + len(ids) - 1, "total": term.count},
        "records": [record_summary(archive, archive.by_id[i]) for i in ids],
        "pagination": pagination(lambda n: urls.term(term.facet, term.slug, n), s, page, pages,
                                 i18n.gettext("Pages of records on %(term)s") % {"term": term.name}),
    }


# ---------------------------------------------------------------------------------------------
# Years


def _year_note(record: Record) -> str:
    """Why a record sits where it does on a year page, when its date is wider than that year."""
    d = record.date
    if d.lower.year == d.upper.year:
        return ""
    if d.is_interval:
        return i18n.gettext("Spans %(first)s–%(last)s; listed under its first year, %(year)s.") % {
            "first": d.lower.year, "last": d.upper.year, "year": d.year}
    return i18n.gettext("Dated only as %(date)s; listed under %(year)s, the first year it can mean.") % {
        "date": i18n.format_date(d), "year": d.year}


def _listed(archive: Archive, record: Record) -> View:
    return dict(record_summary(archive, record), note=_year_note(record))


def month_of(record: Record) -> int:
    """The month (1–12) a record is grouped under on its year page: the month its date starts in,
    or 0 when the start is known only to the year or more broadly ("1956", "195X", "1955/1957")."""
    d = record.date
    whole_year = (d.lower.month, d.lower.day) == (1, 1) and d.upper >= d.lower.replace(month=12, day=31)
    return 0 if whole_year else d.lower.month


def years_of(archive: Archive) -> dict[int, list[Record]]:
    """Records by the year they are filed under (see the module docstring): month by month in
    date order, then those whose month is not known."""
    years: dict[int, list[Record]] = {}
    for record in archive.records:
        years.setdefault(record.date.year, []).append(record)
    for records in years.values():
        records.sort(key=lambda r: month_of(r) or 13)  # stable: date order within a month
    return years


def _year_chart(s: Settings, years: dict[int, list[Record]]) -> View:
    """Records per year (per decade over a long span), each bar a link to its year or decade."""
    if not years:
        return timeline.chart([], i18n.gettext("No records yet."), "years-chart")
    first, last = min(years), max(years)
    if last - first < timeline.YEARS_MAX:
        bars = [timeline.Bar(str(y), str(y), len(years.get(y, [])), urls.url(s, urls.year(y)))
                for y in range(first, last + 1)]
        return timeline.chart(bars, i18n.gettext("Records per year, %(first)s–%(last)s. Each bar opens its year.")
                              % {"first": first, "last": last}, "years-chart")
    bars = [timeline.Bar(i18n.gettext("the %(decade)ss") % {"decade": d}, i18n.gettext("%(decade)ss") % {"decade": d},
                         sum(len(years.get(y, [])) for y in range(d, d + 10)),
                         urls.url(s, urls.years_index()) + f"#decade-{d}")
            for d in range(first // 10 * 10, last + 1, 10)]
    return timeline.chart(bars, i18n.gettext("Records per decade, %(first)s–%(last)s. Each bar opens its decade.")
                          % {"first": bars[0].label, "last": bars[-1].label}, "years-chart")


def _year_rows(s: Settings, years: dict[int, list[Record]], decade: int, most: int) -> list[dict[str, Any]]:
    """A decade's years with records, and each run of years without any folded into one row."""
    rows: list[dict[str, Any]] = []
    for y in range(decade, decade + 10):
        n = len(years.get(y, []))
        if n:
            rows.append({"year": y, "label": str(y), "count": n, "count_text": _records_word(n),
                         "url": urls.url(s, urls.year(y)), "bar": round(100 * n / most, 1)})
        elif rows and not rows[-1]["count"]:
            rows[-1]["label"] = f"{rows[-1]['year']}–{y}"
        else:
            rows.append({"year": y, "label": str(y), "count": 0, "count_text": i18n.gettext("no records"),
                         "url": "", "bar": 0})
    return rows


def years_index_view(archive: Archive, years: dict[int, list[Record]]) -> View:
    s = archive.settings
    most = max((len(v) for v in years.values()), default=1)
    decades: list[dict[str, Any]] = []
    for decade in sorted({y // 10 * 10 for y in years}):
        filed = [r for y in range(decade, decade + 10) for r in years.get(y, [])]
        loose = sum(1 for r in filed if not r.date.is_interval and r.date.upper.year > r.date.lower.year)
        decades.append({"decade": decade, "label": i18n.gettext("%(decade)ss") % {"decade": decade},
                        "id": f"decade-{decade}", "count": len(filed),
                        "count_text": _records_word(len(filed)), "years": _year_rows(s, years, decade, most),
                        "decade_only": loose, "decade_only_url": urls.url(s, urls.year(decade)) if loose else ""})
    return {
        "page_title": i18n.gettext("Years"),
        "description": i18n.gettext("Records of %(archive)s by decade and year.") % {"archive": s.title},
        "lang": s.language,
        "breadcrumbs": [link(s, i18n.gettext("Home"), "")],
        "total": len(archive.records),
        "chart": _year_chart(s, years),
        "decades": decades,
    }


def _month_name(year: int, month: int) -> str:
    return i18n.month_year(month, year) if month else i18n.gettext("%(year)s, month not known") % {"year": year}


def _month_id(month: int) -> str:
    return f"month-{month:02d}" if month else "month-unknown"


def _months(s: Settings, year: int, records: Sequence[Record]) -> list[dict[str, Any]]:
    """Each month of the year with records: its name, count and the page and anchor it starts at."""
    months: dict[int, dict[str, Any]] = {}
    for i, r in enumerate(records):
        m = month_of(r)
        if m not in months:
            url = urls.url(s, urls.year(year, i // s.page_size + 1)) + "#" + _month_id(m)
            months[m] = {"month": m, "name": _month_name(year, m),
                         "short": i18n.month_abbr(m) if m else i18n.gettext("Other"), "count": 0, "url": url}
        months[m]["count"] += 1
    for entry in months.values():
        entry["count_text"] = _records_word(entry["count"])
    return [months[m] for m in sorted(months, key=lambda m: m or 13)]


def _month_chart(year: int, months: list[dict[str, Any]]) -> View:
    by_month = {m["month"]: m for m in months}
    bars = [timeline.Bar(_month_name(year, m), i18n.month_abbr(m), by_month[m]["count"] if m in by_month else 0,
                         by_month[m]["url"] if m in by_month else "") for m in range(1, 13)]
    caption = i18n.gettext("Records per month in %(year)s. Each bar opens its month.") % {"year": year}
    if 0 in by_month:
        caption += " " + i18n.gettext("Not drawn: %(records)s dated only to the year or more broadly.") % {
            "records": _records_word(by_month[0]["count"])}
    return timeline.chart(bars, caption, "months-chart")


def _month_groups(year: int, records: Sequence[Record], first: int, all_records: Sequence[Record],
                  archive: Archive) -> list[dict[str, Any]]:
    """A page's records in runs by month, each with its heading ("October 1956 (continued)")."""
    groups: list[dict[str, Any]] = []
    for i, r in enumerate(records):
        m = month_of(r)
        if not groups or groups[-1]["month"] != m:
            index = first - 1 + i
            continued = index > 0 and month_of(all_records[index - 1]) == m
            groups.append({"month": m, "id": _month_id(m), "records": [],
                           "heading": i18n.gettext("%(month)s (continued)") % {"month": _month_name(year, m)}
                           if continued else _month_name(year, m)})
        groups[-1]["records"].append(_listed(archive, r))
    return groups


def year_view(archive: Archive, year: int, page: int, records: Sequence[Record], pages: int, first: int,
              all_records: Sequence[Record], also: list[Record]) -> View:
    s = archive.settings
    total = len(all_records)
    title = str(year) if page == 1 else _paged(str(year), page, pages)
    crumbs = [link(s, i18n.gettext("Home"), ""), link(s, i18n.gettext("Years"), urls.years_index())]
    if page > 1:
        crumbs.append(link(s, str(year), urls.year(year)))
    months = _months(s, year, all_records)
    return {
        "page_title": title,
        "description": i18n.gettext("%(records)s filed under %(year)s in %(archive)s.") % {
            "records": _records_word(total), "year": year, "archive": s.title},
        "lang": s.language,
        "breadcrumbs": crumbs,
        "year": year,
        "decade": {"label": i18n.gettext("%(decade)ss") % {"decade": year // 10 * 10},
                   "url": urls.url(s, urls.years_index()) + f"#decade-{year // 10 * 10}"},
        "page": page,
        "shown": {"first": first, "last": first + len(records) - 1, "total": total},
        "months": months,
        "chart": _month_chart(year, months) if page == 1 else None,
        "groups": _month_groups(year, records, first, all_records, archive),
        # Only on the first page, capped, so a long-span record cannot blow up every year it covers.
        "also": [_listed(archive, r) for r in also[: s.page_size]] if page == 1 else [],
        "also_more": max(0, len(also) - s.page_size) if page == 1 else 0,
        "pagination": pagination(lambda n: urls.year(year, n), s, page, pages,
                                 i18n.gettext("Pages of records from %(year)s") % {"year": year}),
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


def record_breadcrumbs(archive: Archive, record: Record) -> list[dict[str, str]]:
    """Home › Collections › its first collection (the page of it that lists the record), or, for a
    record in no collection, Home › Years › the year it is filed under."""
    s = archive.settings
    term = archive.terms.get("collections", {}).get(record.collections[0]) if record.collections else None
    if term is None:
        return [link(s, i18n.gettext("Home"), ""), link(s, i18n.gettext("Years"), urls.years_index()),
                link(s, str(record.date.year), urls.year(record.date.year))]
    page = _position(archive, term.name, record.id) // s.page_size + 1
    return [link(s, i18n.gettext("Home"), ""),
            link(s, i18n.gettext(_LABELS["collections"]), urls.facet_index("collections")),
            link(s, term.name, urls.term("collections", term.slug, page))]


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
# Recently added


def recently_added(archive: Archive) -> View:
    """The home page's "Recently added": records by their ``uploaded`` date, newest first (ties by
    the document's date, latest first), and a sentence that says so — including when the dates
    shown cannot tell which came last (the sample's 281 FRUS records all say "1990")."""
    s = archive.settings
    dated = sorted((r for r in archive.records if r.uploaded),
                   key=lambda r: (r.uploaded.sort_key if r.uploaded else "", r.date.sort_key, r.id), reverse=True)
    recent = dated[: s.recent]
    notes = [i18n.gettext("Newest first by the upload date each record gives (its uploaded field).")]
    if recent and recent[-1].uploaded and recent[0].uploaded:
        latest = recent[0].uploaded
        tied = sum(1 for r in dated if r.uploaded and r.uploaded.sort_key == latest.sort_key)
        if tied > len(recent):
            notes.append(i18n.gettext("%(count)s records share the latest upload date, %(date)s, so the order "
                                      "among them is not known: these are the latest-dated of them.")
                         % {"count": tied, "date": i18n.format_date(latest)})
    missing = len(archive.records) - len(dated)
    if missing:
        notes.append(i18n.ngettext("%(num)d record without an upload date is not listed here.",
                                   "%(num)d records without an upload date are not listed here.", missing))
    return {
        "recent": [dict(record_summary(archive, r), note=i18n.gettext("Added %(date)s") % {
                        "date": i18n.format_date(r.uploaded)} if r.uploaded else "")
                   for r in recent],
        "recent_note": " ".join(notes),
    }


# ---------------------------------------------------------------------------------------------
# The plan


def plan(archive: Archive) -> list[Page]:
    size = archive.settings.page_size
    pages: list[Page] = []
    for facet in FACET_KEYS:
        pages.append(Page(urls.facet_index(facet), "facet_index.html",
                          partial(facet_index_view, archive, facet, False)))
        pages.append(Page(urls.facet_index_by_count(facet), "facet_index.html",
                          partial(facet_index_view, archive, facet, True)))
        for term in sorted(archive.terms.get(facet, {}).values(), key=lambda t: t.slug):
            id_parts = chunks(term.record_ids, size)
            for n, ids in enumerate(id_parts, 1):
                pages.append(Page(urls.term(facet, term.slug, n), "term.html",
                                  partial(term_view, archive, term, n, ids, len(id_parts), (n - 1) * size + 1),
                                  tuple(ids)))
    years = years_of(archive)
    pages.append(Page(urls.years_index(), "years.html", partial(years_index_view, archive, years)))
    spanning = [r for r in archive.records if r.date.upper.year > r.date.lower.year]
    for year, records in sorted(years.items()):
        also = [r for r in spanning if r.date.lower.year < year <= r.date.upper.year]
        year_parts = chunks(records, size)
        for n, part in enumerate(year_parts, 1):
            pages.append(Page(urls.year(year, n), "year.html",
                              partial(year_view, archive, year, n, part, len(year_parts), (n - 1) * size + 1,
                                      records, also),
                              # Every page of a year shows its month jump list and chart, made from all
                              # the year's records; page 1 also shows the records that began earlier
                              # (deps.py must know both).
                              tuple(r.id for r in records) + (tuple(r.id for r in also) if n == 1 else ())))
    return pages
