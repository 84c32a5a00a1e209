"""Helpers for the fault tests: archives, builds as separate processes, site trees."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import SRC, make_archive, record_text

COLLECTIONS = ('["Hungarian Revolution, 1956"]', '["Polish October"]')


def records(n: int, edit: str = "") -> dict[str, str]:
    """``n`` records in two collections, linked in a chain; ``edit`` changes every fifth body."""
    out = {}
    for i in range(n):
        body = f"Body of record {i}. {edit if i % 5 == 0 else ''}".strip()
        out[f"r{i:03d}.md"] = record_text(f"Record number {i}", f"1956-{i % 12 + 1:02d}-{i % 28 + 1:02d}", body,
                                          collections=COLLECTIONS[i % 2], related=f'["r{i - 1:03d}"]' if i else "[]",
                                          people='["Nagy, Imre"]' if i % 3 else '["Kádár, János"]')
    return out


def archive(root: Path, n: int = 60) -> Path:
    return make_archive(root, records(n))


def edit(root: Path, n: int, text: str) -> None:
    for name, data in records(n, text).items():
        path = root / "documents" / name
        if path.read_text(encoding="utf-8") != data:
            path.write_text(data, encoding="utf-8")


def start_build(root: Path, *extra: str, env: dict[str, str] | None = None,
                preexec: Callable[[], None] | None = None) -> subprocess.Popen[str]:
    """``archivegen build`` in its own process (as a user starts it)."""
    full = dict(os.environ, PYTHONPATH=str(SRC), **(env or {}))
    return subprocess.Popen([sys.executable, "-m", "archivegen", "build", "--root", str(root), *extra],
                            env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=preexec)


def tree(site: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and not p.relative_to(site).as_posix().startswith(skip)}


def clean_build(root: Path, dest: Path, *extra: str) -> Path:
    """The archive in ``root`` copied to ``dest`` and built there from nothing; its site."""
    shutil.copytree(root, dest, ignore=shutil.ignore_patterns("site", ".archivegen-cache", ".site-*"))
    proc = start_build(dest, *extra)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    return dest / "site"


def leftovers(root: Path) -> list[str]:
    """What a build leaves that it should not: staging folders and old trees beside the site,
    Pagefind folders and half-written files in the cache."""
    found = [p.name for p in root.iterdir() if p.name.startswith((".site-staging-", ".pagefind-input-"))]
    cache = root / ".archivegen-cache"
    if cache.is_dir():
        found += [p.name for p in cache.rglob("*") if "-new-" in p.name or ".tmp-" in p.name
                  or p.name.startswith(".pagefind-input-")]
    return found
