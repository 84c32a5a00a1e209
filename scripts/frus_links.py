#!/usr/bin/env python3
"""Turn a FRUS volume's cross-references into record links (issue 15), in the record bodies.

    python3 scripts/frus_links.py documents/frus1955-57v25

FRUS texts refer to the volume's own documents as "see Document 108" and to their notes as "see
footnote 3, Document 242". In the bodies of the record files of one volume folder (ids
``<volume>-d<N>``), such a reference becomes ``[see footnote 3, Document 242](record:<volume>-d242#note-3)``
when that record exists (and has that note; note 1 is the source note, given as ``source``: the link
then goes to the record). A reference is left alone when its sentence names another volume or
publication ("Foreign Relations", "vol.", "Volume", "Document" of a published book…), when it is
already inside a link, and in the front matter. Only the markup changes: the text reads as before.
``archivegen build`` checks every link afterwards. Running it twice changes nothing more.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_REF = re.compile(r"(?<![\[\w])(?:(footnote (\d+[a-z]?), )?Document (\d+))(?![\]\w(])")
#: Words that, earlier in the same sentence, mean the document is another volume's or book's.
_ELSEWHERE = re.compile(r"Foreign Relations|\bvol\.|\bVolume\b|\bpp?\. |Bulletin|Papers|Supplement", re.I)
_NOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:", re.M)


def _split(text: str) -> tuple[str, str]:
    """(front matter with its fences, body)."""
    end = text.index("\n---\n", 4) + 5
    return text[:end], text[end:]


def link_body(body: str, volume: str, notes: dict[str, set[str]]) -> str:
    """The body with its cross-references to records of ``volume`` linked."""

    def replace(m: re.Match[str]) -> str:
        before = body[: m.start()]
        sentence = re.split(r"[.;:!?]\s|\n\n", before)[-1]
        if _ELSEWHERE.search(sentence) or before.count("[") > before.count("]"):
            return m.group(0)
        target = f"{volume}-d{m.group(3)}"
        if target not in notes:
            return m.group(0)
        label = m.group(2)
        fragment = f"#note-{label}" if label and label in notes[target] else ""
        if label and not fragment and label != "1":
            return m.group(0)  # a note the record does not have: leave the text as printed
        return f"[{m.group(0)}](record:{target}{fragment})"

    return _REF.sub(replace, body)


def main(folder: Path) -> int:
    files = sorted(folder.glob("*.md"))
    volume = folder.name
    notes: dict[str, set[str]] = {}
    for file in files:
        notes[file.stem] = set(_NOTE_DEF.findall(_split(file.read_text(encoding="utf-8"))[1]))
    changed = 0
    for file in files:
        text = file.read_text(encoding="utf-8")
        head, body = _split(text)
        linked = link_body(body, volume, notes)
        if linked != body:
            file.write_text(head + linked, encoding="utf-8")
            changed += 1
    print(f"{changed} of {len(files)} record(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
