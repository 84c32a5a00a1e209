"""Issue #3: browsing by collection, person, place, subject, type, language and year.

Every assertion reads the built HTML the way a reader meets it (lxml), not the model.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import lxml.html
import pytest
import yaml

from archivegen.build.pipeline import build_archive
from archivegen.render.browse import initial, name_key
from conftest import ARCHIVE_YAML, REPO, record_text, run_cli
from linkcheck import broken_links

FACETS = ("collections", "people", "places", "subjects", "types", "languages")
#: Pages other helpers build (search, data downloads, feed). The lead removes an entry once the
#: page exists after merging; nothing else is excluded from the link check.

KADAR_NFC = unicodedata.normalize("NFC", "Kádár, János")
KADAR_NFD = unicodedata.normalize("NFD", "Kádár, János")


# ---------------------------------------------------------------------------------------------
# Reading pages


def parse(site: Path, path: str) -> lxml.html.HtmlElement:
    file = site / path / "index.html" if not path.endswith(".html") else site / path
    return lxml.html.parse(str(file)).getroot()


def text(el: lxml.html.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def site_path(href: str, base: str) -> str:
    """'/archive/people/x/' -> 'people/x/' (site-relative)."""
    assert href.startswith(base), href
    return href[len(base):]


def listed_records(page: lxml.html.HtmlElement) -> list[str]:
    """Record links in the page's main listing (not the 'also covering' section)."""
    return page.xpath('//main//ul[@class="record-list"][not(ancestor::section[@class="also-covering"])]'
                      '/li/a[@class="record-title"]/@href')


def index_entries(page: lxml.html.HtmlElement) -> list[tuple[str, str, int]]:
    """(name, href, count) for each term on a facet index page, in page order."""
    out = []
    for li in page.xpath('//main//ul[@class="term-list"]/li'):
        a = li.xpath("./a")[0]
        count = int(re.match(r"(\d+) records?$", text(li.xpath('./span[@class="count"]')[0])).group(1))
        out.append((a.text_content(), a.get("href"), count))
    return out


def all_pages_of(site: Path, first: str, base: str) -> list[lxml.html.HtmlElement]:
    """A paginated listing, read by following its Next links from the first page."""
    pages, path, seen = [], first, set()
    while path:
        assert path not in seen, f"pagination loops back to {path}"
        seen.add(path)
        page = parse(site, path)
        pages.append(page)
        nxt = page.xpath('//nav[@class="pagination"][1]//a[@rel="next"]/@href')
        path = site_path(nxt[0], base) if nxt else ""
    return pages


def listing(site: Path, first: str, base: str) -> list[str]:
    return [href for page in all_pages_of(site, first, base) for href in listed_records(page)]


def record_term_links(site: Path, base: str) -> dict[str, set[str]]:
    """Term page href -> record page hrefs whose metadata links to it (a reader's cross-check)."""
    carriers: dict[str, set[str]] = {}
    for file in sorted((site / "records").glob("*/index.html")):
        page = lxml.html.parse(str(file)).getroot()
        record_href = base + file.parent.relative_to(site).as_posix() + "/"
        for href in page.xpath('//section[@class="metadata"]//dd/a/@href'):
            facet = site_path(href, base).split("/")[0]
            if facet in FACETS:
                carriers.setdefault(href, set()).add(record_href)
    return carriers


def build(root: Path, base_url: str | None = None) -> Path:
    build_archive(root, base_url=base_url, index=False)
    return root / "site"


# ---------------------------------------------------------------------------------------------
# The sample archive


def test_every_facet_index_shows_each_term_with_the_number_of_records_carrying_it(sample_site: Path):
    carriers = record_term_links(sample_site, "/archive/")
    for facet in FACETS:
        entries = index_entries(parse(sample_site, facet))
        assert entries, facet
        shown = {href: count for _, href, count in entries}
        expected = {href: len(recs) for href, recs in carriers.items() if href.startswith(f"/archive/{facet}/")}
        assert shown == expected, facet


