"""Lighthouse scores (performance, accessibility, best practices, SEO) of the home, a record and the
search page of the sample archive, served locally under its /archive/ sub-path. A benchmark, not a
test: Lighthouse takes 15-20 s a page. Target: >= 95 in every category.

Needs `npm ci` (lighthouse@12 from package.json) and Debian's Chromium at /usr/bin/chromium.
Usage: python3 bench/lighthouse.py [--site DIR] [--out bench/out/lighthouse] [PATH ...]
PATHs are site paths such as "records/x/"; the default is the home, the model record and search.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests"))

from archivegen.build.pipeline import build_archive  # noqa: E402
from browser_support import CHROMIUM  # noqa: E402
from reader_support import serve_under  # noqa: E402

LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
DEFAULT_PATHS = ["", "records/andropov-report-1-november-1956/", "search/?q=Nagy"]


def build_sample(work: Path) -> Path:
    """The repository's sample archive built at its own base_url (https://example.org/archive/)."""
    root = work / "sample"
    root.mkdir()
    for name in ("archive.yaml",):
        (root / name).write_bytes((REPO / name).read_bytes())
    os.symlink(REPO / "documents", root / "documents")
    if (REPO / "templates").is_dir():
        os.symlink(REPO / "templates", root / "templates")
    build_archive(root, out=work / "site")
    return work / "site"


def run_lighthouse(url: str, report: Path, preset: str) -> dict[str, float]:
    cmd = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
           "--chrome-flags=--headless --no-sandbox --disable-gpu",
           f"--only-categories={','.join(CATEGORIES)}"]
    if preset == "desktop":
        cmd.append("--preset=desktop")
    proc = subprocess.run(cmd, env=dict(os.environ, CHROME_PATH=CHROMIUM), capture_output=True, text=True, timeout=180)
    if proc.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url}:\n{proc.stderr[-2000:]}")
    data = json.loads(report.read_text(encoding="utf-8"))
    scores = {c: round(100 * (data["categories"][c]["score"] or 0)) for c in CATEGORIES}
    # Weighted audits that cost points, so a score below target says why.
    weighted = {ref["id"] for c in CATEGORIES for ref in data["categories"][c]["auditRefs"] if ref["weight"] > 0}
    scores["_failing"] = sorted(a for a in weighted
                                if data["audits"][a].get("score") is not None and data["audits"][a]["score"] < 0.9)
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    parser.add_argument("--site", type=Path, help="a built site (base path /archive/); default: build the sample")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "lighthouse")
    parser.add_argument("--preset", choices=["mobile", "desktop"], default="mobile",
                        help="Lighthouse's default is a throttled mobile device")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print(f"{LIGHTHOUSE} missing: run `npm ci`", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="archivegen-lh-") as tmp:
        work = Path(tmp)
        site = args.site or build_sample(work)
        server = serve_under(site, "/archive/", work)
        try:
            print(f"{'page':52} " + " ".join(f"{c:>14}" for c in CATEGORIES))
            worst = 100
            for path in args.paths:
                if not (site / path.split("?")[0] / "index.html").is_file() and path.split("?")[0]:
                    print(f"{'/archive/' + path:52} (not in this site; skipped)")
                    continue
                name = (path.split("?")[0].strip("/").replace("/", "_") or "home") + f"-{args.preset}.json"
                scores = run_lighthouse(server.url(path), args.out / name, args.preset)
                worst = min([worst, *(scores[c] for c in CATEGORIES)])
                print(f"{'/archive/' + path:52} " + " ".join(f"{scores[c]:>14}" for c in CATEGORIES)
                      + (f"   below 0.9: {', '.join(scores['_failing'])}" if scores["_failing"] else ""))
        finally:
            server.close()
    print(f"lowest score: {worst} (target >= 95); reports in {args.out}")
    return 0 if worst >= 95 else 1


if __name__ == "__main__":
    raise SystemExit(main())
