"""What Pagefind reads of a record page (index/prepare.py): dashes spaced, footnote markers dropped,
filter values untouched; and the vocabulary the search page corrects typed words from."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from archivegen.index import prepare

PAGE = """<html lang="en"><body><article class="record" data-pagefind-body>
<h1 data-pagefind-weight="10">Rákosi—Gerő talks, pages 346–350</h1>
<dl><dt data-pagefind-ignore>Collections</dt><dd><a href="/c/1955–1957/">Volume 1955–1957</a></dd></dl>
<div class="search-fields" hidden data-pagefind-ignore><span data-pagefind-filter="collection">Volume 1955–1957</span>
<span data-pagefind-meta="title">Rákosi—Gerő</span></div>
<p>Embtel 526.<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup> Following is text.</p>
<section class="footnotes"><ol><li id="fn1"><p>Not printed. <a href="#fnref1" class="footnote-backref">↩︎</a></p></li></ol></section>
</article><footer>Site footer words</footer></body></html>"""


def test_dashes_between_words_get_hair_spaces_in_text_only():
    out = prepare.indexed_copy(PAGE.encode()).decode()
    assert "Rákosi\u200a—\u200aGerő talks, pages 346\u200a–\u200a350" in out
    assert 'href="/c/1955–1957/"' in out  # an attribute keeps its dash
    assert ">Volume 1955\u200a–\u200a1957</a>" in out  # shown text is spaced
    # Filter and metadata values stay as the record has them (the search page filters by them).
    assert '<span data-pagefind-filter="collection">Volume 1955–1957</span>' in out
    assert '<span data-pagefind-meta="title">Rákosi—Gerő</span>' in out


def test_footnote_markers_and_back_arrows_are_dropped():
    out = prepare.indexed_copy(PAGE.encode()).decode()
    assert "Embtel 526. Following" in out and "[1]" not in out
    assert "↩" not in out and "Not printed." in out


def test_a_page_without_dashes_or_notes_is_unchanged():
    page = b'<html><body><p data-pagefind-body>plain - text, 1956-57</p></body></html>'
    assert prepare.indexed_copy(page) == page


def test_page_words_are_the_indexed_body_folded_without_ignored_parts():
    words = prepare.page_words(PAGE.encode())
    assert {"rakosi", "gero", "talks", "pages", "embtel", "following", "volume"} <= words
    assert "collections" not in words  # an ignored label
    assert "site" not in words and "footer" not in words  # outside the body
    assert not any(w.isdigit() for w in words) and "is" not in words  # numbers and short words


def test_vocabulary_files_by_first_letter_and_first_two(tmp_path: Path):
    vocab = Counter({"gero": 1, "gomulka": 5, "kadar": 3, "ødegaard": 1, "g": 1})
    keys = prepare.write_vocabulary(vocab, tmp_path)
    assert keys == ["_", "_d", "g", "g_", "ge", "go", "k", "ka"]
    assert json.loads((tmp_path / "g.json").read_text()) == {"g": 1, "gero": 1, "gomulka": 5}
    assert json.loads((tmp_path / "go.json").read_text()) == {"gomulka": 5}
    assert json.loads((tmp_path / "_d.json").read_text()) == {"ødegaard": 1}
    assert prepare.fold("Gerő") == "gero" and prepare.fold("KÁDÁR") == "kadar"
