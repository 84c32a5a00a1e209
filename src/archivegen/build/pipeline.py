"""The pipeline: load -> validate -> model -> render -> index -> write.

Disk and subprocesses stay at the two ends (load, write/index); the middle works on values.
Parsing and rendering run in forked worker processes (``jobs``), which share the loaded archive.
A manifest in ``.archivegen-cache/`` lets a rebuild redo only what is stale (see manifest.py): a
build with no change writes nothing, and an edit re-renders the pages that show the record.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import jinja2

from archivegen.build import cache as mf
from archivegen.render import search_page as search
from archivegen.index import pagefind as search_index
from archivegen.render import urls
from archivegen.build import write
from archivegen.records.load import RawRecord, find_documents, read_record
from archivegen.records.model import Archive, Record, build_model
from archivegen.problems import ArchivegenError, BuildFailed, Problem, error, has_errors, sort_problems
from archivegen.progress import Progress
from archivegen.render.views import Page, make_env, plan_pages, record_page, render_page
from archivegen.records.settings import Settings, load_settings
from archivegen.records.validate import cross_check, validate_record

T = TypeVar("T")
R = TypeVar("R")
#: Below this many items a worker pool costs more than it saves.
PARALLEL_MIN = 400
#: Chunks a render worker handles before it is replaced by a fresh fork, on archives of more than
#: RECYCLE_ABOVE records. A forked worker shares the parent's memory until it writes to it, and
#: merely reading a Python object writes its reference count: a worker that renders a whole large
#: site ends up with its own copy of most of the archive. A fresh worker starts from shared pages
#: again, but pays to copy them again and starts with empty caches: at 10,000 records recycling
#: cost 2.4–3.1 s of a 15.5–18.8 s build (--no-index, three alternating pairs) for 100 MB less.
WORKER_CHUNKS = int(os.environ.get("ARCHIVEGEN_WORKER_CHUNKS", "4") or 4)
RECYCLE_ABOVE = 20_000


@dataclass
class BuildResult:
    """What a build did."""

    records: int = 0
    pages: int = 0
    written: int = 0
    """Pages whose file was written (new or changed)."""
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    removed: int = 0
    """Outputs deleted because nothing plans them any more."""

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity.value == "warning")

    @property
    def unchanged(self) -> int:
        return self.pages - self.written

    def summary(self) -> str:
        """The one line ``archivegen build`` ends with."""
        return (f"built {self.records} records, {self.pages} pages ({self.written} written, "
                f"{self.unchanged} unchanged), {self.warnings} warning(s) in {self.seconds:.1f} s")


# ---------------------------------------------------------------------------------------------
# Workers. Work is handed over through module globals set before the fork, so workers read the
# loaded archive, environment and plan from shared memory instead of having them pickled.

_SHARED: dict[str, Any] = {}


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _run(func: Callable[[Sequence[T]], list[R]], items: Sequence[T], jobs: int,
         progress: Progress | None, size: int | None = None, recycle: bool = False) -> Iterator[R]:
    """``func`` over chunks of ``items``, in ``jobs`` forked processes when worth it; any order.
    ``size``: items per chunk (default: by count), and the caller has judged a pool worth it.
    ``recycle``: replace each worker after WORKER_CHUNKS chunks (a large parent heap)."""
    if (jobs <= 1 or (size is None and len(items) < PARALLEL_MIN)
            or "fork" not in multiprocessing.get_all_start_methods()):
        for chunk in _chunks(items, size or 100):
            results = func(chunk)
            yield from results
            if progress:
                progress.advance(len(results))
        return
    size = size or max(20, min(500, len(items) // (jobs * 8)))
    # Objects made before the fork stay out of the workers' collections: less copy-on-write.
    # (No gc.collect() first: on a loaded archive a full collection costs more than it frees.)
    outer = gc.get_freeze_count() > 0  # the caller froze the heap already and thaws it itself
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=gc.enable,
                                                      maxtasksperchild=WORKER_CHUNKS if recycle else None) as pool:
            for results in pool.imap_unordered(func, _chunks(items, size)):
                yield from results
                if progress:
                    progress.advance(len(results))
    finally:
        if not outer:
            gc.unfreeze()


def _release_memory() -> None:
    """Hand freed heap back to the system (glibc keeps it otherwise). No collection first: over a
    40,000-record heap one costs ~0.5 s and finds nothing (the archive holds no cycles)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is reused, only not returned
        pass


# ---------------------------------------------------------------------------------------------
# Load