def test_people_counts_match_the_record_files(sample_site: Path):
    """A person's count is the records that name them or that they created (issue #16: a
    creator is filed under their page; every creator of the sample has one)."""
    counts: Counter[str] = Counter()
    for file in (REPO / "documents").rglob("*.md"):
        front = yaml.safe_load(file.read_text(encoding="utf-8").split("---\n")[1])
        names = (front.get("people") or []) + (front.get("creators") or [])
        counts.update({unicodedata.normalize("NFC", " ".join(p.split())) for p in names})
    shown = {name: count for name, _, count in index_entries(parse(sample_site, "people"))}
    assert shown == dict(counts)


def test_every_record_appears_exactly_once_across_the_pages_of_each_of_its_terms(sample_site: Path):
    for term_href, records in record_term_links(sample_site, "/archive/").items():
        listed = listing(sample_site, site_path(term_href, "/archive/"), "/archive/")
        assert sorted(listed) == sorted(records), term_href
        assert len(listed) == len(set(listed)), term_href


def test_long_collection_is_split_into_pages_of_page_size_with_stable_links(sample_site: Path):
    slug = "foreign-relations-of-the-united-states-1955-1957-eastern-europe-volume-xxv"
    pages = all_pages_of(sample_site, f"collections/{slug}/", "/archive/")
    assert [len(listed_records(p)) for p in pages] == [50] * 5 + [31]
    current = [p.xpath('//nav[@class="pagination"][1]//a[@aria-current="page"]/@href') for p in pages]
    assert current == [[f"/archive/collections/{slug}/"]] + [[f"/archive/collections/{slug}/page/{n}/"]
                                                            for n in range(2, 7)]


def test_term_page_shows_the_description_from_archive_yaml(sample_site: Path):
    page = parse(sample_site, "collections/hungarian-revolution-1956")
    assert text(page.xpath("//h1")[0]) == "Hungarian Revolution, 1956"
    assert "Records on the Hungarian uprising of October–November 1956" in text(page.xpath("//main")[0])


def test_term_page_lists_date_type_title_and_summary_in_date_order(sample_site: Path):
    pages = all_pages_of(sample_site, "people/kadar-janos/", "/archive/")
    items = [li for p in pages for li in p.xpath('//main//ul[@class="record-list"]/li')]
    datetimes = [li.xpath(".//time/@datetime")[0] for li in items]
    assert datetimes == sorted(datetimes) and len(items) > 1
    andropov = next(li for li in items if "Andropov Report" in text(li))
    assert "November 1, 1956 · Report" in text(andropov)
    assert "Andropov reports that Imre Nagy has threatened a scandal" in text(andropov)


def test_every_year_page_together_lists_every_record_once(sample_site: Path):
    years = parse(sample_site, "years")
    hrefs = years.xpath('//ol[@class="timeline"]//a/@href')
    listed = [r for href in hrefs for r in listing(sample_site, site_path(href, "/archive/"), "/archive/")]
    assert len(listed) == len(set(listed)) == len(list((sample_site / "records").glob("*/index.html")))


def test_years_index_counts_each_year_and_draws_a_bar(sample_site: Path):
    page = parse(sample_site, "years")
    rows = {text(li.xpath('./span[@class="timeline-label"]')[0]): li for li in page.xpath('//li[contains(@class,"timeline-year")]')}
    # Issue 18: runs of years without records are folded into one row.
    # The sample's scanned book page (1884/1885) opens the 1880s.
    assert set(rows) == {"1880–1883", "1884", "1885–1889", "1950–1954", "1955", "1956", "1957", "1958–1959"}
    for year in ("1955", "1956", "1957"):
        count = int(text(rows[year].xpath('./span[@class="count"]')[0]).split()[0])
        assert count == len(listing(sample_site, f"years/{year}/", "/archive/"))
        assert float(rows[year].xpath(".//rect/@width")[0]) > 0
    assert rows["1950–1954"].xpath(".//a") == [] and "no records" in text(rows["1950–1954"])


def test_record_page_links_previous_and_next_in_its_collection(sample_site: Path):
    slug = "foreign-relations-of-the-united-states-1955-1957-eastern-europe-volume-xxv"
    order = listing(sample_site, f"collections/{slug}/", "/archive/")
    for i in (0, 100, len(order) - 1):
        page = parse(sample_site, site_path(order[i], "/archive/"))
        prev = page.xpath('//nav[@class="neighbours"]//li[@class="neighbour-prev"]/a/@href')
        nxt = page.xpath('//nav[@class="neighbours"]//li[@class="neighbour-next"]/a/@href')
        assert prev == ([order[i - 1]] if i > 0 else [])
        assert nxt == ([order[i + 1]] if i + 1 < len(order) else [])
        assert f"Record {i + 1} of {len(order)}" in text(page.xpath('//nav[@class="neighbours"]')[0])


