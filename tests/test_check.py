"""`archivegen check`: every problem in every file, in one sorted list, exit 1; writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import record_text, run_cli

INVALID = Path(__file__).parent / "archives" / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if (p / "expected.txt").is_file())


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file and folder under root with its bytes and mtime (folders: b'' and mtime)."""
    out = {}
    for path in sorted(root.rglob("*")):
        stat = path.lstat()
        data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
        out[path.relative_to(root).as_posix()] = (data, stat.st_mtime_ns)
    return out


@pytest.mark.parametrize("case", CASES)
def test_invalid_archive_reports_exactly_the_expected_problems(case: str, tmp_path: Path) -> None:
    root = tmp_path / case
    shutil.copytree(INVALID / case, root, symlinks=True)
    args_file = root / "args.txt"
    extra = args_file.read_text().split() if args_file.exists() else []
    before = _snapshot(root)
    proc = run_cli("check", "--root", str(root), *extra)
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8")
    assert proc.stderr == expected, (
        f"`archivegen check` output for tests/archives/invalid/{case} changed.\n"
        f"--- expected\n{expected}--- got\n{proc.stderr}")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert _snapshot(root) == before, "check wrote to the archive"


def test_every_problem_line_has_the_documented_shape() -> None:
    import re

    shape = re.compile(r"(documents/\S.*\.md|archive\.yaml):\d+: (error|warning): [^:]+: .+")
    for case in CASES:
        for line in (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines():
            assert shape.fullmatch(line), f"{case}: {line}"


def test_check_of_sample_archive_writes_nothing(tmp_path: Path) -> None:
    from conftest import copy_sample

    root = copy_sample(tmp_path / "sample")
    before = _snapshot(root)
    proc = run_cli("check", "--root", str(root))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "ok: no errors (0 warning(s))\n"
    assert _snapshot(root) == before
    assert not (root / "site").exists()


def test_unknown_field_is_a_warning_that_only_strict_turns_into_failure(tmp_archive) -> None:
    root = tmp_archive({"r.md": record_text(peple='["Nagy, Imre"]')})
    warning = "documents/r.md:4: warning: peple: unknown field; did you mean 'people'?\n"
    relaxed = run_cli("check", "--root", str(root))
    assert (relaxed.returncode, relaxed.stderr) == (0, warning)
    assert relaxed.stdout == "ok: no errors (1 warning(s))\n"
    strict = run_cli("check", "--root", str(root), "--strict")
    assert (strict.returncode, strict.stderr) == (1, warning)


def test_build_strict_fails_on_a_warning_and_leaves_no_site(tmp_archive) -> None:
    root = tmp_archive({"r.md": record_text(peple='["Nagy, Imre"]')})
    proc = run_cli("build", "--root", str(root), "--strict", "--no-index")
    assert proc.returncode == 1
    assert "peple: unknown field" in proc.stderr
    assert not (root / "site").exists()


def test_usage_error_exits_2_without_traceback(tmp_path: Path) -> None:
    for args in (["frobnicate"], ["check", "--no-such-option"], []):
        proc = run_cli(*args, cwd=tmp_path)
        assert proc.returncode == 2, args
        assert "usage:" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_archive_yaml_is_reported_not_raised(tmp_path: Path) -> None:
    proc = run_cli("check", "--root", str(tmp_path))
    assert proc.returncode == 1
    assert proc.stderr.startswith("archive.yaml: error: file: not found in ")
    assert "Traceback" not in proc.stderr
