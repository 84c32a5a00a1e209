"""Which transcriptions mention which authority (records/mentions.py)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from archivegen.records.authorities import Authority
from archivegen.records.mentions import _longest_first, text_mentions


def person(name: str, *variants: str) -> Authority:
    return Authority(kind="person", name=name, path="authorities/persons.yaml", line=1, variants=tuple(variants))


def test_a_record_mentions_a_person_by_any_name_in_either_order_accents_ignored() -> None:
    entries = [person("Nagy, Imre"), person("Kádár, János", "Kadar"), person("Tito")]
    bodies = [("a", "Imre Nagy spoke."), ("b", "Kadar agreed; Nagyvárad is a town."),
              ("c", "KÁDÁR and Titograd."), ("d", "Nagy, Imre and Janos Kadar met Tito.")]
    assert text_mentions(bodies, entries) == {
        ("person", "Kádár, János"): ["b", "d"], ("person", "Nagy, Imre"): ["a", "d"], ("person", "Tito"): ["d"]}


# The plain alternation, longest form first, is the reference the trie must match exactly: the
# same spans, so the same form is found at each place (a longer form wins, and a longer form that
# runs into a word gives way to a shorter one that does not).
WORDS = st.sampled_from(["Nagy", "Imre", "Nag", "Im", "Kadar", "Kada", "a", "Szeged", "Sz"])
FORMS = st.lists(st.lists(WORDS, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=12, unique=True)
BETWEEN = st.sampled_from([" ", ", ", "r", "-", ".", "é", ""])


@given(st.data())
def test_the_trie_finds_what_the_longest_first_alternation_finds(data: st.DataObject) -> None:
    forms = data.draw(FORMS)
    text = "".join(data.draw(st.lists(st.one_of(st.sampled_from(forms), WORDS, BETWEEN), max_size=30)))
    plain = "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f)))
    want = [m.span() for m in re.finditer(rf"(?<!\w)(?:{plain})(?!\w)", text)]
    got = [m.span() for m in re.finditer(rf"(?<!\w)(?:{_longest_first(forms)})(?!\w)", text)]
    assert got == want
