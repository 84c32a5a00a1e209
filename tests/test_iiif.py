"""Page images (issue 15): IIIF level-0 sizes, a Presentation 3 manifest per record, and the viewer
that zooms a real scan by keyboard: tests/data/scans/page.png (see its README) on a test record, and
the sample archive's public-domain book page (documents/scans/)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from browser_support import new_page
from conftest import REPO, build_archive, make_archive, record_text

SCAN = REPO / "tests" / "data" / "scans" / "page.png"
BASE = "https://example.org/archive/"


def scan_archive(root: Path) -> Path:
    make_archive(root, {"scanned.md": record_text("A scanned page", rights="local-reuse",
                                                   files="[page.png, notes.pdf]")})
    shutil.copy(SCAN, root / "documents" / "page.png")
    (root / "documents" / "notes.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = scan_archive(tmp_path_factory.mktemp("iiif") / "archive")
    build_archive(root, root / "site")
    return root / "site"


def _manifest(site: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((site / "records" / "scanned" / "manifest.json").read_text("utf-8"))
    return data


def test_the_manifest_has_what_presentation_3_requires(built: Path) -> None:
    m = _manifest(built)
    assert m["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert m["id"] == BASE + "records/scanned/manifest.json" and m["type"] == "Manifest"
    assert m["label"] == {"en": ["A scanned page"]}
    assert m["rights"] == "http://rightsstatements.org/vocab/InC-EDU/1.0/"
    assert m["requiredStatement"]["value"] == {"en": ["You may reuse this for research."]}
    assert len(m["items"]) == 1, "one canvas per image; the PDF has none"
    canvas = m["items"][0]
    assert canvas["type"] == "Canvas" and (canvas["width"], canvas["height"]) == Image.open(SCAN).size
    page = canvas["items"][0]
    assert page["type"] == "AnnotationPage"
    anno = page["items"][0]
    assert anno["type"] == "Annotation" and anno["motivation"] == "painting" and anno["target"] == canvas["id"]
    body = anno["body"]
    assert body["type"] == "Image" and body["format"] == "image/jpeg"
    service = body["service"][0]
    assert service["type"] == "ImageService3" and service["profile"] == "level0"
    # Every id the manifest gives resolves to a file of the site.
    for url in (body["id"], service["id"] + "/info.json"):
        assert url.startswith(BASE) and (built / url.removeprefix(BASE)).is_file(), url


def test_info_json_lists_sizes_that_exist_with_those_pixels(built: Path) -> None:
    folder = built / "records" / "scanned" / "iiif" / "page.png"
    info = json.loads((folder / "info.json").read_text("utf-8"))
    assert info["profile"] == "level0" and info["type"] == "ImageService3"
    assert (info["width"], info["height"]) == (384, 191)
    assert [(s["width"], s["height"]) for s in info["sizes"]] == [(384, 191)]  # narrower than 400: full only
    with Image.open(folder / "full" / "max" / "0" / "default.jpg") as im:
        assert im.format == "JPEG" and im.size == (384, 191)


def test_a_wide_scan_gets_reduced_sizes_and_identical_bytes_on_a_second_build(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "a", {"wide.md": record_text("Wide", files="[wide.png]")})
    with Image.open(SCAN) as im:  # the real scan, enlarged to a large-format page
        im.resize((1536, 764)).save(root / "documents" / "wide.png")
    build_archive(root, tmp_path / "one")
    build_archive(root, tmp_path / "two")
    folder = "records/wide/iiif/wide.png"
    info = json.loads((tmp_path / "one" / folder / "info.json").read_text("utf-8"))
    assert [(s["width"], s["height"]) for s in info["sizes"]] == [(400, 199), (1200, 597), (1536, 764)]
    for size in ("400,199", "1200,597", "max"):
        one, two = (tmp_path / d / folder / "full" / size / "0" / "default.jpg" for d in ("one", "two"))
        assert one.read_bytes() == two.read_bytes()
        with Image.open(one) as im:
            assert im.size == ((1536, 764) if size == "max" else tuple(map(int, size.split(","))))


def test_an_unchanged_scan_is_not_processed_again(tmp_path: Path) -> None:
    root = scan_archive(tmp_path / "archive")
    site = root / "site"
    build_archive(root, site)
    derivative = site / "records" / "scanned" / "iiif" / "page.png" / "full" / "max" / "0" / "default.jpg"
    before = derivative.stat()
    doc = root / "documents" / "scanned.md"
    doc.write_text(doc.read_text("utf-8").replace("Body text.", "Body text, edited."), "utf-8")
    build_archive(root, site)
    assert "edited" in (site / "records" / "scanned" / "index.html").read_text("utf-8")
    assert derivative.stat().st_ino == before.st_ino and derivative.stat().st_mtime_ns == before.st_mtime_ns
    with Image.open(SCAN) as im:  # the scan replaced: its sizes are written again
        im.rotate(180).save(root / "documents" / "page.png")
    build_archive(root, site)
    assert derivative.stat().st_mtime_ns != before.st_mtime_ns


def test_the_record_page_shows_the_scan_and_links_the_manifest(built: Path) -> None:
    html = (built / "records" / "scanned" / "index.html").read_text("utf-8")
    assert 'src="/archive/records/scanned/iiif/page.png/full/max/0/default.jpg"' in html
    assert 'href="/archive/records/scanned/manifest.json"' in html
    assert 'href="/archive/records/scanned/notes.pdf"' in html


def _zooms_by_keyboard(chromium: Any, origin: str, path: str) -> None:
    page = new_page(chromium)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    try:
        page.goto(origin + path)
        view = page.locator(".scan-view")
        img = view.locator("img")
        page.wait_for_function("() => document.querySelector('.scan-view img').complete")
        start = img.evaluate("e => e.getBoundingClientRect().width")
        view.focus()
        page.keyboard.press("+")
        assert img.evaluate("e => e.getBoundingClientRect().width") > start
        for _ in range(4):
            page.keyboard.press("+")
        zoomed = img.evaluate("e => e.getBoundingClientRect().width")
        assert zoomed > start * 2.5
        assert view.evaluate("e => e.scrollWidth > e.clientWidth"), "the zoomed page is wider than its region"
        page.keyboard.press("ArrowRight")
        assert view.evaluate("e => e.scrollLeft") > 0, "the arrow keys move the zoomed page"
        page.keyboard.press("-")
        assert img.evaluate("e => e.getBoundingClientRect().width") < zoomed
        page.keyboard.press("0")
        assert img.evaluate("e => e.getBoundingClientRect().width") == start
        assert page.errors == []
        assert all(u.startswith(origin) for u in requested), "no request leaves the site"
    finally:
        page.close()


@pytest.mark.browser
def test_the_viewer_zooms_the_scan_by_keyboard(built: Path, chromium: Any, serve_site: Any) -> None:
    _zooms_by_keyboard(chromium, serve_site(built, "/archive/"), "/archive/records/scanned/")


SAMPLE_SCAN = "huckleberry-finn-chapter-3-page-29"
"""The sample archive's record with a real public-domain scan (see the comment in its file)."""


