"""Readable, stable, unique URL slugs for term names."""

from __future__ import annotations

import unicodedata
from functools import cache

from slugify import slugify as _slugify

#: The folder beside a facet's term pages that lists its terms by count (urls.facet_index_by_count).
BY_COUNT = "by-count"
#: Segments beside the term pages inside a facet's folder; no term may take them as its slug.
RESERVED_SLUGS = frozenset({BY_COUNT})


@cache
def slugify(name: str) -> str:
    """ASCII, lowercase, hyphenated: "Kádár, János" -> "kadar-janos". Never empty."""
    slug = _slugify(unicodedata.normalize("NFC", name), max_length=80, word_boundary=True)
    if slug:
        return slug
    codes = "-".join(f"{ord(c):x}" for c in name.strip()[:8])  # e.g. a name in symbols only
    return f"term-{codes}" if codes else "term"


def assign_slugs(names: list[str], reserved: frozenset[str] = frozenset()
                 ) -> tuple[dict[str, str], list[tuple[str, list[str]]]]:
    """Give every name a unique slug; return (name -> slug, [(base slug, names sharing it)]).

    Names are sorted first, so the same set of names always gets the same slugs: the first name
    in sorted order keeps the plain slug, the others get -2, -3… in order. A ``reserved`` slug
    (a page beside the term pages, such as ``by-count``) is never given to a name: every name
    that would take it gets a numbered one instead.
    """
    groups: dict[str, list[str]] = {}
    for name in sorted(set(names)):
        groups.setdefault(slugify(name), []).append(name)
    taken = set(groups) | reserved
    result: dict[str, str] = {}
    collisions: list[tuple[str, list[str]]] = []
    for base, members in sorted(groups.items()):
        if base not in reserved:
            result[members[0]] = base
        if len(members) > 1:
            collisions.append((base, members))
        if len(members) > 1 or base in reserved:
            n = 2
            for name in members[1:] if base not in reserved else members:
                while f"{base}-{n}" in taken:
                    n += 1
                result[name] = f"{base}-{n}"
                taken.add(f"{base}-{n}")
    return result, collisions
