"""The interface's language: gettext catalogues and dates formatted by Babel (issue 19).

``language:`` in archive.yaml picks the catalogue ``archivegen/locale/<code>.po`` (``de-AT`` falls
back to ``de``). English is the source language: its strings are the messages themselves. The
``.po`` files are read with Babel when a build starts (~35 ms) instead of being compiled to
``.mo`` files beforehand: nothing to compile, nothing generated to forget, and the output is the
same bytes on every machine. Babel is imported only for a language other than English (its
import costs ~0.3 s, as much as a no-op rebuild of 10,000 records).

One language is active per build process (``activate``, called by ``make_env`` before the pages
are rendered, so forked workers inherit it): the views call ``gettext``, ``ngettext`` and
``format_date`` without passing the language along.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
from datetime import date
from typing import TYPE_CHECKING

from archivegen.locale import FOLDER as LOCALE_DIR
from archivegen.locale import SOURCE, catalogue_code, languages
from archivegen.records.dates import Point, RecordDate, points
from archivegen.records.kinds import Language

if TYPE_CHECKING:
    from babel import Locale

__all__ = ["activate", "catalogue_code", "format_date", "gettext", "inline", "language_from", "language_name",
           "languages", "ngettext"]

_active: _gettext.NullTranslations = _gettext.NullTranslations()
_language = SOURCE


@functools.cache
def translations(code: str | None) -> _gettext.NullTranslations:
    if code is None:
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo  # noqa: PLC0415 - see the module docstring
    from babel.messages.pofile import read_po  # noqa: PLC0415
    with open(LOCALE_DIR / f"{code}.po", "rb") as f:
        catalog = read_po(f, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def activate(language: str) -> _gettext.NullTranslations:
    """Make ``language`` the interface language of this process; its translations."""
    global _active, _language
    code = catalogue_code(language)
    _active, _language = translations(code), code or SOURCE
    return _active


def gettext(message: str) -> str:
    return _active.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for ``n``, with ``%(num)d`` filled in."""
    return _active.ngettext(singular, plural, n) % {"num": n}


def _locale() -> Locale:
    from babel import Locale, UnknownLocaleError  # noqa: PLC0415 - see the module docstring

    try:
        return Locale.parse(_language)
    except (ValueError, UnknownLocaleError):
        return Locale.parse(SOURCE)


def _point(p: Point) -> str:
    from babel.dates import format_skeleton  # noqa: PLC0415 - see the module docstring

    lo = p.lower
    if p.precision == "day":
        text = format_skeleton("yMMMMd", lo, locale=_locale())
    elif p.precision == "month":
        text = format_skeleton("yMMMM", lo, locale=_locale())
    elif p.precision == "year":
        text = str(lo.year)
    else:
        text = gettext("%(decade)ss") % {"decade": lo.year}
    if p.approximate:
        text = gettext("ca. %(date)s") % {"date": text}
    return text + ("?" if p.uncertain else "")


def format_date(d: RecordDate) -> str:
    """A record date as readers of the interface language write it ("1. November 1956")."""
    if _language == SOURCE:
        return d.display  # records/dates.py's English forms ("November 1–4, 1956")
    a, b = points(d.edtf)
    if a == b:
        return _point(a)
    plain = not (a.approximate or a.uncertain or b.approximate or b.uncertain)
    if plain and a.precision == b.precision == "year":
        return f"{a.lower.year}–{b.lower.year}"
    return f"{_point(a)} – {_point(b)}"


def inline(label: str) -> str:
    """A navigation label ("People") inside a sentence: English lowers its case ("Browse people");
    other languages keep the translation's case (German capitalises nouns)."""
    translated = gettext(label)
    return translated.lower() if _language == SOURCE else translated


def is_source() -> bool:
    """Whether the interface is English (modules with English forms of their own keep them)."""
    return _language == SOURCE


def format_parts(parts: list[list[int]], short: bool = False) -> str:
    """CSL date-parts ([[1956, 11, 1]], or two for a span) as the interface language writes them;
    ``short``: abbreviated month names (MLA)."""
    from babel.dates import format_skeleton  # noqa: PLC0415 - see the module docstring

    skeletons = {3: "yMMMd" if short else "yMMMMd", 2: "yMMM" if short else "yMMMM"}

    def one(p: list[int]) -> str:
        if len(p) == 1:
            return str(p[0])
        return format_skeleton(skeletons[len(p)], date(*p, *([1] * (3 - len(p)))), locale=_locale())

    return "–".join(one(p) for p in parts)


def month_year(month: int, year: int) -> str:
    """ "October 1956" in the interface language (English: the calendar module's names, as before)."""
    if _language == SOURCE:
        import calendar  # noqa: PLC0415 - English only

        return f"{calendar.month_name[month]} {year}"
    from babel.dates import format_skeleton  # noqa: PLC0415 - see the module docstring

    return format_skeleton("yMMMM", date(year, month, 1), locale=_locale())


def month_abbr(month: int) -> str:
    """ "Oct" in the interface language."""
    if _language == SOURCE:
        import calendar  # noqa: PLC0415 - English only

        return calendar.month_abbr[month]
    from babel.dates import get_month_names  # noqa: PLC0415 - see the module docstring

    return str(get_month_names("abbreviated", "stand-alone", locale=_locale())[month])


def language_name(language: Language) -> str:
    """A language's name in the interface language ("Russisch"; English: the record's own name,
    "Russian"). A language Babel has no name for keeps its English name."""
    if _language == SOURCE:
        return language.name
    return str(_locale().languages.get(language.code, language.name))


def _german_from(name: str) -> str:
    # German language names are mostly nominalised adjectives ("Russisch", "Norwegisch (Bokmål)"):
    # after "aus dem" they take -en ("aus dem Russischen"); nouns ("Latein", "Hindi") stay as they are.
    first, space, rest = name.partition(" ")
    return first + "en" + space + rest if first.endswith("sch") else name


#: How a language's name is written after "from" ("Translated from %(language)s"), for interface
#: languages whose grammar changes it; the others use the name as it is.
_FROM_FORMS = {"de": _german_from}


def language_from(language: Language) -> str:
    """A language's name as the interface language writes it after "from" ("Translated from
    Russian"; German "Aus dem Russischen")."""
    name = language_name(language)
    form = _FROM_FORMS.get(_language.split("-")[0])
    return form(name) if form else name
