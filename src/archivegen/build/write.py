"""Staging folder, copies, and committing them into site/.

A build writes into a staging folder beside the output, and touches the published site only when
every stage succeeded. A full build then moves the old output aside and renames the staging
folder into place (``swap``). An incremental build's staging folder holds only what changed:
``commit`` moves those files into the site one by one (each an atomic rename), swaps the index
folder by rename, and keeps every file it replaced until the end, so that a failure half-way
puts them all back. A failed build removes its staging folder and leaves the published site
byte-identical.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from pathlib import Path

STATIC = Path(__file__).parent.parent / "static"


def _staging_path(out: Path, pid: int) -> Path:
    return out.parent / f".{out.name}-staging-{pid}"


def discard_staging(out: Path, pid: int) -> None:
    """Remove the staging folder process ``pid`` left (a build process that was killed)."""
    shutil.rmtree(_staging_path(out, pid), ignore_errors=True)


def staging_dir(out: Path) -> Path:
    staging = _staging_path(out, os.getpid())
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


def write_file(staging: Path, path: str, data: bytes) -> None:
    """Write one output into a staging folder (never linked to the published site).

    Plain system calls, the folder made only when the open finds none: 42,739 files (10,000
    records) in 1.35–1.55 s, against 2.2–2.8 s through pathlib with a mkdir per file."""
    name = f"{staging}/{path}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
    try:
        fd = os.open(name, flags, 0o666)
    except FileNotFoundError:
        os.makedirs(name.rpartition("/")[0], exist_ok=True)
        fd = os.open(name, flags, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


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


def _backup_link(src: Path, dst: Path) -> None:
    """Keep ``src``'s file (same inode when the file system allows) at ``dst``."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _prune(folder: Path, top: Path) -> None:
    """Remove ``folder`` and its parents below ``top`` while they are empty."""
    while folder != top and top in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty
        folder = folder.parent


def commit(staging: Path, out: Path, files: list[str], removed: list[str], folders: list[str]) -> None:
    """Move an incremental build's outputs from ``staging`` into ``out``, in time proportional to
    the change (no copy or link of the unchanged site).

    ``files``: site-relative files written in ``staging``, each renamed over its old version;
    ``removed``: files ``out`` loses; ``folders``: top-level folders of ``staging`` that replace
    ``out``'s whole (the search index), by rename (one missing from ``staging`` is removed). Every
    replaced or removed file is first
    hard-linked into a backup folder; if any step fails, everything done is undone (old files
    back at their inodes, new ones deleted, folders renamed back) and the error re-raised.
    ``staging`` is removed either way; the backup is deleted in the background on success.
    """
    backup = out.parent / f".{out.name}-old-{os.getpid()}-{time.time_ns()}"
    backup.mkdir()
    done: list[tuple[str, bool]] = []  # (file, whether out had one before)
    swapped: list[str] = []
    created: list[Path] = []  # folders made in out, to remove again on a rollback
    try:
        for name in folders:
            if (out / name).exists():
                (backup / name).parent.mkdir(parents=True, exist_ok=True)
                os.rename(out / name, backup / name)
            swapped.append(name)
            if (staging / name).exists():  # else the site loses the folder (an emptied delta index)
                os.rename(staging / name, out / name)
        for rel in files:
            target = out / rel
            had = os.path.lexists(target)
            if had:
                _backup_link(target, backup / rel)
            else:
                missing = [p for p in [target.parent, *target.parent.parents] if p != out and out in p.parents
                           and not p.exists()]
                for folder in reversed(missing):
                    folder.mkdir()
                    created.append(folder)
            done.append((rel, had))
            os.replace(staging / rel, target)
        for rel in removed:
            target = out / rel
            if not os.path.lexists(target):
                continue
            _backup_link(target, backup / rel)
            done.append((rel, True))
            target.unlink()
            _prune(target.parent, out)
    except BaseException:
        _rollback(out, backup, done, swapped, created)
        discard(staging)
        raise
    remove_later(backup)
    discard(staging)


def _rollback(out: Path, backup: Path, done: list[tuple[str, bool]], swapped: list[str],
              created: list[Path]) -> None:
    for rel, had in reversed(done):
        target = out / rel
        if had:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(backup / rel, target)
        else:
            target.unlink(missing_ok=True)
    for folder in reversed(created):
        with contextlib.suppress(OSError):
            folder.rmdir()
    for name in reversed(swapped):
        if (out / name).exists():
            remove_later_path = out.parent / f".{out.name}-old-{os.getpid()}-{time.time_ns()}"
            os.rename(out / name, remove_later_path)
            remove_later(remove_later_path)
        if (backup / name).exists():
            os.rename(backup / name, out / name)
    remove_later(backup)
