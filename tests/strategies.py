"""Hypothesis strategies shared by the test suite: EDTF strings, record ids, term names."""

from __future__ import annotations

import calendar

from hypothesis import strategies as st

QUALIFIERS = st.sampled_from(["", "~", "?", "%"])


@st.composite
def edtf_point(draw: st.DrawFn, unspecified: bool = True) -> str:
    """One Level 0/1 date that this archive accepts: day, month, year, maybe unspecified digits."""
    year = draw(st.integers(1, 9999))
    kinds = ["year", "month", "day"] + (["decade", "century", "xx-month", "xx-day"] if unspecified else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "decade" and year >= 10:
        text = f"{year // 10:03d}X"
    elif kind == "century" and year >= 100:
        text = f"{year // 100:02d}XX"
    elif kind == "month":
        text = f"{year:04d}-{draw(st.integers(1, 12)):02d}"
    elif kind == "xx-month":
        text = f"{year:04d}-XX"
    elif kind == "xx-day":
        text = f"{year:04d}-{draw(st.integers(1, 12)):02d}-XX"
    elif kind == "day":
        month = draw(st.integers(1, 12))
        day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
        text = f"{year:04d}-{month:02d}-{day:02d}"
    else:
        text = f"{year:04d}"
    return text + draw(QUALIFIERS)


@st.composite
def edtf_date(draw: st.DrawFn) -> str:
    """A Level 0/1 date: a single date, or a closed interval whose end does not precede its start.

    Interval ends carry no unspecified digits: EDTF puts ``195X/1960`` in Level 2 (we accept it,
    but the reference parser handles only some of those forms).
    """
    from archivegen.records.dates import parse_date  # the order check only

    if not draw(st.booleans()):
        return draw(edtf_point())
    first, second = draw(edtf_point(unspecified=False)), draw(edtf_point(unspecified=False))
    a, b = sorted([first, second], key=lambda t: parse_date(t).lower)
    if parse_date(b).upper < parse_date(a).lower:  # pragma: no cover - sorted by lower bound
        a, b = b, a
    return f"{a}/{b}"


#: Valid record ids: the file-name rule [A-Za-z0-9][A-Za-z0-9._-]*
ID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
record_ids = st.builds(lambda head, tail: head + tail, st.sampled_from(ID_ALPHABET),
                       st.text(ID_ALPHABET + "._-", max_size=40))

#: Any text a cataloguer might type as a name: letters with diacritics, punctuation, other scripts.
term_names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60)
