"""Shared helpers for tests that look at the built site the way a reader does: a local HTTP server
that serves a built site under its base path, and Debian's Chromium driven by Playwright.

Import the fixtures into a test module with ``from browser_support import site_server, browser``
(pytest finds fixtures imported into a module), or use the plain functions.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SAMPLE_BASE_PATH = "/archive/"
"""The path part of the sample archive's base_url (https://example.org/archive/)."""


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files without a log line per request (they would bury pytest's output)."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".webmanifest": "application/manifest+json", ".svg": "image/svg+xml",
                      ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json"}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


class SiteServer:
    """A built site served over HTTP at ``base_path``, as a reader's browser would meet it."""

    def __init__(self, site: Path, base_path: str, docroot: Path) -> None:
        self.site = site
        self.base_path = base_path
        handler = functools.partial(QuietHandler, directory=str(docroot))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
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


def serve_site(site: Path, base_path: str, scratch: Path) -> SiteServer:
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
    server = serve_site(sample_site, SAMPLE_BASE_PATH, tmp_path_factory.mktemp("serve"))
    yield server
    server.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only browser tests need it

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
