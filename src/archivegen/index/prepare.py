"""What Pagefind reads of a record page, and the archive's vocabulary for correcting typed words.

Pagefind reads a copy of each record page (the published page is untouched), changed so that its
words are the words readers type (issue 17):

- Words joined by a dash (en or em dash, minus, figure dash: "Kádár—Nagy", "346–350",
  "611.48/10–2556") get a hair space (U+200A) on each side of the dash. Pagefind splits words on
  spaces but glues across these dashes ("Kádár—Nagy" was one token "kadarnagy", "346–350" the
  number 346350), so neither part was found on its own. Hyphens and slashes Pagefind splits itself.
- Footnote markers (``<sup class="footnote-ref">…[2]</sup>``) and the footnotes' back arrows are
  dropped: a marker right after a word glued its number to it ("Embtel 526.[1]" was "5261").

The vocabulary: every word Pagefind indexes from a page's body (the ``data-pagefind-body``
element without its ``data-pagefind-ignore`` parts), lower-cased and without diacritics, with the
number of pages it is on. The search page loads the part of it for a word's first letter when
the word matches nothing, and corrects the word to the nearest one (static/search.js).
"""

from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

#: Dashes that join words, to be given space around them.
_DASH_JOIN = re.compile(r"(?<=\w)[\u2012\u2013\u2014\u2015\u2212](?=\w)")
_TAG = re.compile(r"(<[^>]*>)")
#: A tag and the text after it, when that text has a dash.
_RUN = re.compile(r"(<[^>]*>)([^<]*[\u2012\u2013\u2014\u2015\u2212][^<]*)")
#: A tag whose text is a filter, metadata or sort value.
_VALUE = re.compile(r"\bdata-pagefind-(?:filter|meta|sort)\b")
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref">.*?</sup>', re.DOTALL)
_BACKREF = re.compile(r'<a [^>]*class="footnote-backref"[^>]*>.*?</a>', re.DOTALL)
_BODY = re.compile(r"<(\w+)\b[^>]*\bdata-pagefind-body\b[^>]*>(.*)</\1>", re.DOTALL)
#: An element marked ``data-pagefind-ignore`` (up to the first closing tag of its name: a nested
#: element of the same name leaves some ignored words in the vocabulary, which costs nothing but
#: a correction not made).
_IGNORED = re.compile(r"<(\w+)\b[^>]*\bdata-pagefind-ignore\b[^>]*>.*?</\1>", re.DOTALL)
#: A word as Pagefind splits text: letters and digits, joined by apostrophes or hyphens it drops.
_WORD = re.compile(r"\w+")
#: Words are kept from this length on; shorter ones are not corrected.
MIN_WORD = 3
VOCAB_DIR = "vocab"


def indexed_copy(page: bytes) -> bytes:
    """The page as Pagefind should read it (see the module's docstring)."""
    text = page.decode("utf-8")
    text = _BACKREF.sub("", _FOOTNOTE_REF.sub("", text))
    # Text runs holding a dash, after their tag (attributes, URLs and ids keep their dashes), and
    # not the values of filters, metadata and the sort key, which must stay as the record has them.
    return _RUN.sub(_space_run, text).encode("utf-8")


def _space_run(m: re.Match[str]) -> str:
    tag, run = m.group(1), m.group(2)
    return m.group() if _VALUE.search(tag) else tag + _DASH_JOIN.sub(_spaced, run)


def _spaced(m: re.Match[str]) -> str:
    return f"\u200a{m.group()}\u200a"


def fold(word: str) -> str:
    """Lower case without diacritics, as the search page compares words ("Kádár" -> "kadar")."""
    lower = word.lower()
    return lower if lower.isascii() else _fold_accents(lower)


@functools.lru_cache(maxsize=1 << 16)
def _fold_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def page_words(page: bytes) -> set[str]:
    """The folded words of a page's indexed body (letters only, ``MIN_WORD`` letters or more)."""
    m = _BODY.search(page.decode("utf-8"))
    if not m:
        return set()
    text = html.unescape(_TAG.sub(" ", _IGNORED.sub(" ", m.group(2))))
    # Each distinct word once (a page repeats most of its words), then filtered and folded.
    return {fold(w) for w in set(_WORD.findall(text.lower())) if len(w) >= MIN_WORD and w.isalpha()}


def chunk_keys(word: str) -> tuple[str, str]:
    """The vocabulary files a folded word is in: its first letter, and its first two (a–z; any
    other character is ``_``). The page checks a word in the small two-letter file and loads the
    one-letter file only to correct a word that is not there."""
    first, second = ((c if "a" <= c <= "z" else "_") for c in (word + "_")[:2])
    return first, first + second


def write_vocabulary(vocab: Counter[str], folder: Path) -> list[str]:
    """``folder/<a>.json`` and ``folder/<ab>.json``: {"word": pages, …}, sorted by word. Returns
    the files' keys (the manifest lists them, so that the page never asks for a missing one)."""
    chunks: dict[str, dict[str, int]] = {}
    for word in sorted(vocab):
        for key in chunk_keys(word):
            chunks.setdefault(key, {})[word] = vocab[word]
    folder.mkdir(parents=True, exist_ok=True)
    for key, words in sorted(chunks.items()):
        text = json.dumps(words, ensure_ascii=False, separators=(",", ":"))
        (folder / f"{key}.json").write_text(text + "\n", encoding="utf-8")
    return sorted(chunks)


def read_counts(path: Path) -> Counter[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Counter()
    return Counter({str(k): int(v) for k, v in data.items()}) if isinstance(data, dict) else Counter()


def save_counts(vocab: Counter[str], path: Path) -> None:
    path.write_text(json.dumps(dict(sorted(vocab.items())), ensure_ascii=False), encoding="utf-8")
