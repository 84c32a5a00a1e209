"""archivegen new: a fresh record file that check accepts, never replacing anything."""

from __future__ import annotations

from pathlib import Path

from conftest import record_text, run_cli


def test_new_writes_a_record_that_check_accepts_strictly(tmp_archive):
    root = tmp_archive({})
    proc = run_cli("new", "Andropov Report: 1 November 1956", "--date", "1956-11-01",
                   "--collection", "Hungarian Revolution, 1956", "--collection", "Kádár's letters",
                   "--root", str(root))
    assert proc.returncode == 0, proc.stderr
    path = Path(proc.stdout.strip())
    assert path == root / "documents" / "andropov-report-1-november-1956.md"
    text = path.read_text()
    for field in ("title", "date", "type", "summary", "languages", "creators", "people", "places",
                  "subjects", "collections", "classification", "archive", "source", "rights",
                  "uploaded", "related", "files"):
        assert f"\n{field}:" in text, field
    assert text.count("\n# ") >= 17  # every field is explained
    check = run_cli("check", "--strict", "--root", str(root))
    assert check.returncode == 0, check.stderr
    build = run_cli("build", "--no-index", "--root", str(root))
    assert build.returncode == 0, build.stderr
    page = (root / "site" / "records" / path.stem / "index.html").read_text()
    assert "Andropov Report: 1 November 1956" in page and "Kádár&#39;s letters" in page


def test_new_never_overwrites_and_never_reuses_an_id_from_any_folder(tmp_archive):
    root = tmp_archive({"nagy-letter.md": record_text("Nagy letter", body="Original."),
                        "sub/Nagy-Letter-2.md": record_text("Nagy letter, again")})
    before = (root / "documents" / "nagy-letter.md").read_bytes()
    proc = run_cli("new", "Nagy Letter", "--date", "1956", "--root", str(root))
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.strip()).name == "nagy-letter-3.md"  # -2 is taken, in another case and folder
    assert (root / "documents" / "nagy-letter.md").read_bytes() == before
    assert run_cli("check", "--root", str(root)).returncode == 0


def test_new_refuses_an_id_already_in_use(tmp_archive):
    root = tmp_archive({"sub/x1.md": record_text("X")})
    proc = run_cli("new", "Something", "--date", "1956", "--id", "X1", "--root", str(root))
    assert proc.returncode == 1
    assert '"X1" is already used by a record under documents/' in proc.stderr
    assert not (root / "documents" / "X1.md").exists()


def test_new_reports_a_bad_date_and_writes_nothing(tmp_archive):
    root = tmp_archive({})
    proc = run_cli("new", "Something", "--date", "1956-13-01", "--root", str(root))
    assert proc.returncode == 1
    assert 'archivegen new: error: date: "1956-13-01" is not EDTF (month 13)' in proc.stderr
    assert list((root / "documents").iterdir()) == []


def test_new_requires_a_date(tmp_archive):
    root = tmp_archive({})
    proc = run_cli("new", "Something", "--root", str(root))
    assert proc.returncode == 2
    assert "--date" in proc.stderr
    assert list((root / "documents").iterdir()) == []


def test_new_quotes_titles_that_yaml_would_misread(tmp_archive):
    root = tmp_archive({})
    for title in ("yes", "1956", "#hash: colon", '"quoted" - and [brackets]'):
        proc = run_cli("new", title, "--date", "1956", "--root", str(root))
        assert proc.returncode == 0, proc.stderr
    assert run_cli("check", "--strict", "--root", str(root)).returncode == 0
    build = run_cli("build", "--no-index", "--root", str(root))
    assert build.returncode == 0, build.stderr
    titles = {p.parent.name: p.read_text() for p in (root / "site" / "records").glob("*/index.html")}
    assert "&#34;quoted&#34; - and [brackets]" in "".join(titles.values()) or \
        "&quot;quoted&quot; - and [brackets]" in "".join(titles.values())
    assert ">1956</h1>" in "".join(titles.values())


def test_every_command_explains_itself_with_examples():
    top = run_cli("--help")
    assert top.returncode == 0
    for command in ("serve", "new", "import"):
        assert f"archivegen {command}" in top.stdout  # an example of each in the overview
        proc = run_cli(command, "--help")
        assert proc.returncode == 0 and "example" in proc.stdout and f"archivegen {command} " in proc.stdout
