"""Shared browser-test support: a static server for built sites and one headless Chromium.

Use from a test module::

    from browser_support import new_page  # chromium and serve_site are fixtures (conftest)

``serve_site(site, "/archive/")`` serves a built ``site/`` folder at that path on 127.0.0.1 and
returns the origin; ``chromium`` is one Chromium per session (Debian's, never downloaded);
``new_page(chromium)`` opens a page that records console errors and uncaught exceptions in
``page.errors`` (a list) so tests can assert the console stayed clean.
"""

from __future__ import annotations

import functools
import http.server
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib's signature
        pass


class StaticServers:
    """Serves built sites, each at a path, until the session ends."""

    def __init__(self) -> None:
        self._servers: list[http.server.ThreadingHTTPServer] = []
        self._tmp = tempfile.TemporaryDirectory(prefix="served-")

    def __call__(self, site: Path, path: str = "/") -> str:
        """Serve ``site`` so that its index is at ``path``; return the origin (http://127.0.0.1:port)."""
        root = Path(self._tmp.name) / str(len(self._servers))
        root.mkdir()
        segments = [s for s in path.strip("/").split("/") if s]
        if segments:
            parent = root.joinpath(*segments[:-1])
            parent.mkdir(parents=True, exist_ok=True)
            (parent / segments[-1]).symlink_to(site.resolve(), target_is_directory=True)
            directory = root
        else:
            directory = site.resolve()
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    def close(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._tmp.cleanup()


@pytest.fixture(scope="session")
def serve_site() -> Iterator[StaticServers]:
    servers = StaticServers()
    yield servers
    servers.close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def new_page(browser: Any) -> Any:
    """A fresh page whose console errors and uncaught exceptions collect in ``page.errors``."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    page.errors = errors
    page.set_default_timeout(15_000)
    return page
