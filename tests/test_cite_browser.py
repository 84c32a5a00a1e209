"""The citation box in a real browser: switch styles, copy the visible citation."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def served(sample_site: Path):
    # The site is built for /archive/: serve its parent folder with site/ linked at that sub-path.
    root = sample_site.parent / "serve-root"
    root.mkdir(exist_ok=True)
    if not (root / "archive").exists():
        (root / "archive").symlink_to(sample_site)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.browser
def test_style_switch_shows_one_citation_and_copy_copies_it(served: str, chromium):
    from playwright.sync_api import expect

    context = chromium.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served)
    page = context.new_page()
    page.goto(served + "/archive/records/andropov-report-1-november-1956/")
    chicago, mla = page.locator("#citation-chicago"), page.locator("#citation-mla")
    expect(page.get_by_role("button", name="MLA")).to_be_visible(timeout=15000)
    expect(chicago).to_be_visible()
    expect(mla).to_be_hidden()
    page.get_by_role("button", name="MLA").click()
    expect(mla).to_be_visible()
    expect(chicago).to_be_hidden()
    expect(page.get_by_role("button", name="MLA")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Copy citation").click()
    expect(page.locator(".cite-status")).to_have_text("Copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == " ".join(mla.inner_text().split())
    assert copied.startswith("Andropov, Yuri Vladimirovich. “Andropov Report, 1 November 1956.” Cold War")
    context.close()


@pytest.mark.browser
def test_without_javascript_only_chicago_shows_and_controls_stay_hidden(served: str, chromium):
    from playwright.sync_api import expect

    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served + "/archive/records/andropov-report-1-november-1956/")
    expect(page.locator("#citation-chicago")).to_be_visible(timeout=15000)
    expect(page.locator("#citation-apa")).to_be_hidden()
    expect(page.locator(".cite-controls")).to_be_hidden()
    context.close()
