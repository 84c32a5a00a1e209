"""The search page and what a record page tells Pagefind: filters, the date sort key, result metadata.

The index itself (shards, Pagefind runs, the delta bundle for edits) is index/pagefind.py; the page
(static/search.js) loads ``pagefind/shards.json`` and queries every bundle as one. See docs/search.md.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from archivegen.records.fields import FILTERS as FIELD_FILTERS
from archivegen.records.model import Archive, Record
from archivegen.render import i18n, urls
from archivegen.render.page import RAW, Page

#: Filters readers can narrow by, in the order the search page shows them: (Pagefind key, label).
#: They come from the field table (records/fields.py): a field declares the filters it feeds.
FILTERS: tuple[tuple[str, str], ...] = tuple((flt.key, flt.label) for flt, _ in FIELD_FILTERS)
#: Hidden filter: every year a record's date spans (the date range matches on overlap).
SPAN_FILTER = "span"
#: Pagefind sort key: the EDTF sort key (lower/upper ISO dates), chronological as a string.
SORT_KEY = "date"
#: Result metadata holding the sort key (search.js merges date-sorted shards by it).
SORT_META = "sort"
#: Result metadata every record page carries, with one value: searching for that value finds every
#: record through one index chunk per shard, which is how the search page browses by filters alone
#: (Pagefind's own filter-only search fetches every index chunk: 48 MB at 40,000 records, issue #7).
#: The value is a letter no reader types (Pagefind matches the last word as a prefix, so a Latin
#: word would be found by its first letters).
BROWSE_META = "every"
BROWSE_TERM = "\ua66e"  # ꙮ CYRILLIC LETTER MULTIOCULAR O
# Whole-archive filter counts are shown before anything is asked (no Pagefind chunk is loaded then),
# one file per filter key (urls.search_counts: ``search/facets/<key>.json``): at 40,000 records all
# keys together are ~300 KB, most of it people, and a reader opening "Type" needs 1 KB of it.
#: The longest span whose years are all listed; wider dates ("19XX") list their first year only.
MAX_SPAN_YEARS = 100
BUNDLE_DIR = urls.SEARCH_BUNDLE
SHARDS_FILE = urls.SEARCH_SHARDS
MANIFEST = SHARDS_FILE
"""The name index/pagefind.py imports (the index's list of shards)."""
#: Pagefind's ranking options (its defaults: termFrequency 1, pageLength 0.75, termSaturation 1.4,
#: termSimilarity 1), chosen with bench/search_queries.py on the sample (docs/search.md): long
#: records are penalised less (FRUS records run from 1 to 290 KB), and a word found as typed
#: counts more than one it only begins or shares a stem with.
RANKING: dict[str, float] = {"pageLength": 0.3, "termSimilarity": 3.0}
#: The version of ``shards.json`` and of the index cache's ``state.json`` (index/state.py); the
#: search page is given it and refuses a manifest of another.
INDEX_VERSION = 3

# ---------------------------------------------------------------------------------------------
# What a record page tells Pagefind (rendered by templates/partials/search_fields.html)


def record_fields(record: Record) -> dict[str, Any]:
    """Filters, sort key and result metadata for one record page."""
    values: list[tuple[str, str]] = []
    for flt, f in FIELD_FILTERS:
        value = record.value(f.name)
        terms = flt.values(value) if flt.values and value is not None else f.kind.terms(value)
        values += [(flt.key, term) for term in terms]
    span = record.date.years if len(record.date.years) <= MAX_SPAN_YEARS else [record.date.year]
    values += [(SPAN_FILTER, str(y)) for y in span]
    # The id makes every key distinct, so date order is one total order however the pages are
    # sharded; the key is also result metadata because search.js merges shards by it.
    sort = f"{record.date.sort_key} {record.id}"
    return {
        "filters": [{"key": k, "value": v} for k, v in values],
        "sort": sort,
        "meta": [{"key": "date", "value": i18n.format_date(record.date)}, {"key": "type", "value": record.type},
                 {"key": SORT_META, "value": sort}, {"key": BROWSE_META, "value": BROWSE_TERM}],
    }


def search_messages() -> dict[str, str]:
    """search.js's words in the interface language; it fills in each %(name)s."""
    _ = i18n.gettext
    return {
        "idle": _("Type words to search, or choose a filter or a date range to browse the records."),
        "none": _("No records found%(what)s%(narrowed)s."),
        "found_one": _("%(n)s record found%(what)s%(narrowed)s"),
        "found_other": _("%(n)s records found%(what)s%(narrowed)s"),
        "for_query": _(" for “%(q)s”"),
        "with_filters": _(" with these filters"),
        "showing": _("; showing %(first)s–%(last)s."),
        "previous_page": _("Previous page"),
        "next_page": _("Next page"),
        "page_of": _("Page %(page)s of %(pages)s"),
        "chosen": _(" (%(n)s chosen)"),
        "loading": _("Loading counts…"),
        "no_values": _("No values."),
        "none_here": _("None in these results."),
        "show_fewer": _("Show fewer %(label)s values"),
        "show_all": _("Show all %(n)s %(label)s values"),
        "clear": _("Clear all filters"),
        "filters": _("Filters"),
        "filters_chosen": _("Filters (%(n)s chosen)"),
        "unavailable": _("Search is not available: the search index could not be loaded."),
        "corrected": _("Showing results for %(corrected)s — search instead for %(query)s"),
    }


def facet_counts(archive: Archive) -> dict[str, dict[str, int]]:
    """How many records carry each value of each filter, over the whole archive (as a clean index
    with no query would count them)."""
    keys = {k for k, _ in FILTERS}
    counts: dict[str, dict[str, int]] = {k: {} for k, _ in FILTERS}
    for record in archive.records:
        # A record listing a value twice is one page carrying it once, as Pagefind counts it.
        for f in {(f["key"], f["value"]) for f in record_fields(record)["filters"]}:
            if f[0] in keys:
                counts[f[0]][f[1]] = counts[f[0]].get(f[1], 0) + 1
    return counts


def plan(archive: Archive) -> list[Page]:
    """The search page and its whole-archive filter counts (one file per filter key)."""
    def view() -> dict[str, Any]:
        s = archive.settings
        years = [r.date.year for r in archive.records]
        return {
            "page_title": i18n.gettext("Search"),
            "description": i18n.gettext("Search the records of %(archive)s.") % {"archive": s.title},
            "lang": s.language,
            "breadcrumbs": [urls.link(s, i18n.gettext("Home"), urls.home())],
            "config": {
                "manifest": urls.url(s, urls.search_shards()), "version": INDEX_VERSION,
                "facets": urls.url(s, urls.search_counts_folder()),
                "filters": [{"key": k, "label": i18n.gettext(label)} for k, label in FILTERS],
                "base": urls.url(s, urls.home()), "span": SPAN_FILTER, "sort": SORT_KEY, "sort_meta": SORT_META,
                "browse": BROWSE_TERM,
                "years": [min(years), max(years)] if years else [],
                "page_size": 20, "ranking": RANKING,
                "messages": search_messages(),
            },
        }

    counted: list[dict[str, dict[str, int]]] = []

    def facets(key: str) -> dict[str, Any]:
        if not counted:  # once for every key's file (rendering is in order, in one process)
            counted.append(facet_counts(archive))
        text = json.dumps(counted[0][key], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return {"text": text + "\n"}

    every = tuple(r.id for r in archive.records)
    return [Page(urls.search_page(), "search.html", view)] + [
        Page(urls.search_counts(key), RAW, partial(facets, key), every) for key, _ in FILTERS]