def _parse_files(rels: Sequence[str]) -> list[tuple[str, mf.Parsed]]:
    root: Path = _SHARED["root"]
    settings: Settings = _SHARED["settings"]
    inputs: dict[str, mf.StatKey] = _SHARED["inputs"]
    out = []
    for rel in rels:
        raw, problems = read_record(root, root / rel)
        record = None
        if raw is not None:
            record, found = validate_record(raw, settings, root)
            problems += found
            raw = replace(raw, body="")
        out.append((rel, mf.Parsed(inputs.get(rel, (0, 0)), raw, record, problems)))
    return out


def _parse_parts(parts: Sequence[tuple[int, list[str]]]) -> list[tuple[str, mf.Parsed]]:
    """Parse whole parts of the record cache and save each (in the worker: the parent would
    pickle them all again, serially, ~0.7 s at 10,000 records)."""
    out = []
    for k, rels in parts:
        parsed = _parse_files(rels)
        mf.save_records_part(_SHARED["root"], k, _SHARED["settings_key"], dict(parsed))
        out += parsed
    return out


def load_archive(root: Path, base_url: str | None = None, *, jobs: int = 1,
                 cache: mf.RecordCache | None = None, inputs: dict[str, mf.StatKey] | None = None,
                 progress: Progress | None = None) -> tuple[Archive | None, list[Problem]]:
    """Load, validate and model the archive in ``root``; every problem in every file.

    With a ``cache`` (updated in place), files whose stat key is unchanged are not read again;
    the caller saves it when ``cache.dirty`` (parallel workers may have saved it already).
    """
    save = cache is not None
    settings, problems = load_settings(root)
    if settings is None:
        return None, sort_problems(problems)
    if base_url is not None:
        settings = settings.with_base_url(base_url)
    if not (root / "documents").is_dir():
        problems.append(error("documents", 0, "folder", f"not found in {root}; record files go in documents/"))
        return None, sort_problems(problems)
    files = [file.relative_to(root).as_posix() for file in find_documents(root)]
    if inputs is None:
        inputs = mf.scan_inputs(root) if cache is not None else {}
    cache = cache if cache is not None else mf.RecordCache()
    skey = mf.settings_key(root)
    if cache.settings_key != skey:
        cache.files.clear()
        cache.settings_key, cache.dirty, cache.touched = skey, True, set()
    every_part = cache.dirty and not cache.touched

    def fresh(rel: str) -> bool:
        hit = cache.files.get(rel)
        # A record with originals or text files (issue 15) is read again: its files may have
        # appeared, gone or changed (a text file's content is part of the record).
        return (hit is not None and hit.key == inputs.get(rel) and hit.key != (0, 0)
                and not (hit.raw is not None and (hit.raw.fields.get("files") or hit.raw.fields.get("texts"))))

    todo = [rel for rel in files if not fresh(rel)]
    _SHARED.update(root=root, settings=settings, inputs=inputs, settings_key=skey)
    if progress:
        progress.stage("read", len(todo))
    # Every part of a caller's cache is new (a first build, or archive.yaml changed): the workers
    # save the parts as they parse them.
    by_parts = save and every_part and not cache.files and jobs > 1 and len(todo) >= PARALLEL_MIN
    try:
        if by_parts:
            parts: dict[int, list[str]] = {}
            for rel in todo:
                parts.setdefault(mf.record_part(rel), []).append(rel)
            for rel, parsed in _run(_parse_parts, sorted(parts.items()), jobs, progress, size=1):
                cache.files[rel] = parsed
        else:
            for rel, parsed in _run(_parse_files, todo, jobs, progress):
                cache.files[rel] = parsed
    finally:
        _SHARED.clear()
    gone = set(cache.files) - set(files)
    for rel in gone:
        del cache.files[rel]
    cache.dirty = cache.dirty or bool(todo or gone)
    if not every_part:
        cache.touched.update(todo, gone)
    if by_parts:
        mf.finish_record_parts(root, cache)  # not dirty: on disk as it is
    raws: list[RawRecord] = []
    records: list[Record] = []
    for rel in files:
        parsed = cache.files[rel]
        problems += parsed.problems
        if parsed.raw is not None:
            raws.append(parsed.raw)
        if parsed.record is not None:
            records.append(parsed.record)
    problems += cross_check(raws, records)
    archive, found = build_model(settings, records)
    problems += found
    return archive, sort_problems(problems)