@pytest.mark.parametrize("path", ["people", "people/by-count", "people/kadar-janos", "years", "years/1956",
                                  "years/1956/page/2", "records/andropov-report-1-november-1956"])
def test_every_page_navigates_to_every_index_and_shows_breadcrumbs(sample_site: Path, path: str):
    page = parse(sample_site, path)
    nav = set(page.xpath('//nav[@aria-label="Browse"]//a/@href'))
    assert {f"/archive/{f}/" for f in FACETS} | {"/archive/years/", "/archive/"} <= nav
    crumbs = page.xpath('//nav[@aria-label="Breadcrumb"]//a/@href')
    assert crumbs[0] == "/archive/"
    assert page.xpath('//nav[@aria-label="Breadcrumb"]//li[@aria-current="page"]')


def yaml_with(extra: str) -> str:
    return ARCHIVE_YAML + extra


def test_pagination_covers_every_record_exactly_once_in_date_order(tmp_archive):
    dates = [f"1956-11-0{d}" for d in range(1, 9)]
    records = {f"r{i}.md": record_text(f"Record {i}", date, people='["Nagy, Imre"]')
               for i, date in enumerate(reversed(dates))}
    site = build(tmp_archive(records, yaml_with("page_size: 3\n")))
    pages = all_pages_of(site, "people/nagy-imre/", "/archive/")
    assert [len(listed_records(p)) for p in pages] == [3, 3, 2]
    listed = [site_path(h, "/archive/") for p in pages for h in listed_records(p)]
    assert listed == [f"records/r{i}/" for i in range(7, -1, -1)]
    assert (site / "people/nagy-imre/page/3/index.html").is_file()
    marked = pages[1].xpath('//nav[@class="pagination"][1]//a[@aria-current="page"]')
    assert [text(a) for a in marked] == ["Page 2"]
    # the same listing on the year page, paginated the same way
    assert listing(site, "years/1956/", "/archive/") == ["/archive/" + p for p in listed]


def test_pagination_of_many_pages_keeps_the_nav_short_and_every_page_reachable(tmp_archive):
    records = {f"r{i:02d}.md": record_text(f"Record {i}", f"1956-01-{i + 1:02d}", places="[Budapest]")
               for i in range(30)}
    site = build(tmp_archive(records, yaml_with("page_size: 2\n")))
    pages = all_pages_of(site, "places/budapest/", "/archive/")
    assert len(pages) == 15
    numbers = [text(a) for a in pages[7].xpath('//nav[@class="pagination"][1]//li/a[not(@rel)]')]
    assert numbers == ["Page 1", "Page 6", "Page 7", "Page 8", "Page 9", "Page 10", "Page 15"]


def test_nfd_and_nfc_spellings_of_a_name_meet_on_one_page(tmp_archive):
    root = tmp_archive({"a.md": record_text("A", "1956-11-01", people=f'["{KADAR_NFC}"]'),
                        "b.md": record_text("B", "1956-11-02", people=f'["{KADAR_NFD}"]')},
                       yaml_with(f'people:\n  "{KADAR_NFD}":\n    description: First Secretary.\n'))
    site = build(root)
    entries = index_entries(parse(site, "people"))
    assert entries == [(KADAR_NFC, "/archive/people/kadar-janos/", 2)]
    page = parse(site, "people/kadar-janos")
    assert sorted(listed_records(page)) == ["/archive/records/a/", "/archive/records/b/"]
    assert "First Secretary." in text(page.xpath("//main")[0])
    assert not (site / "people" / "kadar-janos-2").exists()


