"""Guard tests for incremental builds (issue #7): a rebuild equals a clean build byte for byte,
a rebuild with no change writes nothing, a failed rebuild leaves site/ untouched."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from archivegen.build import pipeline as build
from archivegen.build.pipeline import build_archive
from archivegen.index import pagefind as search_index
from archivegen.problems import BuildFailed, IndexingFailed
from conftest import make_archive, record_text, run_cli
from test_search_index import fragment_texts

HUNGARY = '["Hungarian Revolution, 1956"]'
POLAND = '["Polish October, 1956"]'


def _records(n: int = 6) -> dict[str, str]:
    records = {}
    for i in range(n):
        collections = HUNGARY if i % 2 == 0 else POLAND
        related = f'["r{i - 1}"]' if i else "[]"
        records[f"r{i}.md"] = record_text(f"Record number {i}", f"1956-11-{i + 1:02d}", f"Body of record {i}.",
                                          collections=collections, related=related,
                                          people='["Nagy, Imre"]' if i < 3 else '["Gomułka, Władysław"]')
    return records


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _stamps(site: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime_ns) of the folder and of everything in it: any write or replacement shows."""
    paths = [site, *sorted(site.rglob("*"))]
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in paths}


def _clean_build(root: Path, tmp_path: Path) -> dict[str, bytes]:
    """The same archive built from nothing, in another folder."""
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("site", ".archivegen-cache", ".site-*"))
    build_archive(clean, index=False, jobs=1)
    return _tree(clean / "site")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def built(tmp_path: Path) -> Path:
    root = make_archive(tmp_path / "archive", _records())
    build_archive(root, index=False, jobs=1)
    return root


def test_body_edit_rewrites_only_the_record_page_and_equals_a_clean_build(built: Path, tmp_path: Path) -> None:
    before = _stamps(built / "site")
    _edit(built / "documents" / "r3.md", "Body of record 3.", "Body of record 3, corrected after review.")
    result = build_archive(built, index=False, jobs=1)
    assert result.written == 1
    after = _stamps(built / "site")
    files = [path for path in after if (built / "site" / path).is_file()]
    # Every other file is the very same inode: linked from the old site, not rewritten.
    assert sorted(path for path in files if after[path] != before.get(path)) == ["records/r3/index.html"]
    assert "corrected after review" in (built / "site/records/r3/index.html").read_text(encoding="utf-8")
    assert _tree(built / "site") == _clean_build(built, tmp_path)


