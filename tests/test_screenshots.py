"""Screenshots of a record page and of the other kinds of page (a term, the years, a year, search
with results, data, 404) at phone and desktop widths in both colour schemes, written to
test-artifacts/screenshots/ (gitignored) for people to look at, with the layout claims a reader
would notice asserted on the same page loads.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from reader_support import PAGE_KINDS, SiteServer, open_page

pytestmark = pytest.mark.browser

SHOTS = REPO / "test-artifacts" / "screenshots"
RECORD = next(k for k in PAGE_KINDS if k.name == "record")
# The model record: long Russian-archive metadata, a summary and a transcription.
RECORD_PATH = "records/andropov-report-1-november-1956/"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def luminance(css_rgb: str) -> float:
    """Relative luminance (WCAG) of a computed colour such as 'rgb(22, 24, 28)'."""
    parts = [float(x) / 255 for x in css_rgb[css_rgb.index("(") + 1:css_rgb.index(")")].split(",")[:3]]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


@pytest.fixture(scope="module")
def shots_dir() -> Iterator[Path]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield SHOTS


@pytest.fixture(scope="module")
def tab(chromium: Any) -> Iterator[Callable[[int, str], Any]]:
    """tab(width, scheme): one page per screen width and colour scheme, which loads every page
    shot in that view in turn, as a reader's tab does (a context per shot cost Chromium about
    a quarter of a CPU-second each)."""
    contexts: dict[tuple[int, str], Any] = {}

    def page_in(width: int, scheme: str) -> Any:
        if (width, scheme) not in contexts:
            contexts[width, scheme] = chromium.new_context(viewport={"width": width, "height": 900},
                                                           color_scheme=scheme)
            contexts[width, scheme].new_page()
        return contexts[width, scheme].pages[0]

    yield page_in
    for context in contexts.values():
        context.close()


def _screenshot(page: Any, target: Path, width: int) -> dict[str, str]:
    """Save the whole page as ``target`` (as wide as the screen) and give the body's colours."""
    data = page.screenshot(path=str(target), full_page=True)
    assert target.is_file() and png_size(data)[0] == width
    colours: dict[str, str] = page.evaluate("""() => { const b = getComputedStyle(document.body);
        return {bg: b.backgroundColor, fg: b.color}; }""")
    return colours


def _assert_scheme(colours: dict[str, str], scheme: str) -> None:
    """Dark text on a light page, or light text on a dark one, as the reader's scheme asks."""
    bg, fg = luminance(colours["bg"]), luminance(colours["fg"])
    assert (bg > 0.8 and fg < 0.05) if scheme == "light" else (bg < 0.05 and fg > 0.6), colours


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_record_page_screenshot(tab: Callable[[int, str], Any], site_server: SiteServer, shots_dir: Path,
                                width: int, scheme: str) -> None:
    assert (site_server.site / RECORD_PATH / "index.html").is_file()
    page = tab(width, scheme)
    open_page(page.context, site_server, RECORD, RECORD_PATH, page=page)
    colours = _screenshot(page, shots_dir / f"record-{width}-{scheme}.png", width)
    meta = page.locator(".metadata").bounding_box()
    text = page.locator(".transcription").bounding_box()
    line = page.evaluate("""() => { const p = document.querySelector('.transcription p:nth-of-type(4)');
        const chars = p.textContent.length, lines = Math.round(p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight));
        return chars / lines; }""")
    _assert_scheme(colours, scheme)
    assert meta and text
    if width >= 1280:  # metadata is a sidebar beside the text
        assert meta["x"] >= text["x"] + text["width"], (meta, text)
    else:  # after the text, full width (issue 18: the text comes first on a phone)
        assert meta["y"] >= text["y"] + text["height"] and meta["width"] >= width - 40, (meta, text)
    # Comfortable measure: about 60-80 characters a line on a wide screen, never a cramped phone column.
    assert (55 <= line <= 85) if width >= 1280 else (30 <= line <= 60), f"{line:.0f} characters a line"


def test_printed_record_pdf(chromium: Any, site_server: SiteServer, shots_dir: Path) -> None:
    """The record as printed (A4 PDF artifact): one column, citation and address included."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = open_page(context, site_server, RECORD, RECORD_PATH)
        page.emulate_media(media="print")
        meta = page.locator(".metadata").bounding_box()
        text = page.locator(".transcription").bounding_box()
        pdf = page.pdf(path=str(shots_dir / "record-print.pdf"), format="A4")
    finally:
        context.close()
    assert pdf.startswith(b"%PDF-")
    assert meta and text and meta["y"] + meta["height"] <= text["y"], "printed as one column"


# Pages other than the record, by their PAGE_KINDS name and the file name of their screenshots.
SHOWN_KINDS = {"people term": "term", "years index": "years", "year": "year",
               "search with results": "search", "data": "data", "404": "404"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("kind_name", list(SHOWN_KINDS))
def test_page_screenshot(tab: Callable[[int, str], Any], site_server: SiteServer, shots_dir: Path,
                         kind_name: str, width: int, scheme: str) -> None:
    """<kind>-<width>-<scheme>.png: the page fills the screen's width without scrolling sideways,
    in the scheme's colours, with its heading in view at the top."""
    kind = next(k for k in PAGE_KINDS if k.name == kind_name)
    path = kind.path(site_server.site)
    page = tab(width, scheme)
    open_page(page.context, site_server, kind, path, page=page)
    colours = _screenshot(page, shots_dir / f"{SHOWN_KINDS[kind_name]}-{width}-{scheme}.png", width)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    h1 = page.locator("h1").bounding_box()
    assert scroll_width <= width
    _assert_scheme(colours, scheme)
    assert h1 and h1["y"] < 900 and h1["x"] + h1["width"] <= width


@pytest.mark.parametrize("width", [390, 1280])
def test_search_filters_are_a_sidebar_on_a_wide_screen_and_folded_above_results_on_a_phone(
        chromium: Any, site_server: SiteServer, width: int) -> None:
    kind = next(k for k in PAGE_KINDS if k.name == "search with results")
    context = chromium.new_context(viewport={"width": width, "height": 900})
    try:
        page = open_page(context, site_server, kind)
        toggle = page.locator("#filters-toggle")
        filters = page.locator("#search-filters")
        results = page.locator("#search-results")
        # Filter groups are collapsed disclosures until opened (their counts load lazily).
        page.wait_for_function("() => document.querySelector('#search-filters .filter-toggle') !== null")
        seen = {"toggle": toggle.is_visible(), "filters": filters.is_visible()}
        if width < 800:
            toggle.click()
            seen["expanded"] = toggle.get_attribute("aria-expanded")
            seen["filters after click"] = filters.is_visible()
        boxes = (filters.bounding_box(), results.bounding_box())
        # A group's name starts at the column's left edge, after its ▸ marker, like a heading.
        indent = page.evaluate("""() => { const b = document.querySelector('#search-filters .filter-toggle');
            const r = document.createRange(); r.selectNodeContents(b);
            return r.getBoundingClientRect().left - b.getBoundingClientRect().left; }""")
    finally:
        context.close()
    f, r = boxes
    assert f and r
    assert indent < 32, f"group name {indent:.0f} px from the left of its button"
    if width >= 1280:
        assert seen == {"toggle": False, "filters": True}
        assert f["x"] + f["width"] <= r["x"], "filters beside the results"
    else:
        assert seen == {"toggle": True, "filters": False, "expanded": "true", "filters after click": True}
        assert f["y"] + f["height"] <= r["y"], "opened filters come before the results"