def check_duplicate_paths(pages: list[Page], archive: Archive) -> list[Problem]:
    """Two outputs claiming one URL (also differing only in case) is an error naming both."""
    claims: dict[str, list[Page]] = {}
    for page in pages:
        claims.setdefault(page.path.casefold(), []).append(page)
    files_of: dict[str, list[str]] = {}  # record id -> source files (several when ids clash)
    for record in archive.records:
        files_of.setdefault(record.id, []).append(record.path)
    problems = []
    reported: set[tuple[str, ...]] = set()  # a record's page and its downloads clash together: say it once
    for _, claimants in sorted(claims.items()):
        if len(claimants) > 1:
            names: list[str] = []
            for c in claimants:
                sources = [f for r in c.records[:3] for f in files_of.get(r, [])] if c.records else []
                for name in sources or [f"{c.template} (the site)"]:
                    if name not in names:
                        names.append(name)
            if tuple(names) in reported:
                continue
            reported.add(tuple(names))
            source = next((n for n in names if n.startswith("documents/")), "archive.yaml")
            problems.append(error(source, 1 if source != "archive.yaml" else 0, "url", f"/{claimants[0].path} is claimed by more than one page: "
                                  f"{', '.join(names)}; change an id or a name so that each has its own URL"))
    return problems


def check_archive(root: Path, strict: bool = False, jobs: int | None = None) -> list[Problem]:
    archive, problems = load_archive(root, jobs=jobs or default_jobs())
    if archive is not None:
        problems = sort_problems(problems + check_duplicate_paths(plan_pages(archive), archive))
    return problems


# ---------------------------------------------------------------------------------------------
# Render


def _render_pages(indexes: Sequence[int]) -> list[tuple[int, bytes, bytes | None]]:
    """Render pages -> (index, digest, bytes to write or None).

    A full build writes each page into the fresh staging folder here, in the worker. An
    incremental build hands back only the pages whose bytes differ from the last build: the
    parent makes the staging folder only when something changed.
    """
    env, pages, staging = _SHARED["env"], _SHARED["pages"], _SHARED["staging"]
    old: dict[str, mf.PageEntry] = _SHARED["old"]
    out: list[tuple[int, bytes, bytes | None]] = []
    for i in indexes:
        page = pages[i]
        try:
            data = render_page(env, page)
        except jinja2.TemplateError as exc:  # a theme bug (e.g. an undefined variable): no traceback
            where = f"{exc.filename}:{exc.lineno}: " if isinstance(exc, jinja2.TemplateSyntaxError) else ""
            raise ArchivegenError(f"{where}template {page.template} failed on /{page.path}: "
                                  f"{type(exc).__name__}: {exc}") from None
        digest = hashlib.sha256(data).digest()
        file = urls.output_file(page.path)
        if staging is not None:
            write.write_file(staging, file, data)
            out.append((i, digest, None))
            continue
        entry = old.get(file)
        out.append((i, digest, None if entry is not None and entry.digest == digest else data))
    return out


def _record_keys(archive: Archive, inputs: dict[str, mf.StatKey],
                 old: dict[str, tuple[str, mf.StatKey, bytes]]) -> dict[str, tuple[str, mf.StatKey, bytes]]:
    """Per record: (source path, stat key, digest of everything but the body).

    The digest is reused from the last build while the file's stat key is unchanged.
    """
    keys: dict[str, tuple[str, mf.StatKey, bytes]] = {}
    for r in archive.records:
        stat = inputs.get(r.path, (0, 0))
        if any(t.file for t in r.texts):
            # Its text files (issue 15) are part of it: the digest is computed again every build.
            stat = (0, 0)
        before = old.get(r.id)
        if before is not None and len(before) == 3 and before[:2] == (r.path, stat) and stat != (0, 0):
            keys[r.id] = before
        else:
            meta = hashlib.sha256(repr(replace(r, body="")).encode()).digest()
            keys[r.id] = (r.path, stat, meta)
    return keys


