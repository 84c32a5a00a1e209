"""Issue 20, finding 8: a full disk, a read-only output folder and a file-size limit end a build
with one line naming the path (no traceback), exit status 1, and the previous site untouched.

The full disk and the read-only folder are real: a small tmpfs mounted for the test (root only;
skipped elsewhere). The size limit is RLIMIT_FSIZE, set for the build process alone.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import archive, edit, start_build, tree


def _du(folder: Path) -> int:
    """Bytes the folder's files take on a tmpfs (whole 4 KB pages)."""
    return sum(-(-p.stat().st_size // 4096) * 4096 for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def mount(tmp_path: Path) -> Iterator[callable]:  # type: ignore[valid-type]
    mounted: list[Path] = []

    def make(size: int, name: str = "disk") -> Path:
        point = tmp_path / name
        point.mkdir()
        proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
        mounted.append(point)
        return point

    yield make
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], check=False)


def _build(root: Path, *extra: str, limit: int | None = None) -> tuple[int, str]:
    """``archivegen build`` in its own process; ``limit``: its RLIMIT_FSIZE in bytes."""
    def preexec() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = start_build(root, *extra, preexec=preexec)
    _, err = proc.communicate(timeout=300)
    return proc.returncode, err


def _one_line_error(err: str, path_part: str, words: str) -> None:
    assert "Traceback" not in err
    line = next(line for line in err.splitlines() if line.startswith("archivegen: error: "))
    assert path_part in line and words in line and line.endswith("site/ unchanged"), line


def test_issue20_a_full_disk_while_rendering_leaves_the_site(tmp_path: Path, mount):  # type: ignore[no-untyped-def]
    root = archive(tmp_path / "archive", 30)
    assert _build(root, "--no-index")[0] == 0
    size = _du(root / "site")
    disk = mount(int(size * 1.5))  # room for one site, not for a staging copy beside it
    out = disk / "site"
    shutil.copytree(root / "site", out)
    before = tree(out)
    edit(root, 30, "More text. " * 50)
    code, err = _build(root, "--no-index", "--out", str(out), "--base-url", "/other/")
    assert code == 1
    _one_line_error(err, str(disk), "no space left on the device")
    assert tree(out) == before
    assert not [p for p in disk.iterdir() if p.name != "site"]  # the staging folder went too


def test_issue20_a_full_disk_while_indexing_leaves_the_site(tmp_path: Path, mount):  # type: ignore[no-untyped-def]
    root = archive(tmp_path / "archive", 6)
    assert _build(root, "--no-index")[0] == 0
    pages = _du(root / "site")
    disk = mount(pages * 2 + 64 * 1024)  # the pages fit twice; the search index (~300 KB) does not
    out = disk / "site"
    shutil.copytree(root / "site", out)
    before = tree(out)
    code, err = _build(root, "--out", str(out))
    assert code == 1
    _one_line_error(err, str(disk), "no space left on the device")
    assert tree(out) == before


def test_issue20_a_read_only_output_folder_is_one_line(tmp_path: Path, mount):  # type: ignore[no-untyped-def]
    root = archive(tmp_path / "archive", 6)
    disk = mount(8 * 1024 * 1024)
    out = disk / "site"
    assert _build(root, "--no-index", "--out", str(out))[0] == 0
    before = tree(out)
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    edit(root, 6, "Changed.")
    code, err = _build(root, "--no-index", "--out", str(out))
    assert code == 1
    _one_line_error(err, str(disk), "the file system is read-only")
    assert tree(out) == before


def test_issue20_a_file_size_limit_is_one_line(tmp_path: Path):
    root = archive(tmp_path / "archive", 6)
    assert _build(root, "--no-index")[0] == 0
    before = tree(root / "site")
    edit(root, 6, "A long transcription. " * 4000)  # record pages of ~90 KB
    code, err = _build(root, "--no-index", limit=64 * 1024)
    assert code == 1
    _one_line_error(err, str(root), "file-size limit")  # the record cache or a page: both are over
    assert tree(root / "site") == before