def test_names_sharing_a_slug_get_distinct_pages_and_check_warns(tmp_archive):
    root = tmp_archive({"a.md": record_text("A", "1956-11-01", people='["Kadar, Janos"]'),
                        "b.md": record_text("B", "1956-11-02", people=f'["{KADAR_NFC}"]')})
    site = build(root)
    entries = {name: href for name, href, _ in index_entries(parse(site, "people"))}
    assert entries == {"Kadar, Janos": "/archive/people/kadar-janos/", KADAR_NFC: "/archive/people/kadar-janos-2/"}
    assert listed_records(parse(site, "people/kadar-janos")) == ["/archive/records/a/"]
    assert listed_records(parse(site, "people/kadar-janos-2")) == ["/archive/records/b/"]
    proc = run_cli("check", "--root", str(root))
    assert proc.returncode == 0
    assert 'warning: people: different names share the URL slug "kadar-janos"' in proc.stderr
    assert KADAR_NFC in proc.stderr


def test_a_term_named_like_the_by_count_page_gets_its_own_slug(tmp_archive):
    root = tmp_archive({"a.md": record_text("A", "1956-11-01", subjects='["By Count"]'),
                        "b.md": record_text("B", "1956-11-02", subjects='["Neutrality", "By Count"]')})
    site = build(root)
    assert index_entries(parse(site, "subjects/by-count")) == [
        ("By Count", "/archive/subjects/by-count-2/", 2), ("Neutrality", "/archive/subjects/neutrality/", 1)]
    assert len(listed_records(parse(site, "subjects/by-count-2"))) == 2


def test_index_sorts_accented_names_with_their_letter_and_by_count_most_first(tmp_archive):
    names = ["Zápotocký, Antonín", "Ágh, Tamás", "Adams, Sherman", "Łukasiewicz, Juliusz", "Lodge, Henry",
             "Ozal, A", "Öz, B"]
    records = {f"r{i}.md": record_text(f"R{i}", f"1956-01-{i + 1:02d}",
                                       people="[" + ", ".join(f'"{n}"' for n in names[: i + 1]) + "]")
               for i in range(len(names))}
    site = build(tmp_archive(records))
    az = [n for n, _, _ in index_entries(parse(site, "people"))]
    assert az == ["Adams, Sherman", "Ágh, Tamás", "Lodge, Henry", "Łukasiewicz, Juliusz", "Öz, B", "Ozal, A",
                  "Zápotocký, Antonín"]
    headings = parse(site, "people").xpath('//section[@class="term-group"]/h2/text()')
    assert headings == ["A", "L", "O", "Z"]
    by_count = [(n, c) for n, _, c in index_entries(parse(site, "people/by-count"))]
    assert [c for _, c in by_count] == sorted((c for _, c in by_count), reverse=True)
    assert by_count[0] == ("Zápotocký, Antonín", 7)
    orders = parse(site, "people/by-count").xpath('//nav[@class="sort-orders"]//a')
    assert [(text(a), a.get("aria-current")) for a in orders] == [("A–Z", None), ("Most records first", "page")]


def test_long_index_has_a_jump_bar_to_letter_anchors_that_exist(tmp_archive):
    names = [f"{letter}name{i}, X" for letter in "ABCDÉ" for i in range(8)]
    site = build(tmp_archive({"a.md": record_text("A", "1956-11-01",
                                                   places="[" + ", ".join(f'"{n}"' for n in names) + "]")}))
    page = parse(site, "places")
    jumps = page.xpath('//nav[@class="jump-bar"]//a')
    assert [text(a) for a in jumps] == ["A", "B", "C", "D", "E"]
    ids = set(page.xpath("//@id"))
    assert all(a.get("href")[1:] in ids for a in jumps)
    # a short list needs no jump bar
    assert parse(site, "people").xpath('//nav[@class="jump-bar"]') == []


