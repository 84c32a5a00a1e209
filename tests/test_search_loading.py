"""What the search page fetches, and the manifest's delta bundle and hidden pages (issue #7).

At 40,000 records every filter of every shard is ~1.1 MB and Pagefind's filter-only search fetches
every index chunk (48 MB), so the page loads filter counts only for the groups a reader opens,
takes whole-archive counts from search/facets/<key>.json, and browses by filters through a value every
record page carries. Requests are counted at the server (Pagefind fetches from a web worker).
The delta test builds a site, a changed copy of one record, and a manifest-version-2 site that
merges the changed page as a delta bundle over the stale one; it must search like a clean build.
"""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from archivegen.records.model import Record
from conftest import copy_sample
from search_support import (  # noqa: F401 - fixtures `page` and `model`
    FILTER_VALUES,
    MODEL_ID,
    assert_searches_alike,
    build_sharded,
    carriers,
    checked_page,
    count,
    group_counts,
    open_group,
    open_search,
    records_by_id,
    settled,
    status,
)

pytestmark = pytest.mark.browser


def origin_of(url: str) -> str:
    return "/".join(url.split("/")[:3])


def fetched(serve_site: Any, url: str, suffix: str) -> list[str]:
    return [p for p in serve_site.requested(origin_of(url)) if p.split("?")[0].endswith(suffix)]


def facet_files(serve_site: Any, url: str) -> list[str]:
    return [p for p in serve_site.requested(origin_of(url)) if "/search/facets/" in p]


@pytest.fixture(params=["root", "sharded"])
def site(request: pytest.FixtureRequest, serve_site: Any, sharded_site: Path) -> tuple[str, Path]:
    """(search page URL, built site) on a server of its own, so its request log is this test's."""
    built = request.getfixturevalue("sample_site_root") if request.param == "root" else sharded_site
    path = "/" if request.param == "root" else "/archive/"
    return serve_site(built, path) + path + "search/", built


def shards(built: Path) -> int:
    return len(json.loads((built / "pagefind" / "shards.json").read_text())["shards"])


def test_a_query_fetches_no_filter_chunk_until_a_group_is_opened(page: Any, site: tuple[str, Path],
                                                                serve_site: Any) -> None:
    url, built = site
    open_search(page, url, q="neutrality")
    assert count(page) > 0
    assert fetched(serve_site, url, ".pf_filter") == []
    assert facet_files(serve_site, url) == []
    assert page.locator("[data-group] .filter-toggle[aria-expanded=true]").count() == 0
    open_group(page, "type")
    type_chunks = fetched(serve_site, url, ".pf_filter")
    assert 0 < len(type_chunks) <= shards(built)  # one chunk per shard, for this key only
    assert sum(group_counts(page, "type").values()) >= count(page)
    open_group(page, "subject")
    assert 0 < len(fetched(serve_site, url, ".pf_filter")) - len(type_chunks) <= shards(built)
    # Counts are for the query: choosing a value finds as many records as its count said.
    telegrams = group_counts(page, "type")["Telegram"]
    page.locator("fieldset[data-filter=type] input[data-filter-value=Telegram]").check()
    settled(page)
    assert count(page) == telegrams
    # Focus stays on what the reader used; the group with a chosen value stays open.
    assert page.evaluate("document.activeElement.dataset.filterValue") == "Telegram"


def test_opening_a_group_keeps_focus_on_its_button(page: Any, site: tuple[str, Path]) -> None:
    url, _ = site
    open_search(page, url, q="Nagy")
    page.focus("[data-group=person] .filter-toggle")
    page.keyboard.press("Enter")
    settled(page)
    assert page.evaluate("document.activeElement.getAttribute('aria-expanded')") == "true"
    assert page.evaluate("document.activeElement.closest('[data-group]').dataset.group") == "person"
    assert page.locator("fieldset[data-filter=person] label").count() > 0
    page.keyboard.press("Enter")
    assert page.locator("fieldset[data-filter=person]").count() == 0


def test_an_idle_page_counts_the_whole_archive_from_the_facet_files(page: Any, site: tuple[str, Path],
                                                                serve_site: Any, model: dict[str, Record]) -> None:
    url, _ = site
    open_search(page, url)
    assert facet_files(serve_site, url) == []
    open_group(page, "type")
    assert [p.rsplit("/", 1)[1] for p in facet_files(serve_site, url)] == ["type.json"]  # that group's only
    for key in FILTER_VALUES:
        open_group(page, key)
        expected = {value: len(ids) for value, ids in carriers(model, key).items()}
        assert group_counts(page, key) == expected, key
    assert sorted(facet_files(serve_site, url)) == sorted({p for p in facet_files(serve_site, url)})  # once each
    assert len(facet_files(serve_site, url)) == len(FILTER_VALUES)
    assert fetched(serve_site, url, ".pf_filter") == fetched(serve_site, url, ".pf_index") == []


def test_browsing_by_a_filter_alone_fetches_one_index_chunk_per_shard(
        page: Any, site: tuple[str, Path], serve_site: Any, model: dict[str, Record]) -> None:
    url, built = site
    telegrams = carriers(model, "type")["Telegram"]
    open_search(page, url, type="Telegram")
    assert count(page) == len(telegrams)
    assert len(fetched(serve_site, url, ".pf_index")) <= shards(built)
    # Counts of another group are those of the Telegram records.
    open_group(page, "classification")
    expected: dict[str, int] = {}
    for rid in telegrams:
        for value in FILTER_VALUES["classification"](model[rid]):
            expected[value] = expected.get(value, 0) + 1
    assert group_counts(page, "classification") == expected


