"""Authority records in a built site: person and place pages, links, JSON-LD, glossaries,
abbreviations, exports, bad input, incremental builds and `archivegen reconcile` (issue #16)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html

from archivegen.build.pipeline import build_archive
from archivegen.problems import BuildFailed
from conftest import make_archive, record_text, run_cli

COLLECTION = '["Hungarian Revolution, 1956"]'
PEOPLE = """\
- name: "Kádár, János"
  variants: ["Kadar, Janos", "János Kádár", Kadar]
  dates: 1912-05-26/1989-07-06
  description: First Secretary of the Hungarian Socialist Workers' Party
  wikidata: Q152937
  collections: ["Hungarian Revolution, 1956"]
- name: "Andropov, Yuri Vladimirovich"
  description: Soviet Ambassador to Hungary
"""
PLACES = """\
- name: Budapest
  geonames: "3054643"
  coordinates: [47.49835, 19.04045]
"""
TERMS = """\
- term: Embtel
  meaning: Embassy telegram
  collections: ["Hungarian Revolution, 1956"]
- term: niact
  meaning: night action
"""


def _archive(root: Path) -> Path:
    records = {
        "report.md": record_text("Andropov report", "1956-11-01", "Kadar supported Nagy. See Embtel 907; Niact.",
                                 creators='["Andropov, Yuri Vladimirovich"]', people='["Kádár, János"]',
                                 places="[Budapest]", collections=COLLECTION),
        "variant.md": record_text("A telegram", "1956-11-02", "Nothing here.", people='["Kadar, Janos"]',
                                  collections=COLLECTION),
        "text-only.md": record_text("Minutes", "1956-11-03", "János Kádár spoke; `Embtel` in code.",
                                    people='["Nagy, Imre"]'),
        "unrelated.md": record_text("Other", "1956-11-04", "Nothing about him (Kadarka is a grape).",
                                    places="[Budapesht]", people='["Kadr, Janos"]'),
    }
    root = make_archive(root, records)
    (root / "authorities").mkdir()
    (root / "authorities" / "people.yaml").write_text(PEOPLE, encoding="utf-8")
    (root / "authorities" / "places.yaml").write_text(PLACES, encoding="utf-8")
    (root / "authorities" / "terms.yaml").write_text(TERMS, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _archive(tmp_path_factory.mktemp("authorities") / "archive")
    build_archive(root, index=False, jobs=1)
    return root / "site"


def _page(site: Path, path: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((site / path / "index.html").read_bytes())


def _json_ld(doc: lxml_html.HtmlElement) -> dict:
    return json.loads(doc.xpath("//script[@type='application/ld+json']")[0].text)


def test_the_person_page_shows_the_authority_and_every_record_naming_any_variant(site: Path) -> None:
    doc = _page(site, "people/kadar-janos")
    main = doc.xpath("//main")[0].text_content()
    assert "First Secretary of the Hungarian Socialist Workers' Party" in main
    assert "May 26, 1912" in main and "1989" in main
    assert "Kadar, Janos; János Kádár; Kadar" in main
    listed = [a.get("href") for a in doc.xpath("//ul[@class='record-list']//a[@class='record-title']")]
    assert listed == ["/archive/records/report/", "/archive/records/variant/"]
    assert doc.xpath("//a[@href='https://www.wikidata.org/wiki/Q152937']")
    assert not (site / "people" / "kadar-janos-2").exists()  # the variant has no page of its own


def test_the_record_naming_a_variant_links_to_the_person(site: Path) -> None:
    doc = _page(site, "records/variant")
    link = doc.xpath("//div[contains(@class,'meta-people')]//a")[0]
    assert (link.text, link.get("href")) == ("Kadar, Janos", "/archive/people/kadar-janos/")


def test_mentions_in_the_text_are_counted_and_searchable(site: Path) -> None:
    doc = _page(site, "people/kadar-janos")
    text = " ".join(doc.xpath("//p[@class='mentioned']")[0].text_content().split())
    # text-only.md says "János Kádár"; "Kadarka" is another word; the two naming records are listed.
    assert text.startswith("Mentioned in the text of 1 more record: search the transcriptions for")
    searches = [a.get("href") for a in doc.xpath("//p[@class='mentioned']/a")]
    assert "/archive/search/?q=Kadar" in searches and "/archive/search/?q=J%C3%A1nos%20K%C3%A1d%C3%A1r" in searches


def test_creators_link_to_their_page_which_lists_what_they_wrote(site: Path) -> None:
    doc = _page(site, "records/report")
    link = doc.xpath("//div[contains(@class,'meta-creators')]//a")[0]
    assert link.get("href") == "/archive/people/andropov-yuri-vladimirovich/"
    person = _page(site, "people/andropov-yuri-vladimirovich")
    created = person.xpath("//section[h2[@id='created-heading']]//a[@class='record-title']/@href")
    assert created == ["/archive/records/report/"]


def test_json_ld_describes_the_person_and_the_place_with_same_as(site: Path) -> None:
    person = _json_ld(_page(site, "people/kadar-janos"))
    assert person["@type"] == "Person" and person["name"] == "Kádár, János"
    assert person["sameAs"] == ["https://www.wikidata.org/wiki/Q152937"]
    assert (person["birthDate"], person["deathDate"]) == ("1912-05-26", "1989-07-06")
    place = _json_ld(_page(site, "places/budapest"))
    assert place["@type"] == "Place" and place["sameAs"] == ["https://www.geonames.org/3054643"]
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 47.49835, "longitude": 19.04045}


def test_abbreviations_are_explained_where_they_stand_without_changing_the_text(site: Path) -> None:
    doc = _page(site, "records/report")
    transcription = doc.xpath("//section[contains(@class,'transcription')]")[0]
    abbrs = [(a.text, a.get("title")) for a in transcription.xpath(".//abbr")]
    assert abbrs == [("Embtel", "Embassy telegram"), ("Niact", "night action")]
    assert "Kadar supported Nagy. See Embtel 907; Niact." in transcription.text_content()
    listed = [(d.xpath("dt")[0].text_content(), d.xpath("dd")[0].text_content())
              for d in doc.xpath("//section[@class='abbreviations']//dl/div")]
    assert listed == [("Embtel", "Embassy telegram"), ("niact", "night action")]
    # A term of another collection's glossary is not applied; code is left alone.
    other = _page(site, "records/text-only")
    assert other.xpath("//section[contains(@class,'transcription')]//abbr") == []


def test_the_collection_has_glossary_pages_linked_from_it_and_its_records(site: Path) -> None:
    folder = "collections/hungarian-revolution-1956"
    persons = _page(site, f"{folder}/persons")
    assert [dt.xpath("a")[0].text for dt in persons.xpath("//dl[@class='glossary']//dt")] == ["Kádár, János"]
    assert persons.xpath("//dl[@class='glossary']//dd")[0].text == "First Secretary of the Hungarian Socialist Workers' Party"
    terms = _page(site, f"{folder}/terms")
    assert [dt.text_content() for dt in terms.xpath("//dl[@class='glossary']//dt")] == ["Embtel"]
    collection = _page(site, folder)
    assert collection.xpath(f"//p[@class='glossary-links']/a[@href='/archive/{folder}/terms/']")
    record = _page(site, "records/report")
    assert record.xpath(f"//section[@class='abbreviations']//a[@href='/archive/{folder}/persons/']")


def test_places_with_coordinates_are_on_maps_served_by_the_site(site: Path) -> None:
    for path in ("map", "places/budapest", "records/report"):
        doc = _page(site, path)
        pins = doc.xpath("//ul[@class='map-pins']//a")
        assert [a.text_content() for a in pins] == ["Budapest"], path
        use = doc.xpath("//*[local-name()='use']")[0].get("href")
        assert use == "/archive/assets/basemap.svg#land"
    assert (site / "assets" / "basemap.svg").read_text(encoding="utf-8").count('id="land"') == 1
    assert _page(site, "records/variant").xpath("//ul[@class='map-pins']") == []


def test_the_authorities_are_in_the_data_exports(site: Path) -> None:
    rows = json.loads((site / "data" / "authorities.json").read_text(encoding="utf-8"))
    kadar = next(r for r in rows if r["name"] == "Kádár, János")
    assert kadar["kind"] == "person" and kadar["identifiers"] == {"wikidata": "Q152937"}
    assert kadar["url"] == "https://example.org/archive/people/kadar-janos/"
    assert {r["kind"] for r in rows} == {"person", "place", "term"}
    assert _page(site, "data").xpath("//a[@href='/archive/data/authorities.json']")


@pytest.mark.parametrize(("file", "text", "expected"), [
    ("people.yaml", PEOPLE + '- name: "Kádár, János"\n', "authorities/people.yaml:9: error: name: "),
    ("people.yaml", PEOPLE + '- name: "Kádár, Ferenc"\n  variants: [Kadar]\n',
     "authorities/people.yaml:10: error: variants: variant \"Kadar\" is already a variant of \"Kádár, János\""),
    ("places.yaml", PLACES.replace("19.04045", "199.04"), "authorities/places.yaml:3: error: coordinates: "),
    ("people.yaml", PEOPLE.replace("Q152937", "152937"), "authorities/people.yaml:5: error: wikidata: "),
])
def test_bad_authority_files_fail_the_build_and_leave_the_site(tmp_path: Path, file: str, text: str,
                                                               expected: str) -> None:
    root = _archive(tmp_path / "archive")
    build_archive(root, index=False, jobs=1)
    before = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    (root / "authorities" / file).write_text(text, encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build_archive(root, index=False, jobs=1)
    assert any(p.format().startswith(expected) for p in failed.value.problems), failed.value.problems
    assert {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()} == before
    proc = run_cli("check", "--root", str(root))
    assert proc.returncode == 1 and expected in proc.stderr + proc.stdout


def test_an_edited_authority_rebuilds_what_shows_it_and_equals_a_clean_build(tmp_path: Path) -> None:
    root = _archive(tmp_path / "archive")
    build_archive(root, index=False, jobs=1)
    people = root / "authorities" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("First Secretary", "Leader")
                      .replace('[Kadar, Janos", ', '["Kadr, Janos", "Kadar, Janos", '), encoding="utf-8")
    build_archive(root, index=False, jobs=1)
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("site", ".archivegen-cache", ".site-*"))
    build_archive(clean, index=False, jobs=1)

    def tree(site: Path) -> dict[str, bytes]:
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}

    incremental = tree(root / "site")
    assert incremental == tree(clean / "site")
    assert b"Leader of the Hungarian" in incremental["people/kadar-janos/index.html"]


def test_a_transcription_edit_that_mentions_a_person_updates_their_page(tmp_path: Path) -> None:
    root = _archive(tmp_path / "archive")
    build_archive(root, index=False, jobs=1)
    other = root / "documents" / "unrelated.md"
    other.write_text(other.read_text(encoding="utf-8").replace("Nothing about him", "Kadar said"), encoding="utf-8")
    build_archive(root, index=False, jobs=1)
    page = (root / "site" / "people" / "kadar-janos" / "index.html").read_text(encoding="utf-8")
    assert "Mentioned in the text of 2 more records" in page


def test_reconcile_lists_unmatched_names_and_near_misses(tmp_path: Path) -> None:
    root = _archive(tmp_path / "archive")
    proc = run_cli("reconcile", "--root", str(root))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "3 name(s) in the records match no authority entry (by name or variant):"
    assert 'people: "Kadr, Janos" (1 record: documents/unrelated.md)' in lines
    i = lines.index('people: "Kadr, Janos" (1 record: documents/unrelated.md)')
    assert re.match(r'    near-miss: "Kádár, János" \(authorities/people.yaml:1\), close spelling of "kadar, janos"',
                    lines[i + 1])
    assert 'people: "Nagy, Imre" (1 record: documents/text-only.md)' in lines
    assert 'places: "Budapesht" (1 record: documents/unrelated.md)' in lines
    assert any(line.startswith('    near-miss: "Budapest" (authorities/places.yaml:1)') for line in lines)


def test_an_archive_without_authorities_builds_as_before(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "archive", {"a.md": record_text(people='["Kádár, János"]', places="[Budapest]")})
    build_archive(root, index=False, jobs=1)
    site = root / "site"
    assert not (site / "map").exists() and not (site / "data" / "authorities.json").exists()
    doc = _page(site, "people/kadar-janos")
    assert doc.xpath("//script[@type='application/ld+json']") == []
    assert doc.xpath("//p[@class='mentioned']") == []
