"""Every URL and output path of the site, in one place.

Paths here are site-relative without a leading slash ("records/x/"); ``url()`` adds the
base path so that every link works when the site is served under a sub-path.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from archivegen.records.settings import Settings
from archivegen.records.slugs import BY_COUNT


def home() -> str:
    return ""



def record(record_id: str) -> str:
    return f"records/{record_id}/"


def record_file(record_id: str, name: str) -> str:
    return f"records/{record_id}/{name}"


def record_bibtex(record_id: str) -> str:
    return record_file(record_id, "citation.bib")


def record_ris(record_id: str) -> str:
    return record_file(record_id, "citation.ris")


def record_csl_json(record_id: str) -> str:
    return record_file(record_id, "record.json")


def facet_index(facet: str) -> str:
    return f"{facet}/"


def facet_index_by_count(facet: str) -> str:
    """The facet's terms, most records first (the A–Z list is facet_index)."""
    return f"{facet}/{BY_COUNT}/"


def term(facet: str, slug: str, page: int = 1) -> str:
    base = f"{facet}/{slug}/"
    return base if page == 1 else f"{base}page/{page}/"


def years_index() -> str:
    return "years/"


def year(y: int, page: int = 1) -> str:
    base = f"years/{y:04d}/"
    return base if page == 1 else f"{base}page/{page}/"


def search_page() -> str:
    return "search/"


def search_counts_folder() -> str:
    """Whole-archive filter counts, one file per filter key (search_page.py)."""
    return "search/facets/"


def search_counts(key: str) -> str:
    return f"{search_counts_folder()}{key}.json"


#: The search index's folder (index/pagefind.py writes it; the search page reads it).
SEARCH_BUNDLE = "pagefind"
#: The index's list of shards, in SEARCH_BUNDLE (the search page loads it first).
SEARCH_SHARDS = "shards.json"


def search_shards() -> str:
    return f"{SEARCH_BUNDLE}/{SEARCH_SHARDS}"


def data_page() -> str:
    return "data/"


def records_json() -> str:
    return "data/records.json"


def records_csv() -> str:
    return "data/records.csv"


def feed() -> str:
    return "feed.xml"


def sitemap(number: int = 0) -> str:
    """The sitemap (``number`` 0), or the numbered part of a sitemap too large for one file."""
    return f"sitemap-{number}.xml" if number else "sitemap.xml"


def robots() -> str:
    return "robots.txt"


def not_found() -> str:
    """The error page web servers are pointed at."""
    return "404.html"


def web_manifest() -> str:
    """The web app manifest (name, icons, colours), at the site's root so its scope is the site."""
    return "site.webmanifest"


def asset(name: str) -> str:
    return f"assets/{name}"


def output_file(path: str) -> str:
    """The file a site path is written to: directories get index.html."""
    return path + "index.html" if path.endswith("/") or path == "" else path


_SAFE = "/?=&#%:@~+,;"
#: A path quote() would return unchanged (most are): skipping quote() saves ~2 µs a link.
_UNQUOTED = re.compile(r"[A-Za-z0-9_.\-/?=&#%:@~+,;]*\Z")


def url(settings: Settings, path: str) -> str:
    """Root-relative URL including the base path: url(s, "records/x/") -> "/archive/records/x/"."""
    return settings.base_path + (path if _UNQUOTED.match(path) else quote(path, safe=_SAFE))


def absolute(settings: Settings, path: str) -> str:
    """Absolute URL for feeds, sitemaps and citations (base_url may be a bare path)."""
    return settings.origin + url(settings, path)


def link(settings: Settings, text: str, path: str) -> dict[str, str]:
    """A link as views hand it to templates: its text and its URL."""
    return {"text": text, "url": url(settings, path)}
