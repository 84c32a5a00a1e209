"""Load, validate and model an archive: every record file parsed and validated (in forked workers
when there are many, through the record cache when the build keeps one), then the model.

The records/ stage does the work on one file (read_record, validate_record) and on all of them
(cross_check, build_model); this module runs it over the archive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from archivegen.build import cache, workers
from archivegen.problems import Problem, error, sort_problems
from archivegen.progress import Progress
from archivegen.records.authorities import load_authorities
from archivegen.records.load import RawRecord, find_documents, read_record
from archivegen.records.model import Archive, Record, build_model
from archivegen.records.settings import Settings, load_settings
from archivegen.records.validate import cross_check, validate_record
from archivegen.render.overrides import check_overrides


@dataclass(frozen=True)
class _ParseContext:
    """What the parse workers read from the parent's memory."""

    root: Path
    settings: Settings
    inputs: dict[str, cache.StatKey]
    settings_key: str
    folder: Path | None = None
    """The build cache's folder (the parallel parse saves the record cache's parts there)."""


def _parse_files(context: _ParseContext, rels: Sequence[str]) -> list[tuple[str, cache.Parsed]]:
    out = []
    for rel in rels:
        raw, problems = read_record(context.root, context.root / rel)
        record = None
        if raw is not None:
            record, found = validate_record(raw, context.settings, context.root)
            problems += found
            raw = replace(raw, body="")
        out.append((rel, cache.Parsed(context.inputs.get(rel, (0, 0)), raw, record, problems)))
    return out


def _parse_parts(context: _ParseContext, parts: Sequence[tuple[int, list[str]]]) -> list[tuple[str, cache.Parsed]]:
    """Parse whole parts of the record cache and save each (in the worker: the parent would
    pickle them all again, serially, ~0.7 s at 10,000 records)."""
    out = []
    for k, rels in parts:
        parsed = _parse_files(context, rels)
        assert context.folder is not None  # parts are saved only for a caller that keeps the cache
        cache.save_records_part(context.folder, k, context.settings_key, dict(parsed))
        out += parsed
    return out


def load_archive(root: Path, base_url: str | None = None, *, jobs: int = 1,
                 records: cache.RecordCache | None = None, inputs: dict[str, cache.StatKey] | None = None,
                 progress: Progress | None = None, folder: Path | None = None) -> tuple[Archive | None, list[Problem]]:
    """Load, validate and model the archive in ``root``; every problem in every file.

    With a record cache (``records``, updated in place), files whose stat key is unchanged are
    not read again; the caller saves it when ``records.dirty`` (parallel workers may have saved
    it already).
    """
    settings, problems = load_settings(root)
    if settings is None:
        return None, sort_problems(problems)
    if base_url is not None:
        settings = settings.with_base_url(base_url)
    if not (root / "documents").is_dir():
        problems.append(error("documents", 0, "folder", f"not found in {root}; record files go in documents/"))
        return None, sort_problems(problems)
    files = [file.relative_to(root).as_posix() for file in find_documents(root)]
    keep = records is not None
    if inputs is None:
        inputs = cache.scan_inputs(root) if keep else {}
    records = records if records is not None else cache.RecordCache()
    parsed = _parse(_ParseContext(root, settings, inputs, cache.settings_key(root), folder), files, records,
                    keep and folder is not None, jobs, progress)
    raws: list[RawRecord] = []
    valid: list[Record] = []
    for rel in files:
        raw, record, found_here = parsed[rel].raw, parsed[rel].record, parsed[rel].problems
        problems += found_here
        if raw is not None:
            raws.append(raw)
        if record is not None:
            valid.append(record)
    problems += cross_check(raws, valid)
    problems += check_overrides(root)
    authorities, found = load_authorities(root)  # once per build, in the parent (workers share it)
    problems += found
    archive, found = build_model(settings, valid, authorities)
    problems += found
    return archive, sort_problems(problems)


def _parse(context: _ParseContext, files: list[str], records: cache.RecordCache, keep: bool, jobs: int,
           progress: Progress | None) -> dict[str, cache.Parsed]:
    """Bring the record cache up to date with ``files``: parse what is new or changed, forget what
    is gone. ``keep``: the caller saves the cache (a first build's workers save its parts)."""
    if records.settings_key != context.settings_key:
        records.files.clear()
        records.settings_key, records.dirty, records.touched = context.settings_key, True, set()
    every_part = records.dirty and not records.touched

    def fresh(rel: str) -> bool:
        hit = records.files.get(rel)
        # A record with originals or text files (issue 15) is read again: its files may have
        # appeared, gone or changed (a text file's content is part of the record).
        return (hit is not None and hit.key == context.inputs.get(rel) and hit.key != (0, 0)
                and not (hit.raw is not None and (hit.raw.fields.get("files") or hit.raw.fields.get("texts"))))

    todo = [rel for rel in files if not fresh(rel)]
    if progress:
        progress.stage("read", len(todo))
    # Every part of a caller's cache is new (a first build, or archive.yaml changed): the workers
    # save the parts as they parse them.
    by_parts = keep and every_part and not records.files and jobs > 1 and len(todo) >= workers.PARALLEL_MIN
    if by_parts:
        parts: dict[int, list[str]] = {}
        for rel in todo:
            parts.setdefault(cache.record_part(rel), []).append(rel)
        for rel, parsed in workers.run_chunks(_parse_parts, context, sorted(parts.items()), jobs, progress, size=1):
            records.files[rel] = parsed
    else:
        for rel, parsed in workers.run_chunks(_parse_files, context, todo, jobs, progress):
            records.files[rel] = parsed
    gone = set(records.files) - set(files)
    for rel in gone:
        del records.files[rel]
    records.dirty = records.dirty or bool(todo or gone)
    if not every_part:
        records.touched.update(todo, gone)
    if by_parts:
        assert context.folder is not None
        cache.finish_record_parts(context.folder, records)  # not dirty: on disk as it is
    return records.files
