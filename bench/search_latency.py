#!/usr/bin/env python3
"""Benchmark: how fast the search page answers, and how many bytes it fetches, on a built site.

Not a test. Serves a built ``site/`` on 127.0.0.1 (bytes counted at the server: Pagefind fetches
from a web worker), opens ``search/`` in headless Chromium (Debian's, flags as in
tests/browser_support.py) and measures:

- the empty page (no query): time until it is ready, bytes;
- per query, typed on that loaded page one key at a time (``--key-delay`` ms apart): the time from
  the last keystroke to the first result on screen (the page's own clock; it includes the page's
  80 ms typing pause), and the bytes fetched for that query;
- per query, a fresh page opened at ``search/?q=…`` (the header box's path): time from navigation
  to results, bytes and requests; then the bytes of opening the Subject filter group there. The
  fresh page's bytes are also given as a host serves them: HTML, CSS, JS and JSON gzipped,
  Pagefind's own files as they are (already compressed).

    python bench/search_latency.py /path/to/site [--queries neutrality,Kennedy,...] [--key-delay 60]

Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser_support import CHROMIUM, CHROMIUM_ARGS

QUERIES = ("neutrality", "Kennedy", "nuclear weapons", "Vietnam", "oil")


#: (path, bytes, bytes as a host serves them) of every file the server sent: HTML, CSS, JS, JSON
#: and SVG gzipped (level 6, as hosts do), Pagefind's own files as they are (already gzipped).
#: Counted at the server: Pagefind fetches from a web
#: worker, whose requests the page's network events do not all show.
SENT: list[tuple[str, int, int]] = []
_TEXT = (".html", ".js", ".css", ".json", ".svg", ".xml", ".txt", "/")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def copyfile(self, source: Any, outputfile: Any) -> None:
        data = source.read()
        outputfile.write(data)
        path = self.path.split("?")[0]
        SENT.append((self.path, len(data), len(gzip.compress(data, 6)) if path.endswith(_TEXT) else len(data)))


class _Server(http.server.ThreadingHTTPServer):
    # The stdlib's accept queue of 5 drops connections when the page fetches dozens of chunks at
    # once, and Pagefind skips a chunk it failed to fetch: counts then differ from run to run.
    request_queue_size = 1024
    daemon_threads = True


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


SETTLED = ("document.getElementById('search-status').textContent.length > 0"
           " && !document.body.classList.contains('search-busy')")


TYPED = """(q) => { window.__benchDone = new Promise((resolve) => {
    const status = document.getElementById('search-status');
    const list = document.getElementById('search-results');
    const input = document.getElementById('search-q');
    let last = performance.now();
    input.addEventListener('input', () => { last = performance.now(); });
    const obs = new MutationObserver(() => {
        if (status.textContent.includes(`for “${q}”`) && list.querySelector('.search-result')
            && !document.body.classList.contains('search-busy')) {
            obs.disconnect(); resolve(performance.now() - last);
        }
    });
    obs.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
}); }"""


def _sent() -> tuple[int, int]:
    return sum(n for _, n, _ in SENT), len(SENT)


def _sent_compressed() -> int:
    return sum(n for _, _, n in SENT)


def measure(site: Path, queries: list[str], key_delay: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    manifest = json.loads((site / "pagefind" / "shards.json").read_text())
    server, origin = serve(site)
    out: dict[str, Any] = {"shards": len(manifest["shards"]) + bool(manifest.get("delta")), "queries": [], "cold": []}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(bypass_csp=True)  # the site's CSP forbids the eval Playwright's waits use
            page.set_default_timeout(120_000)
            started = time.perf_counter()
            page.goto(f"{origin}/search/")
            page.wait_for_function(SETTLED)
            out["load_ms"] = (time.perf_counter() - started) * 1000
            page.wait_for_timeout(1000)  # the index loads in the background, ready for typing
            out["load_bytes"], out["load_requests"] = _sent()
            for q in queries:
                page.fill("#search-q", "")
                page.press("#search-q", "Enter")
                page.wait_for_timeout(300)
                page.wait_for_function(SETTLED)
                SENT.clear()
                page.evaluate(TYPED, q)
                page.focus("#search-q")
                page.keyboard.type(q, delay=key_delay)
                ms = page.evaluate("window.__benchDone")
                page.wait_for_timeout(300)  # let late fetches land in the count
                size, requests = _sent()
                out["queries"].append({"q": q, "ms": ms, "bytes": size, "requests": requests,
                                       "status": page.text_content("#search-status")})
            # The header box's path: a fresh page opened at search/?q=… (nothing loaded before).
            for q in queries:
                fresh = browser.new_page(bypass_csp=True)
                fresh.set_default_timeout(120_000)
                SENT.clear()
                started = time.perf_counter()
                fresh.goto(f"{origin}/search/?q={quote(q)}")
                fresh.wait_for_function(SETTLED)
                ms = (time.perf_counter() - started) * 1000
                fresh.wait_for_timeout(300)
                size, requests = _sent()
                compressed = _sent_compressed()
                SENT.clear()
                fresh.click("[data-group=subject] .filter-toggle")
                fresh.wait_for_timeout(50)
                fresh.wait_for_function(SETTLED)
                fresh.wait_for_timeout(300)
                out["cold"].append({"q": q, "ms": ms, "bytes": size, "compressed": compressed, "requests": requests,
                                    "status": fresh.text_content("#search-status"), "subject_bytes": _sent()[0]})
                fresh.close()
            browser.close()
    finally:
        server.shutdown()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("site", type=Path)
    ap.add_argument("--queries", default=",".join(QUERIES))
    ap.add_argument("--key-delay", type=int, default=60, help="ms between typed keys")
    args = ap.parse_args()
    r = measure(args.site.resolve(), [q for q in args.queries.split(",") if q], args.key_delay)
    print(f"indexes (shards + delta): {r['shards']}; empty search page ready in {r['load_ms']:.0f} ms, "
          f"{r['load_bytes'] / 1e6:.2f} MB in {r['load_requests']} requests (index loaded for typing)")
    print()
    print("| typed query (loaded page) | results | ms from last keystroke to first result | KB fetched | requests |")
    print("|---|---|---|---|---|")
    for q in r["queries"]:
        print(f"| {q['q']} | {q['status'].split(' ')[0]} | {q['ms']:.0f} | {q['bytes'] / 1e3:.0f} | {q['requests']} |")
    print()
    print("| fresh page at search/?q= | results | ms to results (navigation start) | KB fetched "
          "| KB as a host serves it (gzip) | requests | KB to open Subject |")
    print("|---|---|---|---|---|---|---|")
    for q in r["cold"]:
        print(f"| {q['q']} | {q['status'].split(' ')[0]} | {q['ms']:.0f} | {q['bytes'] / 1e3:.0f} "
              f"| {q['compressed'] / 1e3:.0f} | {q['requests']} "
              f"| {q['subject_bytes'] / 1e3:.0f} |")


if __name__ == "__main__":
    main()
