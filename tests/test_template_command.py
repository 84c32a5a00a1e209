"""``archivegen template``: copy a default template to change it; a warning when its default
changes after it was copied (issue 19)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archivegen.commands import templates
from archivegen.render import overrides
from conftest import make_archive, record_text, run_cli


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return make_archive(tmp_path / "a", {"x.md": record_text("A paper", "1956-11-01", "Some text.")})


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_a_fresh_copy_changes_no_byte_of_the_site(archive: Path) -> None:
    run_cli("build", str(archive), "--no-index", check=True)
    before = site_files(archive / "site")
    for name in ("record.html", "partials/record_item.html", "robots.txt", "site.webmanifest", "feed.xml"):
        proc = run_cli("template", name, str(archive), check=True)
        copy = archive / "templates" / name
        assert proc.stdout.startswith(str(copy))
        header, rest = copy.read_text(encoding="utf-8").split("\n", 1)
        assert header.startswith(f"{{# archivegen: copied from default/{name} sha256:") and header.endswith("#}")
        assert rest == (overrides.PACKAGE_TEMPLATES / name).read_text(encoding="utf-8")
    run_cli("build", str(archive), "--no-index", check=True)
    assert site_files(archive / "site") == before


def test_the_copy_is_what_the_site_shows(archive: Path) -> None:
    run_cli("template", "record.html", str(archive), check=True)
    copy = archive / "templates" / "record.html"
    copy.write_text(copy.read_text().replace("{% block main %}", "{% block main %}<p>Provisional.</p>", 1))
    run_cli("build", str(archive), "--no-index", check=True)
    assert "<p>Provisional.</p>" in (archive / "site" / "records" / "x" / "index.html").read_text()


@pytest.fixture
def upgradable(archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The package's templates in a folder of their own, so a test can play an upgrade."""
    defaults = tmp_path / "defaults"
    shutil.copytree(overrides.PACKAGE_TEMPLATES, defaults)
    monkeypatch.setattr(overrides, "PACKAGE_TEMPLATES", defaults)
    return defaults


def test_an_upgrade_that_changes_a_copied_default_is_warned_about_until_accepted(
        archive: Path, upgradable: Path) -> None:
    templates.copy_template(archive, "partials/record_item.html")
    templates.copy_template(archive, "home.html")
    assert overrides.check_overrides(archive) == []
    default = upgradable / "partials" / "record_item.html"
    default.write_text(default.read_text() + "<p>new in this version</p>\n")  # the upgrade
    (problem,) = overrides.check_overrides(archive)
    assert problem.format().startswith("templates/partials/record_item.html:1: warning: template: the default "
                                       "partials/record_item.html has changed since this copy was made")
    assert "archivegen template partials/record_item.html --diff" in problem.message
    assert "+++ templates/partials/record_item.html" in templates.diff_template(archive, "partials/record_item.html")
    assert "-<p>new in this version</p>" in templates.diff_template(archive, "partials/record_item.html")
    assert "changed since" in dict(zip(overrides.default_names(), templates.listing(archive), strict=True))[
        "partials/record_item.html"]
    templates.accept_template(archive, "partials/record_item.html")
    assert overrides.check_overrides(archive) == []


def test_check_and_build_report_a_stale_copy_and_strict_fails(archive: Path) -> None:
    run_cli("template", "record.html", str(archive), check=True)
    copy = archive / "templates" / "record.html"
    _, rest = copy.read_text().split("\n", 1)
    # A copy made from another version of the default: its recorded hash is not the current one.
    current = overrides.default_digest("record.html")
    copy.write_text(overrides.header("record.html").replace(current, "0123456789abcdef") + rest)
    check = run_cli("check", str(archive))
    assert check.returncode == 0 and "templates/record.html:1: warning: template:" in check.stderr
    assert run_cli("check", str(archive), "--strict").returncode == 1
    build = run_cli("build", str(archive), "--no-index", check=True)
    assert "templates/record.html:1: warning: template:" in build.stderr
    run_cli("template", "record.html", str(archive), "--accept", check=True)
    assert "warning" not in run_cli("check", str(archive), "--strict", check=True).stderr


def test_an_override_that_extends_the_default_is_not_tracked(archive: Path) -> None:
    (archive / "templates").mkdir()
    (archive / "templates" / "record.html").write_text('{% extends "default/record.html" %}\n')
    assert overrides.check_overrides(archive) == []
    assert "not checked" in dict(zip(overrides.default_names(), templates.listing(archive), strict=True))["record.html"]


def test_a_copy_is_never_replaced_and_unknown_names_are_explained(archive: Path) -> None:
    run_cli("template", "record.html", str(archive), check=True)
    copy = archive / "templates" / "record.html"
    copy.write_text("mine")
    again = run_cli("template", "record.html", str(archive))
    assert again.returncode == 1 and "exists already" in again.stderr and copy.read_text() == "mine"
    wrong = run_cli("template", "recrod.html", str(archive))
    assert wrong.returncode == 1 and "did you mean record.html" in wrong.stderr and "Traceback" not in wrong.stderr
    listed = run_cli("template", "--list", str(archive), check=True).stdout.splitlines()
    assert [line.split()[0] for line in listed] == overrides.default_names()
