"""The pipeline: load -> validate -> model -> render -> index -> write.

Disk and subprocesses stay at the two ends (load, write/index); the middle works on values.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import search, urls, write
from .load import RawRecord, find_documents, read_record
from .model import Archive, Record, build_model
from .problems import ArchivegenError, BuildFailed, Problem, error, has_errors, sort_problems
from .render import Page, make_env, plan_pages, render_page
from .settings import load_settings
from .validate import cross_check, validate_record


@dataclass
class BuildResult:
    """What a build did."""

    records: int = 0
    pages: int = 0
    written: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity.value == "warning")


def load_archive(root: Path, base_url: str | None = None) -> tuple[Archive | None, list[Problem]]:
    """Load, validate and model the archive in ``root``; every problem in every file."""
    settings, problems = load_settings(root)
    if settings is None:
        return None, sort_problems(problems)
    if base_url is not None:
        settings = settings.with_base_url(base_url)
    if not (root / "documents").is_dir():
        problems.append(error("documents", 0, "folder", f"not found in {root}; record files go in documents/"))
        return None, sort_problems(problems)
    raws: list[RawRecord] = []
    records: list[Record] = []
    for file in find_documents(root):
        raw, found = read_record(root, file)
        problems += found
        if raw is None:
            continue
        raws.append(raw)
        record, found = validate_record(raw, settings, root)
        problems += found
        if record is not None:
            records.append(record)
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


def check_archive(root: Path, strict: bool = False) -> list[Problem]:
    archive, problems = load_archive(root)
    if archive is not None:
        problems = sort_problems(problems + check_duplicate_paths(plan_pages(archive), archive))
    return problems


def build_archive(root: Path, out: Path | None = None, *, base_url: str | None = None,
                  strict: bool = False, index: bool = True) -> BuildResult:
    """Build the site into ``out`` (default ``root/site``) atomically; raise BuildFailed on bad input."""
    started = time.perf_counter()
    root = root.resolve()
    out = (out or root / "site").resolve()
    archive, problems = load_archive(root, base_url)
    if archive is None or has_errors(problems, strict):
        raise BuildFailed(problems)
    pages = plan_pages(archive)
    url_problems = check_duplicate_paths(pages, archive)
    if url_problems:
        raise BuildFailed(sort_problems(problems + url_problems))
    env = make_env(root, archive.settings)
    staging = write.staging_dir(out)
    try:
        write.copy_static(staging)
        for page in pages:
            try:
                html = render_page(env, page)
            except jinja2.TemplateError as exc:  # a theme bug (e.g. an undefined variable): no traceback
                where = f"{exc.filename}:{exc.lineno}: " if isinstance(exc, jinja2.TemplateSyntaxError) else ""
                raise ArchivegenError(f"{where}template {page.template} failed on /{page.path}: "
                                      f"{type(exc).__name__}: {exc}") from exc
            write.write_file(staging, urls.output_file(page.path), html)
        for record in archive.records:
            for rel in record.files:
                write.copy_file(root / rel, staging, urls.record_file(record.id, Path(rel).name))
        if index:
            search.build_index(staging)
        write.swap(staging, out)
    except BaseException:
        write.discard(staging)
        raise
    return BuildResult(records=len(archive.records), pages=len(pages), written=len(pages),
                       problems=problems, seconds=time.perf_counter() - started)
