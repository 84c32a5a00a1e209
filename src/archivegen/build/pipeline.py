"""The pipeline: load -> validate -> model -> plan -> render -> index -> write.

``build_archive`` reads as the pipeline; each step is a function below it, and the machinery
lives beside it: read.py (the record files through the record cache into a model), deps.py (what
an edit makes stale), workers.py (forked workers, garbage collection, memory), cache.py (what the
last build left in ``.archivegen-cache/``), write.py (staging folder, swap, commit).

Disk and subprocesses stay at the two ends (read, write/index); the middle works on values. A
build with no change writes nothing; an edit re-renders the pages that show the record.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from archivegen.build import cache, deps, images, leftovers, workers, write
from archivegen.build.cache import BuildState, PageEntry, StatKey
from archivegen.build.detached import finish_alone
from archivegen.build.lock import archive_lock
from archivegen.build.read import load_archive
from archivegen.index import pagefind as search_index
from archivegen.problems import (
    ArchivegenError,
    BuildFailed,
    Problem,
    Severity,
    has_errors,
    sort_problems,
)
from archivegen.progress import Progress
from archivegen.records.model import Archive
from archivegen.render import iiif, urls
from archivegen.render.environment import make_env, render_page
from archivegen.render.page import Page
from archivegen.render.plan import check_duplicate_paths, plan_pages
from archivegen.render.views import record_page


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
        return sum(1 for p in self.problems if p.severity is Severity.WARNING)

    @property
    def unchanged(self) -> int:
        return self.pages - self.written

    def summary(self) -> str:
        """The one line ``archivegen build`` ends with."""
        return (f"built {self.records} records, {self.pages} pages ({self.written} written, "
                f"{self.unchanged} unchanged), {self.warnings} warning(s) in {self.seconds:.1f} s")


@dataclass(frozen=True)
class Build:
    """One build: its options and what the scan found, handed whole to every step."""

    root: Path
    out: Path
    folder: Path
    """The build cache's folder (cache.locate)."""
    base_url: str | None
    strict: bool
    index: bool
    jobs: int
    progress: Progress
    started: float
    global_key: str
    """Everything that changes every page (cache.global_key)."""
    inputs: dict[str, StatKey]
    """Stat keys of archive.yaml and of every file under documents/."""
    last: BuildState
    """The last build into ``out``; empty for a full build."""
    incremental: bool
    """Redo only what is stale since ``last`` (else a full build into a fresh folder)."""


@dataclass
class Rendered:
    """What the render step hands to the index-and-write step."""

    state: BuildState | None
    """The new build state; None after a full build: it is saved already (``pending``)."""
    pages: int
    written: list[str]
    copy_now: list[str]
    removed: list[str]
    changed_pages: dict[str, bytes]
    """An incremental build's changed pages (a full build wrote them into ``staging``)."""
    staging: Path | None
    marks: list[tuple[str, float]]
    records: int
    problems: list[Problem]
    copies: dict[str, tuple[str, StatKey]]


def build_archive(root: Path, out: Path | None = None, *, base_url: str | None = None,
                  strict: bool = False, index: bool = True, jobs: int | None = None,
                  progress: Progress | None = None, cache_dir: Path | None = None) -> BuildResult:
    """Build the site into ``out`` (default ``root/site``) atomically; raise BuildFailed on bad input.

    Only what is stale since the last build into ``out`` is redone; with no change, nothing is
    written at all. ``jobs``: worker processes (default: every core). ``cache_dir``: the build
    cache's folder (default: ``cache.locate``).
    """
    root = root.resolve()
    out = (out or root / "site").resolve()
    folder = cache.locate(root, out, cache_dir)
    with archive_lock(folder):  # one build at a time into a site and its cache (a second one waits)
        leftovers.clean(out, folder)  # what killed builds left behind: only the lock's holder may
        build = _scan(root, out, folder, base_url, strict, index, jobs, progress or Progress(enabled=False))
        return _build(build)


def _build(build: Build) -> BuildResult:
    if build.incremental and build.last.inputs == build.inputs:
        return _unchanged(build)
    if not build.incremental:
        # A full build uses nothing of the last one (175,000 pages: let it go).
        build = replace(build, last=BuildState())
        workers.release_memory()
    build.progress.stage("cache")
    with workers.paused_collection():  # loading, modelling and planning make objects that all live on
        if build.incremental or not build.index:
            rendered = render_site(build)
        else:
            # A full build with the index renders in a child process: a Python process keeps the heap
            # it grew (the loaded archive: ~0.6 GB at 40,000 records, even once freed), and Pagefind
            # then needs ~1.6 GB per 5,000-page shard. The child's memory is gone when Pagefind runs.
            rendered = workers.in_child(render_site, build, lost=lambda pid: write.discard_staging(build.out, pid))
            build.progress.marks = rendered.marks
        return publish(build, rendered)


