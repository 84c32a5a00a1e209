"""Exports read back with real clients: feed, sitemap, robots, data files, 404, head metadata."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import bibtexparser
import extruct
import feedparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from lxml import etree
from lxml import html as lxml_html

from archivegen.build.pipeline import build_archive
from conftest import make_archive

BASE = "https://example.org/archive/"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NASTY = 'Quotes "double" & \'single\' <b>bold</b> </script><script>alert(1)</script> {braces} }{ 50% #1'
NASTY_PERSON = 'O\'Brien & "Sons" </script>, Jack <i>'
NASTY_ARCHIVE = 'Archive & <Co> "Ltd" </script>'


def _record(**fields: object) -> str:
    # JSON is YAML: every value arrives exactly as written, quotes and all.
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\nBody.\n"


@pytest.fixture(scope="module")
def nasty_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_archive(tmp_path_factory.mktemp("nasty") / "archive", {
        "nasty.md": _record(title=NASTY, date="1956-11", creators=[NASTY_PERSON, "Department of State & Co"],
                            uploaded="2024-03-05", summary="A *summary* & <script>x</script>",
                            subjects=['Peace & "war"'], people=["Nagy, Imre"], places=["Budapest"],
                            languages=["Hungarian"], archive=NASTY_ARCHIVE, source="f. {1}; op. <2>",
                            rights="CC-BY-4.0"),
        "plain.md": _record(title="Plain record", date="1956-10-23/1956-11-04", uploaded="2023-01-01",
                            creators=["Andropov, Yuri Vladimirovich"]),
        "old.md": _record(title="Not uploaded", date="1956~"),
    })
    build_archive(root, index=False)
    return root / "site"


def html_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts and p.name != "404.html")


def page_url(site: Path, file: Path) -> str:
    rel = file.relative_to(site).as_posix()
    return BASE + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


# --- Feed -------------------------------------------------------------------------------------


def test_feed_is_atom_with_required_elements_and_absolute_links(sample_site: Path):
    feed = feedparser.parse((sample_site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.id == BASE and feed.feed.title == "Cold War Documents Digital Archive"
    assert feed.feed.updated_parsed is not None
    assert any(link.rel == "self" and link.href == BASE + "feed.xml" for link in feed.feed.links)
    # The sample's records carry no upload date (the FRUS corpus has none, issue 15): no entries.
    # Entries are checked on nasty_site (test_feed_lists_uploaded_records_newest_first…).
    assert feed.entries == []


def test_feed_lists_uploaded_records_newest_first_and_updates_from_upload_dates(nasty_site: Path):
    text = (nasty_site / "feed.xml").read_text(encoding="utf-8")
    feed = feedparser.parse(text)
    assert not feed.bozo
    assert [e.title for e in feed.entries] == [NASTY, "Plain record"]
    assert feed.feed.updated == "2024-03-05T00:00:00Z" == feed.entries[0].updated
    assert feed.entries[0].link == BASE + "records/nasty/"
    for entry in feed.entries:
        assert entry.id and entry.title and entry.updated_parsed
        assert (nasty_site / entry.link[len(BASE):] / "index.html").is_file()
    assert "<script>" not in text and "<b>" not in text
    assert "<em>summary</em>" in feed.entries[0].summary


# --- Sitemap and robots.txt -------------------------------------------------------------------


def _locs(site: Path) -> list[str]:
    root = etree.parse(str(site / "sitemap.xml")).getroot()
    assert root.tag == SM + "urlset"
    return [loc.text for loc in root.iter(SM + "loc")]


def test_sitemap_lists_every_html_page_once_with_absolute_urls(sample_site: Path):
    locs = _locs(sample_site)
    assert len(locs) == len(set(locs))
    assert all(loc.startswith(BASE) for loc in locs)
    assert sorted(locs) == sorted(page_url(sample_site, f) for f in html_files(sample_site))
    assert BASE + "404.html" not in locs


def test_robots_txt_points_at_the_sitemap(sample_site: Path):
    assert f"Sitemap: {BASE}sitemap.xml" in (sample_site / "robots.txt").read_text().splitlines()


def test_bare_path_base_url_writes_no_sitemap_and_robots_names_none(sample_site_root: Path):
    assert not (sample_site_root / "sitemap.xml").exists()
    assert "Sitemap" not in (sample_site_root / "robots.txt").read_text()


# --- Data files -------------------------------------------------------------------------------


def _data(site: Path) -> tuple[list[dict], list[dict]]:
    rows = json.loads((site / "data" / "records.json").read_text(encoding="utf-8"))
    with (site / "data" / "records.csv").open(encoding="utf-8", newline="") as f:
        return rows, list(csv.DictReader(f))


def _as_csv(row: dict) -> dict:
    return {k: "; ".join(v) if isinstance(v, list) else v for k, v in row.items()}


def test_records_csv_equals_records_json_one_row_per_record(sample_site: Path):
    rows, table = _data(sample_site)
    assert len(rows) == len(list((sample_site / "records").glob("*/index.html"))) == len(table)
    assert [_as_csv(r) for r in rows] == table
    andropov = next(r for r in rows if r["id"] == "andropov-report-1-november-1956")
    assert andropov["creators"] == ["Andropov, Yuri Vladimirovich"]
    assert andropov["rights_uri"] == "http://rightsstatements.org/vocab/InC-EDU/1.0/"
    assert "body" not in andropov


def test_data_files_keep_nasty_values_intact(nasty_site: Path):
    rows, table = _data(nasty_site)
    assert [_as_csv(r) for r in rows] == table
    nasty = next(r for r in rows if r["id"] == "nasty")
    assert nasty["title"] == NASTY and nasty["creators"] == [NASTY_PERSON, "Department of State & Co"]
    assert nasty["archive"] == NASTY_ARCHIVE


def test_data_page_links_both_files_and_explains_the_separator(sample_site: Path):
    doc = lxml_html.parse(str(sample_site / "data" / "index.html")).getroot()
    hrefs = doc.xpath("//main//a/@href")
    assert "/archive/data/records.json" in hrefs and "/archive/data/records.csv" in hrefs
    assert "; " in doc.xpath("string(//main)") and "creators" in doc.xpath("//main//table//code/text()")


# --- 404 --------------------------------------------------------------------------------------


def test_404_page_offers_search_and_home_with_base_path_links(sample_site: Path):
    doc = lxml_html.parse(str(sample_site / "404.html")).getroot()
    assert doc.xpath("string(//h1)") == "Page not found"
    assert doc.xpath("//main//form/@action") == ["/archive/search/"]
    hrefs = doc.xpath("//a/@href") + doc.xpath("//link/@href")
    assert "/archive/" in hrefs
    assert all(h.startswith(("/archive/", "#", "http")) for h in hrefs), hrefs


# --- Record pages: head metadata and downloads ------------------------------------------------


def _meta(doc: lxml_html.HtmlElement, name: str) -> list[str]:
    return doc.xpath(f"//head/meta[@name='{name}']/@content")


def test_record_head_has_highwire_tags_zotero_reads(sample_site: Path):
    doc = lxml_html.parse(str(sample_site / "records/andropov-report-1-november-1956/index.html")).getroot()
    assert _meta(doc, "citation_title") == ["Andropov Report, 1 November 1956"]
    assert _meta(doc, "citation_author") == ["Andropov, Yuri Vladimirovich"]
    assert _meta(doc, "citation_date") == ["1956/11/01"]
    assert _meta(doc, "citation_publisher") == ["Example History Program"]
    assert _meta(doc, "citation_public_url") == [BASE + "records/andropov-report-1-november-1956/"]
    assert _meta(doc, "citation_language") == ["en"]  # the English translation is what is cited


def test_record_head_dublin_core_and_json_ld_read_back_with_extruct(sample_site: Path):
    text = (sample_site / "records/andropov-report-1-november-1956/index.html").read_text(encoding="utf-8")
    data = extruct.extract(text, base_url=BASE, syntaxes=["json-ld", "dublincore"], uniform=False)
    (ld,) = data["json-ld"]
    assert ld["@type"] == "ArchiveComponent" and ld["name"] == "Andropov Report, 1 November 1956"
    assert ld["dateCreated"] == "1956-11-01" and ld["inLanguage"] == "en"
    assert ld["translationOfWork"] == {"@type": "CreativeWork", "inLanguage": "ru"}
    assert ld["holdingArchive"] == {"@type": "ArchiveOrganization",
                                    "name": "Archive of Foreign Policy of the Russian Federation (AVP RF)"}
    assert {"@type": "Person", "name": "Imre Nagy"} in ld["mentions"]
    assert {"@type": "Place", "name": "Budapest"} in ld["mentions"]
    assert {"@type": "Thing", "name": "Neutrality"} in ld["about"]
    assert ld["license"] == "http://rightsstatements.org/vocab/InC-EDU/1.0/"
    assert data["dublincore"][0]["namespaces"] == {"DC": "http://purl.org/dc/elements/1.1/"}
    dc = {(e["name"].removeprefix("DC."), e["content"]) for e in data["dublincore"][0]["elements"]
          if e["name"].startswith("DC.")}
    for pair in [("title", "Andropov Report, 1 November 1956"), ("date", "1956-11-01"), ("language", "ru"),
                 ("creator", "Andropov, Yuri Vladimirovich"), ("subject", "Neutrality"), ("type", "Text"),
                 ("rights", "http://rightsstatements.org/vocab/InC-EDU/1.0/"),
                 ("identifier", BASE + "records/andropov-report-1-november-1956/")]:
        assert pair in dc, pair


def test_record_page_shows_rights_label_linked_to_uri_and_full_text(sample_site: Path):
    doc = lxml_html.parse(str(sample_site / "records/frus1955-57v25-d1/index.html")).getroot()
    (link,) = doc.xpath("//section[@class='rights']//a[@rel='license']")
    assert (link.text, link.get("href")) == ("No Copyright - United States",
                                             "http://rightsstatements.org/vocab/NoC-US/1.0/")
    assert "Public Domain under the laws of the United States" in doc.xpath("string(//p[@class='rights-text'])")


def test_citation_box_shows_chicago_without_script_and_links_downloads(sample_site: Path):
    record = sample_site / "records/andropov-report-1-november-1956"
    doc = lxml_html.parse(str(record / "index.html")).getroot()
    shown = doc.xpath("//section[@class='cite']//p[@class='citation' and not(@hidden)]")
    assert [p.get("data-style") for p in shown] == ["chicago"]
    assert shown[0].text_content().startswith("Andropov, Yuri Vladimirovich. “Andropov Report, 1 November 1956.”")
    assert doc.xpath("//section[@class='cite']/div[@class='cite-controls']/@hidden") == [""]
    hrefs = doc.xpath("//p[@class='cite-downloads']/a/@href")
    assert hrefs == [f"/archive/records/andropov-report-1-november-1956/{n}"
                     for n in ("citation.bib", "citation.ris", "record.json")]
    assert all((sample_site / h[len("/archive/"):]).is_file() for h in hrefs)


def test_nasty_title_is_inert_and_intact_in_page_head_and_citation(nasty_site: Path):
    text = (nasty_site / "records/nasty/index.html").read_text(encoding="utf-8")
    assert text.count("</script>") == text.count("<script")  # nothing user-supplied closes or opens one
    doc = lxml_html.fromstring(text)
    assert doc.xpath("string(//h1)") == NASTY
    assert _meta(doc, "citation_title") == [NASTY] == _meta(doc, "DC.title")
    assert _meta(doc, "citation_author") == [NASTY_PERSON, "Department of State & Co"]
    assert _meta(doc, "citation_date") == ["1956/11"]
    ld = json.loads(doc.xpath("string(//script[@type='application/ld+json'])"))
    assert ld["name"] == NASTY and ld["holdingArchive"]["name"] == NASTY_ARCHIVE
    assert ld["dateCreated"] == "1956-11"
    assert ld["license"] == "https://creativecommons.org/licenses/by/4.0/"
    chicago = doc.xpath("string(//p[@id='citation-chicago'])")
    assert f"“{NASTY}.”" in chicago and "November 1956" in chicago
    assert not doc.xpath("//b") and not doc.xpath("//script[not(@src) and not(@type)]")


def test_nasty_record_downloads_parse_back_intact(nasty_site: Path):
    folder = nasty_site / "records/nasty"
    library = bibtexparser.parse_string((folder / "citation.bib").read_text(encoding="utf-8"),
                                        append_middleware=[LatexDecodingMiddleware()])
    (entry,) = library.entries
    assert entry["title"].strip("{}") == NASTY
    assert entry["year"] == "1956" and entry["url"] == BASE + "records/nasty/"
    (ris,) = rispy.loads((folder / "citation.ris").read_text(encoding="utf-8"))
    assert ris["title"] == NASTY and ris["date"] == "1956/11//" and ris["urls"] == [BASE + "records/nasty/"]
    (item,) = json.loads((folder / "record.json").read_text(encoding="utf-8"))
    assert item["title"] == NASTY and item["issued"] == {"date-parts": [[1956, 11]]}
    assert item["author"][0] == {"family": 'O\'Brien & "Sons" </script>', "given": "Jack <i>"}


def test_sitemap_splits_into_an_index_past_the_per_file_limit(monkeypatch: pytest.MonkeyPatch):
    from archivegen.records.model import Archive
    from archivegen.records.settings import Settings
    from archivegen.render import exports
    from archivegen.render.page import Page

    monkeypatch.setattr(exports, "SITEMAP_LIMIT", 2)
    archive = Archive(Settings(title="T", base_url=BASE), ())
    pages = [Page(p, "x.html", dict) for p in ("", "a/", "b/", "c/", "feed.xml", "404.html")]
    planned = {p.path: p.view() for p in exports._sitemap_pages(archive, pages)}
    assert planned["sitemap.xml"] == {"kind": "index", "locs": [BASE + "sitemap-1.xml", BASE + "sitemap-2.xml"]}
    assert planned["sitemap-1.xml"]["locs"] + planned["sitemap-2.xml"]["locs"] == [BASE, BASE + "a/", BASE + "b/",
                                                                                  BASE + "c/"]
