"""The search index: the record pages run through Pagefind, in shards, with a delta bundle for edits.
The only module that runs Pagefind.

One Pagefind process over 40,000 pages needs ~8 GB (about 0.2 MB a page, MEASURED.md and issue #7),
so the record pages are split into shards (``shard_size``: an eighth of the pages, between 1,250
and 5,000 a shard), each indexed by its own Pagefind run into ``site/pagefind/<shard>/``. The
search page (static/search.js) loads the first bundle with Pagefind's JS API and merges the others
(``mergeIndex``). Every query fetches one index chunk (~35 KB) per query word from every shard,
so shards are few and large: 8 for 5,001 to 40,000 pages (docs/performance.md).

A record's shard is a hash of its id modulo a power of two, so adding a record changes one shard,
except when the archive grows past a power-of-two multiple of the shard size and every shard
splits in two (once per doubling). With a cache folder, each shard's bundle is kept with the
digest of its input pages and re-used when they have not changed.

Edits do not re-index a shard (5,000 pages: 4-8 s). An incremental build indexes the record pages
changed since their shard was indexed into a small *delta* bundle (``pagefind/delta/``), and
``shards.json`` lists the stale copies those pages left in their home shards (``hidden``: their
Pagefind page ids, with the filter values they were indexed with), which the search page drops
from results and subtracts from counts. Once the delta outgrows ``delta_limit()`` pages, the
shards holding its pages are re-indexed and the delta is emptied; a full build never makes one.
"""

from __future__ import annotations

import gzip
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
from typing import Any

from archivegen.problems import IndexingFailed
from archivegen.render import urls
from archivegen.render.search_page import BUNDLE_DIR, MANIFEST

MAX_SHARD_SIZE = 5000
MIN_SHARD_SIZE = 1250
DELTA_DIR = "delta"
#: Shards above this many pages are indexed one at a time: a Pagefind run holds ~0.2 MB a page
#: (FRUS records; 0.4 MB for the benchmark's generated ones), and two at once would pass 2 GB.
PARALLEL_MAX_PAGES = 2000
STATE_VERSION = 2
#: Pagefind's own UI bundles: our page has its own UI, so they are not published (×shards).
_UNUSED_BUNDLE_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
                        "pagefind-modular-ui.css", "pagefind-component-ui.js",
                        "pagefind-component-ui.css", "pagefind-highlight.js")


def shard_size(pages: int) -> int:
    """Pages per shard at most: ``ARCHIVEGEN_SHARD_SIZE``, or an eighth of the pages, kept between
    1,250 and 5,000. Eight shards is what a query can afford (an index chunk per word from each:
    ~35 KB); 5,000 pages is what one Pagefind run may hold (~1.6 GB for FRUS records); and below
    1,250 pages a shard is cheap enough to index two at a time, which a small archive's full build
    gains from (8 shards of 1,250 at 10,000 records)."""
    value = os.environ.get("ARCHIVEGEN_SHARD_SIZE", "")
    if value.isdigit():
        return max(1, int(value))
    return min(MAX_SHARD_SIZE, max(MIN_SHARD_SIZE, math.ceil(pages / 8)))


