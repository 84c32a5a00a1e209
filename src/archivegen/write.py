"""Staging folder, copies, and the atomic swap into site/.

A build writes into a staging folder beside the output; only when every stage succeeded is the
old output moved aside and the staging folder renamed into place. A failed build removes its
staging folder and leaves the published site byte-identical.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

STATIC = Path(__file__).parent / "static"


def staging_dir(out: Path) -> Path:
    staging = out.parent / f".{out.name}-staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


def write_file(staging: Path, path: str, data: bytes) -> None:
    target = staging / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def copy_static(staging: Path) -> None:
    shutil.copytree(STATIC, staging / "assets", dirs_exist_ok=True)


def copy_file(src: Path, staging: Path, path: str) -> None:
    target = staging / path
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, target)


def swap(staging: Path, out: Path) -> None:
    """Replace ``out`` with ``staging``: two renames, so readers never see a half-written site."""
    old = out.parent / f".{out.name}-old-{os.getpid()}"
    if out.exists():
        os.rename(out, old)
    try:
        os.rename(staging, out)
    except OSError:
        if old.exists():
            os.rename(old, out)
        raise
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
