"""The archive folder as an argument or --root, and where the build cache goes (issue 19)."""

from __future__ import annotations

import csv
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO, make_archive, record_text, run_cli

INVALID = REPO / "tests" / "archives" / "invalid" / "invalid-dates"


def tree(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file and folder under ``root``: its mtime and bytes (what a write would change)."""
    found: dict[str, tuple[int, bytes]] = {"": (root.stat().st_mtime_ns, b"")}
    for path in sorted(root.rglob("*")):
        data = path.read_bytes() if path.is_file() else b""
        found[path.relative_to(root).as_posix()] = (path.stat().st_mtime_ns, data)
    return found


@pytest.fixture
def small_archive(tmp_path: Path) -> Path:
    return make_archive(tmp_path / "my archive", {"a.md": record_text("First paper", "1956-11-01"),
                                                  "b.md": record_text("Second paper", "1957-02")})


@pytest.mark.parametrize("archive", [INVALID, None], ids=["invalid", "valid"])
def test_check_dir_and_check_root_dir_give_the_same_result(archive: Path | None, small_archive: Path) -> None:
    folder = str(archive or small_archive)
    positional = run_cli("check", folder, "--strict")
    with_root = run_cli("check", "--root", folder, "--strict")
    assert (positional.returncode, positional.stdout, positional.stderr) == (
        with_root.returncode, with_root.stdout, with_root.stderr)
    assert positional.returncode == (1 if archive else 0)
    assert ("error: date:" in positional.stderr) == bool(archive)


def test_every_command_takes_the_archive_folder_as_an_argument(small_archive: Path, tmp_path: Path) -> None:
    folder = str(small_archive)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # Run from another folder: only the argument can point at the archive.
    assert run_cli("build", folder, "--no-index", cwd=elsewhere, check=True).returncode == 0
    assert (small_archive / "site" / "index.html").is_file()
    new = run_cli("new", "Third paper", folder, "--date", "1958", cwd=elsewhere, check=True)
    assert Path(new.stdout.strip()).resolve() == (small_archive / "documents" / "third-paper.md").resolve()
    sheet = tmp_path / "rows.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["title", "date"], ["Fourth paper", "1959-01-02"]])
    run_cli("import", str(sheet), folder, cwd=elsewhere, check=True)
    assert (small_archive / "documents" / "fourth-paper.md").is_file()
    assert run_cli("check", folder, "--strict", cwd=elsewhere, check=True).stdout.startswith("ok")
    assert list(elsewhere.iterdir()) == []


def test_serve_takes_the_archive_folder_as_an_argument() -> None:
    from archivegen.commands.cli import _archive_root, _parser

    parser = _parser()
    for argv in (["serve", "some/archive"], ["serve", "--root", "some/archive"]):
        args = parser.parse_args(argv)
        assert _archive_root(parser, args) == Path("some/archive")


def test_two_different_archive_folders_are_a_usage_error(small_archive: Path, tmp_path: Path) -> None:
    proc = run_cli("check", str(small_archive), "--root", str(tmp_path))
    assert proc.returncode == 2
    assert "given twice" in proc.stderr and "Traceback" not in proc.stderr


@pytest.fixture
def read_only(small_archive: Path) -> Iterator[Path]:
    """The archive with every write bit cleared (root ignores them: the tree is compared too)."""
    modes = {p: p.stat().st_mode for p in [small_archive, *small_archive.rglob("*")]}
    for path, mode in modes.items():
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    yield small_archive
    for path, mode in sorted(modes.items(), key=lambda item: len(item[0].parts)):
        path.chmod(mode)


def test_a_read_only_archive_builds_with_the_cache_elsewhere(read_only: Path, tmp_path: Path) -> None:
    before = tree(read_only)
    out, cache = tmp_path / "public", tmp_path / "cache"
    run_cli("build", str(read_only), "--out", str(out), "--cache-dir", str(cache), "--no-index", check=True)
    assert "Second paper" in (out / "records" / "b" / "index.html").read_text(encoding="utf-8")
    assert (cache / "records" / "settings").is_file() and list(cache.glob("state-*.pickle"))
    assert tree(read_only) == before
    # The cache works from there: a second build writes nothing.
    again = run_cli("build", str(read_only), "--out", str(out), "--cache-dir", str(cache), "--no-index", check=True)
    assert "(0 written," in again.stdout
    assert tree(read_only) == before


def test_a_build_into_another_folder_caches_outside_the_archive(small_archive: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("ARCHIVEGEN_CACHE_DIR", raising=False)
    before = tree(small_archive)
    run_cli("build", str(small_archive), "--out", str(tmp_path / "public"), "--no-index", check=True)
    assert tree(small_archive) == before
    (folder,) = (tmp_path / "xdg" / "archivegen").iterdir()
    assert folder.name.startswith("my archive-") and (folder / "records" / "settings").is_file()


def test_the_environment_variable_holds_one_cache_per_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHIVEGEN_CACHE_DIR", str(tmp_path / "caches"))
    one = make_archive(tmp_path / "one", {"a.md": record_text("A paper")})
    two = make_archive(tmp_path / "two", {"a.md": record_text("Another paper")})
    for root in (one, two):
        run_cli("build", str(root), "--no-index", check=True)
        assert not (root / ".archivegen-cache").exists()
    names = sorted(p.name.rsplit("-", 1)[0] for p in (tmp_path / "caches").iterdir())
    assert names == ["one", "two"]


def test_a_build_inside_the_archive_keeps_its_cache_beside_site(small_archive: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARCHIVEGEN_CACHE_DIR", raising=False)
    run_cli("build", str(small_archive), "--no-index", check=True)
    assert (small_archive / ".archivegen-cache" / "records" / "settings").is_file()
    assert os.listdir(small_archive / "site")
