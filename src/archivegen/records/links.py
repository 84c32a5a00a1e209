"""Links from a record's texts to other records (issue 15): ``[Document 49](record:ID#note-4)``.

Found here, at validation, with their lines (render/markdown.py turns them into URLs). The texts
are parsed as the page renders them (CommonMark, tables, footnotes), so that a ``record:`` in code
or in plain text is not taken for a link, and a reference definition ``[d]: record:ID`` is.
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

SCHEME = "record:"
#: A footnote definition's label at the start of a line ("[^3a]: …").
_NOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"]).use(footnote_plugin)


def record_links(text: str) -> list[tuple[str, str, int]]:
    """The ``record:`` links of a text: (record id, fragment, 0-based line in the text)."""
    if SCHEME not in text:  # most texts: no parse
        return []
    lines = text.split("\n")
    found: list[tuple[str, str, int]] = []
    for block in _parser().parse(text):
        for token in block.children or ():
            href = str(token.attrGet("href") or "") if token.type == "link_open" else ""
            if not href.startswith(SCHEME):
                continue
            target, _, fragment = href[len(SCHEME):].partition("#")
            start = block.map[0] if block.map else 0
            # The block's first line that names the link (or the first in the text: a reference
            # definition can stand anywhere).
            at = next((n for n in [*range(start, len(lines)), *range(start)] if f"{SCHEME}{target}" in lines[n]),
                      start)
            found.append((target, fragment, at))
    return found


def note_labels(text: str) -> tuple[str, ...]:
    """Labels of a text's footnote definitions ("2", "3a"), for checking links to notes."""
    return tuple(_NOTE_DEF.findall(text)) if "[^" in text else ()
