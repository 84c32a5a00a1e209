"""``archivegen init``: a new archive that checks, builds and publishes as it is (issue 19)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from conftest import REPO, run_cli
from test_publish_workflow import _tool

STARTED = {"README.md", "archive.yaml", "documents/example-legation-telegram-1956.md",
           ".github/workflows/publish.yml", ".github/zizmor.yml", ".gitignore", "templates/README.md"}


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_init_writes_an_archive_that_passes_a_strict_check_and_builds(tmp_path: Path) -> None:
    root = tmp_path / "letters"
    proc = run_cli("init", str(root), "--title", 'Letters: "Budapest" & Vienna', check=True)
    assert files(root) == STARTED
    assert proc.stdout.count("created ") == len(STARTED) and "archivegen serve" in proc.stdout
    assert yaml.safe_load((root / "archive.yaml").read_text())["title"] == 'Letters: "Budapest" & Vienna'
    assert run_cli("check", str(root), "--strict", check=True).stdout.startswith("ok: no errors (0 warning")
    run_cli("build", str(root), "--strict", "--no-index", check=True)
    home = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert "Letters: &#34;Budapest&#34; &amp; Vienna" in home or "Letters: &quot;Budapest&quot; &amp; Vienna" in home
    record = (root / "site" / "records" / "example-legation-telegram-1956" / "index.html").read_text()
    assert "Telegram From the Legation in Hungary" in record and "stronger suggestion" in record


def test_init_in_the_current_folder_without_an_argument(tmp_path: Path) -> None:
    run_cli("init", cwd=tmp_path, check=True)
    assert files(tmp_path) == STARTED
    assert yaml.safe_load((tmp_path / "archive.yaml").read_text())["title"] == "My Archive"


def test_init_never_replaces_a_file(tmp_path: Path) -> None:
    (tmp_path / "documents").mkdir()
    mine = {"archive.yaml": b"title: Mine\n", ".gitignore": b"secret/\n", "README.md": b"# mine\n"}
    for name, data in mine.items():
        (tmp_path / name).write_bytes(data)
    proc = run_cli("init", str(tmp_path), check=True)
    assert {name: (tmp_path / name).read_bytes() for name in mine} == mine
    assert sorted(line.split()[1] for line in proc.stdout.splitlines() if line.startswith("kept")) == sorted(
        str(tmp_path / name) for name in mine)
    assert files(tmp_path) == STARTED
    again = run_cli("init", str(tmp_path), check=True)
    assert "created" not in again.stdout and again.stdout.count("kept") == len(STARTED)


def test_init_into_a_file_is_an_error_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    proc = run_cli("init", str(tmp_path / "taken"))
    assert proc.returncode == 1 and "is a file" in proc.stderr and "Traceback" not in proc.stderr


def test_the_starter_workflow_passes_actionlint_and_zizmor_and_installs_this_version(tmp_path: Path) -> None:
    run_cli("init", str(tmp_path), check=True)
    workflow = tmp_path / ".github" / "workflows" / "publish.yml"
    lint = subprocess.run([_tool("actionlint"), "-no-color", str(workflow)], capture_output=True, text=True, check=False)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    audit = subprocess.run([_tool("zizmor"), "--offline", "--no-progress", str(workflow)],
                           capture_output=True, text=True, cwd=tmp_path, check=False)
    assert audit.returncode == 0, audit.stdout + audit.stderr
    from archivegen import __version__

    flow = yaml.safe_load(workflow.read_text())
    assert flow["env"]["ARCHIVEGEN"] == f"archivegen=={__version__}"
    steps = "\n".join(str(s.get("run", "")) for job in flow["jobs"].values() for s in job.get("steps", []))
    assert 'pip install -q "$ARCHIVEGEN"' in steps and "archivegen check --strict" in steps
    assert "-e ." not in steps and "pytest" not in steps  # an archive has no source tree or tests
    # The parts that publish are this repository's own (tested in test_publish_workflow.py).
    ours = yaml.safe_load((REPO / ".github" / "workflows" / "publish.yml").read_text())
    assert flow["jobs"]["deploy"] == ours["jobs"]["deploy"] and flow[True] == ours[True]


def test_the_starter_gitignore_keeps_built_files_out(tmp_path: Path) -> None:
    run_cli("init", str(tmp_path), check=True)
    run_cli("build", str(tmp_path), "--no-index", check=True)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    status = subprocess.run(["git", "-C", str(tmp_path), "status", "--porcelain", "-uall"],
                            capture_output=True, text=True, check=True).stdout
    assert {line[3:] for line in status.splitlines()} == STARTED
