"""render/i18n.py's language names (issue 15): a text's language in the interface language, and
the form it takes after "from" ("Aus dem Russischen"); English keeps the record's own names."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from archivegen.records.kinds import Language
from archivegen.render import i18n
from archivegen.render.citations import join_names

RUSSIAN = Language("ru", "Russian")


@pytest.fixture
def german() -> Iterator[None]:
    i18n.activate("de")
    yield
    i18n.activate("en")


def test_english_keeps_the_records_names() -> None:
    i18n.activate("en")
    assert i18n.language_name(RUSSIAN) == "Russian" and i18n.language_from(RUSSIAN) == "Russian"
    # Names from records/kinds.py are kept as they are, even where CLDR's English differs.
    assert i18n.language_name(Language("el", "Modern Greek (1453-)")) == "Modern Greek (1453-)"


@pytest.mark.usefixtures("german")
@pytest.mark.parametrize(("code", "english", "name", "after_from"), [
    ("ru", "Russian", "Russisch", "Russischen"),
    ("hu", "Hungarian", "Ungarisch", "Ungarischen"),
    ("de", "German", "Deutsch", "Deutschen"),
    ("nb", "Norwegian Bokmål", "Norwegisch (Bokmål)", "Norwegischen (Bokmål)"),
    ("la", "Latin", "Latein", "Latein"),  # a noun, not an adjective: "aus dem Latein"
    ("qqq", "Unheard-of", "Unheard-of", "Unheard-of"),  # no German name: the record's own
])
def test_german_names_and_their_form_after_from(code: str, english: str, name: str, after_from: str) -> None:
    language = Language(code, english)
    assert i18n.language_name(language) == name
    assert i18n.language_from(language) == after_from


@pytest.mark.usefixtures("german")
def test_names_in_running_text_use_the_interface_word_for_and() -> None:
    assert join_names(["A", "B", "C"]) == "A, B und C"
    i18n.activate("en")
    assert join_names(["A", "B", "C"]) == "A, B, and C" and join_names(["A", "B"]) == "A and B"
