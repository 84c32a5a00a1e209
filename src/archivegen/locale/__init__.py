"""The interface's translations: one gettext catalogue per language, ``<code>.po`` (English is the
source language: its messages are the strings themselves). render/i18n.py reads them; this module
only says which exist, so that settings can be checked without loading them."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).parent
SOURCE = "en"


def languages() -> list[str]:
    """The interface languages: English and every catalogue shipped."""
    return sorted({SOURCE} | {p.stem for p in FOLDER.glob("*.po")})


def catalogue_code(language: str) -> str | None:
    """The catalogue for a BCP 47 tag (``de-AT`` -> ``de``); None for English or a language
    without a catalogue (whose interface is English)."""
    tag = language.strip().replace("_", "-").lower()
    for code in (tag, tag.split("-")[0]):
        if code == SOURCE:
            return None
        if (FOLDER / f"{code}.po").is_file():
            return code
    return None
