"""slugs.py: readable, idempotent, unique slugs for term names."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from archivegen.records.slugs import assign_slugs, slugify
from strategies import term_names

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


def test_diacritics_are_transliterated() -> None:
    assert slugify("Kádár, János") == "kadar-janos"
    assert slugify("Łódź") == "lodz"


@given(term_names)
def test_slug_is_url_safe_and_idempotent(name: str) -> None:
    slug = slugify(name)
    assert SLUG.match(slug), slug
    assert slugify(slug) == slug


@given(st.lists(term_names, max_size=12))
def test_assigned_slugs_are_unique_and_independent_of_order(names: list[str]) -> None:
    slugs, _ = assign_slugs(names)
    assert len(set(slugs.values())) == len(set(names))
    assert assign_slugs(list(reversed(names)))[0] == slugs


def test_colliding_names_are_reported_together() -> None:
    slugs, collisions = assign_slugs(["Kádár, János", "Kadar, Janos"])
    assert collisions == [("kadar-janos", ["Kadar, Janos", "Kádár, János"])]
    assert slugs == {"Kadar, Janos": "kadar-janos", "Kádár, János": "kadar-janos-2"}
