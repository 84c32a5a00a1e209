"""Shared helpers for tests that look at the built site the way a reader does: a local HTTP server
that serves a built site under its base path, and Debian's Chromium driven by Playwright.

conftest.py registers the fixture ``site_server`` (the sample site under /archive/); the one
Chromium of the session is browser_support's ``chromium`` fixture. ``serve_under`` serves any other
site at a sub-path.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import QuietHandler, Server

SAMPLE_BASE_PATH = "/archive/"
"""The path part of the sample archive's base_url (https://example.org/archive/)."""


class SiteServer:
    """A built site served over HTTP at ``base_path``, as a reader's browser would meet it."""

    def __init__(self, site: Path, base_path: str, docroot: Path) -> None:
        self.site = site
        self.base_path = base_path
        handler = functools.partial(QuietHandler, directory=str(docroot))
        self.httpd = Server(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str = "") -> str:
        """URL of a site path ("records/x/") under the base path."""
        return self.origin + self.base_path + path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def serve_under(site: Path, base_path: str, scratch: Path) -> SiteServer:
    """Serve ``site`` at ``base_path`` from a document root made in ``scratch``.

    The server's root is a folder in which the site sits at the base path (a symlink), so links
    that wrongly escape the sub-path fail here exactly as they would on the real host.
    """
    sub = base_path.strip("/")
    if not sub:
        return SiteServer(site, base_path, site)
    docroot = scratch / "docroot"
    link = docroot / sub
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.is_symlink():
        link.symlink_to(site.resolve(), target_is_directory=True)
    return SiteServer(site, base_path, docroot)


@pytest.fixture(scope="session")
def site_server(sample_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    """The sample site served under /archive/ on 127.0.0.1 (a free port)."""
    server = serve_under(sample_site, SAMPLE_BASE_PATH, tmp_path_factory.mktemp("serve"))
    yield server
    server.close()


# ---------------------------------------------------------------------------------------------
# The kinds of page a reader meets. Tests that must hold on every kind of page parametrise over
# PAGE_KINDS. Every kind is mandatory: a built site without a page of some kind fails the test
# (a missing page is a regression, not something to skip past).

FACETS = ("collections", "people", "places", "subjects", "types", "languages")


def _first_child_page(site: Path, folder: str) -> str | None:
    """The first (sorted) sub-page of ``folder`` that has an index.html, as a site path."""
    root = site / folder
    if not root.is_dir():
        return None
    for child in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "page"):
        if (child / "index.html").is_file():
            return f"{folder}/{child.name}/"
    return None


def _page_if_exists(site: Path, path: str) -> str | None:
    file = site / (path + "index.html" if path.endswith("/") or path == "" else path)
    return path if file.is_file() else None


def _search_with_results(site: Path) -> str | None:
    return "search/?q=Nagy" if (site / "search" / "index.html").is_file() else None


@dataclasses.dataclass(frozen=True)
class PageKind:
    """A kind of page and how to find one in a built site."""

    name: str
    find: Callable[[Path], str | None]
    """Site path of an example page of this kind, or None when the site has none (a failure)."""
    wait_for: str = ""
    """JavaScript expression that becomes true when the page is ready (e.g. results shown)."""

    def path(self, site: Path) -> str:
        found = self.find(site)
        if found is None:
            pytest.fail(f"the built site {site} has no {self.name} page")
        return found


def _glossary(site: Path, kind: str) -> str | None:
    root = site / "collections"
    found = sorted(p for p in root.glob(f"*/{kind}/index.html")) if root.is_dir() else []
    return found[0].parent.relative_to(site).as_posix() + "/" if found else None


def _record(site: Path) -> str | None:
    return _first_child_page(site, "records")


PAGE_KINDS: list[PageKind] = [
    PageKind("home", lambda site: _page_if_exists(site, "")),
    PageKind("record", _record),
    *(PageKind(f"{facet} index", (lambda site, f=facet: _page_if_exists(site, f"{f}/"))) for facet in FACETS),
    *(PageKind(f"{facet} term", (lambda site, f=facet: _first_child_page(site, f))) for facet in FACETS),
    PageKind("years index", lambda site: _page_if_exists(site, "years/")),
    PageKind("year", lambda site: _first_child_page(site, "years")),
    # Results are links to records inside main; whatever the search UI, they must show up.
    PageKind("search with results", _search_with_results,
             wait_for="document.querySelector('main a[href*=\"/records/\"]') !== null"),
    PageKind("data", lambda site: _page_if_exists(site, "data/")),
    # Issue #16: authority pages (a person with a description, a place with a map), the map page
    # and a collection's two glossaries.
    PageKind("person with authority", lambda site: _page_if_exists(site, "people/kadar-janos/")),
    PageKind("place with map", lambda site: _page_if_exists(site, "places/budapest/")),
    PageKind("map", lambda site: _page_if_exists(site, "map/")),
    PageKind("glossary persons", lambda site: _glossary(site, "persons")),
    PageKind("glossary terms", lambda site: _glossary(site, "terms")),
    PageKind("404", lambda site: _page_if_exists(site, "404.html")),
]


def open_page(context: Any, server: SiteServer, kind: PageKind, path: str | None = None, page: Any = None) -> Any:
    """A page (new in ``context`` unless given) showing ``path`` (default: an example of ``kind``),
    ready to be inspected. Call ``kind.path(site)`` before making a context to fail cheaply."""
    page = page or context.new_page()
    page.goto(server.url(kind.path(server.site) if path is None else path), wait_until="load")
    if kind.wait_for:
        # A function, not a string: the site's Content-Security-Policy refuses the eval() a string uses.
        page.wait_for_function(f"() => {kind.wait_for}", timeout=15_000)
    return page
