"""load.py: splitting front matter, safe YAML, and line numbers that point at the right line."""

from __future__ import annotations

import time
from pathlib import Path

from archivegen.records.load import decode, find_documents, parse_record


def _parse(text: str):
    return parse_record("documents/x.md", text)


def _messages(text: str) -> list[str]:
    return [p.format() for p in _parse(text)[1]]


def test_record_splits_into_fields_body_and_lines() -> None:
    raw, problems = _parse("---\ntitle: T\ndate: 1956-11-01\npeople:\n  - A\n  - B\n---\nLine one\nLine two\n")
    assert problems == [] and raw is not None
    assert raw.id == "x"
    assert raw.fields == {"title": "T", "date": "1956-11-01", "people": ["A", "B"]}
    assert raw.lines == {"title": 2, "date": 3, "people": 4}
    assert raw.item_lines == {"people": [5, 6]}
    assert (raw.end_line, raw.body_line, raw.body) == (7, 8, "Line one\nLine two\n")


def test_unquoted_dates_and_numbers_stay_text_as_written() -> None:
    raw, _ = _parse("---\ntitle: 1956\ndate: 1956-11-01\ntype: 1.50\nsummary: 0x1F\n"
                    "classification: 2001-12-14t21:59:43.10-05:00\n---\n")
    assert raw is not None
    assert raw.fields == {"title": "1956", "date": "1956-11-01", "type": "1.50", "summary": "0x1F",
                          "classification": "2001-12-14t21:59:43.10-05:00"}


def test_norwegian_no_stays_a_language_code_and_only_true_false_are_booleans() -> None:
    raw, _ = _parse("---\ntitle: T\ndate: '1956'\nlanguages: [no, yes, on, off, n, y]\nflag: true\n---\n")
    assert raw is not None
    assert raw.fields["languages"] == ["no", "yes", "on", "off", "n", "y"]
    assert raw.fields["flag"] is True


def test_bom_and_crlf_are_accepted() -> None:
    data = "\ufeff---\r\ntitle: Tást\r\ndate: 1956\r\n---\r\nBody\r\nline\r\n".encode("utf-8")
    text, problems = decode("documents/x.md", data)
    assert problems == [] and text is not None
    raw, problems = _parse(text)
    assert problems == [] and raw is not None
    assert raw.fields == {"title": "Tást", "date": "1956"}
    assert raw.lines["date"] == 3 and raw.body == "Body\nline\n"


def test_undecodable_bytes_name_the_line() -> None:
    text, problems = decode("documents/x.md", b"---\ntitle: ok\nplaces: [P\xe9cs]\n---\n")
    assert text is None
    assert [p.format() for p in problems] == [
        "documents/x.md:3: error: encoding: not UTF-8 (byte 0xe9 at offset 24); save the file as UTF-8"]


def test_object_constructing_tags_are_refused_before_construction(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"---\ntitle: !!python/object/apply:os.system ['touch {marker}']\ndate: 1956\n---\n"
    assert _messages(text) == [
        "documents/x.md:2: error: title: the YAML tag '!!python/object/apply:os.system' is not allowed: "
        "fields hold plain text and lists; remove the tag, or quote the value if the '!' is part of the text"]
    assert not marker.exists()
    for tag in ("!!binary aGk=", "!!set {a: null}", "!!timestamp 2001-01-01", "!!int 3", "!custom x"):
        raw, problems = _parse(f"---\ntitle: T\ndate: 1956\ntype: {tag}\n---\n")
        assert raw is not None and "type" not in raw.fields, tag
        assert [p.line for p in problems] == [4], tag


def test_billion_laughs_is_refused_quickly() -> None:
    lines = [f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}" if i else "lol"] * 9) + "]" for i in range(12)]
    started = time.perf_counter()
    problems = _messages("---\ntitle: T\ndate: 1956\n" + "\n".join(lines) + "\n---\n")
    assert time.perf_counter() - started < 2
    assert problems == ["documents/x.md:8: error: l4: more than 20000 values once aliases (*name) "
                        "are expanded; write the values out instead of using aliases"]


def test_small_aliases_are_fine() -> None:
    raw, problems = _parse("---\ntitle: T\ndate: 1956\npeople: &p [A, B]\ncreators: *p\n---\n")
    assert problems == [] and raw is not None and raw.fields["creators"] == ["A", "B"]


def test_deep_nesting_is_a_problem_not_a_recursion_error() -> None:
    text = "---\ntitle: T\ndate: 1956\npeople: " + "[" * 1500 + "]" * 1500 + "\n---\n"
    assert [p.line for p in _parse(text)[1]] == [4]


def test_merge_keys_are_not_special() -> None:
    raw, _ = _parse("---\nbase: &b {title: X}\n<<: *b\ndate: 1956\n---\n")
    assert raw is not None and "title" not in raw.fields and "<<" in raw.fields


def test_non_text_field_names_are_reported() -> None:
    assert _messages("---\n~: a\ntrue: b\n? [x]\n: c\ntitle: T\ndate: 1956\n---\n") == [
        "documents/x.md:2: error: front matter: a field name must be text, found '~'; "
        "write names such as 'title:' or 'people:'",
        "documents/x.md:3: error: front matter: a field name must be text, found 'true'; "
        "write names such as 'title:' or 'people:'",
        "documents/x.md:4: error: front matter: a field name must be text, found 'a list or mapping'; "
        "write names such as 'title:' or 'people:'",
    ]


def test_duplicate_key_names_both_lines() -> None:
    assert _messages("---\ntitle: A\ndate: 1956\ntitle: B\n---\n") == [
        "documents/x.md:4: error: title: duplicate field: already set on line 2; keep one"]


def test_syntax_error_in_a_list_item_points_at_that_line() -> None:
    text = '---\ntitle: T\ndate: 1956\npeople:\n  - Nagy, Imre\n  - "Kádár, János" (first secretary)\n---\n'
    assert _messages(text) == [
        "documents/x.md:6: error: front matter: YAML syntax error: while parsing a block collection "
        "did not find expected '-' indicator (opened on line 5) (text after a closing quote); text follows "
        'a quoted value on that line; put the whole value inside the quotes ("Kádár, János (first secretary)")']


def test_unclosed_quote_points_at_where_it_opens() -> None:
    text = "---\ntitle: T\ndate: 1956\nsummary: \"An unclosed\n\n\ntype: Report\n---\n"
    assert [p.line for p in _parse(text)[1]] == [4]


def test_only_a_fence_and_empty_files_are_reported() -> None:
    assert [p.line for p in _parse("---")[1]] == [1]
    assert "the file is empty" in _messages("")[0]
    assert "empty: expected fields" in _messages("---\n---\n")[0]


def test_closing_fence_may_be_dots_and_body_may_contain_fences() -> None:
    raw, _ = _parse("---\ntitle: T\ndate: 1956\n...\nText\n---\nMore\n")
    assert raw is not None and raw.body == "Text\n---\nMore\n"


def test_find_documents_walks_any_depth_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for rel in ("documents/b.md", "documents/a/z.md", "documents/.git/x.md", "documents/.hidden.md",
                "documents/notes.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in find_documents(tmp_path)]
    assert found == ["documents/a/z.md", "documents/b.md"]
