"""`archivegen build`: safe pages, working links under a sub-path, identical output, atomic swap."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html

from archivegen.build.pipeline import build_archive
from archivegen.problems import ArchivegenError, BuildFailed
from conftest import ARCHIVE_YAML, make_archive, record_text, run_cli
from linkcheck import broken_links

FULL = Path(__file__).parent / "archives" / "full"

# --------------------------------------------------------------------------------------------
# Escaping: every user-supplied field, against script and attribute injection.

SCRIPT = "<script>alert('XSS')</script>"
ATTR = "\" onmouseover=\"alert('XSS')\" x=\""
TAG = "'><img src=x onerror=alert('XSS')>"
EVIL = SCRIPT + ATTR + TAG


def _yaml(text: str) -> str:
    return json.dumps(text)  # JSON strings are YAML double-quoted strings


EVIL_ARCHIVE_YAML = f"""\
title: {_yaml("Archive " + EVIL)}
description: {_yaml("Description " + EVIL)}
base_url: https://example.org/archive/
publisher: {_yaml("Publisher " + EVIL)}
rights:
  evil:
    label: {_yaml("Label " + EVIL)}
    text: {_yaml("Rights text " + EVIL)}
    uri: {_yaml("https://example.org/" + ATTR)}
collections:
  {_yaml("Collection " + EVIL)}:
    description: {_yaml("Collection description " + EVIL)}
