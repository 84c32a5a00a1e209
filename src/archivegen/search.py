"""The search index: Pagefind over the record pages, split into shards. The only module that runs Pagefind.

One Pagefind process over 40,000 pages needs ~15 GB (MEASURED.md, issue #7), so the record pages
are split into shards of at most ``ARCHIVEGEN_SHARD_SIZE`` (default 2,000) pages and each shard is
indexed by its own Pagefind run into ``site/pagefind/<shard>/``. ``pagefind/shards.json`` lists
the bundles; the search page (static/search.js) loads the first with Pagefind's JS API, merges the
others (``mergeIndex``) and merges their results itself where Pagefind's merge is not one index
(date order). See docs/search.md.

A record's shard is a hash of its id modulo a power of two, so adding a record changes one shard,
except when the archive grows past a power-of-two multiple of the shard size and every shard
splits in two (once per doubling). With a cache folder, each shard's bundle is kept with the
digest of its input pages and re-used when they have not changed.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .problems import IndexingFailed

if TYPE_CHECKING:
    from .model import Archive, Record
    from .render import Page

#: Filters readers can narrow by, in the order the search page shows them: (Pagefind key, label).
FILTERS: tuple[tuple[str, str], ...] = (
    ("collection", "Collection"), ("type", "Type"), ("language", "Language"), ("person", "Person"),
    ("place", "Place"), ("subject", "Subject"), ("classification", "Classification"),
    ("decade", "Decade"), ("year", "Year"), ("rights", "Rights"),
)
#: Hidden filter: every year a record's date spans (the date range matches on overlap).
SPAN_FILTER = "span"
#: Pagefind sort key: the EDTF sort key (lower/upper ISO dates), chronological as a string.
SORT_KEY = "date"
#: Result metadata holding the sort key (search.js merges date-sorted shards by it).
SORT_META = "sort"
#: Result metadata every record page carries, with one value: searching for that value finds every
#: record through one index chunk per shard, which is how the search page browses by filters alone
#: (Pagefind's own filter-only search fetches every index chunk: 48 MB at 40,000 records, issue #7).
#: The value is a letter no reader types (Pagefind matches the last word as a prefix, so a Latin
#: word would be found by its first letters).
BROWSE_META = "every"
BROWSE_TERM = "\ua66e"  # ꙮ CYRILLIC LETTER MULTIOCULAR O
#: Whole-archive filter counts, shown before anything is asked (no Pagefind chunk is loaded then),
#: one file per filter key (``search/facets/<key>.json``): at 40,000 records all keys together are
#: ~300 KB, most of it people, and a reader opening "Type" needs 1 KB of it.
FACETS = "search/facets/"
#: The longest span whose years are all listed; wider dates ("19XX") list their first year only.
MAX_SPAN_YEARS = 100
DEFAULT_SHARD_SIZE = 2000
BUNDLE_DIR = "pagefind"
MANIFEST = "shards.json"
#: Pagefind's own UI bundles: our page has its own UI, so they are not published (×shards).
_UNUSED_BUNDLE_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
                        "pagefind-modular-ui.css", "pagefind-component-ui.js",
                        "pagefind-component-ui.css", "pagefind-highlight.js")


# ---------------------------------------------------------------------------------------------
# What a record page tells Pagefind (rendered by templates/partials/search_fields.html)


def record_fields(record: Record) -> dict[str, Any]:
    """Filters, sort key and result metadata for one record page."""
    values: list[tuple[str, str]] = []
    values += [("collection", c) for c in record.collections]
    values += [("type", record.type)] if record.type else []
    values += [("language", lang.name) for lang in record.languages]
    values += [("person", p) for p in record.people]
    values += [("place", p) for p in record.places]
    values += [("subject", s) for s in record.subjects]
    values += [("classification", record.classification)] if record.classification else []
    values.append(("decade", f"{record.date.decade}s"))
    # The year a record is filed under, as on the year pages.
    values.append(("year", str(record.date.year)))
    values += [("rights", record.rights.label)] if record.rights else []
    span = record.date.years if len(record.date.years) <= MAX_SPAN_YEARS else [record.date.year]
    values += [(SPAN_FILTER, str(y)) for y in span]
    # The id makes every key distinct, so date order is one total order however the pages are
    # sharded; the key is also result metadata because search.js merges shards by it.
    sort = f"{record.date.sort_key} {record.id}"
    return {
        "filters": [{"key": k, "value": v} for k, v in values],
        "sort": sort,
        "meta": [{"key": "date", "value": record.date.display}, {"key": "type", "value": record.type},
                 {"key": SORT_META, "value": sort}, {"key": BROWSE_META, "value": BROWSE_TERM}],
    }


def facet_counts(archive: Archive) -> dict[str, dict[str, int]]:
    """How many records carry each value of each filter, over the whole archive (as a clean index
    with no query would count them)."""
    keys = {k for k, _ in FILTERS}
    counts: dict[str, dict[str, int]] = {k: {} for k, _ in FILTERS}
    for record in archive.records:
        # A record listing a value twice is one page carrying it once, as Pagefind counts it.
        for f in {(f["key"], f["value"]) for f in record_fields(record)["filters"]}:
            if f[0] in keys:
                counts[f[0]][f[1]] = counts[f[0]].get(f[1], 0) + 1
    return counts


def plan(archive: Archive) -> list[Page]:
    """The search page and its whole-archive filter counts (one file per filter key)."""
    from .render import Page  # noqa: PLC0415 - render imports the feature modules
    from . import urls  # noqa: PLC0415
    from .exports import RAW  # noqa: PLC0415

    def view() -> dict[str, Any]:
        s = archive.settings
        years = [r.date.year for r in archive.records]
        return {
            "page_title": "Search", "description": f"Search the records of {s.title}.", "lang": s.language,
            "breadcrumbs": [{"text": "Home", "url": urls.url(s, "")}],
            "config": {
                "manifest": urls.url(s, f"{BUNDLE_DIR}/{MANIFEST}"), "facets": urls.url(s, FACETS),
                "filters": [{"key": k, "label": label} for k, label in FILTERS],
                "base": urls.url(s, ""), "span": SPAN_FILTER, "sort": SORT_KEY, "sort_meta": SORT_META,
                "browse": BROWSE_TERM,
                "years": [min(years), max(years)] if years else [],
                "page_size": 20,
            },
        }

    counted: list[dict[str, dict[str, int]]] = []

    def facets(key: str) -> dict[str, Any]:
        if not counted:  # once for every key's file (rendering is in order, in one process)
            counted.append(facet_counts(archive))
        text = json.dumps(counted[0][key], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return {"text": text + "\n"}

    every = tuple(r.id for r in archive.records)
    return [Page("search/", "search.html", view)] + [
        Page(f"{FACETS}{key}.json", RAW, (lambda k=key: facets(k)), every) for key, _ in FILTERS]


# ---------------------------------------------------------------------------------------------
# Shards


def shard_size() -> int:
    """Pages per shard at most: ``ARCHIVEGEN_SHARD_SIZE`` or 2,000 (0.8 GB per Pagefind run)."""
    value = os.environ.get("ARCHIVEGEN_SHARD_SIZE", "")
    return max(1, int(value)) if value.isdigit() else DEFAULT_SHARD_SIZE


def shard_count(pages: int, size: int) -> int:
    """The power of two that keeps shards at ``size`` pages or fewer, on average."""
    return 1 << max(0, math.ceil(math.log2(max(1, math.ceil(pages / size)))))


def shard_of(record_id: str, shards: int) -> int:
    """A record's shard: stable for its id, independent of every other record."""
    digest = hashlib.sha256(record_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % shards


def record_pages(site: Path) -> list[str]:
    """Site-relative paths of the pages to index: records/<id>/index.html, sorted."""
    return sorted(p.relative_to(site).as_posix() for p in (site / "records").glob("*/index.html"))


def plan_shards(pages: Iterable[str], size: int) -> dict[int, list[str]]:
    pages = list(pages)
    count = shard_count(len(pages), size)
    shards: dict[int, list[str]] = {k: [] for k in range(count)}
    for path in pages:
        shards[shard_of(path.split("/")[1], count)].append(path)
    return shards


class _Source:
    """Where a site page's current bytes are: in ``site``, or in ``pending`` (an incremental build's
    staging folder, not yet moved into the site) when the build wrote it; ``removed`` are gone."""

    def __init__(self, site: Path, pending: Path | None = None, removed: Iterable[str] = ()) -> None:
        self.site, self.pending = site, pending
        self.removed = set(removed)
        self.written = set(record_pages(pending)) if pending is not None else set()

    def pages(self) -> list[str]:
        return sorted((set(record_pages(self.site)) - self.removed) | self.written)

    def __call__(self, path: str) -> Path:
        return (self.pending if path in self.written and self.pending is not None else self.site) / path


def _digest(source: _Source, count: int, pages: list[str]) -> str:
    h = hashlib.sha256(f"pagefind-shard v1 {_pagefind_version()} {count}\n".encode())
    for path in pages:
        data = source(path).read_bytes()
        h.update(f"{path}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Running Pagefind


def pagefind_command() -> list[str]:
    """The Pagefind binary from ``pagefind[bin]``, called directly: no Python start-up per shard."""
    try:
        from pagefind_bin import get_executable  # noqa: PLC0415

        return [str(get_executable())]
    except (ImportError, FileNotFoundError):
        import sys  # noqa: PLC0415

        return [sys.executable, "-m", "pagefind"]


def _pagefind_version() -> str:
    try:
        from importlib.metadata import version  # noqa: PLC0415

        return version("pagefind_bin")
    except Exception:  # noqa: BLE001 - only a cache key
        return "unknown"


def _run_pagefind(source: Path | _Source, pages: list[str], out: Path) -> None:
    """Index ``pages`` of a site into ``out``, through a folder of hard links at their site paths."""
    if isinstance(source, Path):
        source = _Source(source)
    with tempfile.TemporaryDirectory(prefix=".pagefind-input-", dir=out.parent) as tmp:
        root = Path(tmp)
        for path in pages:
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            _link(source(path), target)
        cmd = pagefind_command() + ["--site", str(root), "--output-path", str(out), "--silent"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise IndexingFailed(f"pagefind failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
    for name in _UNUSED_BUNDLE_FILES:
        (out / name).unlink(missing_ok=True)


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system, or links not allowed
        shutil.copyfile(src, dst)


def _link_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, copy_function=lambda s, d: _link(Path(s), Path(d)))


def build_index(site: Path, cache: Path | None = None, changed: set[str] | None = None, *,
                size: int | None = None, bundle: Path | None = None, pending: Path | None = None,
                removed: Iterable[str] = (), reuse: bool = False) -> list[str] | None:
    """Index the record pages of ``site`` into ``site/pagefind/<shard>/`` and write the manifest.

    With ``cache``, a shard whose pages are unchanged is linked from the cache instead of indexed.
    ``changed`` (site-relative paths of pages whose output changed) lets unchanged shards skip
    hashing their pages; without it, every shard's pages are hashed and compared.

    An incremental build indexes the site as it will be, before touching it: ``pending`` is a
    folder of pages written since (read instead of the site's), ``removed`` pages the site loses,
    and the bundles go to ``bundle`` (default ``site/pagefind``), later swapped in.

    With ``reuse`` (and ``cache`` and ``changed``), the site's own shard folders are taken as
    current when the last build had the same shards: only the shards that changed are written
    into ``bundle``, with the manifest, and their folder names are returned, so that the commit
    replaces those alone (not 40,000 files of unchanged shards). None: ``bundle`` is complete.
    """
    source = _Source(site, pending, removed)
    shards = plan_shards(source.pages(), size or shard_size())
    count = len(shards)
    out_root = bundle or site / BUNDLE_DIR
    if out_root.exists():
        shutil.rmtree(out_root)
    out_root.mkdir(parents=True)
    known = _read_cache_state(cache) if cache else {}
    state: dict[str, dict[str, Any]] = {}
    # An empty shard (few records, unlucky hashes) gets no bundle: Pagefind's JS cannot load one.
    filled = [k for k in range(count) if shards[k]]
    names = {f"{count}-{k}" for k in filled}
    reuse = (reuse and cache is not None and changed is not None and set(known) == names
             and (site / BUNDLE_DIR / MANIFEST).is_file()
             and all((site / BUNDLE_DIR / str(k)).is_dir() for k in filled))
    written: list[str] = []

    def one(k: int) -> None:
        pages = shards[k]
        name = f"{count}-{k}"
        target = out_root / str(k)
        if cache is None:
            _run_pagefind(source, pages, target)
            return
        old = known.get(name)
        usable = old is not None and old["pages"] == pages and (cache / name).is_dir()
        if usable and changed is not None and not changed.intersection(pages):
            state[name] = old  # type: ignore[assignment]
            if reuse:
                return  # site/pagefind/<k> is this very bundle
        else:
            digest = _digest(source, count, pages)
            if not (usable and old["digest"] == digest):  # type: ignore[index]
                fresh = cache / f".{name}-new-{os.getpid()}"
                shutil.rmtree(fresh, ignore_errors=True)
                _run_pagefind(source, pages, fresh)
                shutil.rmtree(cache / name, ignore_errors=True)
                os.replace(fresh, cache / name)
            state[name] = {"pages": pages, "digest": digest}
        _link_tree(cache / name, target)
        written.append(str(k))

    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    workers = min(len(filled), os.cpu_count() or 1, 4)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(one, filled))  # list() re-raises the first failure
    if cache is not None:
        for stale in cache.iterdir():
            if stale.is_dir() and stale.name not in state:
                shutil.rmtree(stale, ignore_errors=True)
        (cache / "state.json").write_text(json.dumps(state, sort_keys=True), encoding="utf-8")
    manifest = {"version": 1, "shards": [f"{k}/" for k in filled], "pages": [len(shards[k]) for k in filled]}
    (out_root / MANIFEST).write_text(json.dumps(manifest, sort_keys=True) + "\n", encoding="utf-8")
    return sorted(written, key=int) if reuse else None


def _read_cache_state(cache: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads((cache / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
