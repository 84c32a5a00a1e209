"""Markdown -> HTML for transcriptions and summaries.

markdown-it-py's default preset allows raw HTML; the transcription is user input, so raw HTML is
off and rendered as text, and links may only use safe schemes (no javascript:, vbscript:, file:,
data:). Line breaks in the file are line breaks on the page (archival headings keep their lines),
and typographic replacements are off: a transcription is reproduced as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

_BAD_SCHEME = re.compile(r"^(javascript|vbscript|file|data):", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _validate_link(url: str) -> bool:
    return not _BAD_SCHEME.match(_CONTROL.sub("", url))


@lru_cache(maxsize=None)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "typographer": False, "linkify": False})
    md.enable("table")
    md.enable("strikethrough")
    md.use(footnote_plugin)
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


def render_markdown(text: str) -> str:
    """Block Markdown (a transcription) to HTML."""
    return _parser().render(text)


def render_inline(text: str) -> str:
    """Inline Markdown (a summary) to HTML without a wrapping paragraph."""
    return _parser().renderInline(text)