def delta_limit(size: int) -> int:
    """Pages the delta bundle may hold (``ARCHIVEGEN_DELTA_MAX``, default a tenth of a shard, at
    least 20): past it an edit re-indexes the shards instead (one Pagefind run per shard)."""
    value = os.environ.get("ARCHIVEGEN_DELTA_MAX", "")
    return int(value) if value.isdigit() else max(20, size // 10)


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
    h = hashlib.sha256(f"pagefind-shard v2 {_pagefind_version()} {count}\n".encode())
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
    except Exception:
        return "unknown"


def input_name(path: str) -> str:
    """Where Pagefind reads a page: records/<id>/index.html as records/<id>.html. The input folder
    is flat because a directory costs ~0.2–0.4 ms to make on ext4 (measured: 5,000 pages linked in
    1.8–2.5 s of system time as a tree, 0.1 s flat); the search page and ``page_ids`` map the
    result URL (/records/<id>.html) back to the page's own (/records/<id>/)."""
    return path[: -len("/index.html")] + ".html" if path.endswith("/index.html") else path


def page_path(url: str) -> str:
    """The site page a bundle's result URL stands for (the inverse of ``input_name``)."""
    path = url.lstrip("/")
    if path.endswith(".html") and path.count("/") == 1:
        return path[: -len(".html")] + "/index.html"
    return urls.output_file(path)


def _run_pagefind(source: Path | _Source, pages: list[str], out: Path) -> None:
    """Index ``pages`` of a site into ``out``, through a flat folder of hard links (``input_name``)."""
    if isinstance(source, Path):
        source = _Source(source)
    with tempfile.TemporaryDirectory(prefix=".pagefind-input-", dir=out.parent) as tmp:
        root = Path(tmp)
        for folder in sorted({str(Path(input_name(path)).parent) for path in pages}):
            (root / folder).mkdir(parents=True, exist_ok=True)
        for path in pages:
            _link(source(path), root / input_name(path))
        cmd = [*pagefind_command(), "--site", str(root), "--output-path", str(out), "--silent"]
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


def page_ids(bundle: Path) -> dict[str, list[Any]]:
    """Site-relative page path -> [Pagefind page id, its filter values], read from a bundle's
    fragments (Pagefind names each fragment by the id its search results carry)."""
    ids: dict[str, list[Any]] = {}
    for fragment in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = json.loads(gzip.decompress(fragment.read_bytes())[12:])  # after "pagefind_dcd"
        ids[page_path(data["url"])] = [
            fragment.name.removesuffix(".pf_fragment"), data.get("filters", {})]
    return ids


# ---------------------------------------------------------------------------------------------
# Building the bundles


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
    current when the last build had the same shards: changed record pages go into the delta
    bundle (or, past ``delta_limit``, their shards are re-indexed); only the folders that changed
    are written into ``bundle``, with the manifest, and their names are returned (a name whose
    folder is not in ``bundle`` is a folder the site loses), so that the commit replaces those
    alone. None: ``bundle`` is complete.
    """
    source = _Source(site, pending, removed)
    pages_now = source.pages()
    size = size or shard_size(len(pages_now))
    shards = plan_shards(pages_now, size)
    count = len(shards)
    out_root = bundle or site / BUNDLE_DIR
    if out_root.exists():
        shutil.rmtree(out_root)
    out_root.mkdir(parents=True)
    known = _read_cache_state(cache) if cache else {"shards": {}, "delta": {}}
    # An empty shard (few records, unlucky hashes) gets no bundle: Pagefind's JS cannot load one.
    filled = [k for k in range(count) if shards[k]]
    names = {k: f"{count}-{k}" for k in filled}
    # The cache is the archive's, shared by every output folder: the site's bundles are the
    # cache's only if the site's manifest is the one the cache wrote last.
    reuse = (reuse and cache is not None and changed is not None and set(known["shards"]) == set(names.values())
             and _file_digest(site / BUNDLE_DIR / MANIFEST) == known.get("manifest")
             and all((site / BUNDLE_DIR / str(k)).is_dir() for k in filled))
    state: dict[str, Any] = {"version": STATE_VERSION, "shards": {}, "delta": {}}
    manifest: dict[str, Any] = {"version": 2, "shards": [f"{k}/" for k in filled],
                                "pages": [len(shards[k]) for k in filled]}
    written: list[str] = []
    old_delta = set(known["delta"].get("pages", ())) if reuse else set()
    redo: set[int] = set()  # shards to index again (not from the cache)

    if reuse:
        assert cache is not None and changed is not None
        homes = {k: set(known["shards"][names[k]]["pages"]) for k in filled}  # as each shard was indexed
        stale: set[str] = set()  # pages whose home shard holds an old copy, or none
        gone: dict[int, set[str]] = {}  # pages a home shard holds that the site no longer has
        for k in filled:
            planned = set(shards[k])
            stale |= (planned & (changed | old_delta)) | (planned - homes[k])
            gone[k] = homes[k] - planned
        if len(stale) <= delta_limit(size):
            hidden: dict[str, Any] = {}
            for k in filled:
                old = (stale & homes[k]) | gone[k]
                if old:
                    ids = _shard_ids(cache, names[k])
                    hidden.update((ids[p][0], ids[p][1]) for p in sorted(old) if p in ids)
                state["shards"][names[k]] = known["shards"][names[k]]
            if stale:
                pages = sorted(stale)
                digest = _digest(source, 0, pages)
                if known["delta"].get("digest") != digest or not (cache / DELTA_DIR).is_dir():
                    _index_into_cache(source, pages, cache, DELTA_DIR)
                state["delta"] = {"pages": pages, "digest": digest}
                manifest["delta"] = f"{DELTA_DIR}/"
                if (known["delta"].get("digest") != digest or old_delta != stale
                        or not (site / BUNDLE_DIR / DELTA_DIR).is_dir()):
                    _link_tree(cache / DELTA_DIR, out_root / DELTA_DIR)
                    written.append(DELTA_DIR)
            elif old_delta:
                written.append(DELTA_DIR)  # the site loses its delta folder
            if hidden:
                manifest["hidden"] = dict(sorted(hidden.items()))
            _finish(cache, state, out_root, manifest, [names[k] for k in filled])
            return written
        # The delta would be too big: index every shard it touches again, and drop the delta.
        redo = {k for k in filled if set(shards[k]) & stale or gone[k]}
        if old_delta:
            written.append(DELTA_DIR)

    def one(k: int) -> None:
        pages, name, target = shards[k], names[k], out_root / str(k)
        if cache is None:
            _run_pagefind(source, pages, target)
            return
        old = known["shards"].get(name)
        usable = old is not None and old["pages"] == pages and (cache / name).is_dir() and k not in redo
        if usable and changed is not None and not changed.intersection(pages):
            state["shards"][name] = old
            if reuse:
                return  # site/pagefind/<k> is this very bundle
        else:
            digest = _digest(source, count, pages)
            if not (usable and old["digest"] == digest):
                _index_into_cache(source, pages, cache, name)
            state["shards"][name] = {"pages": pages, "digest": digest}
        _link_tree(cache / name, target)
        written.append(str(k))

    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    big = max((len(shards[k]) for k in filled), default=0) > PARALLEL_MAX_PAGES
    workers = 1 if big else min(len(filled), os.cpu_count() or 1, 4)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(one, filled))  # list() re-raises the first failure
    if cache is not None:
        _finish(cache, state, out_root, manifest, [names[k] for k in filled])
    else:
        _write_manifest(out_root, manifest)
    return sorted(written, key=lambda n: (not n.isdigit(), int(n) if n.isdigit() else 0, n)) if reuse else None


def _index_into_cache(source: _Source, pages: list[str], cache: Path, name: str) -> None:
    fresh = cache / f".{name}-new-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    _run_pagefind(source, pages, fresh)
    shutil.rmtree(cache / name, ignore_errors=True)
    (cache / f"{name}.ids.json").unlink(missing_ok=True)
    os.replace(fresh, cache / name)


def _shard_ids(cache: Path, name: str) -> dict[str, list[Any]]:
    """A cached shard's page ids, read from its fragments once (5,000 pages: ~0.3 s) and kept."""
    path = cache / f"{name}.ids.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except (OSError, ValueError):
        ids = page_ids(cache / name)
        path.write_text(json.dumps(ids, sort_keys=True), encoding="utf-8")
        return ids


def _finish(cache: Path, state: dict[str, Any], out_root: Path, manifest: dict[str, Any], names: list[str]) -> None:
    # Which indexing of each shard the bundles are (the digest of its pages): a site whose
    # manifest says otherwise (another output folder's build moved the cache on) is not reused.
    manifest["indexed"] = [state["shards"][name]["digest"][:16] for name in names]
    keep = set(state["shards"]) | ({DELTA_DIR} if state["delta"] else set())
    keep |= {f"{name}.ids.json" for name in state["shards"]}
    for stale in cache.iterdir():
        if stale.name not in keep and stale.name != "state.json":
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)
    _write_manifest(out_root, manifest)
    state["manifest"] = _file_digest(out_root / MANIFEST)
    (cache / "state.json").write_text(json.dumps(state, sort_keys=True), encoding="utf-8")


def _write_manifest(out_root: Path, manifest: dict[str, Any]) -> None:
    (out_root / MANIFEST).write_text(json.dumps(manifest, sort_keys=True) + "\n", encoding="utf-8")


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _read_cache_state(cache: Path) -> dict[str, Any]:
    try:
        data = json.loads((cache / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        return {"shards": {}, "delta": {}}  # an older cache: every shard is indexed again
    return data
