"""Authority files: parsing, validation with file:line messages, name lookup (issue #16)."""

from __future__ import annotations

from archivegen.records.authorities import index_authorities, parse_authorities

PEOPLE = "authorities/people.yaml"


def _parse(text: str, kind: str = "person", path: str = PEOPLE) -> tuple[list, list[str]]:
    entries, problems = parse_authorities(path, text, kind)
    _, more = index_authorities(entries)
    return entries, [p.format() for p in problems + more]


def test_an_entry_keeps_every_field() -> None:
    entries, problems = _parse(
        '- name: "Kádár, János"\n'
        '  variants: ["Kadar, Janos", Kadar]\n'
        "  dates: 1912-05-26/1989-07-06\n"
        "  description: First Secretary\n"
        "  wikidata: Q152937\n"
        "  viaf: '46774389'\n"
        "  lcnaf: n79021164\n"
        "  collections: [FRUS]\n")
    assert problems == []
    a = entries[0]
    assert (a.name, a.variants, a.description, a.collections) == (
        "Kádár, János", ("Kadar, Janos", "Kadar"), "First Secretary", ("FRUS",))
    assert a.dates is not None and a.dates.lower.year == 1912 and a.dates.upper.year == 1989
    assert [(i.label, i.url) for i in a.identifiers] == [
        ("Wikidata", "https://www.wikidata.org/wiki/Q152937"), ("VIAF", "https://viaf.org/viaf/46774389"),
        ("LCNAF", "https://id.loc.gov/authorities/names/n79021164.html")]


def test_a_duplicate_name_is_an_error_on_the_second_entry() -> None:
    _, problems = _parse('- name: "Nagy, Imre"\n  description: a\n- name: "Nagy,  Imre"\n')
    assert problems == [(f'{PEOPLE}:3: error: name: name "Nagy, Imre" is already the name of "Nagy, Imre" '
                         f"({PEOPLE}:1); a name may stand for one entry only: remove it here or there, or tell "
                         'them apart ("Nagy, Imre (1896–1958)")')]


def test_a_variant_claimed_by_two_people_names_the_variant_line() -> None:
    _, problems = _parse('- name: "Dulles, John Foster"\n  variants: [Dulles]\n'
                         '- name: "Dulles, Allen W."\n  variants:\n    - "Allen Dulles"\n    - Dulles\n')
    assert len(problems) == 1
    assert problems[0].startswith(f'{PEOPLE}:6: error: variants: variant "Dulles" is already a variant of '
                                  f'"Dulles, John Foster" ({PEOPLE}:1)')


def test_people_and_organisations_share_names_but_places_do_not() -> None:
    people, _ = parse_authorities(PEOPLE, "- name: Washington\n", "person")
    orgs, _ = parse_authorities("authorities/organisations.yaml", "- name: Washington\n", "organisation")
    places, _ = parse_authorities("authorities/places.yaml", "- name: Washington\n", "place")
    _, problems = index_authorities(people + places)
    assert problems == []
    _, problems = index_authorities(people + orgs)
    assert [p.path for p in problems] == ["authorities/organisations.yaml"]


def test_bad_coordinates_are_refused_with_their_line() -> None:
    path = "authorities/places.yaml"
    _, problems = _parse("- name: Budapest\n  coordinates: [19.04, 147.5]\n"
                         "- name: Moscow\n  coordinates: [55.75, 237.6]\n"
                         "- name: Warsaw\n  coordinates: north\n", "place", path)
    assert problems[0].startswith(f"{path}:4: error: coordinates: [55.75, 237.6] is off the globe")
    assert problems[1].startswith(f"{path}:6: error: coordinates: expected [latitude, longitude]")
    assert len(problems) == 2


def test_a_bad_identifier_is_refused_with_an_example() -> None:
    _, problems = _parse("- name: X\n  wikidata: 152937\n  geonames: abc\n  viaf: '0'\n")
    assert [p for p in problems if ": error: " in p] == [
        f"{PEOPLE}:2: error: wikidata: '152937' is not a Wikidata identifier; expected e.g. Q152937",
        f"{PEOPLE}:4: error: viaf: '0' is not a VIAF identifier; expected e.g. 46774389",
    ]  # geonames is a place's identifier: a person's is an unknown key (a warning, checked below)


def test_unknown_keys_warn_and_missing_names_are_errors() -> None:
    _, problems = _parse("- name: X\n  geonames: abc\n- description: nobody\n")
    assert problems[0].startswith(f"{PEOPLE}:2: warning: geonames: unknown key for a person")
    assert problems[1].startswith(f"{PEOPLE}:3: error: name: missing: every entry needs a name")


def test_a_bad_date_and_a_term_without_meaning() -> None:
    _, problems = _parse("- name: X\n  dates: 1956-13-01\n")
    assert problems[0].startswith(f"{PEOPLE}:2: error: dates: ")
    _, problems = _parse("- term: Embtel\n", "term", "authorities/terms.yaml")
    assert problems[0].startswith("authorities/terms.yaml:1: error: meaning: missing for 'Embtel'")


def test_a_file_that_is_not_a_list_or_not_yaml() -> None:
    _, problems = _parse("name: X\n")
    assert problems[0].startswith(f"{PEOPLE}:1: error: file: expected a list of entries")
    _, problems = _parse("- name: X\n  variants: [a\n- name: Y\n")
    assert problems[0].startswith(f"{PEOPLE}:3: error: file: YAML syntax error")


def test_a_name_without_diacritics_finds_the_entry_unless_two_fold_alike() -> None:
    entries, _ = parse_authorities(PEOPLE, '- name: "Kádár, János"\n- name: "Lodz"\n- name: "Łódź"\n', "person")
    files, problems = index_authorities(entries)
    assert problems == []
    found = files.find("agents", "KADAR,  Janos")
    assert found is not None and found.name == "Kádár, János"
    assert files.find("agents", "lodz") is not None and files.find("agents", "lodz").name == "Lodz"  # exact wins
    assert files.find("agents", "Łodz") is None  # folds like both: no guess
    assert files.find("places", "Kadar, Janos") is None


def test_glossary_terms_may_repeat_across_collections() -> None:
    text = "- term: AA\n  meaning: a\n  collections: [A]\n- term: AA\n  meaning: b\n  collections: [B]\n"
    _, problems = _parse(text, "term", "authorities/terms.yaml")
    assert problems == []
    _, problems = _parse(text.replace("[B]", "[A, B]"), "term", "authorities/terms.yaml")
    assert len(problems) == 1 and problems[0].startswith("authorities/terms.yaml:4: error: name:")
