"""Which transcriptions mention which authority in their text (issue #16).

A person's page lists the records that name them in their fields; most records that concern them
only mention them in the text ("Kadar supported Nagy"). This finds those: every name and variant
of every person, organisation and place (with "Family, Given" also read as "Given Family"),
accents ignored, case kept, whole words only. One regular expression for all the names, one pass
over each transcription; nothing at all when the archive has no authorities.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from archivegen.records.authorities import Authority

#: Shorter forms are left out: two letters match too much text by chance.
MIN_FORM = 3


def strip_accents(text: str) -> str:
    """Text without combining marks, case kept ("Kádár" -> "Kadar")."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def natural_order(name: str) -> str:
    """"Nagy, Imre" -> "Imre Nagy"; a name without exactly one comma is returned as it is."""
    family, comma, given = name.partition(",")
    if not comma or "," in given or not given.strip():
        return name
    return f"{given.strip()} {family.strip()}"


def text_forms(a: Authority) -> list[str]:
    """The forms of an authority's name searched for in transcriptions (as written, with accents)."""
    forms: list[str] = []
    for name in a.names:
        for form in (name, natural_order(name)) if a.kind == "person" else (name,):
            if len(form) >= MIN_FORM and form not in forms:
                forms.append(form)
    return forms


Trie = dict[str, "Trie"]
"""Letter -> the rest of the forms that go on with it; the key "" marks where a form ends."""


def _longest_first(forms: Iterable[str]) -> str:
    """A regular expression matching any of ``forms``, the longest that fits first, built as a trie
    ("Imre Nagy|Imre Horvath" -> "Imre (?:Horvath|Nagy)"). The same matches as the forms joined by
    "|" longest first, but each place in the text tries one branch per letter instead of every
    form: with hundreds of names, a third of a build went to the plain alternation."""
    trie: Trie = {}
    for form in forms:
        node = trie
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}  # a form ends here

    def alternation(node: Trie) -> str:
        branches = [re.escape(char) + alternation(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        grouped = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # A form ends here too: try the longer forms first (greedy), then this one.
        return f"(?:{grouped})?" if "" in node else grouped

    return alternation(trie)


def text_mentions(bodies: Iterable[tuple[str, str]], entries: Iterable[Authority]) -> dict[tuple[str, str], list[str]]:
    """(kind, name) -> ids of the records whose transcription mentions any form of it, in the
    order given. ``bodies``: (record id, transcription)."""
    owners: dict[str, list[tuple[str, str]]] = {}
    for a in entries:
        if a.kind == "term":
            continue
        for form in text_forms(a):
            owners.setdefault(strip_accents(form), []).append((a.kind, a.name))
    found: dict[tuple[str, str], list[str]] = {}
    if not owners:
        return found
    pattern = re.compile(r"(?<!\w)(?:" + _longest_first(owners) + r")(?!\w)")
    for record_id, body in bodies:
        hits = {key for m in pattern.finditer(strip_accents(body)) for key in owners[m.group(0)]}
        for key in sorted(hits):
            found.setdefault(key, []).append(record_id)
    return found
