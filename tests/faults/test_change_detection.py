"""Issue 20, finding 4: an edit that keeps the file's size and modification time is rebuilt
(editors, ``git checkout``, ``rsync -t`` and restored backups set the mtime back)."""

from __future__ import annotations

import os
from pathlib import Path

from support import archive

from archivegen.build.pipeline import build_archive


def _same_size_same_mtime(path: Path, old: str, new: str) -> None:
    assert len(old.encode()) == len(new.encode())
    st = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (st.st_size, st.st_mtime_ns)


def test_issue20_an_edit_keeping_size_and_mtime_is_rebuilt(tmp_path: Path):
    root = archive(tmp_path / "archive", 6)
    build_archive(root, index=False, jobs=1)
    _same_size_same_mtime(root / "documents" / "r002.md", "Body of record 2.", "Body of RECORD 2.")
    result = build_archive(root, index=False, jobs=1)
    assert result.written >= 1
    assert "Body of RECORD 2." in (root / "site" / "records" / "r002" / "index.html").read_text(encoding="utf-8")


def test_issue20_a_title_edit_keeping_size_and_mtime_reaches_the_listings(tmp_path: Path):
    root = archive(tmp_path / "archive", 6)
    build_archive(root, index=False, jobs=1)
    _same_size_same_mtime(root / "documents" / "r003.md", "Record number 3", "Record NUMBER 3")
    build_archive(root, index=False, jobs=1)
    assert "Record NUMBER 3" in (root / "site" / "collections" / "polish-october" / "index.html").read_text(encoding="utf-8")
    assert "Record NUMBER 3" in (root / "site" / "data" / "records.csv").read_text(encoding="utf-8")


def test_issue20_an_archive_yaml_edit_keeping_size_and_mtime_is_rebuilt(tmp_path: Path):
    root = archive(tmp_path / "archive", 6)
    build_archive(root, index=False, jobs=1)
    _same_size_same_mtime(root / "archive.yaml", "Test Archive", "Best Archive")
    build_archive(root, index=False, jobs=1)
    assert "Best Archive" in (root / "site" / "index.html").read_text(encoding="utf-8")


def test_issue20_a_build_with_no_change_still_writes_nothing(tmp_path: Path):
    root = archive(tmp_path / "archive", 6)
    build_archive(root, index=False, jobs=1)
    assert build_archive(root, index=False, jobs=1).written == 0
