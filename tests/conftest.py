"""Shared fixtures: the sample archive, small archives made in tmp_path, and the CLI."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"

sys.path.insert(0, str(SRC))

from archivegen.build.pipeline import build_archive  # noqa: E402
from archivegen.build.read import load_archive  # noqa: E402
from archivegen.records.model import Record  # noqa: E402

# Browser fixtures are registered here once, so every module shares one Chromium and one server.
from browser_support import chromium, serve_site  # noqa: E402, F401 - one browser per session
from reader_support import site_server  # noqa: E402, F401
from search_support import build_sharded  # noqa: E402


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Under ``--dist loadgroup`` (scripts/test.sh) pytest-xdist keeps the tests of one
    ``xdist_group`` on one worker by adding "@<group>" to their node ids. If it could not, the
    group's tests are dealt to both workers and each repeats the group's shared work (pytest 9.2
    with pytest-xdist 3.8: pytest-dev/pytest-xdist#1386): each such test fails, saying so."""
    if (getattr(item.config.option, "loadgroup", False) and item.get_closest_marker("xdist_group")
            and "@" not in item.nodeid):
        pytest.fail("--dist loadgroup did not keep this test's xdist_group on one worker: this pytest "
                    "and pytest-xdist do not work together (see the pytest pin in pyproject.toml)",
                    pytrace=False)


ARCHIVE_YAML = """\
title: Test Archive
description: A small archive for tests.
base_url: https://example.org/archive/
publisher: Test Program
language: en
rights:
  local-reuse:
    label: Reuse for research
    text: You may reuse this for research.
    uri: http://rightsstatements.org/vocab/InC-EDU/1.0/
collections:
  "Hungarian Revolution, 1956":
    description: Records on the uprising.
"""


def run_cli(*args: str, cwd: Path | None = None, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run ``python -m archivegen ARGS`` as a user would, with this checkout's source."""
    env = dict(os.environ, PYTHONPATH=str(SRC))
    proc = subprocess.run([sys.executable, "-m", "archivegen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"archivegen {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


def record_text(title: str = "A record", date: str = "1956-11-01", body: str = "Body text.", **fields: str) -> str:
    """A record file's text; extra fields are YAML source lines (``people='["Nagy, Imre"]'``)."""
    lines = [f"title: {title!r}" if "'" not in title else f'title: "{title}"', f"date: {date}"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


def make_archive(root: Path, records: dict[str, str], archive_yaml: str = ARCHIVE_YAML) -> Path:
    """Write archive.yaml and documents/<name> for each record text; return root."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "archive.yaml").write_text(textwrap.dedent(archive_yaml), encoding="utf-8")
    for name, text in records.items():
        path = root / "documents" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "documents").mkdir(exist_ok=True)
    return root


@pytest.fixture
def tmp_archive(tmp_path: Path):
    """Factory: tmp_archive({"a.md": record_text(...)}) -> archive root."""
    def factory(records: dict[str, str], archive_yaml: str = ARCHIVE_YAML) -> Path:
        return make_archive(tmp_path / "archive", records, archive_yaml)
    return factory


def copy_sample(dest: Path) -> Path:
    """A copy of the repository's sample archive (archive.yaml, documents/, authorities/, templates/)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "archive.yaml", dest / "archive.yaml")
    shutil.copytree(REPO / "documents", dest / "documents")
    if (REPO / "authorities").is_dir():
        shutil.copytree(REPO / "authorities", dest / "authorities")
    if (REPO / "templates").is_dir():
        shutil.copytree(REPO / "templates", dest / "templates")
    return dest


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], Path]) -> Path:
    """A copy of the sample built by ``build(root)`` (which returns the site) once per test run.

    Under pytest-xdist each worker runs the session fixtures itself; the build goes to the run's
    shared temporary folder instead, under a lock, so the first worker to need it builds it and
    the other reads the same files. The tests only read these sites."""
    worker = tmp_path_factory.getbasetemp()
    shared = worker.parent if os.environ.get("PYTEST_XDIST_WORKER") else worker
    root = shared / f"built-{name}"
    with open(shared / f"built-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        done = shared / f"built-{name}.done"
        if done.is_file():
            return Path(done.read_text(encoding="utf-8"))
        shutil.rmtree(root, ignore_errors=True)  # a failed build's leftovers
        site = build(copy_sample(root))
        done.write_text(str(site), encoding="utf-8")
        return site


def _build(root: Path, **options: Any) -> Path:
    build_archive(root, **options)
    return root / "site"


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive built once per session (with its search index), at base_url /archive/."""
    return built_once(tmp_path_factory, "sample", _build)


@pytest.fixture(scope="session")
def sample_site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive built for serving at the root of a host (base_url /)."""
    return built_once(tmp_path_factory, "sample-root", lambda root: _build(root, base_url="/"))


@pytest.fixture(scope="session")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive built once per session at base_url /archive/ with its search index in
    8 shards (ARCHIVEGEN_SHARD_SIZE=50 over 283 records)."""
    return built_once(tmp_path_factory, "sample-sharded", build_sharded)


@pytest.fixture(scope="session")
def sample_model() -> dict[str, Record]:
    """The sample archive's records by id, as the build reads them."""
    archive, _ = load_archive(REPO)
    assert archive is not None
    return archive.by_id