def check_archive(root: Path, jobs: int | None = None) -> list[Problem]:
    """Every problem ``build_archive`` would report, without writing anything."""
    archive, problems = load_archive(root, jobs=jobs or workers.default_jobs())
    if archive is not None:
        problems = sort_problems(problems + check_duplicate_paths(plan_pages(archive), archive))
    return problems


# ---------------------------------------------------------------------------------------------
# Scan: what changed since the last build into this folder


def _scan(root: Path, out: Path, folder: Path, base_url: str | None, strict: bool, index: bool, jobs: int | None,
          progress: Progress) -> Build:
    started = time.perf_counter()
    progress.stage("scan")
    key = cache.global_key(root, base_url, index)
    inputs = cache.scan_inputs(root) if (root / "documents").is_dir() else {}
    if (root / "archive.yaml").is_file():
        inputs["archive.yaml"] = cache.file_key(root / "archive.yaml")
    last = cache.load_state(folder, out)
    site = cache.site_id(out)
    incremental = (last.global_key == key and site != (0, 0) and last.site_id == site
                   and not cache.commit_marker(folder, out).exists())
    return Build(root, out, folder, base_url, strict, index, jobs or workers.default_jobs(), progress, started,
                 key, inputs, last, incremental)


def _unchanged(build: Build) -> BuildResult:
    """No input changed: the last build's outcome, and nothing written."""
    build.progress.close()
    if has_errors(build.last.problems, build.strict):
        raise BuildFailed(build.last.problems)
    return BuildResult(records=build.last.records, pages=len(build.last.pages), written=0,
                       problems=build.last.problems, seconds=time.perf_counter() - build.started)


# ---------------------------------------------------------------------------------------------
# Load, validate, model, plan, render


def render_site(build: Build) -> Rendered:
    """Load, validate, model, plan and render: what changed, ready for indexing and writing."""
    rendered = _render_site(build)  # the loaded archive and the plan are gone when it returns
    if build.incremental:  # (a full build renders in a child process that exits: nothing to release)
        workers.release_memory()
    if rendered.staging is not None and rendered.state is not None:
        # A full build swaps staging in whole (the same folder, so the same inode: the site id),
        # and its state is saved as it is: kept beside the final name until the swap, not handed
        # back to the parent (175,000 entries held while Pagefind runs: ~0.2 GB).
        rendered.state.site_id = cache.site_id(rendered.staging)
        cache.save_state(build.folder, build.out, rendered.state, pending=True)
        rendered.state = None
    return rendered


def _render_site(build: Build) -> Rendered:
    archive, problems = _load(build)
    archive.memo["image_sizes"] = _image_sizes(build, archive)
    keys = deps.record_keys(archive.records, build.inputs, build.last.record_keys, archive.text_mentions,
                            archive.memo["image_sizes"])
    changes = deps.changes(keys, build.last.record_keys) if build.incremental else deps.Changes()
    terms = deps.term_table(archive)
    build.progress.stage("plan")
    pages, todo = _plan(build, archive, problems, changes, terms)
    copies = _copies(build, archive)
    planned = set(build.last.pages) if changes.bodies_only else {urls.output_file(p.path) for p in pages}
    # Rendering makes short-lived cycles (Jinja): collect again, but only among new objects: the
    # loaded archive and the plan are frozen (a collection over them costs ~60 % of rendering
    # data/records.json at 10,000 records, and finds nothing; they live until indexing).
    with workers.frozen_heap(collect=True):
        entries, changed_pages, staging = _render(build, archive, pages, todo)
    if changes.bodies_only:
        entries = {**build.last.pages, **entries}
    for page in pages:
        file = urls.output_file(page.path)
        if file not in entries:
            entries[file] = replace(build.last.pages[file], records=page.records)
    state = BuildState(global_key=build.global_key, inputs=build.inputs, problems=problems,
                       records=len(archive.records), pages=entries, copies=copies, terms=terms, record_keys=keys)
    return Rendered(
        state, len(planned),
        written=sorted(changed_pages) if build.incremental else [urls.output_file(pages[i].path) for i in todo],
        copy_now=deps.files_to_copy(copies, build.last.copies),
        removed=deps.removed_outputs(build.last.pages, build.last.copies, planned, copies),
        changed_pages=changed_pages, staging=staging, marks=build.progress.marks, records=state.records,
        problems=problems, copies=copies)


