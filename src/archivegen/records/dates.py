"""Record dates in the Library of Congress Extended Date/Time Format (EDTF).

Accepted (and documented in docs/records.md):

- Level 0: ``1956``, ``1956-11``, ``1956-11-01`` and intervals of them ``1956-10-23/1956-11-04``.
- Level 1 qualifiers on a whole date or on each end of an interval: ``~`` approximate,
  ``?`` uncertain, ``%`` both; unspecified digits ``195X``, ``19XX``, ``1956-XX``, ``1956-11-XX``.
- Also interval ends with unspecified digits (``195X/1960``), which EDTF puts in Level 2.

Displayed as: ``1956-11-01`` "November 1, 1956"; ``1956-11`` "November 1956"; ``1956``
"1956"; ``1956~`` "ca. 1956"; ``1956-11?`` "November 1956?"; ``1956%`` "ca. 1956?"; ``195X``
"1950s"; ``19XX`` "1900s"; ``1956-XX`` "1956"; ``1956-10-23/1956-11-04`` "October 23 – November 4,
1956"; ``1956-11-01/1956-11-04`` "November 1–4, 1956"; ``1955/1957`` "1955–1957".

Refused, with a message: open or unknown interval ends (``1956/..``, ``/1956``) because a record
must sort and file under a year; seasons (``1956-21``), date-times, sets and other Level 2 forms;
negative years, year 0000 and five-digit years; impossible dates (``1956-02-30``, and
``1957-02-29``, which the ``edtf`` package accepts); an interval that ends before it starts.

The ``edtf`` package is the reference parser. It takes ~4 ms per string (pyparsing), which is more
than the rest of the pipeline per record, so the common Level 0/1 forms are parsed by a regular
expression here; ``tests/unit/test_dates.py`` checks that both agree on bounds.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

_MONTHS = [calendar.month_name[m] for m in range(13)]
_SIMPLE = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?(?P<q>[~?%])?\Z")
_UNSPEC = re.compile(r"(?P<y>\d{2}XX|\d{3}X|\d{4})(?:-(?P<m>XX|\d{2})(?:-(?P<d>XX|\d{2}))?)?(?P<q>[~?%])?\Z")


class DateError(ValueError):
    """The text is not a date this archive accepts; the message suggests a fix."""


@dataclass(frozen=True)
class Point:
    """One end of a date: a day, month, year or decade, possibly qualified."""

    lower: date
    upper: date
    precision: str  # "day" | "month" | "year" | "decade" | "century"
    approximate: bool
    uncertain: bool


@dataclass(frozen=True)
class RecordDate:
    """A validated EDTF date with what every later stage needs from it."""

    edtf: str
    """The EDTF text as written (already valid)."""
    lower: date
    """Earliest day the date can mean."""
    upper: date
    """Latest day the date can mean."""
    display: str
    """How readers see it: "November 1, 1956", "ca. 1956", "1950s"…"""
    approximate: bool
    """True when any part is approximate, uncertain or an interval wider than a day."""
    is_interval: bool

    @property
    def sort_key(self) -> str:
        """Chronological, then narrower spans first; a string so it also works in Pagefind."""
        return f"{self.lower.isoformat()}/{self.upper.isoformat()}"

    @property
    def year(self) -> int:
        """The year a historian files the record under: the start of the span."""
        return self.lower.year

    @property
    def years(self) -> range:
        return range(self.lower.year, self.upper.year + 1)

    @property
    def decade(self) -> int:
        return self.lower.year // 10 * 10


def _point(text: str) -> Point:
    m = _SIMPLE.match(text) or _UNSPEC.match(text)
    if not m:
        raise DateError(_explain(text))
    y, mo, d, q = m.group("y"), m.group("m"), m.group("d"), m.group("q") or ""
    approx, uncertain = q in ("~", "%"), q in ("?", "%")
    if "X" in y:
        if mo is not None:
            raise DateError(f'"{text}" has unspecified year digits and a month; write "{y}"')
        width = 100 if y.endswith("XX") else 10
        start = int(y.replace("X", "0"))
        if start == 0:
            raise DateError(f'"{text}" is before year 1')
        return Point(date(start, 1, 1), date(start + width - 1, 12, 31),
                     "century" if width == 100 else "decade", approx, uncertain)
    year = int(y)
    if year == 0:
        raise DateError(f'"{text}" has year 0000; EDTF years here run from 0001 to 9999')
    if mo is None or mo == "XX":
        if d is not None and d != "XX":
            raise DateError(f'"{text}" has a day but no month; write {year}-XX or {year}')
        return Point(date(year, 1, 1), date(year, 12, 31), "year", approx, uncertain)
    month = int(mo)
    if 21 <= month <= 41:
        raise DateError(f'"{text}" is an EDTF season or quarter (month {month}), which this archive does '
                        f"not file by; give the months ({year}-03/{year}-05) or the year ({year})")
    if not 1 <= month <= 12:
        raise DateError(f'"{text}" is not EDTF (month {month}); try {year}-11-01 or {year}')
    last = calendar.monthrange(year, month)[1]
    if d is None or d == "XX":
        return Point(date(year, month, 1), date(year, month, last), "month", approx, uncertain)
    day = int(d)
    if not 1 <= day <= last:
        raise DateError(f'"{text}" is not a real date ({_MONTHS[month]} {year} has {last} days); '
                        f"try {year}-{month:02d}-{last:02d} or {year}-{month:02d}")
    return Point(date(year, month, day), date(year, month, day), "day", approx, uncertain)


def _explain(text: str) -> str:
    if "/" in text and (".." in text or text.startswith("/") or text.endswith("/")):
        return (f'"{text}" is an open interval; give both ends (1956-10-23/1956-11-04) or an '
                "approximate date (1956~)")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\S+", text):
        return f'"{text}" has a time of day; give the day only, e.g. {text[:10]}'
    if re.fullmatch(r"\d{3}0s", text):
        return f'"{text}" is not EDTF; a decade is written {text[:3]}X'
    if re.fullmatch(r"\d{1,2}[./]\d{1,2}[./]\d{4}", text):
        return f'"{text}" is not EDTF; write year-month-day, e.g. 1956-11-01'
    if _is_other_edtf(text):
        return (f'"{text}" is EDTF, but not a form this archive accepts (negative or five-digit '
                "years, sets, Level 2 qualifiers); use a day, month or year (1956-11-01, 1956-11, "
                "1956~), a decade (195X) or a closed interval (1956-10-23/1956-11-04)")
    return f'"{text}" is not an EDTF date; try 1956-11-01, 1956-11, 1956, 1956~ or 1956-10-23/1956-11-04'


def _is_other_edtf(text: str) -> bool:
    """Ask the reference parser whether text is EDTF we do not accept (only on the error path)."""
    from edtf import parse_edtf  # noqa: PLC0415 - slow import (~0.3 s), needed for bad input only

    try:
        parse_edtf(text)
    except Exception:  # the parser raises several types for non-EDTF input
        return False
    return True


def _fmt(p: Point) -> str:
    lo = p.lower
    if p.precision == "day":
        s = f"{_MONTHS[lo.month]} {lo.day}, {lo.year}"
    elif p.precision == "month":
        s = f"{_MONTHS[lo.month]} {lo.year}"
    elif p.precision == "year":
        s = str(lo.year)
    else:  # a decade (1950s) or a century (1900s)
        s = f"{lo.year}s"
    if p.approximate:
        s = "ca. " + s
    if p.uncertain:
        s += "?"
    return s


def _fmt_interval(a: Point, b: Point) -> str:
    plain = not (a.approximate or a.uncertain or b.approximate or b.uncertain)
    if a == b:
        return _fmt(a)
    if plain and a.precision == b.precision == "day" and a.lower.year == b.lower.year:
        if a.lower.month == b.lower.month:
            return f"{_MONTHS[a.lower.month]} {a.lower.day}–{b.lower.day}, {a.lower.year}"
        return (f"{_MONTHS[a.lower.month]} {a.lower.day} – "
                f"{_MONTHS[b.lower.month]} {b.lower.day}, {a.lower.year}")
    if plain and a.precision == b.precision == "year":
        return f"{a.lower.year}–{b.lower.year}"
    return f"{_fmt(a)} – {_fmt(b)}"


@lru_cache(maxsize=65536)
def parse_date(text: str) -> RecordDate:
    """Parse an EDTF string this archive accepts, or raise DateError with a suggestion."""
    text = text.strip()
    if "/" in text:
        start, _, end = text.partition("/")
        if not start or not end or ".." in (start, end):
            raise DateError(_explain(text))
        a, b = _point(start), _point(end)
        if b.upper < a.lower:
            raise DateError(f'"{text}" ends before it starts; write {end}/{start}')
        return RecordDate(text, a.lower, b.upper, _fmt_interval(a, b), True, True)
    p = _point(text)
    approx = p.approximate or p.uncertain or p.precision in ("decade", "century")
    return RecordDate(text, p.lower, p.upper, _fmt(p), approx, False)


def points(text: str) -> tuple[Point, Point]:
    """The two ends of a valid EDTF date (the same point twice for a single date), for formatting
    it in another language (render/i18n.py)."""
    start, _, end = text.strip().partition("/")
    a = _point(start)
    return a, (_point(end) if end else a)
