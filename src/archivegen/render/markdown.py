"""Markdown -> HTML for transcriptions and summaries.

markdown-it-py's default preset allows raw HTML; the transcription is user input, so raw HTML is
off and rendered as text, and links may only use safe schemes (no javascript:, vbscript:, file:,
data:). Line breaks in the file are line breaks on the page (archival headings keep their lines),
and typographic replacements are off: a transcription is reproduced as written.

A bulleted list whose every item begins with its own marker ("(1)", "(a)", "2.", "iv)") is given
the class ``own-markers`` so that the theme draws no bullet before the document's numbering
(FRUS transcriptions write "- (1) …"; issue 18).

Footnote links get accessible names: out of context, a screen reader's list of links would read
"[1]" and "↩︎"; they are named "Footnote 1" and "Back to reference 1" instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

_BAD_SCHEME = re.compile(r"^(javascript|vbscript|file|data):", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
#: A list item's own marker: (1) (12) (a) (iv) 1. 1) a. b) iv. — then a space.
_OWN_MARKER = re.compile(r"(\(([0-9]{1,3}|[a-z]|[ivxlc]{1,5})\)|([0-9]{1,3}|[a-z]|[ivxlc]{1,5})[.)])\s", re.IGNORECASE)


def _validate_link(url: str) -> bool:
    return not _BAD_SCHEME.match(_CONTROL.sub("", url))


def _footnote_number(token: Token) -> tuple[str, int]:
    """The footnote's number as shown ("1") and which reference to it this is (0 = the first)."""
    return str(token.meta["id"] + 1), token.meta.get("subId", -1)


def _render_footnote_ref(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """The plugin's reference link (a superscript "[1]") with the name "Footnote 1"."""
    ident = self.rules["footnote_anchor_name"](tokens, idx, options, env)
    caption = self.rules["footnote_caption"](tokens, idx, options, env)
    number, sub = _footnote_number(tokens[idx])
    refid = ident + (f":{sub}" if sub > 0 else "")
    return (f'<sup class="footnote-ref"><a href="#fn{ident}" id="fnref{refid}" aria-label="Footnote {number}">'
            f"{caption}</a></sup>")


def _render_footnote_anchor(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """The plugin's back link ("↩︎") with the name "Back to reference 1" ("…, use 2" for the
    second place that cites the same footnote)."""
    ident = self.rules["footnote_anchor_name"](tokens, idx, options, env)
    number, sub = _footnote_number(tokens[idx])
    if sub > 0:
        ident += f":{sub}"
    name = f"Back to reference {number}" + (f", use {sub + 1}" if sub > 0 else "")
    # U+FE0E keeps the arrow a text glyph (not an emoji) on iOS, as in the plugin.
    return f' <a href="#fnref{ident}" class="footnote-backref" aria-label="{name}">\u21a9\ufe0e</a>'


def _item_texts(tokens: Sequence[Token], start: int) -> list[str]:
    """The opening text of each item of the bullet list opened at ``tokens[start]``."""
    level, texts = tokens[start].level, []
    for i in range(start + 1, len(tokens)):
        t = tokens[i]
        if t.type == "bullet_list_close" and t.level == level:
            break
        if t.type == "list_item_open" and t.level == level + 1:
            inline = next((u for u in tokens[i + 1:i + 4] if u.type == "inline"), None)
            texts.append(inline.content if inline else "")
    return texts


def _mark_own_markers(state: Any) -> None:
    """Core rule: class ``own-markers`` on bullet lists whose items all carry their own marker."""
    tokens = state.tokens
    for i, t in enumerate(tokens):
        if t.type == "bullet_list_open":
            texts = _item_texts(tokens, i)
            if texts and all(_OWN_MARKER.match(text) for text in texts):
                t.attrSet("class", "own-markers")


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "typographer": False, "linkify": False})
    md.enable("table")
    md.enable("strikethrough")
    md.use(footnote_plugin)
    md.add_render_rule("footnote_ref", _render_footnote_ref)
    md.add_render_rule("footnote_anchor", _render_footnote_anchor)
    md.core.ruler.push("own_markers", _mark_own_markers)
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


def render_markdown(text: str) -> str:
    """Block Markdown (a transcription) to HTML."""
    html: str = _parser().render(text)
    return html


@lru_cache(maxsize=1 << 16)
def render_inline(text: str) -> str:
    """Inline Markdown (a summary) to HTML without a wrapping paragraph. Memoised: a summary is
    shown in every listing its record is in (~10 a record)."""
    html: str = _parser().renderInline(text)
    return html
