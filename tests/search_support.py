"""Driving the search page the way a reader does, for the search tests (issue #8, #7).

The session fixtures these tests share (``sharded_site``: the sample in 8 shards; ``sample_model``:
the sample's records) are in conftest.py, so every module reuses one build. A test module takes
the ``page`` (console checked) and ``model`` fixtures by importing ``checked_page`` and
``records_by_id`` from here.

``READ_ALL_JS`` reads everything a search state shows (status, whole filter panel, every result
id) with one script in the page: the script clicks the same controls a reader does (Next page,
each filter group, every "Show all"), waiting for the page to settle after each, so the results
equal those of driving it click by click from Python, without a round trip per click. The
``assert_searches_alike`` helper reads two sites in parallel pages, for tests that compare a
sharded or patched index with a reference one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from archivegen.build.pipeline import build_archive
from archivegen.records.model import Record
from browser_support import new_page

MODEL_ID = "andropov-report-1-november-1956"
PAGE_SIZE = 20
SAMPLE_SHARD_SIZE = "50"
"""Pages per shard that split the sample's 283 records into 8 shards."""


def build_sharded(root: Path, shard_size: str = SAMPLE_SHARD_SIZE) -> Path:
    """Build with shards of ``shard_size`` pages (the sample's 283 records: 8 shards at 50)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ARCHIVEGEN_SHARD_SIZE", shard_size)
        build_archive(root)
    return root / "site"


@pytest.fixture(name="page")
def checked_page(chromium: Any) -> Iterator[Any]:
    """A fresh page for one test; the test fails if the browser console reported errors."""
    page = new_page(chromium)
    yield page
    errors = page.errors
    page.close()
    assert errors == [], "the browser console reported errors"


@pytest.fixture(name="model")
def records_by_id(sample_model: dict[str, Record]) -> dict[str, Record]:
    """The sample's records by id (conftest's session-wide ``sample_model``)."""
    return sample_model


# ---------------------------------------------------------------------------------------------
# Reading the page, one action at a time


def settled(page: Any) -> None:
    # A function, not a string: the site's Content-Security-Policy refuses the eval() a string uses.
    page.wait_for_function("() => document.getElementById('search-status').textContent.length > 0"
                           " && !document.body.classList.contains('search-busy')")


def open_search(page: Any, url: str, **params: Any) -> None:
    page.goto(url + query_string(params))
    settled(page)


def query_string(params: dict[str, Any]) -> str:
    query = urlencode(params, doseq=True, quote_via=quote)
    return f"?{query}" if query else ""


def status(page: Any) -> str:
    return page.text_content("#search-status") or ""


def count(page: Any) -> int:
    m = re.match(r"([\d,]+) records? found", status(page))
    return int(m.group(1).replace(",", "")) if m else 0


def ids_of(hrefs: list[str], page_url: str) -> list[str]:
    """Record ids of result links, each checked to be a record page's address under the site's
    base path (taken from the search page's own URL)."""
    base = page_url.split("/search/")[0].split("://", 1)[1].split("/", 1)
    prefix = "/" + (base[1] + "/" if len(base) > 1 and base[1] else "")
    ids = []
    for link in hrefs:
        href, _, query = link.partition("?")  # a result link carries the words to highlight
        assert query == "" or query.startswith("highlight="), f"{link}: an unexpected query"
        assert href.startswith(prefix + "records/"), f"{href} is not under the site's base path {prefix}"
        assert href.endswith("/"), f"{href} is not a record page's address (records/<id>/)"
        ids.append(href[len(prefix + "records/"):].strip("/"))
    return ids


def shown_ids(page: Any) -> list[str]:
    hrefs = page.eval_on_selector_all(".search-result .result-title", "els => els.map(e => e.getAttribute('href'))")
    return ids_of(hrefs, page.url)


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


# ---------------------------------------------------------------------------------------------
# Reading everything a search state shows, in one script per page

READ_ALL_JS = """async () => {
  const busy = () => document.getElementById('search-status').textContent.length === 0
      || document.body.classList.contains('search-busy');
  const settled = async () => {
    const give_up = performance.now() + 30000;
    while (busy()) {
      if (performance.now() > give_up) throw new Error('the search page did not settle in 30 s');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const hrefs = () => [...document.querySelectorAll('.search-result .result-title')]
    .map((e) => e.getAttribute('href'));
  const problems = [];
  await settled();
  // Every page of results, following the reader's Next page link.
  const found = hrefs();
  for (let next; (next = document.querySelector('a[rel=next]')); ) {
    next.click();
    await settled();
    found.push(...hrefs());
  }
  const status = document.getElementById('search-status').textContent;
  // The whole filter panel: each group opened (its counts loaded), then every value shown.
  for (const key of [...document.querySelectorAll('[data-group]')].map((e) => e.dataset.group)) {
    const toggle = () => document.querySelector(`[data-group="${key}"] .filter-toggle`);
    if (toggle().getAttribute('aria-expanded') === 'false') {
      toggle().click();
      await settled();
    }
    if (toggle().getAttribute('aria-expanded') !== 'true') problems.push(`${key}: the group did not open`);
    if (document.querySelector(`[data-group="${key}"]`).innerText.includes('Loading')) problems.push(`${key}: still loading`);
  }
  for (let more; (more = document.querySelector('#search-filters .link-button[aria-expanded=false]')); ) more.click();
  return {status, panel: document.getElementById('search-filters').innerText, hrefs: found, problems};
}"""

Shown = tuple[str, str, list[str]]
"""(status, whole filter panel, result ids) of a search state."""


def _read(pages: Sequence[Any], urls: Sequence[str], state: dict[str, str]) -> list[Shown]:
    """What ``state`` shows on each search page of ``urls``, each loaded in its page of ``pages``
    and read there in parallel: (status, whole filter panel, result ids; ids in order when the
    order is by date)."""
    for page, url in zip(pages, urls, strict=True):
        page.goto(url + query_string(state))
        page.evaluate(f"() => {{ window.__shown = ({READ_ALL_JS})(); }}")  # started, not awaited
    seen = [page.evaluate("() => window.__shown") for page in pages]
    shown = []
    for page, read in zip(pages, seen, strict=True):
        assert read["problems"] == [], f"{page.url}: {read['problems']}"
        ids = ids_of(read["hrefs"], page.url)
        ordered = ids if state.get("sort") or not state.get("q") else sorted(ids)
        shown.append((read["status"], read["panel"], ordered))
        assert page.errors == [], f"{page.url}: {page.errors}"
    return shown


def assert_searches_alike(chromium: Any, reference: str, other: str, states: list[dict[str, str]],
                          what: str) -> list[Shown]:
    """Each state shows the same on the ``other`` search page as on the ``reference`` one, both
    read side by side; returns what the reference showed. One page per site loads every state
    in turn, as a reader's tab does (a new page per state costs Chromium a renderer each)."""
    pages = [new_page(chromium), new_page(chromium)]
    try:
        want = []
        for state in states:
            a, b = _read(pages, [reference, other], state)
            assert a == b, f"{what} differs for {state}"
            want.append(a)
        return want
    finally:
        for page in pages:
            page.close()


# ---------------------------------------------------------------------------------------------
# What the records say the page should show

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
