"""tests/linkcheck.py finds the broken links it promises to find (so a clean result means something)."""

from __future__ import annotations

from pathlib import Path

from linkcheck import broken_links


def _site(root: Path, pages: dict[str, str]) -> Path:
    for rel, body in pages.items():
        file = root / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(f"<!doctype html><html><body>{body}</body></html>", encoding="utf-8")
    return root


def test_working_links_of_every_form_pass(tmp_path: Path) -> None:
    site = _site(tmp_path, {
        "index.html": '<a href="/archive/records/x/">x</a><a href="records/x/#cite">c</a>'
                      '<a href="#top">t</a><p id="top"></p><img src="/archive/assets/a.png">'
                      '<a href="https://elsewhere.example/">e</a><a href="mailto:a@b.c">m</a>'
                      '<a href="https://example.org/archive/records/x/">self</a>',
        "records/x/index.html": '<p id="cite"></p><a href="../../">home</a><a href="scan%20one.pdf">f</a>',
    })
    (site / "assets").mkdir()
    (site / "assets" / "a.png").write_bytes(b"")
    (site / "records" / "x" / "scan one.pdf").write_bytes(b"")
    assert broken_links(site, "/archive/", origin="https://example.org") == []


def test_missing_file_missing_fragment_and_escape_are_reported(tmp_path: Path) -> None:
    site = _site(tmp_path, {
        "index.html": '<a href="/archive/nowhere/">a</a><a href="/records/x/">b</a>'
                      '<a href="records/x/#missing">c</a><a href="../outside/">d</a>'
                      '<a href="https://example.org/archive/gone/">e</a>',
        "records/x/index.html": "<p>x</p>",
    })
    assert broken_links(site, "/archive/", origin="https://example.org") == [
        'index.html: href "../outside/" leaves the base path /archive/',
        'index.html: href "/archive/gone/" -> gone/index.html does not exist',
        'index.html: href "/archive/nowhere/" -> nowhere/index.html does not exist',
        'index.html: href "/records/x/" leaves the base path /archive/',
        'index.html: href "records/x/#missing" -> no id "missing" in records/x/index.html',
    ]


def test_root_base_path_accepts_root_relative_links(tmp_path: Path) -> None:
    site = _site(tmp_path, {"index.html": '<a href="/records/x/">x</a>', "records/x/index.html": ""})
    assert broken_links(site, "/") == []