def test_the_sample_archive_has_a_record_with_a_real_scan_and_a_valid_manifest(sample_site: Path) -> None:
    original = REPO / "documents" / "scans" / "huckleberry-finn-p29.jpg"
    folder = sample_site / "records" / SAMPLE_SCAN
    m = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert m["type"] == "Manifest" and m["label"] == {"en": ["Adventures of Huckleberry Finn, Chapter III, page 29"]}
    assert m["rights"] == "http://rightsstatements.org/vocab/NoC-US/1.0/"
    canvas = m["items"][0]
    assert (canvas["width"], canvas["height"]) == Image.open(original).size == (770, 995)
    body = canvas["items"][0]["items"][0]["body"]
    info = json.loads((folder / "iiif" / original.name / "info.json").read_text("utf-8"))
    assert [(s["width"], s["height"]) for s in info["sizes"]] == [(400, 517), (770, 995)]
    for url in (body["id"], body["service"][0]["id"] + "/info.json"):
        assert url.startswith(BASE) and (sample_site / url.removeprefix(BASE)).is_file(), url
    assert (folder / original.name).read_bytes() == original.read_bytes(), "the original is published as it is"
    html = (folder / "index.html").read_text("utf-8")
    assert f'href="/archive/records/{SAMPLE_SCAN}/manifest.json"' in html and "scan-view" in html


@pytest.mark.browser
def test_the_viewer_zooms_the_sample_archives_scan_by_keyboard(sample_site: Path, chromium: Any,
                                                              serve_site: Any) -> None:
    _zooms_by_keyboard(chromium, serve_site(sample_site, "/archive/"), f"/archive/records/{SAMPLE_SCAN}/")


@pytest.mark.browser
def test_the_page_with_a_scan_passes_axe(built: Path, chromium: Any, serve_site: Any) -> None:
    axe = REPO / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.is_file():
        pytest.fail(f"{axe} is missing: run `npm ci`")
    origin = serve_site(built, "/archive/")
    page = new_page(chromium, bypass_csp=True)
    try:
        page.goto(origin + "/archive/records/scanned/")
        page.add_script_tag(content=axe.read_text("utf-8"))
        result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})""")
    finally:
        page.close()
    assert result["passes"]
    assert [v["id"] for v in result["violations"]] == []


def test_the_page_with_a_scan_is_valid_html(built: Path) -> None:
    from test_html_valid import run_vnu

    assert run_vnu(built / "records" / "scanned") == []


def test_a_scan_replaced_by_a_larger_one_gives_what_a_clean_build_gives(tmp_path: Path) -> None:
    """Incremental equals clean: the record's file list is unchanged, only the scan's size."""
    root = scan_archive(tmp_path / "archive")
    site = root / "site"
    build_archive(root, site)
    with Image.open(SCAN) as im:
        im.resize((768, 382)).save(root / "documents" / "page.png")
    build_archive(root, site)
    build_archive(root, tmp_path / "clean")
    folder = Path("records/scanned")
    for rel in ("manifest.json", "iiif/page.png/info.json", "index.html", "iiif/page.png/full/400,199/0/default.jpg",
                "iiif/page.png/full/max/0/default.jpg"):
        assert (site / folder / rel).read_bytes() == (tmp_path / "clean" / folder / rel).read_bytes(), rel
    assert json.loads((site / folder / "manifest.json").read_text("utf-8"))["items"][0]["width"] == 768
    assert 'src="/archive/records/scanned/iiif/page.png/full/400,199/0/default.jpg"' in \
        (site / folder / "index.html").read_text("utf-8")