def build_archive(root: Path, out: Path | None = None, *, base_url: str | None = None,
                  strict: bool = False, index: bool = True, jobs: int | None = None,
                  progress: Progress | None = None) -> BuildResult:
    """Build the site into ``out`` (default ``root/site``) atomically; raise BuildFailed on bad input.

    Only what is stale since the last build into ``out`` is redone; with no change, nothing is
    written at all. ``jobs``: worker processes (default: every core).
    """
    started = time.perf_counter()
    jobs = jobs or default_jobs()
    root = root.resolve()
    out = (out or root / "site").resolve()
    progress = progress or Progress(enabled=False)
    progress.stage("scan")
    gkey = mf.global_key(root, base_url, index)
    inputs = mf.scan_inputs(root) if (root / "documents").is_dir() else {}
    if (root / "archive.yaml").is_file():
        inputs["archive.yaml"] = mf._file_key(root / "archive.yaml")
    old = mf.load_manifest(root, out)
    current_site = mf.site_id(out)
    incremental = (old.global_key == gkey and current_site != (0, 0) and old.site_id == current_site
                   and not mf.commit_marker(root, out).exists())
    if incremental and old.inputs == inputs:
        progress.close()
        if has_errors(old.problems, strict):
            raise BuildFailed(old.problems)
        return BuildResult(records=old.records, pages=len(old.pages), written=0, problems=old.problems,
                           seconds=time.perf_counter() - started)

    if not incremental:
        old = mf.Manifest()  # a full build uses nothing of the last one (175,000 pages: let it go)
        _release_memory()
    progress.stage("cache")
    # Loading, modelling and planning build objects that all live on: no collections meanwhile
    # (they cost ~1 s a build at 10,000 records and find nothing). Workers collect as usual.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(root, out, base_url, strict, index, jobs, progress, started, gkey, inputs, old,
                      incremental, collecting)
    finally:
        gc.unfreeze()  # also when the build failed while the heap was frozen (serve rebuilds in-process)
        if collecting:
            gc.enable()


@dataclass
class _Rendered:
    """What the render phase hands to the index-and-commit phase."""

    new: mf.Manifest | None
    """None after a full build: its manifest is saved already (``save_manifest(pending=True)``)."""
    page_count: int
    written: list[str]
    copy_now: list[str]
    removed: list[str]
    changed_pages: dict[str, bytes]
    """An incremental build's changed pages (a full build wrote them into ``staging``)."""
    staging: Path | None
    marks: list[tuple[str, float]]
    records: int
    problems: list[Problem]
    copies: dict[str, tuple[str, mf.StatKey]]


def _build(root: Path, out: Path, base_url: str | None, strict: bool, index: bool, jobs: int,
           progress: Progress, started: float, gkey: str, inputs: dict[str, mf.StatKey], old: mf.Manifest,
           incremental: bool, collecting: bool) -> BuildResult:
    """The rest of ``build_archive`` once the no-op check found something to do."""
    args = (root, out, base_url, strict, index, jobs, progress, gkey, inputs, old, incremental, collecting)
    if incremental or not index:
        done = _render(*args)
    else:
        # A full build with the index renders in a child process: a Python process keeps the heap
        # it grew (the loaded archive: ~0.6 GB at 40,000 records, even once freed), and Pagefind
        # then needs ~1.6 GB per 5,000-page shard. The child's memory is gone when Pagefind runs.
        done = _in_child(_render, *args, lost=lambda pid: write.discard_staging(out, pid))
        progress.marks = done.marks
    return _index_and_commit(root, out, index, progress, started, incremental, done)


