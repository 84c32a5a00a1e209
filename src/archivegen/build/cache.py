"""What the last build read and wrote, kept between builds so the next one redoes only what is stale.

Kept in the cache folder (``locate``: ``ROOT/.archivegen-cache/`` by default; never published):

- ``records/NN.pickle``, the record cache: every record file parsed and validated, keyed by (size,
  mtime_ns), so an unchanged file is not read again (in parts by path, so that an edit rewrites
  one part). Valid only for the same archive.yaml and archivegen code (``settings_key``).
- ``state-<out>.pickle``, the build state (``BuildState``), one per output folder: the inputs'
  stat keys, the global key (everything that affects every page: archivegen's code, templates,
  static assets, archive.yaml, base_url), and for every output its template, the records it shows
  and the SHA-256 of its bytes. What a change makes stale is decided from it in deps.py.

This module only keeps them: the keys, loading and saving.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from archivegen import __version__
from archivegen.build.workers import paused_collection
from archivegen.build.write import STATIC
from archivegen.problems import Problem
from archivegen.records.load import RawRecord
from archivegen.records.model import Record
from archivegen.render.environment import templates_digest

CACHE_DIR = ".archivegen-cache"
#: A folder holding one cache folder per archive (CI caches, read-only checkouts).
CACHE_ENV = "ARCHIVEGEN_CACHE_DIR"
#: Bumped when the pickled shapes change, so an old cache is ignored rather than misread.
FORMAT = 1
StatKey = tuple[int, int]
"""(size, mtime_ns) of an input file; (0, 0) when unknown."""
RecordKey = tuple[str, StatKey, bytes]
"""A record's source path, its stat key, and the digest of its metadata (everything but the body)."""
TermTable = dict[str, dict[str, tuple[str, tuple[str, ...]]]]
"""facet -> term name -> (slug, record ids in order)."""


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
class BuildState:
    """What a build into one output folder read and wrote."""

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
    terms: TermTable = field(default_factory=dict)
    record_keys: dict[str, RecordKey] = field(default_factory=dict)


def locate(root: Path, out: Path, cache_dir: Path | None = None) -> Path:
    """The cache folder for building archive ``root`` into ``out`` (docs/start.md, "Where the build
    cache goes").

    ``cache_dir`` (``--cache-dir``) is used as it is. Otherwise ``$ARCHIVEGEN_CACHE_DIR`` holds one
    folder per archive. Otherwise the cache sits in the archive (``.archivegen-cache/``, beside
    ``site/``) when the site is built inside the archive folder, and in the user's cache folder
    (``~/.cache/archivegen/`` on Linux), one folder per archive, when ``out`` is elsewhere: a build
    into another folder writes nothing into the archive (a read-only checkout, a shared corpus).
    """
    if cache_dir is not None:
        return cache_dir.expanduser().resolve()
    root = root.resolve()
    base = os.environ.get(CACHE_ENV, "").strip()
    if base:
        return Path(base).expanduser().resolve() / _archive_folder(root)
    if out.resolve().is_relative_to(root):
        return root / CACHE_DIR
    return Path(platformdirs.user_cache_dir("archivegen", appauthor=False)) / _archive_folder(root)


def _archive_folder(root: Path) -> str:
    """One cache folder per archive folder: its name (to be recognised) and a hash of its path."""
    return f"{root.name or 'root'}-{hashlib.sha256(str(root).encode()).hexdigest()[:12]}"


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


def file_key(path: Path) -> StatKey:
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
    h = hashlib.sha256(f"{settings_key(root)}:{templates_digest(root)}:{base_url!r}:{index}".encode())
    for file in sorted(STATIC.rglob("*")):
        if file.is_file():
            h.update(file.relative_to(STATIC).as_posix().encode())
            h.update(file.read_bytes())
    return h.hexdigest()


def _load(path: Path, kind: type) -> Any:
    try:
        with open(path, "rb") as f, paused_collection():  # a large graph that all lives on
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


