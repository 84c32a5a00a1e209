"""archivegen import: spreadsheet rows to record files, checked first, all or nothing."""

from __future__ import annotations

import csv
import io
import re
import shutil
import sys
from pathlib import Path

from conftest import REPO, SRC, make_archive, record_text, run_cli

sys.path.insert(0, str(SRC))

from archivegen.build.pipeline import build_archive
from archivegen.records.fields import FIELDS
from archivegen.records.load import find_documents, read_record

COLUMNS = ["id", *(f.name for f in FIELDS if f.imported), "body"]
LIST_FIELDS = {f.name for f in FIELDS if f.kind.multi and f.imported}
#: Fields a spreadsheet cannot carry (lists of mappings: texts, contributors).
NOT_IMPORTED = {f.name for f in FIELDS if not f.imported}


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str], bom: bool = True) -> Path:
    """As Excel's "CSV UTF-8" saves it: a byte order mark and CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode())
    return path


def main_of(page: Path) -> str:
    return re.search(r"<main\b.*?</main>", page.read_text(), re.S).group(0)


def test_import_round_trips_the_sample_records(tmp_path: Path, sample_site: Path):
    """Export the sample archive to a spreadsheet, import it into an empty archive, build both:
    every record page's main content is identical (but for records with fields a spreadsheet
    cannot carry, such as the model record's texts: those are imported without them)."""
    rows = []
    partial: set[str] = set()
    for file in find_documents(REPO):
        raw, problems = read_record(REPO, file)
        assert raw is not None, problems
        row = {"id": raw.id, "body": raw.body}
        for key, value in raw.fields.items():
            if key in NOT_IMPORTED:
                partial.add(raw.id)
            elif key in LIST_FIELDS:
                # Items containing ';' go one per line in the cell (Alt+Enter in Excel).
                row[key] = "\n".join(value) if any(";" in v for v in value) else "; ".join(value)
            else:
                row[key] = value
        rows.append(row)
    spreadsheet = write_csv(tmp_path / "records.csv", rows, COLUMNS)
    root = make_archive(tmp_path / "fresh", {}, (REPO / "archive.yaml").read_text())
    # The sample's authority files are not records: they come along as they are; so do the
    # originals its records list (a scan), put where the imported record files will be.
    shutil.copytree(REPO / "authorities", root / "authorities")
    for file in find_documents(REPO):
        raw, _ = read_record(REPO, file)
        for name in raw.fields.get("files", []) if raw else []:
            shutil.copy(file.parent / name, root / "documents" / Path(name).name)

    proc = run_cli("import", str(spreadsheet), "--root", str(root))
    assert proc.returncode == 0, proc.stderr
    assert f"imported {len(rows)} record(s) from records.csv" in proc.stdout
    build_archive(root, strict=True, index=False)

    assert partial == {"andropov-report-1-november-1956", "huckleberry-finn-chapter-3-page-29"}  # texts, contributors
    for row in rows:
        rel = Path("records") / row["id"] / "index.html"
        if row["id"] in partial:
            assert (root / "site" / rel).is_file()
            continue
        assert main_of(root / "site" / rel) == main_of(sample_site / rel), row["id"]


def test_import_makes_ids_from_titles_and_splits_list_cells(tmp_archive, tmp_path: Path):
    root = tmp_archive({"nagy-letter.md": record_text("Nagy letter", body="Existing.")})
    before = (root / "documents" / "nagy-letter.md").read_bytes()
    spreadsheet = write_csv(tmp_path / "batch.csv", [
        {"Title": "Nagy Letter", "Date": "1956-11-02", "People": "Nagy, Imre ; Kádár, János;",
         "Transcription": "**Top Secret**\r\n\r\nSecond paragraph: with a colon."},
        {"Title": "Nagy Letter", "Date": "1956", "People": "", "Transcription": ""},
    ], ["Title", "Date", "People", "Transcription"])
    proc = run_cli("import", str(spreadsheet), "--root", str(root))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:2] == [str(root / "documents" / "nagy-letter-2.md"),
                                            str(root / "documents" / "nagy-letter-3.md")]
    assert (root / "documents" / "nagy-letter.md").read_bytes() == before
    build_archive(root, index=False)
    page = (root / "site" / "records" / "nagy-letter-2" / "index.html").read_text()
    assert "Nagy, Imre" in page and "Kádár, János" in page
    assert "<strong>Top Secret</strong>" in page and "<p>Second paragraph: with a colon.</p>" in page


