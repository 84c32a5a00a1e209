"""The search index: the record pages run through Pagefind, in shards, with a delta bundle for edits.
The only module that runs Pagefind.

One Pagefind process over 40,000 pages needs ~8 GB (about 0.2 MB a page, MEASURED.md and issue #7),
so the record pages are split into shards (``shard_size``: an eighth of the pages, between 1,250
and 5,000 a shard), each indexed by its own Pagefind run into ``site/pagefind/<shard>/``. The
search page (static/search.js) loads the first bundle with Pagefind's JS API and merges the others
(``mergeIndex``). Every query fetches one index chunk per query word from every shard,
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
import tempfile
import threading
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from archivegen.index import prepare
from archivegen.index.determinism import canonicalise
from archivegen.index.run import run_pagefind
from archivegen.index.state import Bundle, CacheState, Filters, Manifest
from archivegen.problems import IndexingFailed
from archivegen.render import urls
from archivegen.render.search_page import BUNDLE_DIR, INDEX_VERSION, MANIFEST

MAX_SHARD_SIZE = 5000
MIN_SHARD_SIZE = 1250
DELTA_DIR = "delta"
#: Shards above this many pages are indexed one at a time: a Pagefind run holds ~0.2 MB a page
#: (FRUS records; 0.4 MB for the benchmark's generated ones), and two at once would pass 2 GB.
PARALLEL_MAX_PAGES = 2000
#: Postings per index chunk (Pagefind's ``PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE``, default 20,000: a
#: count of word locations, not bytes). A query fetches, from every shard, the chunk holding each
#: of its words, so smaller chunks are fewer bytes a query; each chunk costs a line in every
#: shard's ``pf_meta``, which every search loads. Measured on one 4,921-page FRUS shard: ten query
#: words fetched 474 KB of chunks at 20,000, 319 at 10,000, 212 at 5,000, 187 at 2,500, while the
#: shard's pf_meta grew 51 -> 54 -> 58 -> 64 KB (docs/performance.md). The variable is Pagefind's
#: unstable interface, pinned with Pagefind (``pagefind[bin]>=1.5,<1.6``); a test checks it takes.
INDEX_CHUNK_SIZE = 5000
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


_PREPARE = hashlib.sha256(Path(prepare.__file__).read_bytes()).hexdigest()[:16]


def _digest(source: _Source, count: int, pages: list[str]) -> str:
    # The indexed copies are made by prepare.py: a change to it is a change to every shard.
    h = hashlib.sha256(f"pagefind-shard v{INDEX_VERSION} {_pagefind_version()} {_PREPARE} {count} "
                       f"{INDEX_CHUNK_SIZE}\n".encode())
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


class _Gate:
    """How shards indexed at once share the machine: one thread at a time prepares pages (Python
    work, bound by the GIL anyway) while at most ``runs`` Pagefind processes index, so that the
    next shard's pages are prepared while the last ones are indexed. Measured on 10,000
    generated records (8 shards, 2 cores): ``build_index`` 37.2 s with each thread preparing then
    indexing in step, 34.7 s pipelined; 25–27 s with no preparation at all (Pagefind alone)."""

    def __init__(self, runs: int = 1) -> None:
        self.prepare = threading.Lock()
        self.runs = threading.BoundedSemaphore(max(1, runs))


def _run_pagefind(source: Path | _Source, pages: list[str], out: Path, gate: _Gate | None = None) -> Counter[str]:
    """Index ``pages`` of a site into ``out``, from a flat folder of their indexed copies
    (``input_name``, ``prepare.indexed_copy``); the pages' vocabulary: word -> pages."""
    if isinstance(source, Path):
        source = _Source(source)
    gate = gate or _Gate()
    vocab: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix=".pagefind-input-", dir=out.parent) as tmp:
        root = Path(tmp)
        with gate.prepare:
            for folder in sorted({str(Path(input_name(path)).parent) for path in pages}):
                (root / folder).mkdir(parents=True, exist_ok=True)
            for path in pages:
                data = source(path).read_bytes()
                vocab.update(prepare.page_words(data))
                (root / input_name(path)).write_bytes(prepare.indexed_copy(data))
        cmd = [*pagefind_command(), "--site", str(root), "--output-path", str(out), "--silent"]
        with gate.runs:
            proc = run_pagefind(cmd, len(pages), {"PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE": str(INDEX_CHUNK_SIZE)})
    if proc.returncode != 0:
        raise IndexingFailed(f"pagefind failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
    for name in _UNUSED_BUNDLE_FILES:
        (out / name).unlink(missing_ok=True)
    canonicalise(out)  # the same bytes for the same pages (issue 20)
    return vocab


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system, or links not allowed
        shutil.copyfile(src, dst)


def _link_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, copy_function=lambda s, d: _link(Path(s), Path(d)))


