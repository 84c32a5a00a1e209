"""Authority pages, abbreviations and the map in a real browser (issue #16).

The sample site (its authorities come from the FRUS volume's lists) served under /archive/; the
variant test builds a small archive with the sample's people.yaml and a record that writes the
name without diacritics.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from archivegen.build.pipeline import build_archive
from browser_support import new_page
from conftest import REPO, make_archive, record_text
from reader_support import SiteServer

pytestmark = pytest.mark.browser


@pytest.fixture
def local_only(chromium: Any, site_server: SiteServer) -> Any:
    """A browser context that refuses, and remembers, every request outside the site."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.foreign = []

    def route(r: Any) -> None:
        if r.request.url.startswith(site_server.origin + "/"):
            r.continue_()
        else:
            context.foreign.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    yield context
    context.close()


def test_a_variant_without_diacritics_leads_to_the_person_page(chromium: Any, serve_site: Any,
                                                             tmp_path: Path) -> None:
    from playwright.sync_api import expect

    collection = '["Hungarian Revolution, 1956"]'
    root = make_archive(tmp_path / "archive", {
        "named.md": record_text("Named with accents", "1956-11-01", people='["Kádár, János"]', collections=collection),
        "plain.md": record_text("Named without accents", "1956-11-02", people='["Kadar, Janos"]',
                                collections=collection),
    })
    (root / "authorities").mkdir()
    shutil.copy(REPO / "authorities" / "people.yaml", root / "authorities" / "people.yaml")
    build_archive(root, index=False, jobs=1)
    origin = serve_site(root / "site", "/archive/")
    page = new_page(chromium)
    page.goto(origin + "/archive/records/plain/")
    page.get_by_role("link", name="Kadar, Janos").click()
    expect(page.locator("h1")).to_have_text("Kádár, János")
    expect(page.locator(".term-description")).to_have_text(
        "General Secretary of the Hungarian Workers’ Party; Prime Minister of Hungary from November 1956")
    titles = page.locator("main .record-list .record-title").all_inner_texts()
    assert titles == ["Named with accents", "Named without accents"]
    assert page.errors == []
    page.close()


def test_the_person_page_of_kadar_shows_his_description_and_records(local_only: Any,
                                                                   site_server: SiteServer) -> None:
    from playwright.sync_api import expect

    page = local_only.new_page()
    page.goto(site_server.url("people/kadar-janos/"))
    expect(page.locator(".term-description")).to_contain_text("General Secretary of the Hungarian Workers’ Party")
    titles = page.locator("main .record-list .record-title").all_inner_texts()
    assert "Andropov Report, 1 November 1956" in titles and len(titles) > 10
    expect(page.locator(".authority-facts")).to_contain_text("Kadar, Janos")
    assert local_only.foreign == []


def test_the_text_search_link_finds_records_that_mention_nagy_only_in_the_text(
        local_only: Any, site_server: SiteServer) -> None:
    page = local_only.new_page()
    page.goto(site_server.url("people/nagy-imre/"))
    mentioned = page.locator("p.mentioned").inner_text()
    more = int(re.search(r"Mentioned in the text of (\d+) more records", mentioned).group(1))  # type: ignore[union-attr]
    assert more > 40  # the issue: the page listed 1 record, a full-text search finds 53
    listed = set(page.eval_on_selector_all("main .record-list .record-title", "els => els.map(e => e.href)"))
    page.locator("p.mentioned a", has_text=re.compile(r"^Nagy$")).click()
    page.wait_for_url(re.compile(r"/search/\?q=Nagy$"))
    page.wait_for_selector(".search-result .result-title", timeout=15_000)
    found = set(page.eval_on_selector_all(".search-result .result-title", "els => els.map(e => e.href)"))
    assert found - listed, "the search shows records the person page does not list"
    assert local_only.foreign == []


def test_an_abbreviation_in_a_frus_record_is_explained_where_it_stands(local_only: Any,
                                                                       site_server: SiteServer) -> None:
    html = next(p for p in sorted((site_server.site / "records").glob("frus*/index.html"))
                if "<abbr title=" in p.read_text(encoding="utf-8") and "Embtel" in p.read_text(encoding="utf-8"))
    page = local_only.new_page()
    page.goto(site_server.url(html.parent.relative_to(site_server.site).as_posix() + "/"))
    abbr = page.locator(".transcription abbr", has_text=re.compile(r"^Embtels?$")).first
    assert abbr.get_attribute("title") == "Embassy telegram"
    # The text reads as before; the abbreviations are also listed for readers who cannot hover.
    assert abbr.inner_text().startswith("Embtel")
    terms = page.locator(".abbreviations dt").all_inner_texts()
    assert "Embtel" in terms
    assert local_only.foreign == []


def _view(page: Any) -> list[float]:
    return [float(v) for v in page.locator(".map-interactive").get_attribute("data-view").split()]


def test_the_map_shows_the_places_moves_and_zooms_by_keyboard_and_stays_on_the_site(
        local_only: Any, site_server: SiteServer) -> None:
    page = local_only.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(site_server.url("map/"))
    listed = page.locator(".map-places a").all_inner_texts()
    assert {"Budapest", "Moscow", "Warsaw", "Washington"} <= set(listed)
    # Every place is on the map: as a pin, or counted in a group of nearby places.
    pins = page.locator(".map-pins .map-pin").all_inner_texts()
    groups = page.locator(".map-pins .map-cluster").all()
    grouped = sum(int(g.inner_text()) for g in groups)
    assert len(pins) + grouped == len(listed)
    assert groups, "at the first zoom, the European capitals are grouped"

    for _ in range(40):  # keyboard only: Tab to the map
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('map-interactive')"):
            break
    else:
        pytest.fail("the map cannot be reached with Tab")
    start = _view(page)
    page.keyboard.press("+")
    zoomed = _view(page)
    assert zoomed[2] < start[2]
    page.keyboard.press("ArrowRight")
    assert _view(page)[0] > zoomed[0]
    page.keyboard.press("ArrowDown")
    assert _view(page)[1] > zoomed[1]
    page.keyboard.press("0")
    assert _view(page) == start

    # A group opens by keyboard: Tab to it, Enter zooms in and shows its places as pins.
    label = groups[0].get_attribute("aria-label")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('map-cluster')"):
            break
    page.keyboard.press("Enter")
    assert _view(page)[2] < start[2]
    shown = set(page.locator(".map-pins .map-pin").all_inner_texts())
    first = label.split(": ", 1)[1].split(", ")[0]
    assert first in shown
    assert local_only.foreign == []
    assert requested and all(u.startswith(site_server.origin + "/") for u in requested)
    assert any(u.endswith("/assets/basemap.svg") for u in requested), "the basemap comes from the site"