def _image_sizes(build: Build, archive: Archive) -> dict[str, iiif.Size]:
    """Each page image in ``files`` that Pillow reads -> its size (from its header: cheap)."""
    found: dict[str, iiif.Size] = {}
    for rel in sorted({rel for r in archive.records for rel in r.files if iiif.is_image(rel)}):
        size = images.read_size(build.root / rel)
        if size is not None:
            found[rel] = size
    return found


def _copies(build: Build, archive: Archive) -> dict[str, tuple[str, StatKey]]:
    """Output file -> (its source, the source's stat key): the originals and their IIIF sizes."""
    sizes: dict[str, iiif.Size] = archive.memo["image_sizes"]
    copies: dict[str, tuple[str, StatKey]] = {}
    for r in archive.records:
        for rel in r.files:
            source = (rel, build.inputs.get(rel) or cache.file_key(build.root / rel))
            copies[urls.record_file(r.id, Path(rel).name)] = source
            if rel in sizes:
                copies.update(dict.fromkeys(iiif.outputs(r.id, Path(rel).name, sizes[rel]), source))
    return copies


def _write_original(build: Build, done: Rendered, staging: Path, file: str) -> None:
    """Copy an original, or write one of its IIIF sizes."""
    src = build.root / done.copies[file][0]
    if "/iiif/" in file:
        images.write_derivative(src, staging, file)
    else:
        write.copy_file(src, staging, file)


def _load(build: Build) -> tuple[Archive, list[Problem]]:
    """Load, validate and model, reading only the record files changed since the record cache."""
    records = cache.load_records(build.root, build.folder)
    archive, problems = load_archive(build.root, build.base_url, jobs=build.jobs, records=records,
                                     inputs=build.inputs, progress=build.progress, folder=build.folder)
    if records.dirty:  # saved even when the build fails: the next attempt reads only what changed
        records.dirty = False
        cache.save_records(build.folder, records)
    # The parsed files' front matter goes on return (the records are in the archive): at 40,000
    # records it is ~0.2 GB that render workers would otherwise share and copy.
    if archive is None or has_errors(problems, build.strict):
        build.progress.close()
        raise BuildFailed(problems)
    return archive, problems


def _plan(build: Build, archive: Archive, problems: list[Problem], changes: deps.Changes,
          terms: cache.TermTable) -> tuple[list[Page], list[int]]:
    """The pages, and the indexes of those to render."""
    if changes.bodies_only:
        # Only transcriptions changed: the site's plan is the last build's (same records, same
        # metadata), and only the edited records' own pages change. (Planning 175,000 pages and
        # rendering the pages that list no records cost ~3.5 s of an edit at 40,000 records.)
        pages = [record_page(archive, archive.by_id[rid]) for rid in sorted(changes.bodies)]
        return pages, list(range(len(pages)))
    pages = plan_pages(archive)
    url_problems = check_duplicate_paths(pages, archive)
    if url_problems:
        raise BuildFailed(sort_problems(problems + url_problems))
    if not build.incremental:
        return pages, list(range(len(pages)))
    affected = deps.affected_records(changes.metadata, build.last.terms, terms,
                                     ((r.id, r.related) for r in archive.records))
    return pages, deps.pages_to_render(pages, build.last.pages, affected, changes.bodies)


@dataclass(frozen=True)
class _RenderContext:
    """What the render workers read from the parent's memory."""

    env: jinja2.Environment
    pages: list[Page]
    last: dict[str, PageEntry]
    staging: Path | None


def _render(build: Build, archive: Archive, pages: list[Page],
            todo: list[int]) -> tuple[dict[str, PageEntry], dict[str, bytes], Path | None]:
    """Render ``todo`` in workers: (entries of the rendered pages, changed bytes, staging folder)."""
    env = make_env(build.root, archive.settings)
    for name in sorted({pages[i].template for i in todo}):
        env.get_template(name)  # compiled once, before the fork, for every worker
    context = _RenderContext(env, pages, build.last.pages, None if build.incremental else write.staging_dir(build.out))
    entries: dict[str, PageEntry] = {}
    changed_pages: dict[str, bytes] = {}
    build.progress.stage("render", len(todo))
    try:
        if context.staging is not None:
            write.copy_static(context.staging)
        for i, digest, data in workers.run_chunks(_render_pages, context, todo, build.jobs, build.progress,
                                                  recycle=len(archive.records) > workers.RECYCLE_ABOVE):
            file = urls.output_file(pages[i].path)
            entries[file] = PageEntry(pages[i].template, pages[i].records, digest)
            if data is not None:
                changed_pages[file] = data
    except BaseException:
        if context.staging is not None:
            write.discard(context.staging)
        build.progress.close()
        raise
    return entries, changed_pages, context.staging