def _state_path(folder: Path, out: Path) -> Path:
    return folder / f"state-{hashlib.sha256(str(out).encode()).hexdigest()[:16]}.pickle"


def commit_marker(folder: Path, out: Path) -> Path:
    """Present while an incremental build moves files into ``out``: if that was cut short (killed),
    ``out`` matches no build state and the next build must be a full one."""
    return _state_path(folder, out).with_suffix(".committing")


#: The record cache is kept in this many parts (by a hash of the file's path), so that an edit
#: writes one part again: the whole cache is ~275 MB at 40,000 records (their bodies), 1.8 s to write.
RECORD_PARTS = 64


def record_part(rel: str) -> int:
    """Which part of the record cache holds a record file's entry."""
    return zlib.crc32(rel.encode("utf-8")) % RECORD_PARTS


def load_records(root: Path, folder: Path) -> RecordCache:
    cache = RecordCache()
    try:
        written_for = (folder / "records" / "settings").read_text(encoding="utf-8")
    except OSError:
        return cache
    if written_for != settings_key(root):
        # Not even unpickled: 40,000 parsed records (~1 GB of objects) thrown away at once would
        # stay in this process's heap while the records are parsed again (memory of a full build).
        return cache
    for k in range(RECORD_PARTS):
        part: RecordCache = _load(folder / "records" / f"{k:02d}.pickle", RecordCache)
        if not part.files:
            continue
        if cache.settings_key and part.settings_key != cache.settings_key:
            continue  # written by another archive.yaml or version (a build cut short): parse again
        cache.settings_key = part.settings_key
        cache.files.update(part.files)
    return cache


def save_records(folder: Path, cache: RecordCache) -> None:
    parts = range(RECORD_PARTS) if not cache.touched else sorted({record_part(rel) for rel in cache.touched})
    for k in parts:
        save_records_part(folder, k, cache.settings_key,
                          {rel: parsed for rel, parsed in cache.files.items() if record_part(rel) == k})
    _finish_parts(folder, cache, every=not cache.touched)


def save_records_part(folder: Path, k: int, settings_key: str, files: dict[str, Parsed]) -> None:
    """One part of a record cache that is being written whole (``finish_record_parts`` ends it)."""
    _save(folder / "records" / f"{k:02d}.pickle", RecordCache(settings_key=settings_key, files=files))


def finish_record_parts(folder: Path, cache: RecordCache) -> None:
    """Every part was saved by ``save_records_part``: the cache on disk is ``cache``."""
    for k in set(range(RECORD_PARTS)) - {record_part(rel) for rel in cache.files}:  # parts left empty
        save_records_part(folder, k, cache.settings_key, {})
    _finish_parts(folder, cache, every=True)
    cache.dirty = False


def _finish_parts(folder: Path, cache: RecordCache, every: bool) -> None:
    (folder / "records.pickle").unlink(missing_ok=True)  # the one-file cache of 0.x
    if every:
        (folder / "records" / "settings").write_text(cache.settings_key, encoding="utf-8")
    cache.touched = set()


def load_state(folder: Path, out: Path) -> BuildState:
    state: BuildState = _load(_state_path(folder, out), BuildState)
    return state


def save_state(folder: Path, out: Path, state: BuildState, *, pending: bool = False) -> None:
    """Save; with ``pending``, beside the final name, which ``commit_pending_state`` takes."""
    path = _state_path(folder, out)
    _save(path.with_suffix(".pending") if pending else path, state)
    path.with_name("manifest-" + path.name.removeprefix("state-")).unlink(missing_ok=True)  # its name until 0.1


def commit_pending_state(folder: Path, out: Path) -> None:
    path = _state_path(folder, out)
    os.replace(path.with_suffix(".pending"), path)


def site_id(out: Path) -> tuple[int, int]:
    try:
        st = out.stat()
    except OSError:
        return (0, 0)
    return (st.st_dev, st.st_ino)
