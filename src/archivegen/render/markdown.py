"""Markdown -> HTML for transcriptions and summaries.

markdown-it-py's default preset allows raw HTML; the transcription is user input, so raw HTML is
off and rendered as text, and links may only use safe schemes (no javascript:, vbscript:, file:,
data:). Line breaks in the file are line breaks on the page (archival headings keep their lines),
and typographic replacements are off: a transcription is reproduced as written.

Footnotes keep the labels of the file (issue 15): ``[^2]`` shows 2 and is ``#note-2``, ``[^3a]``
shows 3a (``#note-3a``): editions cite notes by their printed numbers, and "see footnote 4" must
land on note 4. A text rendered with a ``prefix`` (a record's second text) has ``#<prefix>-note-2``.

A bulleted list whose every item begins with its own marker ("(1)", "(a)", "2.", "iv)") is given
the class ``own-markers`` so that the theme draws no bullet before the document's numbering
(FRUS transcriptions write "- (1) …"; issue 18).

Footnote links get accessible names: out of context, a screen reader's list of links would read
"[2]" and "↩︎"; they are named "Footnote 2" and "Back to reference 2" instead.

Links to other records are written ``[Document 49](record:ID)`` (optionally ``record:ID#note-4``);
records/links.py finds them for validation; the page's resolver turns them into URLs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

_BAD_SCHEME = re.compile(r"^(javascript|vbscript|file|data):", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
#: A list item's own marker: (1) (12) (a) (iv) 1. 1) a. b) iv. — then a space.
_OWN_MARKER = re.compile(r"(\(([0-9]{1,3}|[a-z]|[ivxlc]{1,5})\)|([0-9]{1,3}|[a-z]|[ivxlc]{1,5})[.)])\s", re.IGNORECASE)


def _validate_link(url: str) -> bool:
    return not _BAD_SCHEME.match(_CONTROL.sub("", url))


_RECORD = "record:"
_LABEL_CHARS = re.compile(r"[^\w.-]+")


def _footnote_label(token: Token) -> tuple[str, int]:
    """The footnote's label as printed ("2", "3a"; an inline note: its number) and which reference
    to it this is (0 = the first)."""
    label = token.meta.get("label")
    return (label if label else str(token.meta["id"] + 1)), token.meta.get("subId", -1)


def note_anchor(label: str, prefix: str = "") -> str:
    """The id of a footnote in the notes list ("note-3a"; "ru-note-3a" in a prefixed text)."""
    return f"{prefix + '-' if prefix else ''}note-{_LABEL_CHARS.sub('_', label)}"


def _ids(tokens: Sequence[Token], idx: int, env: Any) -> tuple[str, str, str]:
    """(label, the note's id, this reference's id)."""
    label, sub = _footnote_label(tokens[idx])
    prefix = env.get("docId") or "" if isinstance(env, dict) else ""
    note = note_anchor(label, prefix)
    ref = note.replace("note-", "note-ref-", 1) + (f"-{sub + 1}" if sub > 0 else "")
    return label, note, ref


def _render_footnote_ref(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """A reference: a superscript "[2]" (the printed label) named "Footnote 2"."""
    label, note, ref = _ids(tokens, idx, env)
    shown = escapeHtml(label)
    return (f'<sup class="footnote-ref"><a href="#{note}" id="{ref}" aria-label="Footnote {shown}">'
            f"[{shown}]</a></sup>")


def _render_footnote_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """A note of the list, opened by its printed label (the list's own numbers are hidden)."""
    label, note, _ = _ids(tokens, idx, env)
    return f'<li id="{note}" class="footnote-item"><span class="footnote-label">{escapeHtml(label)}</span>'


def _render_footnote_anchor(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """The back link ("↩︎") named "Back to reference 2" ("…, use 2" for the second place that
    cites the same footnote)."""
    label, _, ref = _ids(tokens, idx, env)
    sub = tokens[idx].meta.get("subId", -1)
    name = f"Back to reference {escapeHtml(label)}" + (f", use {sub + 1}" if sub > 0 else "")
    # U+FE0E keeps the arrow a text glyph (not an emoji) on iOS, as in the plugin.
    return f' <a href="#{ref}" class="footnote-backref" aria-label="{name}">\u21a9\ufe0e</a>'


def _render_link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """A ``record:ID`` link becomes the record's URL (the page's resolver, ``env["record_url"]``)."""
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    resolve = env.get("record_url") if isinstance(env, dict) else None
    if href.startswith(_RECORD) and resolve is not None:
        target, _, fragment = href[len(_RECORD):].partition("#")
        token.attrSet("href", resolve(target) + (f"#{fragment}" if fragment else ""))
        token.attrJoin("class", "record-link")
    return str(self.renderToken(tokens, idx, options, env))


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
    md.add_render_rule("footnote_open", _render_footnote_open)
    md.add_render_rule("footnote_anchor", _render_footnote_anchor)
    md.add_render_rule("link_open", _render_link_open)
    md.core.ruler.push("own_markers", _mark_own_markers)
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


def render_markdown(text: str, prefix: str = "", record_url: Callable[[str], str] | None = None) -> str:
    """Block Markdown (a transcription) to HTML. ``prefix`` sets the text's note ids apart from
    another text's on the same page; ``record_url`` resolves ``record:ID`` links."""
    env: dict[str, Any] = {}
    if prefix:
        env["docId"] = prefix
    if record_url is not None:
        env["record_url"] = record_url
    return str(_parser().render(text, env))


@lru_cache(maxsize=1 << 16)
def render_inline(text: str) -> str:
    """Inline Markdown (a summary) to HTML without a wrapping paragraph. Memoised: a summary is
    shown in every listing its record is in (~10 a record)."""
    html: str = _parser().renderInline(text)
    return html