def test_typing_shows_the_last_query_and_fetches_ahead(page: Any, site: tuple[str, Path]) -> None:
    url, _ = site
    open_search(page, url)
    page.click("#search-q")
    page.keyboard.type("Nagy neutrality", delay=15)
    page.wait_for_function("() => document.getElementById('search-status').textContent.includes('neutrality')")
    settled(page)
    page.wait_for_timeout(400)
    assert "for “Nagy neutrality”" in status(page)
    assert "q=Nagy+neutrality" in page.url


# ---------------------------------------------------------------------------------------------
# Manifest version 2: a delta bundle over hidden stale pages searches like a clean index

CHANGED_WORD = "zebrafinch"


def _page_id(bundle: Path, url_end: str) -> str:
    for fragment in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd"):])
        if data["url"].endswith(url_end):  # records/<id>.html: Pagefind's input is flat
            return fragment.stem
    raise AssertionError(f"no fragment for {url_end} in {bundle}")


@dataclass(frozen=True)
class DeltaSites:
    clean: Path
    """The sample with one record changed (type Report -> Telegram, one new word), built cleanly."""
    patched: Path
    """The sample built, then changed the same way and built again: the changed page is in the
    delta bundle and its stale copy hidden (a copy of that site, kept for serving)."""
    changed_back: Path
    """The same archive with the change undone and built again: the delta holds the page as it
    was, with the same Pagefind id as the stale copy that shards.json hides."""


@pytest.fixture(scope="module")
def delta_sites(tmp_path_factory: pytest.TempPathFactory) -> DeltaSites:
    """The builds of both delta tests, one archive edited and undone (3 builds, and a clean one)."""
    roots = [copy_sample(tmp_path_factory.mktemp(name)) for name in ("delta-clean", "delta-patched")]
    doc = roots[1] / "documents" / f"{MODEL_ID}.md"
    original = doc.read_text(encoding="utf-8")

    def change(root: Path) -> None:
        doc = root / "documents" / f"{MODEL_ID}.md"
        text = doc.read_text(encoding="utf-8")
        assert "\ntype: Report\n" in text
        doc.write_text(text.replace("\ntype: Report\n", "\ntype: Telegram\n", 1)
                       + f"\n\nA note on the {CHANGED_WORD}.\n", encoding="utf-8")

    change(roots[0])
    clean = build_sharded(roots[0])
    build_sharded(roots[1])
    change(roots[1])
    built = build_sharded(roots[1])
    manifest = json.loads((built / "pagefind" / "shards.json").read_text())
    assert manifest["delta"] == "delta/" and manifest["hidden"]
    assert _has(built / "pagefind" / "delta", f"/records/{MODEL_ID}.html")
    patched = shutil.copytree(built, tmp_path_factory.mktemp("delta-patched-site") / "site")
    doc.write_text(original, encoding="utf-8")  # the edit undone
    return DeltaSites(clean, patched, build_sharded(roots[1]))


def search_url(serve_site: Any, site: Path) -> str:
    """The search page of ``site`` (built for /archive/) on a server of its own."""
    return serve_site(site, "/archive/") + "/archive/search/"


def _has(bundle: Path, url_end: str) -> bool:
    try:
        _page_id(bundle, url_end)
    except AssertionError:
        return False
    return True


@pytest.mark.xdist_group("delta")  # one worker builds delta_sites
def test_a_delta_bundle_over_hidden_pages_searches_like_a_clean_index(
        chromium: Any, serve_site: Any, delta_sites: DeltaSites) -> None:
    clean, patched = delta_sites.clean, delta_sites.patched
    states = [
        {"q": "Andropov"}, {"q": CHANGED_WORD}, {"q": "neutrality", "sort": "oldest"},
        {"type": "Telegram", "sort": "newest"}, {"type": "Report"}, {"q": "Nagy", "type": "Telegram"},
        {"person": "Andropov, Yuri Vladimirovich", "sort": "oldest"},
    ]
    want = assert_searches_alike(chromium, search_url(serve_site, clean), search_url(serve_site, patched), states,
                                 "delta + hidden, compared with a clean index,")
    assert want[1][2] == [MODEL_ID] and MODEL_ID in want[0][2]


@pytest.mark.xdist_group("delta")
def test_a_page_changed_back_is_found_once_though_its_delta_copy_has_the_hidden_id(
        chromium: Any, serve_site: Any, sharded_site: Path, delta_sites: DeltaSites) -> None:
    # An edit undone: the delta holds the page as it was, with the same Pagefind id as the
    # stale copy that shards.json hides. The clean index is the session's sharded sample.
    site = delta_sites.changed_back
    bundles = site / "pagefind"
    manifest = json.loads((bundles / "shards.json").read_text())
    home = next(b for b in manifest["shards"] if _has(bundles / b, f"/records/{MODEL_ID}.html"))
    stale = _page_id(bundles / home, f"/records/{MODEL_ID}.html")
    assert stale in manifest["hidden"] and _page_id(bundles / "delta", f"/records/{MODEL_ID}.html") == stale
    states = [{"q": "Andropov"}, {"q": "Andropov", "sort": "newest"}, {"type": "Report", "sort": "oldest"}]
    want = assert_searches_alike(chromium, search_url(serve_site, sharded_site), search_url(serve_site, site), states,
                                 "an undone edit, compared with the clean index,")
    assert MODEL_ID in want[0][2]
