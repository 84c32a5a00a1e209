"""settings.py: archive.yaml to Settings, with problems at the nested key's line."""

from __future__ import annotations

from archivegen.records.settings import parse_settings


def test_sub_path_base_url_gives_base_path_and_origin() -> None:
    settings, problems = parse_settings("title: T\nbase_url: https://example.org/archive\n")
    assert problems == [] and settings is not None
    assert (settings.base_url, settings.base_path, settings.origin) == (
        "https://example.org/archive/", "/archive/", "https://example.org")
    assert settings.with_base_url("/").base_path == "/"


def test_rights_and_descriptions_are_read() -> None:
    settings, problems = parse_settings(
        "title: T\nrights:\n  mine:\n    label: Mine\n    text: Text.\n    uri: https://x.example/\n"
        "collections:\n  Hungary:\n    description: About Hungary.\n")
    assert problems == [] and settings is not None
    assert settings.rights["mine"].label == "Mine" and settings.rights["mine"].uri == "https://x.example/"
    assert settings.descriptions["collections"] == {"Hungary": "About Hungary."}


def test_bad_settings_are_reported_each_at_its_line() -> None:
    _, problems = parse_settings("titel: T\nbase_url: example.org\nrights:\n  a:\n    label: A\n"
                                 "  b:\n    text: no label\npage_size: 0\n")
    assert [p.format() for p in problems] == [
        "archive.yaml:1: warning: titel: unknown setting; did you mean 'title'? known: base_url, "
        "collections, description, language, languages, page_size, people, places, publisher, recent, rights, "
        "subjects, title, types",
        "archive.yaml:1: error: title: required: the archive's name, e.g. 'title: Cold War Documents'",
        'archive.yaml:2: error: base_url: "example.org/" is not an http(s) URL or a path; '
        "e.g. https://example.org/archive/",
        "archive.yaml:6: error: rights.b: expected text for 'label:' and 'text:' (and optionally 'uri:'), "
        "found a mapping; e.g. label: Reuse for research",
        "archive.yaml:8: error: page_size: expected a positive whole number, found '0'",
    ]
