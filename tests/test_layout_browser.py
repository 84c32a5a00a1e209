"""Reading on a phone and finding one's way (issue 18), measured in Chromium on the sample site:
the text first on a phone, a search result in the first screen, a navigation that is one aligned
row, timeline bars that are links a keyboard reaches, year pages by month, and the small print
and list fixes. Screenshots of these pages are taken by test_screenshots.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from archivegen.build.pipeline import build_archive
from conftest import make_archive, record_text
from reader_support import PAGE_KINDS, SiteServer, open_page

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MODEL = "records/andropov-report-1-november-1956/"
RECORD = next(k for k in PAGE_KINDS if k.name == "record")
SEARCH = next(k for k in PAGE_KINDS if k.name == "search with results")

FIRST_LINE_JS = """() => { const p = document.querySelector('.transcription > :not(h2)');
    const r = document.createRange(); r.selectNodeContents(p); const rects = r.getClientRects();
    return rects.length ? rects[0].top + scrollY : null; }"""
NAV_ROWS_JS = """() => { const rows = {};
    for (const a of document.querySelectorAll('.site-nav a')) { const r = a.getBoundingClientRect();
        (rows[Math.round(r.top)] = rows[Math.round(r.top)] || []).push(Math.round(r.left)); }
    return Object.values(rows).map(lefts => Math.min(...lefts)); }"""


def _page(site: Path, path: str) -> Any:
    return lxml_html.fromstring((site / path / "index.html").read_bytes())


def _longest_headers(site: Path, folder_prefix: str, n: int) -> list[str]:
    """The ``n`` record pages whose title and summary are longest (the hardest to fit on a phone)."""
    sized = []
    for page in sorted((site / "records").glob(f"{folder_prefix}*/index.html")):
        doc = lxml_html.fromstring(page.read_bytes())
        header = doc.xpath('//header[@class="record-header"]')[0]
        sized.append((len(header.text_content()), f"records/{page.parent.name}/"))
    return [path for _, path in sorted(sized, reverse=True)[:n]]


def _context(chromium: Any, viewport: dict[str, int] | None = None, **options: Any) -> Any:
    return chromium.new_context(viewport=viewport or PHONE, **options)


def test_the_text_starts_in_the_first_screen_of_a_phone(chromium: Any, site_server: SiteServer) -> None:
    """At 390x844 the first line of the document is above 800 px on the model record and on the
    FRUS records with the longest headers; the details come after the text, one tap away."""
    paths = [MODEL, *_longest_headers(site_server.site, "frus", 3)]
    context = _context(chromium)
    seen = {}
    try:
        page = context.new_page()
        for path in paths:
            page.goto(site_server.url(path))
            seen[path] = page.evaluate(FIRST_LINE_JS)
        page.goto(site_server.url(MODEL))
        text = page.locator(".transcription").bounding_box()
        meta = page.locator(".metadata").bounding_box()
        page.get_by_role("link", name="Document information").click()
        page.wait_for_timeout(800)  # smooth scrolling
        heading_top = page.locator("#metadata-heading").evaluate("e => e.getBoundingClientRect().top")
    finally:
        context.close()
    late = {p: y for p, y in seen.items() if y is None or y >= 800}
    assert late == {}, f"first line of the text at or below 800 px: {late}"
    assert text and meta and meta["y"] >= text["y"] + text["height"], "details follow the text on a phone"
    assert 0 <= heading_top < 844, "the header's link brings the details into view"


def test_the_summary_button_shows_the_whole_summary_on_a_phone(chromium: Any, site_server: SiteServer) -> None:
    context = _context(chromium)
    try:
        page = context.new_page()
        page.goto(site_server.url(MODEL))
        summary = page.locator("#record-summary p")
        cut = summary.bounding_box()
        button = page.get_by_role("button", name="Show the whole summary")
        assert button.get_attribute("aria-expanded") == "false"
        button.click()
        whole = summary.bounding_box()
        expanded = page.locator(".summary-more").get_attribute("aria-expanded")
    finally:
        context.close()
    assert cut and whole and whole["height"] > 2 * cut["height"] and expanded == "true"


def test_without_scripts_the_summary_is_whole_and_has_no_button(chromium: Any, site_server: SiteServer) -> None:
    context = _context(chromium, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_server.url(MODEL))
        visible = page.locator(".summary-more").is_visible()
        lines = page.locator("#record-summary p").evaluate(
            "p => p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight)")
    finally:
        context.close()
    assert not visible and lines > 3


def test_a_search_result_is_in_the_first_screen_of_a_phone(chromium: Any, site_server: SiteServer) -> None:
    context = _context(chromium)
    try:
        page = open_page(context, site_server, SEARCH)
        top = page.locator("#search-results li").first.evaluate("e => e.getBoundingClientRect().top + scrollY")
    finally:
        context.close()
    assert top + 40 < 844, f"first result starts at {top:.0f} px"


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_the_navigation_is_rows_that_line_up(chromium: Any, site_server: SiteServer, width: int) -> None:
    """Every row of nav links starts at the same x (one row on a phone, scrolling sideways), and
    the last link is reachable by keyboard and then in view."""
    context = _context(chromium, {"width": width, "height": 844})
    try:
        page = open_page(context, site_server, RECORD, MODEL)
        lefts = page.evaluate(NAV_ROWS_JS)
        last = page.locator(".site-nav a").last
        last.focus()
        box = last.bounding_box()
        page_width = page.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()
    assert len(lefts) == 1 or max(lefts) - min(lefts) <= 1, f"row starts {lefts}"
    if width < 600:
        assert len(lefts) == 1, "one row on a phone"
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, "focused link scrolled into view"
    assert page_width <= width


def test_breadcrumb_goes_through_the_collection_and_neighbours_are_near_the_title(sample_site: Path) -> None:
    page = _page(sample_site, MODEL)
    crumbs = [a.text_content() for a in page.xpath('//nav[@aria-label="Breadcrumb"]//a')]
    assert crumbs == ["Home", "Collections", "Hungarian Revolution, 1956"]
    page = _page(sample_site, "records/frus1955-57v25-d100/")  # the model record is alone in its collection
    top = page.xpath('//nav[@class="neighbours-top"]')
    bottom = page.xpath('//nav[@class="neighbours"]')
    assert top and bottom
    # Near the title: before the transcription; both bars are the same markup.
    body = lxml_html.tostring(page).decode()
    assert body.index('class="neighbours-top"') < body.index('class="transcription')
    shape = [[e.get("class") for e in bar.iter() if e.get("class")] for bar in (top[0], bottom[0].xpath("./div")[0])]
    assert shape[0][0] == "neighbours-top" and shape[0][1:] == shape[1]


def test_previous_and_next_bars_are_laid_out_alike(chromium: Any, site_server: SiteServer) -> None:
    """Near the title and at the end: previous on the left, next on the right, at the same x."""
    path = "records/frus1955-57v25-d100/"
    out = {}
    for width in (390, 1280):
        context = _context(chromium, {"width": width, "height": 900})
        try:
            page = open_page(context, site_server, RECORD, path)
            out[width] = page.evaluate("""() => [...document.querySelectorAll('.neighbour-set')].map(s =>
                ['.neighbour-prev a', '.neighbour-next a'].map(q => { const r = s.querySelector(q).getBoundingClientRect();
                    return [Math.round(r.left), Math.round(r.right), Math.round(r.height)]; }))""")
        finally:
            context.close()
    for width, (top, bottom) in out.items():
        assert top == bottom, f"{width}px: near the title {top}, at the end {bottom}"
        assert top[0][1] <= top[1][0] + 1, "previous is left of next"


def test_timeline_bars_are_links_a_keyboard_reaches(chromium: Any, site_server: SiteServer) -> None:
    context = _context(chromium, {"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_server.url("years/1956/"))
        bars = page.locator(".timeline-chart a")
        names = [bars.nth(i).evaluate("a => a.querySelector('title').textContent") for i in range(bars.count())]
        reached = None
        for _ in range(60):
            page.keyboard.press("Tab")
            label = page.evaluate("document.activeElement.querySelector('title')?.textContent || ''")
            if label.startswith("October 1956"):
                reached = label
                break
        by_role = page.get_by_role("link", name="October 1956: 61 records", exact=True).count()
        page.keyboard.press("Enter")
        page.wait_for_url("**#month-10")
        heading = page.locator("#month-10").inner_text()
        box = page.locator("#month-10").bounding_box()
    finally:
        context.close()
    assert len(names) == 12 and "October 1956: 61 records" in names
    assert reached == "October 1956: 61 records" and by_role == 1, "the bar is a link named by its title"
    assert heading.startswith("October 1956") and box is not None


def test_year_chart_on_the_years_page_links_every_year_with_records(sample_site: Path) -> None:
    page = _page(sample_site, "years")
    bars = {a.xpath('./*[local-name()="title"]')[0].text_content(): a.get("href")
            for a in page.xpath('//figure[@class="timeline-chart"]//*[local-name()="a"]')}
    listed = {a.text_content(): a.get("href") for a in page.xpath('//ol[@class="timeline"]//a')}
    covered = set()
    for name, href in bars.items():
        label, count = name.split(": ")
        assert int(count.split()[0]) > 0
        if "#decade-" in href:  # a span of more than YEARS_MAX years: one bar per decade
            decade = href.rsplit("-", 1)[1]
            assert page.xpath(f'//*[@id="decade-{decade}"]'), href
            in_decade = {h for y, h in listed.items() if y[:3] == decade[:3]}
            assert in_decade, f"{label} has records but no year of it is listed"
            covered |= in_decade
        else:
            assert f"{label}/" in href and href in listed.values()
            covered.add(href)
    assert covered == set(listed.values()), "every listed year is reached from a bar"


def test_every_month_link_of_a_year_lands_on_its_heading(sample_site: Path) -> None:
    """Each month in the jump list leads to the page and heading where that month starts, and the
    months' counts add up to the year's records."""
    page = _page(sample_site, "years/1956")
    links = page.xpath('//nav[@aria-label="Jump to month"]//a')
    assert len(links) >= 10
    total = 0
    for a in links:
        target, fragment = a.get("href").split("#")
        doc = _page(sample_site, target.removeprefix("/archive/").rstrip("/"))
        heading = doc.xpath(f'//h2[@id="{fragment}"]')
        assert heading and "(continued)" not in heading[0].text_content()
        total += int(a.xpath('.//span[@class="count"]')[0].text_content().split()[0])
    assert total == int(page.xpath('//p[@class="count"]')[0].text_content().split()[0])


def test_recently_added_says_how_it_is_ordered(tmp_path: Path) -> None:
    """Ordered by `uploaded`, and the page says so: ties at the latest date and records without
    one are named (the sample's FRUS records have no upload dates, so an archive of its own)."""
    records = {f"r{i}.md": record_text(f"Record {i}", f"1956-11-0{i}", uploaded="1990") for i in range(1, 4)}
    records["new.md"] = record_text("Newest", "1956-10-01", uploaded="2024-05-01")
    records["none.md"] = record_text("No upload date", "1956-10-02")
    root = make_archive(tmp_path / "a", records)
    build_archive(root, index=False)
    page = lxml_html.fromstring((root / "site" / "index.html").read_bytes())
    section = page.xpath('//section[@aria-labelledby="recent-heading"]')[0]
    note = section.xpath('./p[@class="count"]')[0].text_content()
    assert "upload date" in note and "1 record without an upload date is not listed here" in note
    titles = [li.xpath(".//a")[0].text_content() for li in section.xpath(".//li")]
    assert titles[0] == "Newest" and "No upload date" not in titles and len(titles) == 4


def test_own_numbered_items_have_no_bullet_and_print_leaves_out_the_downloads(chromium: Any,
                                                                          site_server: SiteServer) -> None:
    context = _context(chromium, {"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_server.url("records/frus1955-57v25-d13/"))
        marker = page.locator("ul.own-markers").first.evaluate("e => getComputedStyle(e).listStyleType")
        page.emulate_media(media="print")
        downloads = page.locator(".cite-downloads").is_visible()
        citation = page.locator(".citation").first.is_visible()
        # A two-digit note number sits inside the page, clear of the left edge of the text.
        # Printed labels (issue 15) sit in a column of their own; list markers in the list's padding.
        gap = page.evaluate("""() => { const item = document.querySelector('.footnote-item');
            if (item) return parseFloat(getComputedStyle(item).gridTemplateColumns);
            const l = document.querySelector('.footnotes-list');
            return l ? parseFloat(getComputedStyle(l).paddingLeft) : null; }""")
    finally:
        context.close()
    assert marker == "none"
    assert not downloads and citation
    assert gap is None or gap >= 30
