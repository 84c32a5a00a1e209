"""The GitHub Actions workflow that checks pull requests and publishes main to GitHub Pages."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import REPO, record_text, run_cli

WORKFLOW = REPO / ".github" / "workflows" / "publish.yml"


def _tool(name: str) -> str:
    # Beside this Python first: scripts/test.sh runs .venv/bin/python without activating the venv.
    path = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert path, f"{name} is missing: pip install -e '.[test]' installs it"
    return path


def test_publish_workflow_passes_actionlint():
    proc = subprocess.run([_tool("actionlint"), "-no-color", str(WORKFLOW)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_publish_workflow_passes_zizmor_security_audit():
    proc = subprocess.run([_tool("zizmor"), "--offline", "--no-progress", str(WORKFLOW)],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _steps(job: dict) -> str:
    return "\n".join(str(step.get("run", "")) + str(step.get("uses", "")) for step in job["steps"])


def test_pull_requests_are_checked_strictly_built_and_tested():
    flow = yaml.safe_load(WORKFLOW.read_text())
    triggers = flow[True]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    check = flow["jobs"]["check"]
    assert check["if"] == "github.event_name == 'pull_request'"
    steps = _steps(check)
    for command in ("apt-get install -y -qq --no-install-recommends chromium", "pip install -q -e '.[test]'",
                    "archivegen check --strict", "archivegen build", "python -m pytest"):
        assert command in steps, command


def test_main_is_built_for_the_pages_address_and_deployed():
    flow = yaml.safe_load(WORKFLOW.read_text())
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    assert flow["permissions"] == {"contents": "read"}
    pages = next(s for s in build["steps"] if str(s.get("uses", "")).startswith("actions/configure-pages@"))
    make = next(s for s in build["steps"] if "archivegen build" in str(s.get("run", "")))
    assert make["env"]["BASE_URL"] == "${{{{ steps.{}.outputs.base_url }}}}".format(pages["id"])
    assert '--base-url "$BASE_URL"' in make["run"]
    upload = next(s for s in build["steps"] if str(s.get("uses", "")).startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"].rstrip("/") == "site"
    assert deploy["needs"] == "build" and deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert deploy["environment"]["name"] == "github-pages"
    assert any(str(s.get("uses", "")).startswith("actions/deploy-pages@") for s in deploy["steps"])


def test_the_pages_base_url_output_gives_links_under_the_repository_path(tmp_archive):
    """configure-pages outputs https://OWNER.github.io/REPO, without a trailing slash."""
    root = tmp_archive({"a.md": record_text("A record")})
    proc = run_cli("build", "--no-index", "--root", str(root), "--base-url", "https://owner.github.io/repo")
    assert proc.returncode == 0, proc.stderr
    page = (root / "site" / "records" / "a" / "index.html").read_text()
    assert 'href="/repo/assets/style.css"' in page and 'href="/repo/"' in page
    assert "/archive/" not in page  # archive.yaml's base_url is overridden everywhere
