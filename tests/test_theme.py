"""The default theme's promises that can be read from the built files: every page has a title and
a description; record pages carry Open Graph tags with an absolute address; icons and the web
manifest exist and agree with the settings; nothing is loaded from another host; pages are light.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from reader_support import FACETS, PAGE_KINDS

RECORD = "records/andropov-report-1-november-1956/index.html"
# Elements that make a browser fetch something while showing a page (links to follow are fine).
FETCHING = {
    "script": "src", "img": "src", "iframe": "src", "source": "src", "video": "src", "audio": "src",
    "embed": "src", "object": "data", "track": "src", "input": "src",
}
FETCHING_LINK_RELS = {"stylesheet", "icon", "apple-touch-icon", "manifest", "preload", "modulepreload",
                      "prefetch", "preconnect", "dns-prefetch", "mask-icon"}


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def parse(file: Path):
    return lxml_html.fromstring(file.read_bytes())


def test_every_page_has_a_title_and_a_description(sample_site: Path) -> None:
    bad = []
    for file in html_files(sample_site):
        doc = parse(file)
        title = doc.findtext(".//head/title") or ""
        desc = doc.xpath('string(//head/meta[@name="description"]/@content)')
        if not title.strip() or not desc.strip():
            bad.append(str(file.relative_to(sample_site)))
    assert bad == []


def test_record_page_has_open_graph_tags_with_its_absolute_address(sample_site: Path) -> None:
    doc = parse(sample_site / RECORD)
    og = {m.get("property"): m.get("content") for m in doc.xpath('//head/meta[starts-with(@property, "og:")]')}
    url = "https://example.org/archive/records/andropov-report-1-november-1956/"
    assert og == {
        "og:site_name": "Cold War Documents Digital Archive",
        "og:title": "Andropov Report, 1 November 1956",
        "og:description": og["og:description"],
        "og:type": "article",
        "og:url": url,
    }
    assert og["og:description"].startswith("Andropov reports that Imre Nagy has threatened a scandal")
    assert doc.xpath('string(//head/link[@rel="canonical"]/@href)') == url


def test_home_page_is_an_og_website(sample_site: Path) -> None:
    doc = parse(sample_site / "index.html")
    assert doc.xpath('string(//meta[@property="og:type"]/@content)') == "website"
    assert doc.xpath('string(//meta[@property="og:url"]/@content)') == "https://example.org/archive/"


def test_no_og_url_when_the_base_url_has_no_host(sample_site_root: Path) -> None:
    """og:url and canonical must be absolute; a site built for base_url / has no host to give."""
    doc = parse(sample_site_root / RECORD)
    assert doc.xpath('//meta[@property="og:url"]') == [] and doc.xpath('//link[@rel="canonical"]') == []
    assert doc.xpath('string(//meta[@property="og:type"]/@content)') == "article"


def test_icons_and_manifest_are_linked_and_exist_under_the_base_path(sample_site: Path) -> None:
    doc = parse(sample_site / RECORD)
    hrefs = {rel: doc.xpath(f'string(//head/link[@rel="{rel}"]/@href)') for rel in ("apple-touch-icon", "manifest")}
    icons = doc.xpath('//head/link[@rel="icon"]/@href')
    assert sorted(icons) == ["/archive/assets/favicon.ico", "/archive/assets/favicon.svg"]
    for href in [*icons, *hrefs.values()]:
        assert href.startswith("/archive/")
        assert (sample_site / href.removeprefix("/archive/")).is_file(), href
    manifest = json.loads((sample_site / "site.webmanifest").read_text(encoding="utf-8"))
    assert manifest["name"] == "Cold War Documents Digital Archive"
    assert manifest["start_url"] == manifest["scope"] == "/archive/"
    for icon in manifest["icons"]:
        assert (sample_site / icon["src"].removeprefix("/archive/")).is_file(), icon
    assert {i["sizes"] for i in manifest["icons"]} >= {"192x192", "512x512"}


def test_the_site_loads_nothing_from_another_host(sample_site: Path) -> None:
    """No CDN, web font or tracker: every fetched resource in every page and stylesheet is local."""
    external = []
    for file in html_files(sample_site):
        doc = parse(file)
        for tag, attr in FETCHING.items():
            for value in doc.xpath(f"//{tag}/@{attr}"):
                if re.match(r"^(https?:)?//", value):
                    external.append(f"{file.relative_to(sample_site)}: <{tag} {attr}={value}>")
        for link in doc.xpath("//link[@rel]"):
            if set(link.get("rel").split()) & FETCHING_LINK_RELS and re.match(r"^(https?:)?//", link.get("href", "")):
                external.append(f"{file.relative_to(sample_site)}: <link rel={link.get('rel')} href={link.get('href')}>")
        for style in doc.xpath("//style/text() | //@style"):
            if re.search(r"url\(\s*['\"]?(https?:)?//|@import", style):
                external.append(f"{file.relative_to(sample_site)}: inline style {style[:60]}")
    for css in sample_site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        if re.search(r"url\(\s*['\"]?(https?:)?//|@import\s+['\"]?(https?:)?//|@font-face", text):
            external.append(str(css.relative_to(sample_site)))
    assert external == []


def record_page_bytes(site: Path, page: Path) -> dict[str, int]:
    """Bytes a reader's browser downloads to show ``page`` on screen: its HTML and the CSS and
    JavaScript it links (print.css and icons are fetched only when printing or by the browser UI)."""
    doc = parse(page)
    sizes = {"html": page.stat().st_size, "css": 0, "js": 0}
    for href in doc.xpath('//link[@rel="stylesheet" and not(@media="print")]/@href'):
        sizes["css"] += (site / href.removeprefix("/archive/")).stat().st_size
    for src in doc.xpath("//script/@src"):
        sizes["js"] += (site / src.removeprefix("/archive/")).stat().st_size
    return sizes


def test_record_pages_are_light(sample_site: Path) -> None:
    """Budget: a record page is under 100 KB of HTML+CSS+JS (the model record is about 32 KB)."""
    heavy = {}
    for page in sorted((sample_site / "records").glob("*/index.html")):
        total = sum(record_page_bytes(sample_site, page).values())
        if total > 100_000:
            heavy[page.parent.name] = total
    assert heavy == {}
    # 58 KB (was 50): issue 15's translation credit and texts.css (notes as printed), issue 16's
    # abbreviations list, glossary links and the page's map (authorities.css), issue 17's result
    # metadata, issue 18's layout rules and the map pins' position classes (CSP: no style="") came to ~57.6 KB.
    # Raised, not earned back: a follow-up
    # should split style.css by page kind (it is 25 KB, loaded by every page).
    assert sum(record_page_bytes(sample_site, sample_site / RECORD).values()) < 58_000


def test_the_sample_site_has_a_page_of_every_kind_the_browser_tests_check(sample_site: Path) -> None:
    """The accessibility and screenshot tests run over PAGE_KINDS; each kind must exist in the
    sample site (home, record, every facet index and term, years, a year, search, data, 404)."""
    names = {k.name for k in PAGE_KINDS}
    assert {"home", "record", "years index", "year", "search with results", "data", "404"} <= names
    assert {f"{f} {what}" for f in FACETS for what in ("index", "term")} <= names
    found = {k.name: k.find(sample_site) for k in PAGE_KINDS}
    assert [name for name, path in found.items() if path is None] == []


def test_a_page_kind_missing_from_the_site_fails_rather_than_skips(tmp_path: Path) -> None:
    year = next(k for k in PAGE_KINDS if k.name == "year")
    with pytest.raises(pytest.fail.Exception, match="has no year page"):
        year.path(tmp_path)
