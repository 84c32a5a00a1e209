"""archivegen as users install it (issue 19): the wheel built by ``python -m build``, installed into
a fresh virtual environment (not editable, not this source tree), starts an archive with
``archivegen init``, builds it, serves it with ``archivegen serve``, and the site is searched in
Chromium.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from browser_support import new_page
from conftest import REPO

# One worker builds the wheel once (from a copy of the checkout: see ``dist``).
pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("installed")]

PACKAGED = ["templates/base.html", "templates/partials/record_item.html", "static/style.css",
            "static/search.js", "static/favicon.svg", "static/icon-512.png", "static/apple-touch-icon.png",
            "starter/archive.yaml", "starter/dot-github/workflows/publish.yml", "starter/dot-gitignore",
            "starter/templates/README.md", "locale/de.po", "locale/__init__.py"]


def _env() -> dict[str, str]:
    """The user's environment: nothing points at this checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "ARCHIVEGEN_"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _run(*args: str | Path, cwd: Path, timeout: int = 900) -> str:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=_env(), capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


#: What a checkout holds besides the project, at its top: never part of a release, large or in use.
#: (By the top only: ``src/archivegen/build/`` is the package's build stage.)
_NOT_SOURCE = {".git", ".venv", "node_modules", "site", "build", "dist", ".archivegen-cache"}


def _not_source(folder: str, names: list[str]) -> set[str]:
    top = _NOT_SOURCE if Path(folder) == REPO else {"out"} if Path(folder) == REPO / "bench" else set()
    return {n for n in names if n in top or n == "__pycache__" or n.endswith(("_cache", ".egg-info"))}


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel, built from a copy of the checkout: setuptools stages the sdist
    (``archivegen-0.1.0/``, the egg-info) inside the project folder, where the suite's other
    processes read and build the sample archive; a copy keeps the two apart."""
    source = tmp_path_factory.mktemp("source") / "archivegen"
    shutil.copytree(REPO, source, ignore=_not_source)
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--outdir", out, source, cwd=out)
    return out


@pytest.fixture(scope="module")
def venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed; its bin/ folder."""
    where = tmp_path_factory.mktemp("venv")
    # The test suite's own (current) pip installs into the new environment (pip --python), which
    # spares seeding it with the bundled pip and upgrading that: the wheel and its dependencies
    # are resolved and installed all the same.
    _run(sys.executable, "-m", "venv", "--without-pip", where / "env", cwd=where)
    bin_dir = where / "env" / "bin"
    (wheel,) = dist.glob("archivegen-*.whl")
    _run(sys.executable, "-m", "pip", "--python", bin_dir / "python", "install", "-q", wheel, cwd=where)
    return bin_dir


def test_the_wheel_and_the_sdist_carry_templates_static_files_icons_and_the_starter(dist: Path) -> None:
    (wheel,) = dist.glob("archivegen-*.whl")
    (sdist,) = dist.glob("archivegen-*.tar.gz")
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    with tarfile.open(sdist) as tar:
        in_sdist = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    for rel in PACKAGED:
        assert f"archivegen/{rel}" in in_wheel, rel
        assert f"src/archivegen/{rel}" in in_sdist, rel
    packaged = {name for name in in_wheel if name.startswith("archivegen/templates/")}
    shipped = {f"archivegen/{p.relative_to(REPO / 'src' / 'archivegen').as_posix()}"
               for p in (REPO / "src" / "archivegen" / "templates").rglob("*") if p.is_file()}
    assert packaged == shipped


def test_the_installed_package_is_not_this_source_tree(venv: Path, tmp_path: Path) -> None:
    where = _run(venv / "python", "-c", "import archivegen; print(archivegen.__file__)", cwd=tmp_path).strip()
    assert Path(where).is_relative_to(venv.parent) and not Path(where).is_relative_to(REPO / "src")
    direct_url = list((venv.parent / "lib").glob("python3*/site-packages/archivegen-*.dist-info/direct_url.json"))
    assert not direct_url or '"editable": true' not in direct_url[0].read_text()


@contextmanager
def _serve(venv: Path, archive: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    proc = subprocess.Popen([str(venv / "archivegen"), "serve", str(archive), "--port", "0"], cwd=archive.parent,
                            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout or ()], daemon=True).start()
    try:
        said = []
        while True:
            line = lines.get(timeout=300)
            said.append(line)
            found = re.search(r"serving (http://127\.0\.0\.1:\d+/\S*)", line)
            if found:
                break
            assert proc.poll() is None, "".join(said)
        yield proc, found.group(1)
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_a_new_archive_from_the_installed_wheel_builds_serves_and_is_searchable(
        venv: Path, tmp_path: Path, chromium: Any) -> None:
    empty = tmp_path / "work"
    empty.mkdir()
    _run(venv / "archivegen", "init", "letters", "--title", "Legation Letters", cwd=empty)
    archive = empty / "letters"
    assert "ok: no errors" in _run(venv / "archivegen", "check", "--strict", cwd=archive)
    assert "built 1 records" in _run(venv / "archivegen", "build", "--strict", cwd=archive)
    assert (archive / "site" / "pagefind").is_dir()
    with _serve(venv, archive) as (proc, url):
        _search(chromium, url)
    assert proc.returncode == 0


def _search(chromium: Any, url: str) -> None:
    page = new_page(chromium)
    try:
        page.goto(url)
        assert "Legation Letters" in page.title()
        page.fill("#site-search", "legation telegram")
        page.press("#site-search", "Enter")
        page.wait_for_url(re.compile(r"/search/\?q=legation"))
        hit = page.locator("a[href*='records/example-legation-telegram-1956/']").first
        hit.wait_for()
        hit.click()
        # A result link carries the query words for the highlight (issue 17): ?highlight=…
        page.wait_for_url(re.compile(r"/records/example-legation-telegram-1956/(\?highlight=[^#]*)?$"))
        assert page.text_content("h1") == "Telegram From the Legation in Hungary to the Department of State"
        assert page.errors == []
    finally:
        page.close()
