"""The sharded search index: shard assignment, the manifest, and the incremental cache (issue #8)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from archivegen.index import pagefind as search_index

PAGE = """<!doctype html><html lang="en"><head><title>{title}</title></head><body>
<article data-pagefind-body><h1>{title}</h1><p>{body}</p>
<span hidden data-pagefind-filter="type">Report</span></article></body></html>
"""


def make_site(site: Path, n: int, words: dict[int, str] | None = None) -> list[str]:
    paths = []
    for i in range(n):
        path = f"records/r{i:03d}/index.html"
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        body = (words or {}).get(i, f"ordinary text number {i}")
        (site / path).write_text(PAGE.format(title=f"Record {i}", body=body), encoding="utf-8")
        paths.append(path)
    return paths


def fragment_texts(bundle: Path) -> str:
    return " ".join(json.loads(gzip.decompress(f.read_bytes())[12:])["content"]
                    for f in sorted((bundle / "fragment").iterdir()))


def test_shard_of_a_record_does_not_depend_on_the_other_records():
    ids = [f"r{i}" for i in range(200)]
    before = {i: search_index.shard_of(i, 8) for i in ids}
    assert {search_index.shard_of(i, 8) for i in ids} == set(range(8))
    # When the count doubles a shard splits in two: k goes to k or k + 8, nowhere else.
    assert all(search_index.shard_of(i, 16) % 8 == before[i] for i in ids)


@pytest.mark.parametrize(("pages", "size", "shards"), [(0, 50, 1), (50, 50, 1), (51, 50, 2), (282, 50, 8),
                                                      (40_000, 5000, 8), (10_000, 1250, 8)])
def test_shard_count_keeps_shards_at_the_size_on_average(pages: int, size: int, shards: int):
    assert search_index.shard_count(pages, size) == shards


def test_build_index_writes_one_bundle_per_shard_and_a_manifest(tmp_path: Path):
    site = tmp_path / "site"
    paths = make_site(site, 12)
    search_index.build_index(site, size=4)
    manifest = json.loads((site / "pagefind" / "shards.json").read_text())
    assert manifest["shards"] == ["0/", "1/", "2/", "3/"]
    assert sum(manifest["pages"]) == 12
    for k, shard in enumerate(manifest["shards"]):
        bundle = site / "pagefind" / shard
        assert (bundle / "pagefind.js").is_file() and not (bundle / "pagefind-ui.js").exists()
        texts = fragment_texts(bundle)
        mine = [p for p in paths if search_index.shard_of(p.split("/")[1], 4) == k]
        assert len(list((bundle / "fragment").iterdir())) == len(mine) == manifest["pages"][k]
        assert all(f"Record {p.split('/')[1][1:].lstrip('0') or '0'}" in texts for p in mine)


def test_changing_one_page_reindexes_only_its_shard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    site, cache = tmp_path / "site", tmp_path / "cache"
    paths = make_site(site, 12)
    search_index.build_index(site, cache, size=4)
    first = {k: fragment_texts(site / "pagefind" / str(k)) for k in range(4)}

    runs: list[list[str]] = []
    real = search_index._run_pagefind
    monkeypatch.setattr(search_index, "_run_pagefind", lambda s, pages, out, *gate: (runs.append(pages), real(s, pages, out, *gate))[1])

    # Nothing changed: every shard comes from the cache, with or without a list of changes.
    search_index.build_index(site, cache, set(), size=4)
    search_index.build_index(site, cache, size=4)
    assert runs == []
    assert {k: fragment_texts(site / "pagefind" / str(k)) for k in range(4)} == first

    target = paths[5]
    shard = search_index.shard_of(target.split("/")[1], 4)
    make_site(site, 12, {5: "a zeppelin transcription"})
    search_index.build_index(site, cache, {target}, size=4)
    assert len(runs) == 1 and target in runs[0]
    assert "zeppelin" in fragment_texts(site / "pagefind" / str(shard))
    assert all(fragment_texts(site / "pagefind" / str(k)) == first[k] for k in range(4) if k != shard)

    # Without the list of changes, the digest of each shard's pages finds the edit.
    runs.clear()
    make_site(site, 12, {5: "a dirigible transcription"})
    search_index.build_index(site, cache, size=4)
    assert len(runs) == 1 and target in runs[0]
    assert "dirigible" in fragment_texts(site / "pagefind" / str(shard))


def test_a_new_record_reindexes_only_the_shard_it_joins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    site, cache = tmp_path / "site", tmp_path / "cache"
    make_site(site, 12)
    search_index.build_index(site, cache, size=4)
    runs: list[list[str]] = []
    real = search_index._run_pagefind
    monkeypatch.setattr(search_index, "_run_pagefind", lambda s, pages, out, *gate: (runs.append(pages), real(s, pages, out, *gate))[1])
    new = make_site(site, 13)[12]
    search_index.build_index(site, cache, {new}, size=4)
    assert len(runs) == 1 and new in runs[0]
    assert sum(json.loads((site / "pagefind" / "shards.json").read_text())["pages"]) == 13


def test_empty_shards_get_no_bundle_and_an_empty_site_an_empty_manifest(tmp_path: Path):
    site = tmp_path / "site"
    make_site(site, 3)
    search_index.build_index(site, size=1)  # 4 shards for 3 pages: at least one is empty
    manifest = json.loads((site / "pagefind" / "shards.json").read_text())
    assert len(manifest["shards"]) < 4 and sum(manifest["pages"]) == 3 and 0 not in manifest["pages"]
    assert sorted(p.name for p in (site / "pagefind").iterdir() if p.is_dir()) == sorted(
        s.strip("/") for s in manifest["shards"] + [manifest["vocab"]])
    empty = tmp_path / "empty"
    empty.mkdir()
    search_index.build_index(empty)
    assert json.loads((empty / "pagefind" / "shards.json").read_text())["shards"] == []


@pytest.mark.parametrize(("pages", "shards"), [(282, 1), (4_000, 4), (10_000, 8), (25_000, 8), (40_000, 8),
                                               (80_000, 16)])
def test_default_shards_are_eight_from_10_000_to_40_000_pages(pages: int, shards: int,
                                                                monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("ARCHIVEGEN_SHARD_SIZE", raising=False)
    size = search_index.shard_size(pages)
    assert search_index.shard_count(pages, size) == shards
    assert size <= search_index.MAX_SHARD_SIZE


def test_index_chunks_are_small_so_a_query_fetches_little(sample_site: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch):
    """Issue 17: a query fetches, from every shard, the index chunk holding each of its words, so
    the bundle is cut in small chunks (``INDEX_CHUNK_SIZE``, through Pagefind's unstable
    ``PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE``). Guards the setting against a Pagefind that ignores it:
    the sample indexed at Pagefind's default (20,000) gives several times fewer, larger chunks."""
    from archivegen.index.determinism import index_chunks

    pages = sorted(p.relative_to(sample_site).as_posix() for p in (sample_site / "records").glob("*/index.html"))

    def chunks(out: Path) -> tuple[int, float]:
        sizes = [(out / "index" / f"{name}.pf_index").stat().st_size for _, _, name in index_chunks(out)]
        return len(sizes), sum(sizes) / len(sizes)

    # The published bundle (the sample is one shard) against the same pages indexed at the default.
    published = sample_site / "pagefind" / "0"
    assert json.loads((sample_site / "pagefind" / "shards.json").read_text())["pages"] == [len(pages)]
    monkeypatch.setattr(search_index, "INDEX_CHUNK_SIZE", 20000)
    search_index._run_pagefind(sample_site, pages, tmp_path / "default")
    (ours, ours_bytes), (default, default_bytes) = chunks(published), chunks(tmp_path / "default")
    assert search_index.INDEX_CHUNK_SIZE == 20000 and ours >= 3 * default, (ours, default)
    assert ours_bytes * 2.5 < default_bytes, (ours_bytes, default_bytes)
