"""The search page in headless Chromium, against the built sample archive (issue #8).

Every reader-facing test runs twice: built at base_url / and served at the root with one shard,
and built for /archive/, served there, with the index forced into 8 shards
(ARCHIVEGEN_SHARD_SIZE=50 over the sample's 283 records). A last test checks that the sharded index gives
exactly what the one-shard index (also under /archive/) gives: counts, filter values, date order.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from archivegen.records.model import Record
from browser_support import new_page  # the chromium and serve_site fixtures come from conftest

# The helpers and the fixtures `page` (checked_page) and `model` (records_by_id) live in
# search_support; they are imported here by name, as other modules import them.
from search_support import (
    FILTER_VALUES,
    MODEL_ID,
    PAGE_SIZE,
    all_ids,
    assert_searches_alike,
    carriers,
    checked_page,  # noqa: F401 - the `page` fixture
    count,
    date_key,
    open_group,
    open_search,
    records_by_id,  # noqa: F401 - the `model` fixture
    settled,
    shown_ids,
    status,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session", params=["root", "sharded"])
def site_url(request: pytest.FixtureRequest, serve_site: Any) -> str:
    """The search page's URL, for each way the site is built and served."""
    if request.param == "root":
        return serve_site(request.getfixturevalue("sample_site_root"), "/") + "/search/"
    return serve_site(request.getfixturevalue("sharded_site"), "/archive/") + "/archive/search/"


# ---------------------------------------------------------------------------------------------
# Reader-facing behaviour, on each build


def test_known_item_query_finds_its_record_first(page: Any, site_url: str) -> None:
    open_search(page, site_url, q="Andropov Report 1 November 1956")
    assert shown_ids(page)[0] == MODEL_ID
    first = page.locator(".search-result").first
    assert first.locator("h3").inner_text() == "Andropov Report, 1 November 1956"
    assert "November 1, 1956 · Report" in first.locator(".result-meta").inner_text()
    assert first.locator(".result-excerpt mark").count() > 0
    page.click(".search-result .result-title >> nth=0")
    page.wait_for_selector("h1")
    assert page.text_content("h1") == "Andropov Report, 1 November 1956"


def test_kadar_with_and_without_diacritics_finds_the_model_record(page: Any, site_url: str) -> None:
    open_search(page, site_url, q="Kádár")
    with_accents = all_ids(page)
    assert MODEL_ID in with_accents
    open_search(page, site_url, q="Kadar")
    assert sorted(all_ids(page)) == sorted(with_accents)


def test_neutrality_shows_highlighted_excerpts_and_announces_the_count(page: Any, site_url: str) -> None:
    open_search(page, site_url)
    page.fill("#search-q", "neutrality")
    page.press("#search-q", "Enter")
    page.wait_for_url(re.compile(r"\?q=neutrality$"))
    settled(page)
    assert page.get_attribute("#search-status", "aria-live") == "polite"
    assert re.fullmatch(r"\d+ records found for “neutrality”; showing 1–20\.", status(page)), status(page)
    marks = page.eval_on_selector_all(".result-excerpt mark", "els => els.map(e => e.textContent.toLowerCase())")
    assert marks and all("neutral" in m for m in marks), marks


@pytest.mark.parametrize("key", list(FILTER_VALUES))
def test_each_filter_narrows_to_exactly_the_records_carrying_its_value(
        page: Any, site_url: str, model: dict[str, Record], key: str) -> None:
    values = carriers(model, key)
    # A value with several records but few pages of results (the decade holds every record).
    small = [v for v, ids in values.items() if len(ids) <= 60]
    value = max(small, key=lambda v: (len(values[v]), v)) if small else min(values, key=lambda v: len(values[v]))
    expected = values[value]
    open_search(page, site_url, **{key: value, "sort": "oldest"})
    assert count(page) == len(expected)
    label = page.locator(f"fieldset[data-filter={key}] label", has_text=value).first
    assert label.locator("input").is_checked()
    assert label.locator(".count").inner_text() == f"({len(expected)})"
    if len(expected) <= 60:
        assert set(all_ids(page)) == expected
    else:
        assert set(shown_ids(page)) <= expected


def test_filters_work_from_the_filter_panel_and_combine_with_a_query(page: Any, site_url: str,
                                                                     model: dict[str, Record]) -> None:
    open_search(page, site_url, q="neutrality")
    before = count(page)
    open_group(page, "type")
    group = page.locator("fieldset[data-filter=type]")
    label = group.locator("label", has_text="Telegram").first
    shown = int(label.locator(".count").inner_text().strip("()"))
    label.locator("input").check()
    settled(page)
    assert count(page) == shown < before
    assert "type=Telegram" in page.url
    assert all(model[rid].type == "Telegram" for rid in all_ids(page))


