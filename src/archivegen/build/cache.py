"""What the last build read and wrote, so the next one redoes only what is stale.

Kept in ``ROOT/.archivegen-cache/`` (never published):

- ``records/NN.pickle``: every record file parsed and validated, keyed by (size, mtime_ns), so an
  unchanged file is not read again (in parts by path, so that an edit rewrites one part). Valid only for the same archive.yaml and archivegen code.
- ``manifest-<out>.pickle``: per output folder, the inputs' stat keys, a key for everything that
  affects every page (archivegen's code, templates, static assets, archive.yaml, the authority
  files in authorities/, base_url), and
  for every output: its template, the records it shows, and the SHA-256 of its bytes.

What a page depends on (the contract with the views, see ``Page.records``): a page's view may show
the records in ``page.records``; their related records (both directions); their immediate
neighbours (previous and next) in any term's record list; and the URL slug, size and order of
their terms (when a term gains, loses or reorders records, every member's pages are redone). A page
with no records (home, indexes, feed…) may show anything and is rendered on every build that
changed something. Anything else — a template, archive.yaml, an authority file, base_url, archivegen's code —
rebuilds every page.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import pickle
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archivegen import __version__
from archivegen.records.authorities import authority_files
from archivegen.records.load import RawRecord
from archivegen.records.fields import FACET_KEYS
from archivegen.records.model import Archive, Record
from archivegen.problems import Problem
from archivegen.render.views import Page, templates_digest

CACHE_DIR = ".archivegen-cache"
#: Bumped when the pickled shapes change, so an old cache is ignored rather than misread.
FORMAT = 1
StatKey = tuple[int, int]


@dataclass
class Parsed:
    """One record file as the loader left it."""

    key: StatKey
    raw: RawRecord | None
    """With the body dropped: cross_check needs only ids, paths and ``related``."""
    record: Record | None
    problems: list[Problem]


@dataclass
class RecordCache:
    settings_key: str = ""
    files: dict[str, Parsed] = field(default_factory=dict)
    dirty: bool = False
    """Changed since loaded: worth saving."""
    touched: set[str] = field(default_factory=set)
    """Files parsed again or gone since loaded: only their parts of the cache are written again.
    Empty with ``dirty`` set: every part is."""


@dataclass
class PageEntry:
    template: str
    records: tuple[str, ...]
    digest: bytes


@dataclass
class Manifest:
    global_key: str = ""
    site_id: tuple[int, int] = (0, 0)
    """(st_dev, st_ino) of the output folder we swapped in: a replaced or deleted site/ rebuilds all."""
    inputs: dict[str, StatKey] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    records: int = 0
    pages: dict[str, PageEntry] = field(default_factory=dict)
    """Output file (site-relative) -> entry."""
    copies: dict[str, tuple[str, StatKey]] = field(default_factory=dict)
    """Copied original file (site-relative) -> (source, its stat key)."""
    terms: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = field(default_factory=dict)
    """facet -> term name -> (slug, record ids in order)."""
    record_keys: dict[str, tuple[str, StatKey, bytes]] = field(default_factory=dict)
    """Per record: source path, stat key, digest of its metadata (everything but the body)."""


def cache_dir(root: Path) -> Path:
    return root / CACHE_DIR


def scan_inputs(root: Path) -> dict[str, StatKey]:
    """(size, mtime_ns) of archive.yaml and of every file under documents/ (records and originals)."""
    found: dict[str, StatKey] = {}
    docs = root / "documents"
    stack = [docs]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                else:
                    st = entry.stat()
                    found[Path(entry.path).relative_to(root).as_posix()] = (st.st_size, st.st_mtime_ns)
    return found


def _file_key(path: Path) -> StatKey:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns)


def settings_key(root: Path) -> str:
    """What validation (and so every page) depends on besides the record itself."""
    data = (root / "archive.yaml").read_bytes() if (root / "archive.yaml").is_file() else b""
    return hashlib.sha256(f"{FORMAT}:{__version__}:{code_digest()}:".encode() + data).hexdigest()


@functools.cache
def code_digest() -> str:
    """Our own code: a changed check, view or search field shows in the cache and on every page,
    whatever the version number says (hashing the package's modules costs ~1 ms)."""
    h = hashlib.sha256()
    package = Path(__file__).parent.parent
    for file in sorted(package.rglob("*.py")):
        h.update(file.relative_to(package).as_posix().encode() + b"\0" + file.read_bytes())
    return h.hexdigest()


def global_key(root: Path, base_url: str | None, index: bool) -> str:
    """Everything that changes every page: templates, assets, settings, options, our version."""
    from archivegen.build.write import STATIC  # noqa: PLC0415 - write imports nothing of ours; avoids a cycle later

    h = hashlib.sha256(f"{settings_key(root)}:{templates_digest(root)}:{base_url!r}:{index}".encode())
    # Authority files: a person's name or description shows on every record that names them, and a
    # glossary term in any transcription; an edit rebuilds every page (simple, and proved by
    # tests/test_authorities.py's incremental-equals-clean test).
    for file in authority_files(root):
        h.update(file.name.encode() + b"\0" + file.read_bytes())
    for file in sorted(STATIC.rglob("*")):
        if file.is_file():
            h.update(file.relative_to(STATIC).as_posix().encode())
            h.update(file.read_bytes())
    return h.hexdigest()


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: building hundreds of thousands of objects that all
    live on (unpickling a cache, planning pages) otherwise triggers full collections that walk
    the whole heap again and again, for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load(path: Path, kind: type) -> Any:
    try:
        with open(path, "rb") as f, gc_paused():
            fmt, value = pickle.load(f)
        return value if fmt == FORMAT and isinstance(value, kind) else kind()
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return kind()  # a missing or unreadable cache only costs a full build


def _save(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    with open(tmp, "wb") as f:
        pickle.dump((FORMAT, value), f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def _manifest_path(root: Path, out: Path) -> Path:
    return cache_dir(root) / f"manifest-{hashlib.sha256(str(out).encode()).hexdigest()[:16]}.pickle"


def commit_marker(root: Path, out: Path) -> Path:
    """Present while an incremental build moves files into ``out``: if that was cut short (killed),
    ``out`` matches no manifest and the next build must be a full one."""
    return _manifest_path(root, out).with_suffix(".committing")


#: The record cache is kept in this many parts (by a hash of the file's path), so that an edit
#: writes one part again: the whole cache is ~275 MB at 40,000 records (their bodies), 1.8 s to write.
RECORD_PARTS = 64


def record_part(rel: str) -> int:
    """Which part of the record cache holds a record file's entry."""
    return zlib.crc32(rel.encode("utf-8")) % RECORD_PARTS


def load_records(root: Path) -> RecordCache:
    cache = RecordCache()
    try:
        written_for = (cache_dir(root) / "records" / "settings").read_text(encoding="utf-8")
    except OSError:
        return cache
    if written_for != settings_key(root):
        # Not even unpickled: 40,000 parsed records (~1 GB of objects) thrown away at once would
        # stay in this process's heap while the records are parsed again (memory of a full build).
        return cache
    for k in range(RECORD_PARTS):
        part: RecordCache = _load(cache_dir(root) / "records" / f"{k:02d}.pickle", RecordCache)
        if not part.files:
            continue
        if cache.settings_key and part.settings_key != cache.settings_key:
            continue  # written by another archive.yaml or version (a build cut short): parse again
        cache.settings_key = part.settings_key
        cache.files.update(part.files)
    return cache


def save_records(root: Path, cache: RecordCache) -> None:
    parts = range(RECORD_PARTS) if not cache.touched else sorted({record_part(rel) for rel in cache.touched})
    for k in parts:
        save_records_part(root, k, cache.settings_key,
                          {rel: parsed for rel, parsed in cache.files.items() if record_part(rel) == k})
    _finish_parts(root, cache, every=not cache.touched)


def save_records_part(root: Path, k: int, settings_key: str, files: dict[str, Parsed]) -> None:
    """One part of a record cache that is being written whole (``finish_record_parts`` ends it)."""
    _save(cache_dir(root) / "records" / f"{k:02d}.pickle", RecordCache(settings_key=settings_key, files=files))


def finish_record_parts(root: Path, cache: RecordCache) -> None:
    """Every part was saved by ``save_records_part``: the cache on disk is ``cache``."""
    for k in set(range(RECORD_PARTS)) - {record_part(rel) for rel in cache.files}:  # parts left empty
        save_records_part(root, k, cache.settings_key, {})
    _finish_parts(root, cache, every=True)
    cache.dirty = False


def _finish_parts(root: Path, cache: RecordCache, every: bool) -> None:
    (cache_dir(root) / "records.pickle").unlink(missing_ok=True)  # the one-file cache of 0.x
    if every:
        (cache_dir(root) / "records" / "settings").write_text(cache.settings_key, encoding="utf-8")
    cache.touched = set()


def load_manifest(root: Path, out: Path) -> Manifest:
    manifest: Manifest = _load(_manifest_path(root, out), Manifest)
    return manifest


def save_manifest(root: Path, out: Path, manifest: Manifest, *, pending: bool = False) -> None:
    """Save; with ``pending``, beside the final name, which ``commit_pending_manifest`` takes."""
    path = _manifest_path(root, out)
    _save(path.with_suffix(".pending") if pending else path, manifest)


def commit_pending_manifest(root: Path, out: Path) -> None:
    path = _manifest_path(root, out)
    os.replace(path.with_suffix(".pending"), path)


def site_id(out: Path) -> tuple[int, int]:
    try:
        st = out.stat()
    except OSError:
        return (0, 0)
    return (st.st_dev, st.st_ino)


def term_table(archive: Archive) -> dict[str, dict[str, tuple[str, tuple[str, ...]]]]:
    return {facet: {name: (t.slug, t.record_ids) for name, t in archive.terms.get(facet, {}).items()}
            for facet in FACET_KEYS}


def affected_records(archive: Archive, old: Manifest, changed: set[str]) -> set[str]:
    """Records whose pages may show something of a changed record (see the module docstring).

    ``changed`` holds ids of records added, removed or whose file changed.
    """
    new_terms = term_table(archive)
    affected = set(changed)
    for facet in new_terms.keys() | old.terms.keys():
        before, after = old.terms.get(facet, {}), new_terms.get(facet, {})
        for name in before.keys() | after.keys():
            old_slug, old_ids = before.get(name, ("", ()))
            new_slug, new_ids = after.get(name, ("", ()))
            if old_ids != new_ids or old_slug != new_slug:
                # Members, order or URL changed: any member's page may show a count, a position
                # or a link that moved ("3 of 12 in this collection").
                affected.update(old_ids)
                affected.update(new_ids)
            elif not changed.isdisjoint(new_ids):
                for i, rid in enumerate(new_ids):
                    if rid in changed:  # previous/next links show the neighbour's title
                        affected.update(new_ids[max(i - 1, 0): i + 2])
    for record in archive.records:
        if record.id in changed or not changed.isdisjoint(record.related):
            affected.add(record.id)
            affected.update(record.related)
    return affected


def stale_pages(pages: list[Page], old: Manifest, affected: set[str]) -> list[int]:
    """Indexes of the planned pages that must be rendered again."""
    from archivegen.render import urls  # noqa: PLC0415

    stale: set[int] = set()
    regrouped: set[str] = set()
    for i, page in enumerate(pages):
        entry = old.pages.get(urls.output_file(page.path))
        if entry is None or entry.template != page.template or entry.records != page.records:
            stale.add(i)
            regrouped.add(_PAGED.sub("", page.path))
        elif not page.records or not affected.isdisjoint(page.records):
            stale.add(i)
    # The pages of one paginated listing (x/, x/page/2/…) show its total and page links: when
    # records join, leave or move within one page, every page of the listing is redone.
    regrouped.update(_PAGED.sub("", path.removesuffix("index.html")) for path in old.pages.keys() - {
        urls.output_file(page.path) for page in pages})
    stale.update(i for i, page in enumerate(pages) if _PAGED.sub("", page.path) in regrouped)
    return sorted(stale)


_PAGED = re.compile(r"page/[0-9]+/\Z")