def test_import_reports_every_bad_row_by_spreadsheet_row_and_writes_nothing(tmp_archive, tmp_path: Path):
    root = tmp_archive({"taken.md": record_text("Taken")})
    spreadsheet = write_csv(tmp_path / "records.csv", [
        {"id": "", "title": "Good one", "date": "1956-11-01", "languages": "Russian",
         "body": "A cell\nover three\nlines"},
        {"id": "", "title": "", "date": "1956", "languages": "", "body": ""},
        {"id": "", "title": "Bad date", "date": "11/1/1956", "languages": "", "body": ""},
        {"id": "", "title": "", "date": "", "languages": "", "body": ""},
        {"id": "", "title": "Bad language", "date": "1956", "languages": "Russian; Klingonese", "body": ""},
        {"id": "taken", "title": "Clash", "date": "1956", "languages": "", "body": ""},
    ], ["id", "title", "date", "languages", "body"])
    proc = run_cli("import", str(spreadsheet), "--root", str(root))
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert "records.csv:3: error: title: required, missing or empty; the id is made from the title " \
           "when there is no id column" in lines
    assert 'records.csv:4: error: date: "11/1/1956" is a spreadsheet-style date; write it as EDTF, ' \
           "e.g. 1956-11-01 (format the date column as Text so Excel keeps it)" in lines
    assert "records.csv:5: warning: row: empty row, skipped" in lines
    assert 'records.csv:6: error: languages: "Klingonese" is not an ISO 639 language name or code; ' \
           "e.g. Russian, ru, hun" in lines
    assert 'records.csv:7: error: id: "taken" is already used by a record under documents/; existing ' \
           "files are never replaced" in lines
    assert lines[-1] == "import failed: 4 error(s), 1 warning(s); nothing written"
    assert sorted(p.name for p in (root / "documents").iterdir()) == ["taken.md"]


def test_import_refuses_unknown_columns_and_non_utf8(tmp_archive, tmp_path: Path):
    root = tmp_archive({})
    spreadsheet = write_csv(tmp_path / "r.csv", [{"title": "A", "date": "1956", "peeple": "Nagy"}],
                            ["title", "date", "peeple"])
    proc = run_cli("import", str(spreadsheet), "--root", str(root))
    assert proc.returncode == 1
    assert "r.csv:1: error: peeple: column 3 is not a record field; did you mean 'people'?" in proc.stderr
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("title,date\nKádár,1956\n".encode("latin-1"))
    proc = run_cli("import", str(latin1), "--root", str(root))
    assert proc.returncode == 1
    assert 'latin1.csv:2: error: encoding: not UTF-8' in proc.stderr and "CSV UTF-8" in proc.stderr
    assert list((root / "documents").iterdir()) == []


def test_import_checks_related_ids_against_the_archive_and_the_batch(tmp_archive, tmp_path: Path):
    root = tmp_archive({"old.md": record_text("Old")})
    ok = write_csv(tmp_path / "ok.csv", [
        {"id": "a", "title": "A", "date": "1956", "related": "b; old"},
        {"id": "b", "title": "B", "date": "1956", "related": "a"},
    ], ["id", "title", "date", "related"])
    assert run_cli("import", str(ok), "--root", str(root)).returncode == 0
    bad = write_csv(tmp_path / "bad.csv", [{"id": "c", "title": "C", "date": "1956", "related": "nope"}],
                    ["id", "title", "date", "related"])
    proc = run_cli("import", str(bad), "--root", str(root))
    assert proc.returncode == 1
    assert 'bad.csv:2: error: related: no record has the id "nope"' in proc.stderr
    assert run_cli("check", "--strict", "--root", str(root)).returncode == 0


def test_import_reads_semicolon_and_tab_separated_exports(tmp_archive, tmp_path: Path):
    """Excel writes ';' between cells where the decimal mark is a comma."""
    root = tmp_archive({})
    semicolons = tmp_path / "eu.csv"
    semicolons.write_bytes('\ufefftitle;date;people\r\nLetter;1956-11-02;"Nagy, Imre; Kádár, János"\r\n'.encode())
    tabs = tmp_path / "tabs.csv"
    tabs.write_text("title\tdate\tplaces\nNote\t1956\tBudapest; Vienna\n")
    for spreadsheet in (semicolons, tabs):
        proc = run_cli("import", str(spreadsheet), "--root", str(root))
        assert proc.returncode == 0, proc.stderr
    build_archive(root, strict=True, index=False)
    letter = (root / "site" / "records" / "letter" / "index.html").read_text()
    assert "Nagy, Imre" in letter and "Kádár, János" in letter
    note = (root / "site" / "records" / "note" / "index.html").read_text()
    assert "Budapest" in note and "Vienna" in note and "Budapest; Vienna" not in note