def test_sort_by_date_orders_results_chronologically(page: Any, site_url: str, model: dict[str, Record]) -> None:
    open_search(page, site_url, q="neutrality", sort="oldest")
    oldest = all_ids(page)
    assert len(oldest) > PAGE_SIZE
    assert oldest == sorted(oldest, key=lambda rid: date_key(model, rid))
    open_search(page, site_url, q="neutrality", sort="newest")
    assert all_ids(page) == oldest[::-1]
    person = "Kádár, János"
    open_search(page, site_url, person=person, sort="newest")
    expected = sorted(carriers(model, "person")[person], key=lambda rid: date_key(model, rid), reverse=True)
    assert all_ids(page) == expected


def test_date_range_keeps_records_whose_dates_overlap_it(page: Any, site_url: str, model: dict[str, Record]) -> None:
    open_search(page, site_url)
    page.fill("#search-from", "1957")
    page.fill("#search-to", "1957")
    page.click("text=Apply dates")
    settled(page)
    assert "from=1957&to=1957" in page.url
    expected = {rid for rid, r in model.items() if r.date.lower.year <= 1957 <= r.date.upper.year}
    assert count(page) == len(expected)
    assert set(all_ids(page)) == expected
    open_search(page, site_url, q="Soviet", **{"from": "1955", "to": "1955"})
    assert count(page) > 0
    assert all(model[rid].date.lower.year <= 1955 for rid in all_ids(page))


def test_a_shared_url_restores_the_same_search_and_back_returns(page: Any, site_url: str, chromium: Any) -> None:
    open_search(page, site_url)
    page.fill("#search-q", "Nagy")
    page.press("#search-q", "Enter")
    page.wait_for_url(re.compile(r"q=Nagy"))
    settled(page)
    unfiltered = status(page)
    open_group(page, "classification")
    page.locator("fieldset[data-filter=classification] label", has_text="Secret").first.locator("input").check()
    settled(page)
    page.select_option("#search-sort", "newest")
    settled(page)
    url, results, text = page.url, shown_ids(page), status(page)
    assert "classification=" in url and "sort=newest" in url
    other = new_page(chromium)
    try:
        other.goto(url)
        settled(other)
        assert (shown_ids(other), status(other)) == (results, text)
        assert other.input_value("#search-q") == "Nagy"
        assert other.input_value("#search-sort") == "newest"
        assert other.locator("fieldset[data-filter=classification] input:checked").count() == 1
        assert other.errors == []
    finally:
        other.close()
    page.go_back()
    page.go_back()
    page.wait_for_function("() => !location.search.includes('classification')")
    settled(page)
    assert status(page) == unfiltered


def test_header_search_box_leads_to_results(page: Any, site_url: str) -> None:
    page.goto(site_url.replace("/search/", f"/records/{MODEL_ID}/"))
    page.fill("#site-search", "neutrality")
    page.press("#site-search", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q=neutrality"))
    settled(page)
    assert count(page) > 0


# ---------------------------------------------------------------------------------------------
# Several shards behave as one index


def test_sharded_index_gives_the_counts_filters_and_order_of_one_index(
        chromium: Any, serve_site: Any, sample_site: Path, sharded_site: Path) -> None:
    manifest = json.loads((sharded_site / "pagefind" / "shards.json").read_text())
    records = sum(1 for _ in (sample_site / "records").glob("*/index.html"))
    assert records > 250 and len(manifest["shards"]) == 8 and sum(manifest["pages"]) == records
    one = serve_site(sample_site, "/archive/") + "/archive/search/"
    many = serve_site(sharded_site, "/archive/") + "/archive/search/"
    states = [
        {}, {"q": "neutrality"}, {"q": "Soviet", "sort": "oldest"}, {"sort": "newest", "type": "Telegram"},
        {"q": "Hungary", "person": "Nagy, Imre", "place": "Budapest"},
        {"q": "neutrality", "from": "1956", "to": "1956", "sort": "newest"},
    ]
    assert_searches_alike(chromium, one, many, states, "sharded search")


def test_an_empty_search_page_lists_filters_without_loading_the_whole_index(page: Any, site_url: str) -> None:
    # Regression (issue #7, measured at 40,000 records): listing every record on an empty search
    # page fetched every index chunk of every shard (46–58 MB).
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    open_search(page, site_url)
    assert status(page).startswith("Type words to search")
    assert page.locator(".search-result").count() == 0
    open_group(page, "type")
    assert page.locator("fieldset[data-filter=type] label").count() > 3  # filters with counts
    assert not [u for u in fetched if u.endswith((".pf_index", ".pf_fragment"))]
