"""Staging folder, copies, and the atomic swap into site/.

A build writes into a staging folder beside the output; only when every stage succeeded is the
old output moved aside and the staging folder renamed into place. A failed build removes its
staging folder and leaves the published site byte-identical.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

STATIC = Path(__file__).parent / "static"


def staging_dir(out: Path) -> Path:
    staging = out.parent / f".{out.name}-staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


def write_file(staging: Path, path: str, data: bytes, replace: bool = False) -> None:
    """Write one output. ``replace``: the staging folder is linked to the published site, so
    write a new file and rename it over the old name, never through the shared inode."""
    target = staging / path
    target.parent.mkdir(parents=True, exist_ok=True)
    if not replace:
        target.write_bytes(data)
        return
    tmp = target.with_name(f".{target.name}.new")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def link_tree(out: Path, staging: Path, skip: frozenset[str] = frozenset()) -> None:
    """Fill ``staging`` with hard links to every file of ``out`` (``cp -al``): an incremental
    build then replaces only what changed, and the published site stays untouched until swap.

    Top-level folders in ``skip`` are left out (the search index: its writer makes it anew).
    """
    base = len(str(out)) + 1
    for dirpath, dirnames, filenames in os.walk(out):
        rel = dirpath[base:]
        if not rel:
            dirnames[:] = [d for d in dirnames if d not in skip]
        target = os.path.join(staging, rel) if rel else str(staging)
        for d in dirnames:
            os.mkdir(os.path.join(target, d))
        for f in filenames:
            os.link(os.path.join(dirpath, f), os.path.join(target, f))


def remove_file(staging: Path, path: str) -> None:
    """Remove an output that is no longer planned, and the folders it leaves empty."""
    target = staging / path
    target.unlink(missing_ok=True)
    folder = target.parent
    while folder != staging:
        try:
            folder.rmdir()
        except OSError:
            break  # not empty
        folder = folder.parent


def copy_static(staging: Path) -> None:
    shutil.copytree(STATIC, staging / "assets", dirs_exist_ok=True)


def copy_file(src: Path, staging: Path, path: str) -> None:
    target = staging / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)  # it may be a hard link into the published site
    shutil.copyfile(src, target)


def swap(staging: Path, out: Path) -> None:
    """Replace ``out`` with ``staging``: two renames, so readers never see a half-written site.

    The old tree is deleted by a detached ``rm -rf`` after the swap: on a large site, unlinking
    tens of thousands of files takes longer than the build, and nobody waits for garbage.
    """
    old = out.parent / f".{out.name}-old-{os.getpid()}-{time.time_ns()}"
    if out.exists():
        os.rename(out, old)
    try:
        os.rename(staging, out)
    except OSError:
        if old.exists():
            os.rename(old, out)
        raise
    if old.exists():
        remove_later(old)


def remove_later(folder: Path) -> None:
    rm = shutil.which("rm")
    if rm is None:  # pragma: no cover - every POSIX system has rm
        shutil.rmtree(folder, ignore_errors=True)
        return
    subprocess.Popen([rm, "-rf", "--", str(folder)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)


def discard(staging: Path) -> None:
    """Drop a failed build's staging folder (renamed first, so a retry never meets it)."""
    trash = staging.with_name(staging.name.replace("-staging-", "-old-", 1) + f"-{time.time_ns()}")
    try:
        os.rename(staging, trash)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        return
    remove_later(trash)
