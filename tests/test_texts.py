"""Issue 15: a record's texts (original and translations), contributors, printed footnote labels,
links between records and "Referenced by", read on the built pages and in the browser.

The test archive's texts are short invented texts (tests only; the sample has none).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from archivegen.build.pipeline import build_archive
from browser_support import (
    new_page,  # the chromium and serve_site fixtures come from conftest
)
from conftest import make_archive, record_text, run_cli
from search_support import checked_page  # noqa: F401 - the fixture `page` (console errors fail the test)

ORIGINAL_ONLY = "Kukoricacsutkaszedő"
LETTER = record_text(
    "A letter about maize", "1956-10-30",
    "Dear friend, the harvest is in.[^2] See footnote 3a for the price.[^3a]\n\n"
    "As footnote 3a says, [the note](#note-3a) is short.\n\n"
    "[^2]: Printed as note 2.\n[^3a]: Printed as note 3a.\n",
    languages="[Hungarian]",
    texts='[{language: English, translated_from: Hungarian, translated_by: ["Tester, Anna"], '
          'published_in: "Test Journal 1 (2000), 1–2"}, '
          '{language: Hungarian, file: letter.hu.markdown, title: "Levél a kukoricáról"}]',
    contributors='[{name: "Tester, Anna", role: trl}, {name: "Example Foundation", role: Funder}]',
)
HUNGARIAN = f"Kedves barátom, a termés bent van.[^2] {ORIGINAL_ONLY}.\n\n[^2]: Második jegyzet.\n"
OTHER = record_text("A reply", "1956-11-02",
                    "We read [the letter](record:letter) and its [note 3a](record:letter#note-3a).\n")


def _archive(root: Path) -> Path:
    make_archive(root, {"letter.md": LETTER, "other.md": OTHER, "plain.md": record_text("Plain", "1956-11-03")})
    (root / "documents" / "letter.hu.markdown").write_text(HUNGARIAN, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _archive(tmp_path_factory.mktemp("texts") / "archive")
    build_archive(root)
    return root / "site"


def _page(site: Path, rid: str) -> Any:
    return lxml_html.parse(str(site / "records" / rid / "index.html")).getroot()


def test_each_text_has_its_language_anchor_and_credit(site: Path) -> None:
    doc = _page(site, "letter")
    assert doc.get("lang") == "en"  # the page (and its search index) stays in the site's language
    texts = doc.xpath("//section[contains(@class,'texts')]//section[contains(@class,'text') and @id]")
    assert [(t.get("id"), t.xpath("string(.//div[@class='text-body']/@lang)")) for t in texts] == [
        ("text-en", "en"), ("text-hu", "hu")]
    assert [" ".join(t.xpath("string(.//h3)").split()) for t in texts] == ["English translation", "Hungarian original"]
    credit = " ".join(texts[0].xpath("string(.//p[@class='text-credit'])").split())
    assert credit == ("Translated from Hungarian by Anna Tester. "
                      "Translation published in Test Journal 1 (2000), 1–2.")
    assert ORIGINAL_ONLY in texts[1].text_content() and ORIGINAL_ONLY not in texts[0].text_content()
    assert texts[1].xpath("string(.//p[@class='text-title']/@lang)") == "hu"


def test_notes_show_their_printed_labels_and_references_land_on_them(site: Path) -> None:
    doc = _page(site, "letter")
    english = doc.get_element_by_id("text-en")
    refs = [(a.text_content(), a.get("href")) for a in english.xpath(".//sup[@class='footnote-ref']/a")]
    assert refs == [("[2]", "#note-2"), ("[3a]", "#note-3a")]
    labels = [(li.get("id"), li.xpath("string(span[@class='footnote-label'])")) for li in
              english.xpath(".//li[@class='footnote-item']")]
    assert labels == [("note-2", "2"), ("note-3a", "3a")]
    assert "note 3a" in doc.get_element_by_id("note-3a").text_content()
    # The second text's notes have ids of their own: both texts can say "note 2" on one page.
    assert doc.get_element_by_id("hu-note-2").xpath("string(span)") == "2"
    ids = [e.get("id") for e in doc.iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def test_a_record_link_resolves_under_base_url_and_the_target_lists_its_referrer(site: Path) -> None:
    links = [a.get("href") for a in _page(site, "other").xpath("//a[contains(@class,'record-link')]")]
    assert links == ["/archive/records/letter/", "/archive/records/letter/#note-3a"]
    target = _page(site, "letter")
    assert target.xpath("//section[@class='referenced-by']//a/@href") == ["/archive/records/other/"]
    assert _page(site, "plain").xpath("//section[@class='referenced-by']") == []


def test_contributors_with_roles_on_the_page_in_citations_and_metadata(site: Path) -> None:
    doc = _page(site, "letter")
    row = " ".join(doc.xpath("string(//div[contains(@class,'meta-contributors')]/dd)").split())
    assert row == "Tester, Anna (translator); Example Foundation (funder)"
    item = json.loads((site / "records/letter/record.json").read_text(encoding="utf-8"))[0]
    assert item["translator"] == [{"family": "Tester", "given": "Anna"}]
    assert item["language"] == "en" and item["original-title"] == "Levél a kukoricáról"
    assert item["note"] == "English translation from Hungarian; translation published in Test Journal 1 (2000), 1–2"
    ld = json.loads(doc.xpath("string(//script[@type='application/ld+json'])"))
    assert ld["inLanguage"] == "en"
    assert ld["translationOfWork"] == {"@type": "CreativeWork", "inLanguage": "hu", "name": "Levél a kukoricáról"}
    assert ld["translator"][0]["name"] == "Anna Tester"
    assert [(c["roleName"], c["contributor"]["name"]) for c in ld["contributor"]] == [
        ("Translator", "Anna Tester"), ("Funder", "Example Foundation")]
    chicago = doc.get_element_by_id("citation-chicago").text_content()
    assert "Translated by Anna Tester." in chicago
    bib = (site / "records/letter/citation.bib").read_text(encoding="utf-8")
    assert "translator = {Tester, Anna}" in bib and "origlanguage = {Hungarian}" in bib
    row = next(r for r in json.loads((site / "data/records.json").read_text(encoding="utf-8")) if r["id"] == "letter")
    assert row["texts"] == ["en (from hu)", "hu"] and row["contributors"][1] == "Example Foundation [fnd]"


def test_the_model_record_says_it_is_translated_from_russian_with_its_credit(sample_site: Path) -> None:
    doc = lxml_html.parse(str(sample_site / "records/andropov-report-1-november-1956/index.html")).getroot()
    section = doc.get_element_by_id("text-en")
    assert " ".join(section.xpath("string(.//p[@class='text-credit'])").split()) == (
        "Translated from Russian. Translation published in The Hungarian Quarterly 34 (Spring 1993), 108–110.")
    assert doc.xpath("string(//h2[@id='texts-heading'])") == "English translation"
    contact = " ".join(doc.xpath("string(//p[@class='rights-contact'])").split())
    assert contact.startswith("To enquire about this document's rights status")


@pytest.mark.parametrize(("body", "message"), [
    ("See [D49](record:nobody).", ('documents/bad.md:5: error: body: link to "record:nobody": no record has the id '
     '"nobody"; write [text](record:ID), ID being a record\'s file name without .md')),
    ("Line one.\n\nSee [note](record:plain#note-9).", ('documents/bad.md:7: error: body: link to '
     '"record:plain#note-9": that record has no such note (its notes: none)')),
])
def test_a_bad_record_link_fails_the_build_with_file_and_line(tmp_path: Path, body: str, message: str) -> None:
    root = make_archive(tmp_path / "a", {"plain.md": record_text("Plain"), "ok.md": record_text("Ok")})
    build_archive(root, index=False)
    before = (root / "site/records/plain/index.html").read_bytes()
    (root / "documents/bad.md").write_text(record_text("Bad", body=body), encoding="utf-8")
    proc = run_cli("build", "--no-index", cwd=root)
    assert proc.returncode == 1
    assert message in proc.stderr.splitlines(), proc.stderr
    assert (root / "site/records/plain/index.html").read_bytes() == before
    assert not (root / "site/records/bad").exists()


@pytest.mark.parametrize(("field", "message"), [
    ("texts: [{language: Klingonese}]",
     'texts: item 1: language: "Klingonese" is not an ISO 639 language name or code; e.g. English, ru, hun'),
    ("texts: [{language: Russian, file: bad.ru.md}]",
     ('texts: item 1: file: "bad.ru.md" ends in .md, and every .md file under documents/ is read as a record; '
     "name it bad.ru.markdown or .txt")),
    ("texts: [{language: Russian, file: missing.markdown}]",
     'texts: item 1: file: "missing.markdown" not found (looked for documents/missing.markdown)'),
    ("texts: [{language: English, translated_by: [X]}]",
     ("texts: item 1: translated_by and published_in describe a translation; add translated_from "
     "(the language it was translated from)")),
    ("contributors: [{name: X, role: boss}]", 'contributors: item 1: role "boss" is not a MARC relator code; '),
    ('summary: "See [it](record:other)."', "summary: record: links work in the transcription, not in the summary"),
])
def test_bad_texts_and_contributors_are_errors_at_their_line(tmp_path: Path, field: str, message: str) -> None:
    root = make_archive(tmp_path / "a", {"bad.md": "---\ntitle: Bad\ndate: 1956\n" + field + "\n---\nBody.\n"})
    proc = run_cli("check", cwd=root)
    assert proc.returncode == 1
    assert any(line.startswith(f"documents/bad.md:4: error: {message}") for line in proc.stderr.splitlines()), \
        proc.stderr


# ---------------------------------------------------------------------------------------------
# In the browser


def test_readers_switch_texts_by_tab_and_keyboard_and_see_them_side_by_side(
        page: Any, site: Path, serve_site: Any) -> None:
    origin = serve_site(site, "/archive/")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(origin + "/archive/records/letter/")
    english, hungarian = page.locator("#text-en"), page.locator("#text-hu")
    assert english.is_visible() and not hungarian.is_visible()
    page.get_by_role("tab", name="Hungarian original").click()
    assert hungarian.is_visible() and not english.is_visible()
    assert ORIGINAL_ONLY in hungarian.inner_text()
    page.keyboard.press("ArrowLeft")  # focus is on the tab just clicked: back to the first
    assert english.is_visible() and not hungarian.is_visible()
    assert page.evaluate("document.activeElement.textContent") == "English translation"
    page.get_by_role("button", name="Side by side").click()
    assert english.is_visible() and hungarian.is_visible()
    left, right = english.bounding_box(), hungarian.bounding_box()
    assert left and right and left["x"] + left["width"] <= right["x"] and abs(left["y"] - right["y"]) < 5
    # A link into the hidden text shows it.
    page.get_by_role("button", name="Side by side").click()
    page.goto(origin + "/archive/records/letter/#hu-note-2")
    assert hungarian.is_visible() and page.locator("#hu-note-2").is_visible()


def test_a_word_only_in_the_original_is_found_by_the_search_box(page: Any, site: Path, serve_site: Any) -> None:
    origin = serve_site(site, "/archive/")
    page.goto(origin + "/archive/search/")
    page.fill("#search-q", ORIGINAL_ONLY.lower()[:12])
    page.wait_for_selector(".search-result .result-title")
    hrefs = page.eval_on_selector_all(".search-result .result-title", "els => els.map(e => e.getAttribute('href'))")
    assert [h.split("?")[0] for h in hrefs] == ["/archive/records/letter/"]  # (?highlight=… follows)


def test_a_record_link_and_a_note_reference_land_on_the_right_note(page: Any, site: Path, serve_site: Any) -> None:
    origin = serve_site(site, "/archive/")
    page.goto(origin + "/archive/records/other/")
    page.get_by_role("link", name="note 3a").click()
    page.wait_for_url("**/records/letter/#note-3a")
    note = page.locator(":target")
    assert note.get_attribute("id") == "note-3a" and "Printed as note 3a." in note.inner_text()
    assert page.locator("section.referenced-by a").inner_text() == "A reply"


# ---------------------------------------------------------------------------------------------
# Incremental builds


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _equals_clean(root: Path, clean: Path) -> None:
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("site", ".archivegen-cache", ".site-*"))
    build_archive(clean, index=False, jobs=1)
    assert _tree(root / "site") == _tree(clean / "site")


def test_adding_a_translation_and_a_link_incrementally_equals_a_clean_build(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "a", {"letter.md": record_text("Letter", "1956-10-30", "Text.[^2]\n\n[^2]: Two.\n"),
                                         "other.md": record_text("Other", "1956-11-02", "No links yet."),
                                         "third.md": record_text("Third", "1956-11-03", "Nothing.")})
    build_archive(root, index=False, jobs=1)
    # A link added to a body alone (no metadata change) still updates the target's "Referenced by".
    other = root / "documents/other.md"
    other.write_text(other.read_text(encoding="utf-8").replace("No links yet.", "See [it](record:letter#note-2)."),
                     encoding="utf-8")
    build_archive(root, index=False, jobs=1)
    _equals_clean(root, tmp_path / "clean1")
    assert "/records/other/" in (root / "site/records/letter/index.html").read_text(encoding="utf-8")
    # A translation's file is added, then edited: the record page follows.
    (root / "documents/letter.ru.markdown").write_text("Первый текст.\n", encoding="utf-8")
    letter = root / "documents/letter.md"
    letter.write_text(letter.read_text(encoding="utf-8").replace(
        "date: 1956-10-30", "date: 1956-10-30\ntexts: [{language: Russian, file: letter.ru.markdown}]"), encoding="utf-8")
    build_archive(root, index=False, jobs=1)
    (root / "documents/letter.ru.markdown").write_text("Второй текст.\n", encoding="utf-8")
    build_archive(root, index=False, jobs=1)
    _equals_clean(root, tmp_path / "clean2")
    page = (root / "site/records/letter/index.html").read_text(encoding="utf-8")
    assert "Второй текст." in page and 'lang="ru"' in page
    # The link is removed again: the target no longer lists it.
    other.write_text(other.read_text(encoding="utf-8").replace("See [it](record:letter#note-2).", "Gone."),
                     encoding="utf-8")
    build_archive(root, index=False, jobs=1)
    _equals_clean(root, tmp_path / "clean3")
    assert "referenced-by" not in (root / "site/records/letter/index.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Validity and accessibility of the new page parts (the record pages of the test archive)


def test_the_texts_pages_are_valid_html(site: Path, tmp_path: Path) -> None:
    from test_html_valid import describe, run_vnu

    pages = tmp_path / "pages"
    for rid in ("letter", "other", "plain"):
        (pages / rid).mkdir(parents=True)
        shutil.copy(site / "records" / rid / "index.html", pages / rid / "index.html")
    messages = run_vnu(pages)
    assert messages == [], describe(messages, pages)


@pytest.mark.parametrize(("width", "paired"), [(1400, False), (1400, True), (320, False)])
def test_axe_finds_nothing_on_a_record_with_two_texts(chromium: Any, site: Path, serve_site: Any,
                                                      width: int, paired: bool) -> None:
    from test_accessibility import AXE, AXE_TAGS

    origin = serve_site(site, "/archive/")
    page = new_page(chromium, bypass_csp=True)  # axe is injected below
    try:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(origin + "/archive/records/letter/")
        if paired:
            page.get_by_role("button", name="Side by side").click()
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]] == []
        assert page.errors == []
    finally:
        page.close()