def page_ids(bundle: Path) -> dict[str, tuple[str, Filters]]:
    """Site-relative page path -> (Pagefind page id, its filter values), read from a bundle's
    fragments (Pagefind names each fragment by the id its search results carry). The one place
    that reads Pagefind's fragment format (gzip, a 12-byte signature, JSON): it is how a stale
    copy inside a shard is named in ``hidden``."""
    ids: dict[str, tuple[str, Filters]] = {}
    for fragment in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = json.loads(gzip.decompress(fragment.read_bytes())[12:])  # after "pagefind_dcd"
        ids[page_path(data["url"])] = (fragment.name.removesuffix(".pf_fragment"), data.get("filters", {}))
    return ids


# ---------------------------------------------------------------------------------------------
# Building the bundles


@dataclass
class _Build:
    """One run of ``build_index``: the shards planned, where they go, and what the cache knew."""

    source: _Source
    shards: dict[int, list[str]]
    size: int
    out_root: Path
    cache: Path | None
    changed: set[str] | None
    known: CacheState
    state: CacheState = field(default_factory=CacheState)
    written: list[str] = field(default_factory=list)
    vocab: dict[str, Counter[str]] = field(default_factory=dict)  # bundle name -> its words

    @property
    def filled(self) -> list[int]:
        """Shards with pages (an empty one gets no bundle: Pagefind's JS cannot load one)."""
        return [k for k, pages in self.shards.items() if pages]

    def name(self, k: int) -> str:
        return f"{len(self.shards)}-{k}"

    def manifest(self) -> Manifest:
        filled = self.filled
        return Manifest(shards=[f"{k}/" for k in filled], pages=[len(self.shards[k]) for k in filled],
                        vocab=f"{prepare.VOCAB_DIR}/")


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
    run = _plan(site, cache, changed, size, bundle or site / BUNDLE_DIR, _Source(site, pending, removed))
    reuse = reuse and _reusable(run, site)
    redo: set[int] = set()
    if reuse:
        manifest, redo = _update_delta(run, site)
        if manifest is not None:
            _finish(run, manifest, site, reuse)
            return run.written
    _index_shards(run, redo, reuse)
    _finish(run, run.manifest(), site, reuse)
    return sorted(run.written, key=lambda n: (not n.isdigit(), int(n) if n.isdigit() else 0, n)) if reuse else None


def _plan(site: Path, cache: Path | None, changed: set[str] | None, size: int | None, out_root: Path,
          source: _Source) -> _Build:
    pages = source.pages()
    size = size or shard_size(len(pages))
    if out_root.exists():
        shutil.rmtree(out_root)
    out_root.mkdir(parents=True)
    known = CacheState.read(cache) if cache else CacheState()
    return _Build(source, plan_shards(pages, size), size, out_root, cache, changed, known)