def test_body_only_edit_renders_only_the_record_page(built: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # Listings, neighbours, citations and data exports show metadata, never the transcription:
    # an edit of the body alone must not render them again (issue #7: data/records.json and .csv
    # took most of an edit's render time at 40,000 records).
    import archivegen.build.pipeline as build_module

    rendered: list[str] = []
    real = build_module.render_page
    monkeypatch.setattr(build_module, "render_page", lambda env, page: rendered.append(page.path) or real(env, page))
    _edit(built / "documents" / "r2.md", "Body of record 2.", "Body of record 2, with a new paragraph.")
    build_archive(built, index=False, jobs=1)
    assert "records/r2/" in rendered
    # Pages that list no records (home, indexes, search…) are always rendered; nothing else is.
    listing_or_record = [p for p in rendered
                         if re.match(r"records/|data/records|(collections|people)/(?!by-count/).+|years/19", p)]
    assert listing_or_record == ["records/r2/"], listing_or_record
    assert _tree(built / "site") == _clean_build(built, tmp_path)
    rendered.clear()
    _edit(built / "documents" / "r2.md", "title: 'Record number 2'", "title: 'Record number 2, retitled'")
    build_archive(built, index=False, jobs=1)
    assert "data/records.json" in rendered and "records/r1/" in rendered  # r1 links to r2 by title
    assert _tree(built / "site") == _clean_build(built, tmp_path / "again")


def test_collection_change_moves_the_record_between_listings_and_equals_a_clean_build(
        built: Path, tmp_path: Path) -> None:
    _edit(built / "documents" / "r2.md", HUNGARY, POLAND)
    build_archive(built, index=False, jobs=1)
    tree = _tree(built / "site")
    assert tree == _clean_build(built, tmp_path)
    record = tree["records/r2/index.html"].decode()
    assert "Polish October, 1956" in record and "Hungarian Revolution, 1956" not in record
    listings = {path: html.decode() for path, html in tree.items() if path.startswith("collections/")}
    if listings:  # collection pages exist once the browse pages (issue #3) are merged
        hungary = next(html for path, html in listings.items() if path.startswith("collections/hungarian"))
        poland = next(html for path, html in listings.items() if path.startswith("collections/polish"))
        assert "Record number 2" not in hungary and "Record number 2" in poland


def test_title_edit_updates_every_page_that_shows_the_record(built: Path, tmp_path: Path) -> None:
    # r1 shows r0 as a related record: a title change in r0 must reach r1's page too.
    _edit(built / "documents" / "r0.md", "Record number 0", "Record zero, retitled")
    build_archive(built, index=False, jobs=1)
    tree = _tree(built / "site")
    assert "Record zero, retitled" in tree["records/r1/index.html"].decode()
    assert tree == _clean_build(built, tmp_path)


def test_second_build_with_no_change_writes_nothing(built: Path) -> None:
    before = _stamps(built / "site")
    result = build_archive(built, index=False, jobs=1)
    assert result.written == 0 and result.pages > 0
    assert _stamps(built / "site") == before
    assert not list(built.glob(".site-staging-*"))


def test_touching_a_file_without_changing_it_writes_nothing(built: Path) -> None:
    before = _stamps(built / "site")
    path = built / "documents" / "r4.md"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    result = build_archive(built, index=False, jobs=1)
    assert result.written == 0
    assert _stamps(built / "site") == before


def test_deleting_a_record_removes_its_page_and_equals_a_clean_build(built: Path, tmp_path: Path) -> None:
    _edit(built / "documents" / "r5.md", 'related: ["r4"]', "related: []")
    (built / "documents" / "r4.md").unlink()  # r5 pointed to r4: unlinked above
    build_archive(built, index=False, jobs=1)
    assert not (built / "site/records/r4").exists()
    assert _tree(built / "site") == _clean_build(built, tmp_path)


def test_a_new_record_appears_and_the_build_equals_a_clean_build(built: Path, tmp_path: Path) -> None:
    (built / "documents" / "r9.md").write_text(
        record_text("A late addition", "1956-10-23", "New.", collections=HUNGARY, related='["r0"]'), encoding="utf-8")
    build_archive(built, index=False, jobs=1)
    assert (built / "site/records/r9/index.html").is_file()
    assert _tree(built / "site") == _clean_build(built, tmp_path)


def test_template_change_rebuilds_every_page(built: Path, tmp_path: Path) -> None:
    (built / "templates").mkdir()
    (built / "templates" / "record.html").write_text(
        '{% extends "default/record.html" %}{% block title %}Edited: {{ record.title }}{% endblock %}',
        encoding="utf-8")
    result = build_archive(built, index=False, jobs=1)
    assert result.written == result.pages
    assert _tree(built / "site") == _clean_build(built, tmp_path)


def test_invalid_edit_fails_and_leaves_the_site_untouched(built: Path) -> None:
    before, content = _stamps(built / "site"), _tree(built / "site")
    _edit(built / "documents" / "r1.md", "date: 1956-11-02", "date: 1956-13-02")
    with pytest.raises(BuildFailed):
        build_archive(built, index=False, jobs=1)
    assert _stamps(built / "site") == before and _tree(built / "site") == content


def test_failed_indexing_in_an_incremental_build_leaves_the_site_untouched(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The staging folder is hard-linked to site/: a rewrite must never go through a shared inode.
    root = make_archive(tmp_path / "archive", _records())
    build_archive(root, index=True, jobs=1)
    before, content = _stamps(root / "site"), _tree(root / "site")
    _edit(root / "documents" / "r3.md", "Body of record 3.", "Changed body.")

    def fail(site: Path, cache: Path | None = None, changed: set[str] | None = None, **options: object) -> None:
        raise IndexingFailed("pagefind failed (1): simulated")

    monkeypatch.setattr(search_index, "build_index", fail)
    with pytest.raises(IndexingFailed):
        build_archive(root, index=True, jobs=1)
    assert _stamps(root / "site") == before and _tree(root / "site") == content
    assert not list(root.glob(".site-staging-*"))


def test_a_failure_half_way_through_the_commit_puts_every_file_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An edit that changes pages in several folders, adds a record and removes one: the commit
    # moves files into site/ one by one, and the third move fails.
    root = make_archive(tmp_path / "archive", _records())
    build_archive(root, index=True, jobs=1)
    site = root / "site"
    content = _tree(site)
    files_before = {k: v for k, v in _stamps(site).items() if (site / k).is_file()}
    _edit(root / "documents" / "r3.md", "Body of record 3.", "Changed body.")
    _edit(root / "documents" / "r5.md", 'related: ["r4"]', "related: []")
    (root / "documents" / "r4.md").unlink()
    (root / "documents" / "r9.md").write_text(
        record_text("A late addition", "1956-10-23", "New.", collections=HUNGARY), encoding="utf-8")
    # The commit runs in a process of its own (issue 20): the moves are counted in a file.
    real_replace, log = os.replace, tmp_path / "moves"
    log.write_text("")

    def flaky_replace(src: object, dst: object) -> None:
        if ".site-staging-" in str(src):
            with open(log, "a") as f:
                f.write(f"{dst}\n")
            if len(log.read_text().splitlines()) == 3:
                raise OSError(28, "No space left on device (simulated)")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    with pytest.raises(OSError, match="simulated"):
        build_archive(root, index=True, jobs=1)
    monkeypatch.setattr(os, "replace", real_replace)
    assert len(log.read_text().splitlines()) == 3
    assert _tree(site) == content
    # The files put back are the very files that were there (same inode, same mtime).
    assert {k: v for k, v in _stamps(site).items() if (site / k).is_file()} == files_before
    assert not list(root.glob(".site-staging-*"))
    # The next build (a full one: the search cache already holds the new bundles) finishes the job.
    build_archive(root, index=True, jobs=1)
    assert "Changed body." in (site / "records/r3/index.html").read_text(encoding="utf-8")
    pages = {k: v for k, v in _tree(site).items() if not k.startswith("pagefind/")}
    assert pages == _clean_build(root, tmp_path)


def _fragments(bundle: Path) -> dict[str, dict[str, object]]:
    """Pagefind page id -> what the page holds (url, text, filters, metadata)."""
    return {f.name.removesuffix(".pf_fragment"): {k: v for k, v in json.loads(gzip.decompress(f.read_bytes())[12:]).items()
                                                  if k in ("url", "content", "filters", "meta")}
            for f in sorted((bundle / "fragment").iterdir())}


def _searchable(index: Path) -> list[str]:
    """What the search page finds in an index folder: every home shard's pages except the stale
    copies shards.json hides, plus the delta bundle's (Pagefind's bytes differ from run to run:
    compare what the bundles hold)."""
    manifest = json.loads((index / "shards.json").read_text(encoding="utf-8"))
    found = []
    for shard in manifest["shards"] + ([manifest["delta"]] if "delta" in manifest else []):
        for page_id, page in _fragments(index / shard).items():
            if page_id in manifest.get("hidden", {}):
                assert manifest["hidden"][page_id] == page["filters"]  # the counts to take away
            else:
                found.append(json.dumps(page, sort_keys=True))
    return sorted(found)


def _clean_index(root: Path, tmp_path: Path, name: str) -> Path:
    clean = tmp_path / name
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("site", ".archivegen-cache", ".site-*"))
    build_archive(clean, index=True, jobs=1)
    return clean / "site" / "pagefind"


def test_an_edit_indexes_only_the_changed_pages_and_searches_like_a_clean_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHIVEGEN_SHARD_SIZE", "2")  # 6 records: 4 shards
    root = make_archive(tmp_path / "archive", _records())
    build_archive(root, index=True, jobs=1)
    bundle = root / "site" / "pagefind"
    inodes = {k: (bundle / str(k)).stat().st_ino for k in range(4) if (bundle / str(k)).is_dir()}
    runs: list[list[str]] = []
    real = search_index._run_pagefind
    monkeypatch.setattr(search_index, "_run_pagefind", lambda s, pages, out, *gate: (runs.append(pages), real(s, pages, out, *gate))[1])

    _edit(root / "documents" / "r3.md", "Body of record 3.", "A zebrafinch in the body.")
    build_archive(root, index=True, jobs=1)
    # Pagefind ran over the edited page alone; every shard's folder is the very same.
    assert runs == [["records/r3/index.html"]]
    assert {k: (bundle / str(k)).stat().st_ino for k in inodes} == inodes
    manifest = json.loads((bundle / "shards.json").read_text(encoding="utf-8"))
    assert manifest["delta"] == "delta/" and len(manifest["hidden"]) == 1
    assert "zebrafinch" in fragment_texts(bundle / "delta")
    assert _searchable(bundle) == _searchable(_clean_index(root, tmp_path, "clean1"))

    # A second edit and a deleted record: the delta holds both edited pages, the deleted page is hidden.
    runs.clear()
    _edit(root / "documents" / "r1.md", "Body of record 1.", "An ocelot in the body.")
    (root / "documents" / "r5.md").unlink()
    build_archive(root, index=True, jobs=1)
    assert runs == [["records/r1/index.html", "records/r3/index.html"]]
    assert {k: (bundle / str(k)).stat().st_ino for k in inodes} == inodes
    assert len(json.loads((bundle / "shards.json").read_text(encoding="utf-8"))["hidden"]) == 3
    assert _searchable(bundle) == _searchable(_clean_index(root, tmp_path, "clean2"))

    # Past the delta's limit, the shards holding its pages are indexed again and the delta goes.
    monkeypatch.setenv("ARCHIVEGEN_DELTA_MAX", "2")
    runs.clear()
    _edit(root / "documents" / "r0.md", "Body of record 0.", "A pangolin in the body.")
    build_archive(root, index=True, jobs=1)
    shards = {search_index.shard_of(r, 4) for r in ("r0", "r1", "r3", "r5")}
    assert sorted(len(pages) for pages in runs) == sorted(
        sum(search_index.shard_of(f"r{i}", 4) == k for i in range(5)) for k in shards
        if any(search_index.shard_of(f"r{i}", 4) == k for i in range(5)))
    manifest = json.loads((bundle / "shards.json").read_text(encoding="utf-8"))
    assert "delta" not in manifest and "hidden" not in manifest and not (bundle / "delta").exists()
    clean = _clean_index(root, tmp_path, "clean3")
    assert (bundle / "shards.json").read_bytes() == (clean / "shards.json").read_bytes()
    assert _searchable(bundle) == _searchable(clean)


def test_parallel_build_equals_a_serial_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from archivegen.build import workers

    monkeypatch.setattr(workers, "PARALLEL_MIN", 1)  # use the worker pool however small the archive
    records = {f"p{i:03d}.md": record_text(f"Paper {i}", f"1957-{i % 12 + 1:02d}-01", f"Text *{i}*.",
                                           collections=HUNGARY if i % 3 else POLAND)
               for i in range(240)}
    serial = make_archive(tmp_path / "serial", records)
    parallel = make_archive(tmp_path / "parallel", records)
    build_archive(serial, index=False, jobs=1)
    result = build_archive(parallel, index=False, jobs=2)
    assert result.records == 240 and result.written == result.pages
    assert _tree(parallel / "site") == _tree(serial / "site")


def test_a_parallel_first_build_saves_the_record_cache_the_next_build_reads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A first build's workers save the cache's parts as they parse them: every record must be in
    # it, so that the next build reads only the file that changed.
    from archivegen.build import cache, read, workers

    monkeypatch.setattr(workers, "PARALLEL_MIN", 1)
    records = {f"p{i:03d}.md": record_text(f"Paper {i}", f"1957-{i % 12 + 1:02d}-01", f"Text {i}.")
               for i in range(240)}
    root = make_archive(tmp_path / "a", records)
    build_archive(root, index=False, jobs=2)
    saved = cache.load_records(root, root / cache.CACHE_DIR)
    assert sorted(saved.files) == sorted(f"documents/{name}" for name in records)
    assert all(p.record is not None and not p.problems for p in saved.files.values())
    parsed: list[str] = []
    real = read._parse_files
    monkeypatch.setattr(read, "_parse_files", lambda context, rels: parsed.extend(rels) or real(context, rels))
    _edit(root / "documents" / "p007.md", "Text 7.", "Text 7, edited.")
    result = build_archive(root, index=False, jobs=1)
    assert parsed == ["documents/p007.md"] and result.written == 1
    assert _tree(root / "site") == _clean_build(root, tmp_path)


def test_cli_build_ends_with_one_summary_line(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "archive", _records(3))
    first = run_cli("build", "--root", str(root), "--no-index", "--jobs", "1", check=True)
    assert first.stdout.strip().splitlines()[-1].startswith("built 3 records, ")
    assert "(4 written, 0 unchanged)" in first.stdout or " written, 0 unchanged)" in first.stdout
    again = run_cli("build", "--root", str(root), "--no-index", check=True)
    assert " (0 written, " in again.stdout and "0 warning(s)" in again.stdout
    assert first.stderr == ""  # no progress bar when stderr is not a terminal


def test_cli_rejects_a_job_count_below_one(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "archive", _records(1))
    proc = run_cli("build", "--root", str(root), "--jobs", "0")
    assert proc.returncode == 2 and "--jobs" in proc.stderr


def test_editing_a_record_that_spans_years_updates_every_year_it_is_listed_in(tmp_path: Path) -> None:
    # Year pages list records that began in earlier years ("also in 1956"): every page showing
    # a record must name it in Page.records, or an edit leaves a stale title behind.
    root = make_archive(tmp_path / "archive", {
        "a.md": record_text("Alpha", "1956-11-01", "A."), "b.md": record_text("Beta", "1956-11-02", "B."),
        "span.md": record_text("Negotiations over several years", "1955/1957", "Long.")})
    build_archive(root, index=False, jobs=1)
    _edit(root / "documents" / "span.md", "Negotiations over several years", "Talks, 1955 to 1957")
    build_archive(root, index=False, jobs=1)
    assert _tree(root / "site") == _clean_build(root, tmp_path)


def test_builds_into_another_folder_do_not_leave_the_site_index_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The search cache is the archive's, shared by every output folder.
    monkeypatch.setenv("ARCHIVEGEN_SHARD_SIZE", "2")
    root = make_archive(tmp_path / "archive", _records())
    build_archive(root, index=True, jobs=1)
    _edit(root / "documents" / "r3.md", "Body of record 3.", "A zebrafinch in the body.")
    build_archive(root, tmp_path / "preview", index=True, jobs=1)
    _edit(root / "documents" / "r1.md", "Body of record 1.", "An ocelot in the body.")
    build_archive(root, index=True, jobs=1)
    searchable = _searchable(root / "site" / "pagefind")
    assert any("zebrafinch" in page for page in searchable) and any("ocelot" in page for page in searchable)
    assert searchable == _searchable(_clean_index(root, tmp_path, "clean"))
    assert _searchable(tmp_path / "preview" / "pagefind") != searchable


def test_a_full_build_whose_render_process_is_killed_leaves_the_site_and_no_staging(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A full build renders in a child process (workers.in_child); killed (out of memory, say), it
    # reports nothing: the build fails with a message, site/ stays, its staging folder goes.
    import signal

    from archivegen.build import write
    from archivegen.problems import ArchivegenError

    root = make_archive(tmp_path / "archive", _records())
    build_archive(root, index=True, jobs=1)
    before, content = _stamps(root / "site"), _tree(root / "site")

    def killed(job: build.Build) -> None:
        write.staging_dir(job.out)
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(build, "render_site", killed)
    shutil.rmtree(root / ".archivegen-cache")  # the next build is a full one
    with pytest.raises(ArchivegenError, match="render process ended without a result"):
        build_archive(root, index=True, jobs=1)
    assert _stamps(root / "site") == before and _tree(root / "site") == content
    assert not list(root.glob(".site-staging-*"))