def _render_pages(context: _RenderContext, indexes: Sequence[int]) -> list[tuple[int, bytes, bytes | None]]:
    """Render pages -> (index, digest, bytes to write or None).

    A full build writes each page into the fresh staging folder here, in the worker. An
    incremental build hands back only the pages whose bytes differ from the last build: the
    parent makes the staging folder only when something changed.
    """
    out: list[tuple[int, bytes, bytes | None]] = []
    for i in indexes:
        page = context.pages[i]
        try:
            data = render_page(context.env, page)
        except jinja2.TemplateError as exc:  # a theme bug (e.g. an undefined variable): no traceback
            where = f"{exc.filename}:{exc.lineno}: " if isinstance(exc, jinja2.TemplateSyntaxError) else ""
            raise ArchivegenError(f"{where}template {page.template} failed on /{page.path}: "
                                  f"{type(exc).__name__}: {exc}") from None
        digest = hashlib.sha256(data).digest()
        file = urls.output_file(page.path)
        if context.staging is not None:
            write.write_file(context.staging, file, data)
            out.append((i, digest, None))
            continue
        entry = context.last.get(file)
        out.append((i, digest, None if entry is not None and entry.digest == digest else data))
    return out


# ---------------------------------------------------------------------------------------------
# Index and write


def publish(build: Build, done: Rendered) -> BuildResult:
    """Index the site as it will be, then swap it in (full build) or commit the changes; save the state."""
    marker = cache.commit_marker(build.folder, build.out)
    staging = done.staging
    try:
        if build.incremental and not done.changed_pages and not done.copy_now and not done.removed:
            pass  # the outputs are what they were: leave site/ alone, make no staging folder
        elif build.incremental:
            staging = write.staging_dir(build.out)
            _commit_changes(build, done, staging, marker)
        else:
            assert staging is not None
            _swap_in(build, done, staging)
    except BaseException:
        if staging is not None and staging.exists():
            write.discard(staging)
        build.progress.close()
        raise
    build.progress.stage("save")
    if done.state is None:
        cache.commit_pending_state(build.folder, build.out)
    else:
        done.state.site_id = cache.site_id(build.out)
        cache.save_state(build.folder, build.out, done.state)
    marker.unlink(missing_ok=True)
    build.progress.close()
    return BuildResult(records=done.records, pages=done.pages, written=len(done.written), removed=len(done.removed),
                       problems=done.problems, seconds=time.perf_counter() - build.started)


def _swap_in(build: Build, done: Rendered, staging: Path) -> None:
    """A full build: copy the originals, index the staged site, swap it in whole."""
    build.progress.stage("write")
    for file in done.copy_now:
        _write_original(build, done, staging, file)
    if build.index:
        build.progress.stage("index", 1)
        search_index.build_index(staging, cache=build.folder / "search")
    build.progress.stage("swap")
    finish_alone(write.swap, staging, build.out)  # a kill cannot stop it half-way (issue 20)


def _commit_changes(build: Build, done: Rendered, staging: Path, marker: Path) -> None:
    """An edit: only what changed goes into a small staging folder; the index is built from the
    site as it will be (staged pages read before the site's) into staging/pagefind; then the files
    are moved into site/ one by one and the index folders swapped (write.commit)."""
    build.progress.stage("write")
    for file, data in done.changed_pages.items():
        write.write_file(staging, file, data)
    for file in done.copy_now:
        _write_original(build, done, staging, file)
    files = sorted(set(done.written) | set(done.copy_now))
    folders: list[str] = []
    if build.index:
        build.progress.stage("index", 1)
        shards = search_index.build_index(build.out, cache=build.folder / "search",
                                          changed=set(done.written) | set(done.copy_now) | set(done.removed),
                                          bundle=staging / urls.SEARCH_BUNDLE, pending=staging,
                                          removed=done.removed, reuse=True)
        if shards is None:  # the shards were re-planned: the whole index folder is new
            folders = [urls.SEARCH_BUNDLE]
        else:  # only the changed shards' folders (or the delta's), and the list of shards
            folders = [f"{urls.SEARCH_BUNDLE}/{k}" for k in shards]
            files.append(urls.search_shards())
    build.progress.stage("commit")
    # Killed half-way, site/ would hold some new files: the marker makes the next build a full
    # one. It also stays when commit() failed (and put the files back): the search cache already
    # holds the new bundles, which a full build checks page by page.
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()
    finish_alone(write.commit, staging, build.out, files, done.removed, folders)  # a kill cannot tear it