def _reusable(run: _Build, site: Path) -> bool:
    """Whether the site's shard folders are the cache's bundles of the same shards. The cache is
    the archive's, shared by every output folder: the site's bundles are the cache's only if the
    site's manifest is the one the cache wrote last."""
    return (run.cache is not None and run.changed is not None
            and set(run.known.shards) == {run.name(k) for k in run.filled}
            and _file_digest(site / BUNDLE_DIR / MANIFEST) == run.known.manifest
            and all((site / BUNDLE_DIR / str(k)).is_dir() for k in run.filled))


def _update_delta(run: _Build, site: Path) -> tuple[Manifest | None, set[int]]:
    """Put the pages changed since their shard was indexed into the delta bundle, and hide their
    stale copies. Returns the manifest, or (None, the shards to index again) when the delta would
    pass ``delta_limit``."""
    assert run.cache is not None and run.changed is not None
    old_delta = set(run.known.delta.pages) if run.known.delta else set()
    homes = {k: set(run.known.shards[run.name(k)].pages) for k in run.filled}  # as each was indexed
    stale: set[str] = set()  # pages whose home shard holds an old copy, or none
    gone: dict[int, set[str]] = {}  # pages a home shard holds that the site no longer has
    for k in run.filled:
        planned = set(run.shards[k])
        stale |= (planned & (run.changed | old_delta)) | (planned - homes[k])
        gone[k] = homes[k] - planned
    if len(stale) > delta_limit(run.size):
        if old_delta:
            run.written.append(DELTA_DIR)  # the site loses its delta folder
        return None, {k for k in run.filled if set(run.shards[k]) & stale or gone[k]}
    manifest = run.manifest()
    for k in run.filled:
        old = (stale & homes[k]) | gone[k]
        if old:
            ids = _shard_ids(run.cache, run.name(k))
            manifest.hidden.update(ids[p] for p in sorted(old) if p in ids)
        run.state.shards[run.name(k)] = run.known.shards[run.name(k)]
        run.vocab[run.name(k)] = prepare.read_counts(run.cache / f"{run.name(k)}.vocab.json")
    if stale:
        _index_delta(run, sorted(stale), old_delta, site)
        manifest.delta = f"{DELTA_DIR}/"
    elif old_delta:
        run.written.append(DELTA_DIR)  # the site loses its delta folder
    return manifest, set()


def _index_delta(run: _Build, pages: list[str], old_delta: set[str], site: Path) -> None:
    assert run.cache is not None
    digest = _digest(run.source, 0, pages)
    before = run.known.delta.digest if run.known.delta else None
    if before != digest or not (run.cache / DELTA_DIR).is_dir():
        _index_into_cache(run.source, pages, run.cache, DELTA_DIR)
    run.state.delta = Bundle(pages, digest)
    run.vocab[DELTA_DIR] = prepare.read_counts(run.cache / f"{DELTA_DIR}.vocab.json")
    if before != digest or old_delta != set(pages) or not (site / BUNDLE_DIR / DELTA_DIR).is_dir():
        _link_tree(run.cache / DELTA_DIR, run.out_root / DELTA_DIR)
        run.written.append(DELTA_DIR)


def _index_shards(run: _Build, redo: set[int], reuse: bool) -> None:
    """Index (or link from the cache) every shard, a few at a time when they are small."""
    if run.cache is not None:
        run.cache.mkdir(parents=True, exist_ok=True)
    big = max((len(run.shards[k]) for k in run.filled), default=0) > PARALLEL_MAX_PAGES
    runs = 1 if big else min(len(run.filled), os.cpu_count() or 1, 4)
    gate = _Gate(runs)
    # One thread more than Pagefind runs: it prepares the next shard while they index.
    threads = min(len(run.filled), runs + 1)
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        list(pool.map(lambda k: _index_shard(run, k, k in redo, reuse, gate), run.filled))  # re-raises


