from pathlib import Path

from conftest import REPO, run_cli


def test_sample_archive_checks_clean():
    proc = run_cli("check", "--root", str(REPO))
    assert proc.returncode == 0, proc.stderr
    assert "ok: no errors" in proc.stdout


def test_sample_record_page_shows_title(sample_site: Path):
    html = (sample_site / "records" / "andropov-report-1-november-1956" / "index.html").read_text()
    assert "<h1 data-pagefind-weight=\"10\">Andropov Report, 1 November 1956</h1>" in html
    assert "November 1, 1956" in html