def _in_child(func: Callable[..., _Rendered], *args: Any, lost: Callable[[int], None] = lambda pid: None) -> _Rendered:
    """``func(*args)`` in a forked process, its result (or failure) pickled back through a file.
    ``lost(pid)`` cleans up after a child that ended without a word (killed: out of memory)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return func(*args)
    fd, name = tempfile.mkstemp(prefix=".archivegen-render-", suffix=".pickle")
    os.close(fd)
    result = Path(name)
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        status = 0
        try:
            try:
                outcome: tuple[str, Any] = ("ok", func(*args))
            except BuildFailed as failed:
                outcome = ("failed", failed.problems)
            except BaseException as exc:  # noqa: BLE001 - reported by the parent
                outcome = ("error", exc)
            with open(result, "wb") as f:
                try:
                    pickle.dump(outcome, f, protocol=pickle.HIGHEST_PROTOCOL)
                except Exception:  # noqa: BLE001 - an exception that does not pickle
                    f.seek(0)
                    f.truncate()
                    pickle.dump(("error", ArchivegenError(f"{type(outcome[1]).__name__}: {outcome[1]}")), f)
        except BaseException:  # noqa: BLE001
            status = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()  # the progress bar's last words; os._exit skips Python's own flush
            os._exit(status)
    try:
        _, status = os.waitpid(pid, 0)
        try:
            with open(result, "rb") as f:
                kind, value = pickle.load(f)
        except (OSError, EOFError, pickle.UnpicklingError) as exc:
            lost(pid)
            raise ArchivegenError(f"the build's render process ended without a result (status {status})") from exc
    except BaseException:
        try:  # interrupted: stop the child too
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        lost(pid)
        raise
    finally:
        result.unlink(missing_ok=True)
    if kind == "failed":
        raise BuildFailed(value)
    if kind == "error":
        raise value
    return value  # type: ignore[no-any-return]


def _render(root: Path, out: Path, base_url: str | None, strict: bool, index: bool, jobs: int,
            progress: Progress, gkey: str, inputs: dict[str, mf.StatKey], old: mf.Manifest,
            incremental: bool, collecting: bool) -> _Rendered:
    """Load, model, plan and render: what changed, ready for indexing and committing."""
    cache = mf.load_records(root)
    archive, problems = load_archive(root, base_url, jobs=jobs, cache=cache, inputs=inputs, progress=progress)
    if cache.dirty:  # saved even when the build fails: the next attempt reads only what changed
        cache.dirty = False
        mf.save_records(root, cache)
    # The parsed files' front matter is no longer needed (the records are in the archive): at
    # 40,000 records it is ~0.2 GB that render workers would otherwise share and copy.
    del cache
    if archive is None or has_errors(problems, strict):
        progress.close()
        raise BuildFailed(problems)
    record_keys = _record_keys(archive, inputs, old.record_keys if incremental else {})
    changed = {rid for rid in record_keys.keys() | old.record_keys.keys()
               if record_keys.get(rid) != old.record_keys.get(rid)} if incremental else set()
    # A record whose metadata is unchanged (only its transcription was edited) shows new content
    # on its own page alone: listings, neighbours, exports and citations show metadata.
    body_only = {rid for rid in changed if rid in record_keys
                 and len(before := old.record_keys.get(rid, ())) == 3  # older manifests: no digest
                 and record_keys[rid][0] == before[0] and record_keys[rid][2] == before[2]}
    progress.stage("plan")
    # Only transcriptions changed: the site's plan is the last build's (same records, same
    # metadata), and only the edited records' own pages change. (Planning 175,000 pages and
    # rendering the pages that list no records cost ~3.5 s of an edit at 40,000 records.)
    same_plan = incremental and bool(changed) and changed == body_only
    if same_plan:
        pages = [record_page(archive, archive.by_id[rid]) for rid in sorted(body_only)]
        todo = list(range(len(pages)))
    else:
        pages = plan_pages(archive)
        url_problems = check_duplicate_paths(pages, archive)
        if url_problems:
            raise BuildFailed(sort_problems(problems + url_problems))
        if incremental:
            todo = mf.stale_pages(pages, old, mf.affected_records(archive, old, changed - body_only))
            own = {urls.record(rid) for rid in body_only}
            todo = sorted(set(todo) | {i for i, page in enumerate(pages) if page.path in own})
        else:
            todo = list(range(len(pages)))
    copies = {urls.record_file(r.id, Path(rel).name): (rel, inputs.get(rel) or mf._file_key(root / rel))
              for r in archive.records for rel in r.files}
    planned = set(old.pages) if same_plan else {urls.output_file(p.path) for p in pages}

    # Rendering makes short-lived cycles (Jinja): collect again, but only among new objects: the
    # loaded archive and the plan are frozen (a collection over them costs ~60 % of rendering
    # data/records.json at 10,000 records, and finds nothing; they live until indexing).
    gc.freeze()
    if collecting:
        gc.enable()
    env = make_env(root, archive.settings)
    recycle = len(archive.records) > RECYCLE_ABOVE
    for name in sorted({pages[i].template for i in todo}):
        env.get_template(name)  # compiled once, before the fork, for every worker
    entries: dict[str, mf.PageEntry] = {}
    changed_pages: dict[str, bytes] = {}
    _SHARED.update(env=env, pages=pages, old=old.pages,
                   staging=None if incremental else write.staging_dir(out))
    staging = _SHARED["staging"]
    progress.stage("render", len(todo))
    try:
        if staging is not None:
            write.copy_static(staging)
        for i, digest, data in _run(_render_pages, todo, jobs, progress, recycle=recycle):
            file = urls.output_file(pages[i].path)
            entries[file] = mf.PageEntry(pages[i].template, pages[i].records, digest)
            if data is not None:
                changed_pages[file] = data
    except BaseException:
        if staging is not None:
            write.discard(staging)
        progress.close()
        raise
    finally:
        _SHARED.clear()
    if same_plan:
        entries = {**old.pages, **entries}
    else:
        for page in pages:
            file = urls.output_file(page.path)
            if file not in entries:
                entries[file] = replace(old.pages[file], records=page.records)
    written = sorted(changed_pages) if incremental else [urls.output_file(pages[i].path) for i in todo]
    copy_now = sorted(file for file, source in copies.items() if not incremental or old.copies.get(file) != source)
    removed = sorted((old.pages.keys() - planned) | (old.copies.keys() - copies.keys())) if incremental else []
    new = mf.Manifest(global_key=gkey, inputs=inputs, problems=problems, records=len(archive.records),
                      pages=entries, copies=copies, terms=mf.term_table(archive), record_keys=record_keys)
    page_count = len(planned)
    # Indexing runs Pagefind processes that need memory of their own: let the loaded archive go
    # first (40,000 records with their bodies are over a gigabyte in this process).
    del archive, pages, old, env, planned
    gc.unfreeze()
    if incremental:  # (a full build renders in a child process that exits: nothing to release)
        _release_memory()
    if staging is not None:
        # A full build swaps staging in whole (the same folder, so the same inode: the site id),
        # and its manifest is saved as it is: kept beside the final name until the swap, not
        # handed back to the parent (175,000 entries held while Pagefind runs: ~0.2 GB).
        new.site_id = mf.site_id(staging)
        mf.save_manifest(root, out, new, pending=True)
        return _Rendered(None, page_count, written, copy_now, removed, changed_pages, staging, progress.marks,
                         new.records, new.problems, copies)
    return _Rendered(new, page_count, written, copy_now, removed, changed_pages, staging, progress.marks,
                     new.records, new.problems, copies)


def _index_and_commit(root: Path, out: Path, index: bool, progress: Progress, started: float,
                      incremental: bool, done: _Rendered) -> BuildResult:
    """Index the site as it will be, then swap it in (full build) or commit the changes."""
    new, written, copy_now, removed = done.new, done.written, done.copy_now, done.removed
    changed_pages, staging, copies = done.changed_pages, done.staging, done.copies
    marker = mf.commit_marker(root, out)
    try:
        if incremental and not changed_pages and not copy_now and not removed:
            pass  # the outputs are what they were: leave site/ alone, make no staging folder
        elif incremental:
            # Only what changed goes into a small staging folder; the index is built from the site
            # as it will be (staged pages read before the site's) into staging/pagefind; then the
            # files are moved into site/ one by one and the index folder swapped (write.commit).
            staging = write.staging_dir(out)
            progress.stage("write")
            for file, data in changed_pages.items():
                write.write_file(staging, file, data)
            for file in copy_now:
                write.copy_file(root / copies[file][0], staging, file)
            files = sorted(set(written) | set(copy_now))
            folders: list[str] = []
            if index:
                progress.stage("index", 1)
                shards = search_index.build_index(out, cache=mf.cache_dir(root) / "search",
                                            changed=set(written) | set(copy_now) | set(removed),
                                            bundle=staging / search.BUNDLE_DIR, pending=staging, removed=removed,
                                            reuse=True)
                if shards is None:  # the shards were re-planned: the whole index folder is new
                    folders = [search.BUNDLE_DIR]
                else:  # only the changed shards' folders (or the delta's), and the list of shards
                    folders = [f"{search.BUNDLE_DIR}/{k}" for k in shards]
                    files.append(f"{search.BUNDLE_DIR}/{search.MANIFEST}")
            progress.stage("commit")
            # Killed half-way, site/ would hold some new files: the marker makes the next build a
            # full one. It also stays when commit() failed (and put the files back): the search
            # cache already holds the new bundles, which a full build checks page by page.
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
            write.commit(staging, out, files, removed, folders)
        else:
            progress.stage("write")
            for file in copy_now:
                write.copy_file(root / copies[file][0], staging, file)
            if index:
                progress.stage("index", 1)
                search_index.build_index(staging, cache=mf.cache_dir(root) / "search")
            progress.stage("swap")
            write.swap(staging, out)
    except BaseException:
        if staging is not None and staging.exists():
            write.discard(staging)
        progress.close()
        raise
    progress.stage("save")
    if new is None:
        mf.commit_pending_manifest(root, out)
    else:
        new.site_id = mf.site_id(out)
        mf.save_manifest(root, out, new)
    marker.unlink(missing_ok=True)
    progress.close()
    return BuildResult(records=done.records, pages=done.page_count, written=len(written), removed=len(removed),
                       problems=done.problems, seconds=time.perf_counter() - started)