def _index_shard(run: _Build, k: int, redo: bool, reuse: bool, gate: _Gate) -> None:
    pages, name, target = run.shards[k], run.name(k), run.out_root / str(k)
    if run.cache is None:
        run.vocab[name] = _run_pagefind(run.source, pages, target, gate)
        return
    old = run.known.shards.get(name)
    usable = old is not None and old.pages == pages and (run.cache / name).is_dir() and not redo
    if usable and old is not None and run.changed is not None and not run.changed.intersection(pages):
        run.state.shards[name] = old
    else:
        digest = _digest(run.source, len(run.shards), pages)
        if not (usable and old is not None and old.digest == digest):
            _index_into_cache(run.source, pages, run.cache, name, gate)
        run.state.shards[name] = Bundle(pages, digest)
        reuse = False  # the site's folder is not this bundle
    run.vocab[name] = prepare.read_counts(run.cache / f"{name}.vocab.json")
    if not reuse:
        _link_tree(run.cache / name, target)
        run.written.append(str(k))


def _index_into_cache(source: _Source, pages: list[str], cache: Path, name: str,
                      gate: _Gate | None = None) -> None:
    fresh = cache / f".{name}-new-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    vocab = _run_pagefind(source, pages, fresh, gate)
    shutil.rmtree(cache / name, ignore_errors=True)
    (cache / f"{name}.ids.json").unlink(missing_ok=True)
    prepare.save_counts(vocab, cache / f"{name}.vocab.json")
    os.replace(fresh, cache / name)


def _shard_ids(cache: Path, name: str) -> dict[str, tuple[str, Filters]]:
    """A cached shard's page ids, read from its fragments once (5,000 pages: ~0.3 s) and kept."""
    path = cache / f"{name}.ids.json"
    try:
        return {p: (v[0], v[1]) for p, v in json.loads(path.read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, TypeError, AttributeError, IndexError):
        ids = page_ids(cache / name)
        path.write_text(json.dumps(ids, sort_keys=True), encoding="utf-8")
        return ids


def _finish(run: _Build, manifest: Manifest, site: Path, reuse: bool) -> None:
    """Write the vocabulary and the manifest; with a cache, drop what it no longer needs and save
    its state (with the digest of the manifest, so that ``_reusable`` knows the site's bundles)."""
    manifest.vocab_files = _write_vocabulary(run, site, reuse)
    if run.cache is None:
        manifest.write(run.out_root / MANIFEST)
        return
    # Which indexing of each shard the bundles are (the digest of its pages): a site whose
    # manifest says otherwise (another output folder's build moved the cache on) is not reused.
    manifest.indexed = [run.state.shards[run.name(k)].digest[:16] for k in run.filled]
    bundles = set(run.state.shards) | ({DELTA_DIR} if run.state.delta else set())
    keep = bundles | {f"{n}.ids.json" for n in run.state.shards} | {f"{n}.vocab.json" for n in bundles}
    for stale in run.cache.iterdir():
        if stale.name not in keep and stale.name != "state.json":
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)
    manifest.write(run.out_root / MANIFEST)
    run.state.manifest = _file_digest(run.out_root / MANIFEST)
    run.state.write(run.cache)


def _write_vocabulary(run: _Build, site: Path, reuse: bool) -> list[str]:
    """``pagefind/vocab/``: the words of every bundle the page merges (stale copies' words stay
    until their shard is indexed again: a correction to such a word finds fewer records)."""
    vocab: Counter[str] = Counter()
    for name in [run.name(k) for k in run.filled] + ([DELTA_DIR] if run.state.delta else []):
        vocab.update(run.vocab.get(name, Counter()))
    folder = run.out_root / prepare.VOCAB_DIR
    files = prepare.write_vocabulary(vocab, folder)
    if reuse:
        if _same_files(folder, site / BUNDLE_DIR / prepare.VOCAB_DIR):
            shutil.rmtree(folder)
        else:
            run.written.append(prepare.VOCAB_DIR)
    return files


def _same_files(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir())
    return b.is_dir() and names == sorted(p.name for p in b.iterdir()) and all(
        (a / n).read_bytes() == (b / n).read_bytes() for n in names)


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
