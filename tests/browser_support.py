"""Shared browser-test support: a static server for built sites and one headless Chromium.

Use from a test module::

    from browser_support import new_page  # chromium and serve_site are fixtures (conftest)

``serve_site(site, "/archive/")`` serves a built ``site/`` folder at that path on 127.0.0.1 and
returns the origin (``serve_site.requested(origin)`` lists the paths asked of it); ``chromium`` is one Chromium per session (Debian's, never downloaded);
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
from typing import Any, ClassVar

import pytest

CHROMIUM = "/usr/bin/chromium"

PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding",
    "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect", "TcpPortRandomizationWin",
    "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled", "PreconnectToSearch",
    "msForceBrowserSignIn", "msEdgeUpdateLaunchServicesPreferredVersion",
)
"""The features Playwright itself disables (its ``chromiumSwitches``). Chromium keeps only the
last ``--disable-features`` switch, so ours repeats them; ``test_browser_support`` checks that this
list still holds every feature the installed Playwright disables."""

UNUSED_WINDOW_FEATURES = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup")
"""Chromium 156's headless windows each start two WebUI renderers for the address bar's popup,
which a headless page never shows: with them off a new page costs ~35 % less CPU (measured here:
20 new pages 8.7 -> 5.5 s of CPU) and the search comparison tests ~30 % less."""

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + UNUSED_WINDOW_FEATURES)]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files without a log line per request (they would bury pytest's output), with the
    site's own media types, over connections kept open (HTTP/1.1) instead of one per file: a
    search page fetches hundreds of index files and fragments. Without Nagle's delay, or each
    response waits ~40 ms for an ACK."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".webmanifest": "application/manifest+json", ".svg": "image/svg+xml",
        ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json"}

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _CountingHandler(QuietHandler):
    def do_GET(self) -> None:
        # Counted here, not through the page's events: Pagefind fetches from a web worker.
        self.server.requested.append(self.path)  # type: ignore[attr-defined]
        super().do_GET()


class Server(http.server.ThreadingHTTPServer):
    """A threading server with a deep accept queue: the stdlib's 5 drops connections when a page
    fetches dozens of index files at once, and Pagefind silently skips a chunk it failed to fetch
    (the same query then counts differently from run to run)."""

    request_queue_size = 1024
    daemon_threads = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requested: list[str] = []
        """Paths requested so far (tests may clear it)."""


class StaticServers:
    """Serves built sites, each at a path, until the session ends."""

    def __init__(self) -> None:
        self._servers: list[http.server.ThreadingHTTPServer] = []
        self.by_origin: dict[str, Server] = {}
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
        handler = functools.partial(_CountingHandler, directory=str(directory))
        server = Server(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._servers.append(server)
        origin = f"http://127.0.0.1:{server.server_port}"
        self.by_origin[origin] = server
        return origin

    def requested(self, origin: str) -> list[str]:
        """The paths the server at ``origin`` was asked for (a live list: clear it to start over)."""
        return self.by_origin[origin].requested

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
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def new_page(browser: Any, bypass_csp: bool = False) -> Any:
    """A fresh page whose console errors and uncaught exceptions collect in ``page.errors``.

    ``bypass_csp``: for tests that inject a script of their own (axe), which the site's
    Content-Security-Policy rightly refuses."""
    page = browser.new_page(bypass_csp=bypass_csp)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    page.errors = errors
    page.set_default_timeout(15_000)
    return page
