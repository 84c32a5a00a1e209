"""validate.py: field checks, normalisation, and checks across records."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archivegen.records.load import ID_PATTERN, parse_record
from archivegen.records.settings import parse_settings
from archivegen.records.validate import cross_check, normalise_language, validate_record
from strategies import ID_ALPHABET, record_ids

SETTINGS = parse_settings("title: T\nbase_url: /\nrights:\n  local:\n    label: Local\n    text: Ours.\n")[0]


def _validate(front: str, path: str = "documents/x.md", root: Path | None = None):
    raw, problems = parse_record(path, f"---\n{front}---\nBody\n")
    assert raw is not None, problems
    record, more = validate_record(raw, SETTINGS, root)
    return record, [p.format() for p in problems + more]


def test_full_record_is_normalised() -> None:
    record, problems = _validate(
        "title: '  Andropov   Report '\ndate: 1956-11-01\ntype: Report\nsummary: '**Nagy** threatens'\n"
        "languages: [Russian, hu, hun, no]\ncreators: ['Andropov, Yuri']\npeople: ['Nagy, Imre', 'Kádár, János']\n"
        "places: [Budapest]\nsubjects: [Neutrality]\ncollections: [Hungary]\nclassification: Top Secret\n"
        "archive: AVP RF\nsource: f. 059a\nrights: local\nuploaded: 2011-11-03\nrelated: [other]\n")
    assert problems == [] and record is not None
    assert record.title == "Andropov Report"
    assert [(lang.code, lang.name) for lang in record.languages] == [("ru", "Russian"), ("hu", "Hungarian"),
                                                           ("no", "Norwegian")]
    assert record.date.display == "November 1, 1956" and record.uploaded is not None
    assert record.rights is not None and record.rights.label == "Local"
    assert record.related == ("other",) and record.body == "Body\n"


def test_decomposed_names_are_composed() -> None:
    record, _ = _validate("title: T\ndate: 1956\npeople: ['Ka\u0301da\u0301r, Ja\u0301nos']\n")
    assert record is not None and record.people == ("Kádár, János",)


@pytest.mark.parametrize(("key", "code"), [("InC-EDU", "InC-EDU"), ("noc-us", "NoC-US"),
                                           ("CC-BY-4.0", "CC-BY-4.0"), ("CC0-1.0", "CC0-1.0")])
def test_standard_rights_need_no_definition(key: str, code: str) -> None:
    record, problems = _validate(f"title: T\ndate: 1956\nrights: {key}\n")
    assert problems == [] and record is not None and record.rights is not None
    assert record.rights.key == code and record.rights.uri.startswith("http")


def test_unknown_field_suggests_the_closest_known_one() -> None:
    _, problems = _validate("title: T\ndate: 1956\ncreator: [A]\n")
    assert problems == ["documents/x.md:4: warning: creator: unknown field; did you mean 'creators'?"]


def test_listed_twice_is_a_warning_at_the_second_item() -> None:
    _, problems = _validate("title: T\ndate: 1956\npeople:\n  - A\n  - B\n  - A\n")
    assert problems == ['documents/x.md:7: warning: people: "A" is listed twice']


def test_missing_date_is_reported_at_the_closing_fence() -> None:
    _, problems = _validate("title: T\ntype: Report\n")
    assert problems == ["documents/x.md:4: error: date: required, missing or empty; e.g. 'date: 1956-11-01'"]


def test_files_are_resolved_beside_the_record(tmp_path: Path) -> None:
    (tmp_path / "documents" / "hu").mkdir(parents=True)
    (tmp_path / "documents" / "hu" / "scan.pdf").write_bytes(b"%PDF")
    record, problems = _validate("title: T\ndate: 1956\nfiles: [scan.pdf]\n", "documents/hu/x.md", tmp_path)
    assert problems == [] and record is not None and record.files == ("documents/hu/scan.pdf",)


def test_symlinked_folder_on_the_way_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("x")
    root = tmp_path / "archive"
    (root / "documents").mkdir(parents=True)
    os.symlink(outside, root / "documents" / "scans")
    _, problems = _validate("title: T\ndate: 1956\nfiles: [scans/secret.txt]\n", root=root)
    assert problems == ['documents/x.md:4: error: files: "scans/secret.txt" is a symbolic link; '
                        "copy the file into the archive instead"]


def test_windows_paths_are_refused() -> None:
    _, problems = _validate("title: T\ndate: 1956\nfiles: ['C:\\\\scan.pdf', '..\\\\x.pdf']\n")
    assert len(problems) == 2 and "absolute path" in problems[0] and '("..")' in problems[1]


def _raw(path: str, front: str):
    raw, _ = parse_record(path, f"---\ntitle: T\ndate: 1956\n{front}---\n")
    assert raw is not None
    return raw


def test_duplicate_ids_at_any_depth_name_every_file() -> None:
    problems = cross_check([_raw("documents/a/r.md", ""), _raw("documents/b/r.md", "")], [])
    assert [p.format() for p in problems] == [
        f'documents/{d}/r.md:1: error: id: record id "r" is used by more than one file '
        "(documents/a/r.md, documents/b/r.md); ids must be unique (case-insensitively) across documents/"
        for d in "ab"]


def test_related_must_name_existing_records_at_the_item_line() -> None:
    problems = cross_check([_raw("documents/a.md", "related:\n  - b\n  - nope\n"), _raw("documents/b.md", "")], [])
    assert [p.format() for p in problems] == ['documents/a.md:6: error: related: no record has the id "nope"']


def test_language_lookup_accepts_names_and_codes_and_refuses_nonsense() -> None:
    assert normalise_language("Hungarian") == normalise_language("hu") == normalise_language("HUN")
    assert normalise_language("Church Slavic") is not None
    assert normalise_language("Klingonese") is None


@given(record_ids)
def test_generated_ids_match_the_id_rule(record_id: str) -> None:
    assert ID_PATTERN.match(record_id)
    _, problems = _validate("title: T\ndate: 1956\n", f"documents/{record_id}.md")
    assert not [p for p in problems if ": id: " in p]


@given(st.text(min_size=1, max_size=20))
def test_id_rule_refuses_what_is_not_a_safe_url_segment(name: str) -> None:
    ok = name[0] in ID_ALPHABET and all(c in ID_ALPHABET + "._-" for c in name)
    assert bool(ID_PATTERN.match(name)) == ok


def test_a_title_of_white_space_only_is_refused() -> None:
    record, problems = _validate("title: '   '\ndate: 1956\n")
    assert record is None
    assert problems == ["documents/x.md:2: error: title: required, and empty once white space is removed; "
                        "e.g. 'title: Andropov Report, 1 November 1956'"]
