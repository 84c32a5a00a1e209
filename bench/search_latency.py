#!/usr/bin/env python3
"""Benchmark: how fast the search page answers, and how many bytes it fetches, on a built site.

Not a test. Serves a built ``site/`` on 127.0.0.1, opens ``search/`` in headless Chromium (Debian's,
flags as in tests/browser_support.py), waits until the page has loaded the index (all shards merged,
every filter chunk loaded: the status shows the browse count), then for each query types it into the
box and measures, in the page's own clock, the time from the keystroke to the first result on screen
(typing waits 250 ms before it searches: reported separately) and the bytes fetched for that query.

    python bench/search_latency.py /path/to/site [--path /] [--queries neutrality,Kennedy,...]

Prints one Markdown table: shards, page-load time and bytes, then per query: ms to results, ms net
of the 250 ms typing pause, bytes and requests.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser_support import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

DEBOUNCE_MS = 250
QUERIES = ("neutrality", "Kennedy", "nuclear weapons", "Vietnam", "oil")


#: (path, bytes) of every file the server sent. Counted at the server: Pagefind fetches from a web
#: worker, whose requests the page's network events do not all show.
SENT: list[tuple[str, int]] = []


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def copyfile(self, source: Any, outputfile: Any) -> None:
        data = source.read()
        outputfile.write(data)
        SENT.append((self.path, len(data)))


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


SETTLED = ("document.getElementById('search-status').textContent.length > 0"
           " && !document.body.classList.contains('search-busy')")


def measure(site: Path, queries: list[str]) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    manifest = json.loads((site / "pagefind" / "shards.json").read_text())
    server, origin = serve(site)
    out: dict[str, Any] = {"shards": len(manifest["shards"]), "queries": [], "cold": []}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.set_default_timeout(120_000)
            fetched = SENT
            started = time.perf_counter()
            page.goto(f"{origin}/search/")
            page.wait_for_function(SETTLED)
            out["load_ms"] = (time.perf_counter() - started) * 1000
            page.wait_for_timeout(300)
            out["load_bytes"] = sum(n for _, n in fetched)
            out["load_requests"] = len(fetched)
            for q in queries:
                page.fill("#search-q", "")
                page.wait_for_timeout(400)
                page.wait_for_function(SETTLED)
                fetched.clear()
                # The page's clock: from the input event to the first result in the list.
                ms = page.evaluate(
                    """(q) => new Promise((resolve) => {
                        const list = document.getElementById('search-results');
                        const input = document.getElementById('search-q');
                        const first = () => list.querySelector('.search-result');
                        const t0 = performance.now();
                        const obs = new MutationObserver(() => {
                            if (document.getElementById('search-status').textContent.includes('found')
                                && first() && !document.body.classList.contains('search-busy')) {
                                obs.disconnect(); resolve(performance.now() - t0);
                            }
                        });
                        obs.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
                        input.value = q;
                        input.dispatchEvent(new Event('input', {bubbles: true}));
                    })""", q)
                page.wait_for_timeout(300)  # let excerpts' late fetches land in the count
                out["queries"].append({"q": q, "ms": ms, "bytes": sum(n for _, n in fetched),
                                       "requests": len(fetched), "status": page.text_content("#search-status")})
            # The header box's path: a fresh page opened at search/?q=… (nothing loaded before).
            for q in queries:
                fresh = browser.new_page()
                fresh.set_default_timeout(120_000)
                fetched.clear()
                started = time.perf_counter()
                fresh.goto(f"{origin}/search/?q={q}")
                fresh.wait_for_function(SETTLED)
                ms = (time.perf_counter() - started) * 1000
                fresh.wait_for_timeout(300)
                out["cold"].append({"q": q, "ms": ms, "bytes": sum(n for _, n in fetched), "requests": len(fetched),
                                    "status": fresh.text_content("#search-status")})
                fresh.close()
            browser.close()
    finally:
        server.shutdown()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("site", type=Path)
    ap.add_argument("--queries", default=",".join(QUERIES))
    args = ap.parse_args()
    r = measure(args.site.resolve(), [q for q in args.queries.split(",") if q])
    print(f"shards: {r['shards']}; page load to browse results: {r['load_ms']:.0f} ms, "
          f"{r['load_bytes'] / 1e6:.2f} MB in {r['load_requests']} requests")
    print("| query | results | ms to first results | ms net of 250 ms typing pause | KB fetched | requests |")
    print("|---|---|---|---|---|---|")
    for q in r["queries"]:
        print(f"| {q['q']} | {q['status'].split(' ')[0]} | {q['ms']:.0f} | {q['ms'] - DEBOUNCE_MS:.0f} | "
              f"{q['bytes'] / 1e3:.0f} | {q['requests']} |")
    print()
    print("| fresh page at search/?q= | results | ms to results (navigation start) | KB fetched | requests |")
    print("|---|---|---|---|---|")
    for q in r["cold"]:
        print(f"| {q['q']} | {q['status'].split(' ')[0]} | {q['ms']:.0f} | {q['bytes'] / 1e3:.0f} | {q['requests']} |")


if __name__ == "__main__":
    main()
