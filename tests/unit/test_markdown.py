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
    assert ref is not None and ref.get("href") == "#fn1"
    assert tree.get_element_by_id("fn1").text_content().strip().startswith("A note.")


def test_inline_summary_has_no_paragraph_and_no_html() -> None:
    assert render_inline("**Nagy** <script>x</script>") == "<strong>Nagy</strong> &lt;script&gt;x&lt;/script&gt;"


def test_footnote_links_have_names_that_make_sense_out_of_context() -> None:
    """A screen reader's list of links reads "Footnote 1" and "Back to reference 1", not "[1]" and
    "↩︎"; the links still go to the note and back, and the visible marks are unchanged."""
    out = render_markdown("Text[^a], again[^a], other[^b].\n\n[^a]: First note.\n[^b]: Second note.")
    tree = lxml_html.fragment_fromstring(out, create_parent="div")
    refs = [(a.get("aria-label"), a.text_content(), a.get("href")) for a in tree.xpath("//sup[@class='footnote-ref']/a")]
    backs = [(a.get("aria-label"), a.text_content(), a.get("href")) for a in tree.xpath("//a[@class='footnote-backref']")]
    assert refs == [("Footnote 1", "[1]", "#fn1"), ("Footnote 1", "[1:1]", "#fn1"), ("Footnote 2", "[2]", "#fn2")]
    assert backs == [("Back to reference 1", "\u21a9\ufe0e", "#fnref1"),
                     ("Back to reference 1, use 2", "\u21a9\ufe0e", "#fnref1:1"),
                     ("Back to reference 2", "\u21a9\ufe0e", "#fnref2")]
    ids = {e.get("id") for e in tree.iter() if e.get("id")}
    assert {h[1:] for _, _, h in refs + backs} <= ids, "every footnote link has its target"