def test_year_pages_place_intervals_and_approximate_dates(tmp_archive):
    root = tmp_archive({
        "crisis.md": record_text("Crisis", "1956-10-23/1956-11-04"),
        "note.md": record_text("Editorial note", "1955/1957"),
        "decade.md": record_text("Undated memo", "195X"),
        "circa.md": record_text("Circa report", "1956~"),
        "plain.md": record_text("Plain", "1957-03-01"),
    })
    site = build(root)
    by_year = {y: [site_path(h, "/archive/") for h in listing(site, f"years/{y}/", "/archive/")]
               for y in (1950, 1955, 1956, 1957)}
    assert by_year == {1950: ["records/decade/"], 1955: ["records/note/"],
                       # grouped by month; "ca. 1956" is known only to the year and comes last
                       1956: ["records/crisis/", "records/circa/"], 1957: ["records/plain/"]}
    y1955 = text(parse(site, "years/1955").xpath("//main")[0])
    assert "1955–1957" in y1955 and "Spans 1955–1957; listed under its first year, 1955." in y1955
    for later in ("1956", "1957"):
        also = parse(site, f"years/{later}").xpath('//section[@class="also-covering"]//a[@class="record-title"]/@href')
        assert "/archive/records/note/" in also
    decade = parse(site, "years/1950").xpath('//main//li[@class="record-item"]')[0]
    assert "1950s" in text(decade) and "Dated only as 1950s" in text(decade)
    circa = [li for li in parse(site, "years/1956").xpath('//main//li[@class="record-item"]') if "Circa" in text(li)]
    assert "ca. 1956" in text(circa[0])
    years = parse(site, "years")
    assert "1 record is dated only to the 1950s" in text(years.xpath('//section[@class="decade"]')[0])
    assert [a.get("href") for a in years.xpath('//ol[@class="timeline"]//a')] == [
        f"/archive/years/{y}/" for y in (1950, 1955, 1956, 1957)]


def test_prev_next_follow_date_order_within_each_collection(tmp_archive):
    root = tmp_archive({
        "c.md": record_text("Third", "1956-11-03", collections='["Hungary", "Poland"]'),
        "a.md": record_text("First", "1956-11-01", collections='["Hungary"]'),
        "b.md": record_text("Second", "1956-11-02", collections='["Hungary"]'),
        "p.md": record_text("Polish", "1956-10-19", collections='["Poland"]'),
        "solo.md": record_text("Alone", "1956-10-19", collections='["Solo"]'),
    })
    site = build(root)

    def neighbours(record: str) -> list[tuple[str, list[str], list[str]]]:
        page = parse(site, f"records/{record}")
        return [(text(s.xpath("./p//a")[0]),
                 [site_path(h, "/archive/") for h in s.xpath('.//li[@class="neighbour-prev"]/a/@href')],
                 [site_path(h, "/archive/") for h in s.xpath('.//li[@class="neighbour-next"]/a/@href')])
                for s in page.xpath('//nav[@class="neighbours"]/div')]

    assert neighbours("a") == [("Hungary", [], ["records/b/"])]
    assert neighbours("b") == [("Hungary", ["records/a/"], ["records/c/"])]
    assert neighbours("c") == [("Hungary", ["records/b/"], []), ("Poland", ["records/p/"], [])]
    assert neighbours("solo") == []


def test_small_archive_links_all_work_under_a_sub_path_and_at_the_root(tmp_archive, tmp_path: Path):
    records = {f"r{i}.md": record_text(f"R{i}", f"195{i % 3 + 5}-0{i % 9 + 1}-01", people='["Nagy, Imre"]',
                                       collections='["Hungary"]', languages="[hu]") for i in range(9)}
    records["decade.md"] = record_text("Decade", "195X", subjects='["Árpád"]')
    root = tmp_archive(records, yaml_with("page_size: 2\n"))
    for base_url, base in (("https://example.org/deep/sub/", "/deep/sub/"), ("/", "/")):
        site = build(root, base_url)
        assert broken_links(site, base) == [], base_url


def test_browse_pages_are_byte_identical_across_builds(tmp_archive, tmp_path: Path):
    records = {f"r{i}.md": record_text(f"R{i}", "1956-11-01", people='["Nagy, Imre", "Kádár, János"]')
               for i in range(5)}
    root = tmp_archive(records, yaml_with("page_size: 2\n"))
    first, second = tmp_path / "one", tmp_path / "two"
    build_archive(root, first, index=False)
    build_archive(root, second, index=False)
    files = sorted(p.relative_to(first) for p in first.rglob("*.html"))
    assert files == sorted(p.relative_to(second) for p in second.rglob("*.html"))
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)


def test_name_key_files_accented_letters_with_their_base_letter():
    assert sorted(["Zoltán", "Ágnes", "Adam", "Łódź", "Lviv", "adam"], key=name_key) == [
        "Adam", "adam", "Ágnes", "Łódź", "Lviv", "Zoltán"]
    assert [initial(n) for n in ("Ágnes", "Łódź", "1956 Revolution", "Öz")] == ["A", "L", "#", "O"]
