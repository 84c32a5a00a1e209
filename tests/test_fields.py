"""The field table (records/fields.py) is the one place a record field is declared.

The docs' field table is generated from it, and a field added to it (a new row, nothing else)
is validated, written by `new`, imported, exported, shown on the record page, browsable and
filterable.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ARCHIVE_YAML, REPO, SRC

sys.path.insert(0, str(SRC))

from archivegen.records.fields import FIELDS, docs_table

NEW_ROW = '''    Field("recipients", Names(), "Recipients", "People or offices the document was addressed to.",
          '["Dulles, John Foster"]', details=True, facet=Facet("recipients", "Recipients", 7),
          filters=(Filter("recipient", "Recipient", 11),),
          columns=_col("recipients", "Addressees of the document.")),
'''


def test_docs_field_table_is_the_field_table() -> None:
    text = (REPO / "docs" / "records.md").read_text(encoding="utf-8")
    assert docs_table() in text, "docs/records.md's field table differs from records/fields.py: regenerate it"
    for f in FIELDS:
        assert f"| `{f.name}` |" in text


def _package_with_new_field(tmp_path: Path) -> Path:
    """A copy of the package whose field table has one more row, as a developer would add it."""
    pkg = tmp_path / "pkg"
    shutil.copytree(SRC / "archivegen", pkg / "archivegen", ignore=shutil.ignore_patterns("__pycache__"))
    table = pkg / "archivegen" / "records" / "fields.py"
    source = table.read_text(encoding="utf-8")
    end = source.index("\n)\n\nBY_NAME")
    table.write_text(source[:end + 1] + NEW_ROW + source[end + 1:], encoding="utf-8")
    return pkg


def _run(pkg: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pkg)}
    return subprocess.run([sys.executable, "-m", "archivegen", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_a_field_added_to_the_table_flows_through_every_stage(tmp_path: Path) -> None:
    pkg = _package_with_new_field(tmp_path)
    root = tmp_path / "archive"
    (root / "documents").mkdir(parents=True)
    (root / "archive.yaml").write_text(ARCHIVE_YAML, encoding="utf-8")
    (root / "documents" / "cable.md").write_text(
        "---\ntitle: Cable to Washington\ndate: 1956-11-02\nrecipients: [\"Dulles, John Foster\"]\n---\nText.\n",
        encoding="utf-8")

    # Validated by its kind: a number is not a list of names.
    (root / "documents" / "bad.md").write_text("---\ntitle: Bad\ndate: 1956\nrecipients: 5\n---\n", encoding="utf-8")
    check = _run(pkg, "check", "--root", str(root))
    assert check.returncode == 1
    assert "documents/bad.md:4: error: recipients: expected a list, found \"5\"" in check.stderr
    (root / "documents" / "bad.md").unlink()

    # `new` explains it.
    made = _run(pkg, "new", "Letter to Tito", "--date", "1956-11", "--root", str(root))
    assert made.returncode == 0, made.stderr
    assert "\n# People or offices the document was addressed to" in Path(made.stdout.strip()).read_text()
    assert "\nrecipients:\n" in Path(made.stdout.strip()).read_text()

    # Imported from a spreadsheet column.
    sheet = tmp_path / "records.csv"
    sheet.write_text('title,date,recipients\nReply,1956-11-03,"Bohlen, Charles; Murphy, Robert"\n', encoding="utf-8")
    imported = _run(pkg, "import", str(sheet), "--root", str(root))
    assert imported.returncode == 0, imported.stderr
    reply = (root / "documents" / "reply.md").read_text(encoding="utf-8")
    assert "recipients:\n- Bohlen, Charles\n- Murphy, Robert\n" in reply

    built = _run(pkg, "build", "--root", str(root), "--no-index")
    assert built.returncode == 0, built.stderr
    site = root / "site"
    # Shown in the details list, linked to its browse page.
    page = (site / "records" / "cable" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"Recipients</dt>\s*<dd[^>]*>.*?Dulles, John Foster", page, re.S)
    assert (site / "recipients" / "index.html").is_file()
    person = next((site / "recipients").glob("dulles*/index.html")).read_text(encoding="utf-8")
    assert "Cable to Washington" in person
    # A search filter.
    assert '<span data-pagefind-filter="recipient">Dulles, John Foster<' in page
    search = (site / "search" / "index.html").read_text(encoding="utf-8")
    assert '"key":"recipient","label":"Recipient"' in search
    # Exported.
    rows = list(csv.DictReader(io.StringIO((site / "data" / "records.csv").read_text(encoding="utf-8"))))
    assert {r["title"]: r["recipients"] for r in rows}["Reply"] == "Bohlen, Charles; Murphy, Robert"
    data = json.loads((site / "data" / "records.json").read_text(encoding="utf-8"))
    assert {r["id"]: r["recipients"] for r in data}["cable"] == ["Dulles, John Foster"]


def test_without_the_row_the_field_is_unknown(tmp_path: Path) -> None:
    """The same record without the table row: a warning, so the test above is not vacuous."""
    root = tmp_path / "archive"
    (root / "documents").mkdir(parents=True)
    (root / "archive.yaml").write_text(ARCHIVE_YAML, encoding="utf-8")
    (root / "documents" / "cable.md").write_text(
        "---\ntitle: Cable\ndate: 1956-11-02\nrecipients: [\"Dulles, John Foster\"]\n---\n", encoding="utf-8")
    check = _run(SRC, "check", "--root", str(root))
    assert "documents/cable.md:4: warning: recipients: unknown field" in check.stderr
