"""The search page in headless Chromium, against the built sample archive (issue #8).

Every reader-facing test runs twice: built at base_url / and served at the root with one shard,
and built for /archive/, served there, with the index forced into 8 shards
(ARCHIVEGEN_SHARD_SIZE=50 over 282 records). A last test checks that the sharded index gives
exactly what the one-shard index (also under /archive/) gives: counts, filter values, date order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from archivegen.build.pipeline import build_archive
from archivegen.build.read import load_archive
from archivegen.records.model import Record
from browser_support import new_page  # the chromium and serve_site fixtures come from conftest
from conftest import REPO, copy_sample

pytestmark = pytest.mark.browser

MODEL_ID = "andropov-report-1-november-1956"
PAGE_SIZE = 20


@pytest.fixture(scope="session")
def model() -> dict[str, Record]:
    archive, _ = load_archive(REPO)
    assert archive is not None
    return archive.by_id


def build_sharded(root: Path, shard_size: str = "50") -> Path:
    """Build with shards of ``shard_size`` pages (the sample's 282 records: 8 shards at 50)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ARCHIVEGEN_SHARD_SIZE", shard_size)
        build_archive(root)
    return root / "site"


@pytest.fixture(scope="session")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sharded(copy_sample(tmp_path_factory.mktemp("sample-sharded")))


@pytest.fixture(scope="session", params=["root", "sharded"])
def site_url(request: pytest.FixtureRequest, serve_site: Any) -> str:
    """The search page's URL, for each way the site is built and served."""
    if request.param == "root":
        return serve_site(request.getfixturevalue("sample_site_root"), "/") + "/search/"
    return serve_site(request.getfixturevalue("sharded_site"), "/archive/") + "/archive/search/"


@pytest.fixture
def page(chromium: Any) -> Any:
    page = new_page(chromium)
    yield page
    errors = page.errors
    page.close()
    assert errors == [], "the browser console reported errors"


# ---------------------------------------------------------------------------------------------
# Helpers: drive the page the way a reader does


def settled(page: Any) -> None:
    page.wait_for_function("document.getElementById('search-status').textContent.length > 0"
                           " && !document.body.classList.contains('search-busy')")


def open_search(page: Any, url: str, **params: Any) -> None:
    query = urlencode(params, doseq=True, quote_via=quote)
    page.goto(url + (f"?{query}" if query else ""))
    settled(page)


def status(page: Any) -> str:
    return page.text_content("#search-status") or ""


def count(page: Any) -> int:
    m = re.match(r"([\d,]+) records? found", status(page))
    return int(m.group(1).replace(",", "")) if m else 0


def shown_ids(page: Any) -> list[str]:
    hrefs = page.eval_on_selector_all(".search-result .result-title", "els => els.map(e => e.getAttribute('href'))")
    base = page.url.split("/search/")[0].split("://", 1)[1].split("/", 1)
    prefix = "/" + (base[1] + "/" if len(base) > 1 and base[1] else "")
    ids = []
    for href in hrefs:
        assert href.startswith(prefix + "records/"), f"{href} is not under the site's base path {prefix}"
        assert href.endswith("/"), f"{href} is not a record page's address (records/<id>/)"
        ids.append(href[len(prefix + "records/"):].strip("/"))
    return ids


def open_group(page: Any, key: str) -> None:
    """Open a filter group (a disclosure) and wait for its counts."""
    toggle = page.locator(f"[data-group={key}] .filter-toggle")
    if toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
        settled(page)
    assert toggle.get_attribute("aria-expanded") == "true"
    assert "Loading" not in page.inner_text(f"[data-group={key}]")


def group_counts(page: Any, key: str) -> dict[str, int]:
    """Every value of an open group with its count (after "Show all")."""
    more = page.locator(f"fieldset[data-filter={key}] .link-button[aria-expanded=false]")
    if more.count():
        more.click()
    rows = page.eval_on_selector_all(
        f"fieldset[data-filter={key}] label",
        "els => els.map(e => [e.querySelector('input').dataset.filterValue, e.querySelector('.count').textContent])")
    return {value: int(n.strip("()")) for value, n in rows}


def all_ids(page: Any) -> list[str]:
    """Result ids on every page, following the reader's Next page link."""
    ids = shown_ids(page)
    while page.locator("a[rel=next]").count():
        page.click("a[rel=next]")
        settled(page)
        ids += shown_ids(page)
    return ids


FILTER_VALUES: dict[str, Callable[[Record], tuple[str, ...]]] = {
    "collection": lambda r: r.collections,
    "type": lambda r: r.terms("type"),
    "language": lambda r: tuple(lang.name for lang in r.languages),
    "person": lambda r: r.people,
    "place": lambda r: r.places,
    "subject": lambda r: r.subjects,
    "classification": lambda r: (r.classification,) if r.classification else (),
    "decade": lambda r: (f"{r.date.decade}s",),
    "year": lambda r: (str(r.date.year),),
    "rights": lambda r: (r.rights.label,) if r.rights else (),
}


def carriers(model: dict[str, Record], key: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for rid, record in model.items():
        for value in FILTER_VALUES[key](record):
            out.setdefault(value, set()).add(rid)
    return out


def date_key(model: dict[str, Record], rid: str) -> tuple[str, str]:
    return (model[rid].date.sort_key, rid)


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
    page.wait_for_function("!location.search.includes('classification')")
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


def panel(page: Any) -> str:
    """The whole filter panel, every group open and every value shown."""
    for key in page.eval_on_selector_all("[data-group]", "els => els.map(e => e.dataset.group)"):
        open_group(page, key)
    while page.locator("#search-filters .link-button[aria-expanded=false]").count():
        page.locator("#search-filters .link-button[aria-expanded=false]").first.click()
    return page.inner_text("#search-filters")


def what_is_shown(chromium: Any, url: str, state: dict[str, str]) -> tuple[str, str, list[str]]:
    """(status, whole filter panel, result ids) of a search state: ids in order when sorted by date."""
    page = new_page(chromium)
    try:
        open_search(page, url, **state)
        ids = all_ids(page)
        ordered = ids if state.get("sort") or not state.get("q") else sorted(ids)
        shown = (status(page), panel(page), ordered)
        assert page.errors == []
        return shown
    finally:
        page.close()


def test_sharded_index_gives_the_counts_filters_and_order_of_one_index(
        chromium: Any, serve_site: Any, sample_site: Path, sharded_site: Path) -> None:
    manifest = json.loads((sharded_site / "pagefind" / "shards.json").read_text())
    assert len(manifest["shards"]) == 8 and sum(manifest["pages"]) == 282
    one = serve_site(sample_site, "/archive/") + "/archive/search/"
    many = serve_site(sharded_site, "/archive/") + "/archive/search/"
    states = [
        {}, {"q": "neutrality"}, {"q": "Soviet", "sort": "oldest"}, {"sort": "newest", "type": "Telegram"},
        {"q": "Hungary", "person": "Nagy, Imre", "place": "Budapest"},
        {"q": "neutrality", "from": "1956", "to": "1956", "sort": "newest"},
    ]
    for state in states:
        seen = [what_is_shown(chromium, url, state) for url in (one, many)]
        assert seen[0] == seen[1], f"sharded search differs for {state}"


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