"""


def _evil_record(title: str, related: str = "") -> str:
    fields = {"title": _yaml(title), "date": "1956-11-01", "rights": "evil", "uploaded": "2011-11-03"}
    fields |= {key: _yaml(f"{key} {EVIL}") for key in ("type", "summary", "classification", "archive", "source")}
    fields |= {key: json.dumps([f"{key} {EVIL}"]) for key in ("creators", "people", "places", "subjects")}
    fields["collections"] = json.dumps(["Collection " + EVIL])
    if related:
        fields["related"] = json.dumps([related])
    body = (f"Body {SCRIPT}\n\n{TAG}\n\n[link](javascript:alert('XSS'))\n\n"
            f"[attr](https://example.org/{ATTR})\n\n![img](x\" onerror=\"alert('XSS'))\n")
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in fields.items()) + "---\n" + body


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_archive(tmp_path_factory.mktemp("evil"), {
        "evil-one.md": _evil_record("Title " + EVIL),
        "evil-two.md": _evil_record("Second " + EVIL, related="evil-one"),
    }, EVIL_ARCHIVE_YAML)
    build_archive(root, index=False)
    return root / "site"


def test_evil_archive_builds_every_page_with_the_text_visible(evil_site: Path) -> None:
    page = lxml_html.parse(str(evil_site / "records" / "evil-one" / "index.html"))
    assert page.findtext(".//h1") == "Title " + EVIL
    text = page.getroot().text_content()
    for key in ("type", "summary", "creators", "people", "places", "subjects", "classification", "archive",
                "source", "Rights text", "Label", "Collection", "Archive", "Publisher"):
        assert f"{key} {EVIL}" in text, key
    assert f"Body {SCRIPT}" in text and TAG in text
    related = lxml_html.parse(str(evil_site / "records" / "evil-two" / "index.html"))
    assert "Title " + EVIL in [a.text_content() for a in related.iter("a")]


def test_no_script_or_handler_from_input_reaches_any_page(evil_site: Path) -> None:
    pages = sorted(evil_site.rglob("*.html"))
    assert len(pages) >= 3
    for file in pages:
        tree = lxml_html.parse(str(file))
        for el in tree.iter():
            if not isinstance(el.tag, str):
                continue
            for name, value in el.attrib.items():
                assert not name.lower().startswith("on"), f"{file}: <{el.tag} {name}={value!r}>"
                assert not value.strip().lower().startswith(("javascript:", "data:")), f"{file}: {name}={value}"
            if el.tag == "img":
                assert el.get("src") != "x", f"{file}: injected <img>"
            if el.tag == "script" and "XSS" in (el.text or ""):
                # Only data blocks may carry the text, and then as JSON that parses.
                assert el.get("type") in ("application/json", "application/ld+json"), file
                json.loads(el.text or "")


def test_title_and_meta_attributes_hold_the_whole_value(evil_site: Path) -> None:
    tree = lxml_html.parse(str(evil_site / "records" / "evil-one" / "index.html"))
    assert tree.findtext(".//title").startswith("Title " + EVIL)
    description = tree.find(".//meta[@name='description']")
    assert description is not None and description.get("content").startswith("summary <script>")
    assert {a.get("href") for a in tree.iter("a") if a.get("rel") == "license"} == {"https://example.org/" + ATTR}


# --------------------------------------------------------------------------------------------
# Links under a sub-path base_url.

def test_no_link_leaves_the_sub_path(sample_site: Path) -> None:
    escaping = [b for b in broken_links(sample_site, "/archive/", origin="https://example.org")
                if "leaves the base path" in b]
    assert escaping == []


def test_every_link_resolves_under_the_sub_path(sample_site: Path) -> None:
    broken = broken_links(sample_site, "/archive/", origin="https://example.org")
    assert broken == []


def test_every_link_resolves_at_the_root(sample_site_root: Path) -> None:
    broken = broken_links(sample_site_root, "/")
    assert broken == []


def test_record_links_and_files_resolve_under_the_sub_path(tmp_path: Path) -> None:
    root = shutil.copytree(FULL, tmp_path / "full")
    build_archive(root, index=False)
    site = root / "site"
    record_pages = [p for p in broken_links(site, "/archive/", origin="https://example.org")
                    if p.startswith("records/") and ('"/archive/records/' in p or "leaves" in p)]
    assert record_pages == []
    page = lxml_html.parse(str(site / "records" / "nagy-declaration-of-neutrality" / "index.html"))
    hrefs = {a.get("href") for a in page.iter("a")}
    assert "/archive/records/nagy-declaration-of-neutrality/nagy-declaration.txt" in hrefs
    assert "/archive/records/andropov-report-1-november-1956/" in hrefs
    assert (site / "records" / "nagy-declaration-of-neutrality" / "nagy-declaration.txt").read_bytes() == \
        (FULL / "documents" / "hungary" / "nagy-declaration.txt").read_bytes()


# --------------------------------------------------------------------------------------------
# Determinism and the atomic swap.

def _tree(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_same_input_gives_byte_identical_output(tmp_path: Path) -> None:
    first = shutil.copytree(FULL, tmp_path / "one")
    second = shutil.copytree(FULL, tmp_path / "elsewhere" / "two")  # another path: no path leaks
    build_archive(first)
    build_archive(second)
    a, b = _tree(first / "site"), _tree(second / "site")
    assert any(name.startswith("pagefind/") for name in a), "the search index is part of the comparison"
    # Pagefind 1.5 writes the values inside each filter file in hash-map order, so the filter files,
    # the meta file naming them and the entry file naming that differ from run to run (upstream:
    # Pagefind issue #638; its word fragments are stable). Everything else must match byte for
    # byte, and the filter files must hold the same bytes in some order.
    unstable = re.compile(r"pagefind/[^/]+/(filter/|pagefind\.[^/]+\.pf_meta$|pagefind-entry\.json$)")
    assert {k: v for k, v in a.items() if not unstable.match(k)} == \
        {k: v for k, v in b.items() if not unstable.match(k)}
    assert _filter_bytes(first / "site") == _filter_bytes(second / "site")


def _filter_bytes(site: Path) -> list[list[int]]:
    return sorted(sorted(gzip.decompress(p.read_bytes())) for p in site.glob("pagefind/*/filter/*"))


def _stray_staging(root: Path) -> list[str]:
    # The replaced site (.site-old-*) is deleted in the background after a swap; staging folders
    # must never outlive a build.
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".site-staging"))


def test_failed_build_leaves_the_previous_site_byte_identical(tmp_path: Path) -> None:
    root = shutil.copytree(FULL, tmp_path / "full")
    assert run_cli("build", "--root", str(root), "--no-index").returncode == 0
    before = _tree(root / "site")
    (root / "documents" / "broken.md").write_text("---\ntitle: Broken\ndate: 1956-13-01\n---\n")
    proc = run_cli("build", "--root", str(root), "--no-index")
    assert proc.returncode == 1
    assert proc.stderr.startswith('documents/broken.md:3: error: date: "1956-13-01" is not EDTF')
    assert "site/ unchanged" in proc.stderr
    assert _tree(root / "site") == before
    assert _stray_staging(root) == []


def test_template_error_fails_the_build_without_touching_site(tmp_path: Path) -> None:
    root = shutil.copytree(FULL, tmp_path / "full")
    build_archive(root, index=False)
    before = _tree(root / "site")
    (root / "templates").mkdir()
    (root / "templates" / "record.html").write_text('{% extends "default/record.html" %}'
                                                   "{% block main %}{{ no_such_variable }}{% endblock %}")
    with pytest.raises(ArchivegenError, match="no_such_variable"):
        build_archive(root, index=False)
    assert _tree(root / "site") == before
    assert _stray_staging(root) == []
    proc = run_cli("build", "--root", str(root), "--no-index")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "'no_such_variable' is undefined" in proc.stderr


def test_invalid_input_raises_build_failed_with_every_problem(tmp_archive) -> None:
    root = tmp_archive({"a.md": record_text(date="1956-02-30"), "b.md": record_text(rights="nope")})
    with pytest.raises(BuildFailed) as info:
        build_archive(root, index=False)
    assert [(p.path, p.line, p.field) for p in info.value.problems] == [
        ("documents/a.md", 3, "date"), ("documents/b.md", 4, "rights")]
    assert not (root / "site").exists()


def test_case_insensitive_id_clash_names_both_files(tmp_archive) -> None:
    root = tmp_archive({"Report.md": record_text(), "sub/report.md": record_text()}, ARCHIVE_YAML)
    proc = run_cli("check", "--root", str(root))
    assert proc.returncode == 1
    assert "(documents/Report.md, documents/sub/report.md)" in proc.stderr
    assert "/records/Report/ is claimed by more than one page: documents/Report.md, documents/sub/report.md" \
        in proc.stderr


def test_an_overridden_record_item_is_used_in_every_listing(tmp_path: Path) -> None:
    """Listings render each entry once per process and reuse it: an archive's own
    partials/record_item.html must still be the one every listing shows."""
    root = shutil.copytree(FULL, tmp_path / "full")
    (root / "templates" / "partials").mkdir(parents=True)
    (root / "templates" / "partials" / "record_item.html").write_text(
        '<li class="record-item custom-item" data-id="{{ r.id }}"><a href="{{ r.url }}">{{ r.title }}</a></li>\n')
    build_archive(root, index=False)
    site = root / "site"
    some_term = next(p for p in sorted((site / "people").glob("*/index.html")) if p.parent.name != "by-count")
    for page in [site / "index.html", some_term]:
        doc = lxml_html.fromstring(page.read_text(encoding="utf-8"))
        items = doc.xpath('//ul[contains(@class, "record-list")]/li')
        assert items and all("custom-item" in li.get("class") for li in items), page
        for li in items:  # each entry is its own record's, not one reused for another
            assert li.xpath("a")[0].get("href").rstrip("/").endswith("/" + li.get("data-id"))
