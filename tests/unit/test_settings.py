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


def test_rights_contact_is_text_or_text_with_an_email_or_url() -> None:
    """Issue 15: a rights statement says whom to ask (text, plus an e-mail or URL)."""
    settings, problems = parse_settings(
        "title: T\nrights:\n  a:\n    label: A\n    text: T.\n    contact: Ask  the program.\n"
        "  b:\n    label: B\n    text: T.\n    contact:\n      text: Write to\n      email: rights@example.org\n"
        "  c:\n    label: C\n    text: T.\n    contact: {text: Use the form, url: 'https://example.org/form'}\n")
    assert problems == [] and settings is not None
    contacts = {k: r.contact for k, r in settings.rights.items()}
    assert contacts["a"] is not None and (contacts["a"].text, contacts["a"].email) == ("Ask the program.", "")
    assert contacts["b"] is not None and contacts["b"].email == "rights@example.org"
    assert contacts["c"] is not None and contacts["c"].url == "https://example.org/form"


def test_a_bad_rights_contact_is_an_error_at_its_statement() -> None:
    _, problems = parse_settings(
        "title: T\nrights:\n  a:\n    label: A\n    text: T.\n    contact: {text: Write, email: '[email protected]'}\n"
        "  b:\n    label: B\n    text: T.\n    contact: {text: Form, url: 'javascript:alert(1)'}\n"
        "  c:\n    label: C\n    text: T.\n    contact: [x]\n")
    assert [p.format() for p in problems] == [
        'archive.yaml:3: error: rights.a.contact: email: "[email protected]" is not an e-mail address; '
        "e.g. rights@example.org",
        'archive.yaml:7: error: rights.b.contact: url: "javascript:alert(1)" is not an http(s) address; '
        "e.g. https://example.org/contact",
        "archive.yaml:11: error: rights.c.contact: expected text, or 'text:' with an optional 'email:' or "
        "'url:', found a list; e.g. contact: {text: Ask the archive about rights., email: rights@example.org}",
    ]
