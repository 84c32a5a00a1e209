"""markdown.py: transcriptions reproduced as written, and nothing executable gets through."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from archivegen.render.markdown import render_inline, render_markdown


def test_raw_html_is_shown_as_text_not_run() -> None:
    out = render_markdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n\nText <b>bold</b>')
    assert "<script" not in out and "<img" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out


@pytest.mark.parametrize("link", [
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](&#106;avascript:alert(1))",
    "[x](java\tscript:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "![x](data:image/png;base64,AAAA)", "<javascript:alert(1)>", "[x][r]\n\n[r]: javascript:alert(1)",
    "[x](vbscript:msgbox(1))", "[x](file:///etc/passwd)",
])
def test_dangerous_link_schemes_are_refused(link: str) -> None:
    tree = lxml_html.fragment_fromstring(render_markdown(link), create_parent="div")
    for el in tree.iter("a", "img"):
        target = (el.get("href") or el.get("src") or "").lower()
        assert not target.startswith(("javascript", "data", "vbscript", "file")), target
        assert "javascript:" not in target.replace("%09", "").replace("\t", "")


def test_safe_links_survive() -> None:
    assert '<a href="https://example.org/a?b=1&amp;c=2">x</a>' in render_markdown("[x](https://example.org/a?b=1&c=2)")


def test_attribute_injection_stays_inside_the_attribute() -> None:
    out = render_markdown('[x](https://e.org/" onmouseover="alert(1))')
    tree = lxml_html.fragment_fromstring(out, create_parent="div")
    assert all("onmouseover" not in el.attrib for el in tree.iter())


def test_newline_in_the_file_is_a_line_break_on_the_page() -> None:
    assert render_markdown("**Top Secret**\nFrom Budapest") == "<p><strong>Top Secret</strong><br />\nFrom Budapest</p>\n"


def test_no_typographic_rewriting() -> None:
    out = render_markdown('"Quoted" -- and --- (c) ... \'single\'')
    assert out == "<p>&quot;Quoted&quot; -- and --- (c) ... 'single'</p>\n"


def test_pipe_tables_and_footnotes() -> None:
    out = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\nText.[^1]\n\n[^1]: A note.\n")
    tree = lxml_html.fragment_fromstring(out, create_parent="div")
    assert [td.text for td in tree.iter("td")] == ["1", "2"]
    ref = tree.find(".//sup/a")
    assert ref is not None and ref.get("href") == "#note-1"
    assert tree.get_element_by_id("note-1").text_content().strip().startswith("1A note.")


def test_inline_summary_has_no_paragraph_and_no_html() -> None:
    assert render_inline("**Nagy** <script>x</script>") == "<strong>Nagy</strong> &lt;script&gt;x&lt;/script&gt;"


def test_footnote_links_have_names_that_make_sense_out_of_context() -> None:
    """A screen reader's list of links reads "Footnote 2" and "Back to reference 2", not "[2]" and
    "↩︎"; the links still go to the note and back. Labels are the file's (issue 15)."""
    out = render_markdown("Text[^2], again[^2], other[^3a].\n\n[^2]: First note.\n[^3a]: Second note.")
    tree = lxml_html.fragment_fromstring(out, create_parent="div")
    refs = [(a.get("aria-label"), a.text_content(), a.get("href")) for a in tree.xpath("//sup[@class='footnote-ref']/a")]
    backs = [(a.get("aria-label"), a.text_content(), a.get("href")) for a in tree.xpath("//a[@class='footnote-backref']")]
    assert refs == [("Footnote 2", "[2]", "#note-2"), ("Footnote 2", "[2]", "#note-2"), ("Footnote 3a", "[3a]", "#note-3a")]
    assert backs == [("Back to reference 2", "\u21a9\ufe0e", "#note-ref-2"),
                     ("Back to reference 2, use 2", "\u21a9\ufe0e", "#note-ref-2-2"),
                     ("Back to reference 3a", "\u21a9\ufe0e", "#note-ref-3a")]
    ids = {e.get("id") for e in tree.iter() if e.get("id")}
    assert {h[1:] for _, _, h in refs + backs} <= ids, "every footnote link has its target"


def test_notes_keep_printed_labels_in_order_and_a_prefix_sets_a_second_text_apart() -> None:
    """Issue 15: FRUS numbers notes from 2 (note 1 is the source note) and has 3a and n7."""
    out = render_markdown("A[^2] B[^3a] C[^n7] D^[inline]\n\n[^2]: two\n[^3a]: three a\n[^n7]: n seven\n", "ru")
    tree = lxml_html.fragment_fromstring(out, create_parent="div")
    notes = [(li.get("id"), li.xpath("string(span[@class='footnote-label'])")) for li in tree.xpath("//li")]
    assert notes == [("ru-note-2", "2"), ("ru-note-3a", "3a"), ("ru-note-n7", "n7"), ("ru-note-4", "4")]
    assert [a.text_content() for a in tree.xpath("//sup/a")] == ["[2]", "[3a]", "[n7]", "[4]"]


def test_record_links_are_found_with_their_lines_and_resolved_by_the_page() -> None:
    from archivegen.records.links import record_links

    text = "Intro.\n\nSee [D49](record:d49) and\n[note](record:d99#note-4).\n\n[ref]: record:d1\n\n[x][ref]"
    assert record_links(text) == [("d49", "", 2), ("d99", "note-4", 3), ("d1", "", 5)]
    out = render_markdown(text, record_url=lambda rid: f"/base/records/{rid}/")
    hrefs = lxml_html.fragment_fromstring(out, create_parent="div").xpath("//a/@href")
    assert hrefs == ["/base/records/d49/", "/base/records/d99/#note-4", "/base/records/d1/"]
