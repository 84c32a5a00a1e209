"""dates.py: the EDTF forms an archivist may write, how they display, and how they sort."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from edtf import parse_edtf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivegen.records.dates import DateError, parse_date
from strategies import edtf_date

CASES = Path(__file__).parent.parent / "cases"


def _table(name: str) -> list:
    """Rows of a ``|`` table in tests/cases, each with its line number in the test id."""
    rows = []
    for number, line in enumerate((CASES / name).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("|")]
        # The input column keeps its leading space where the table tests whitespace.
        cells[0] = line.split("|")[0].rstrip()
        rows.append(pytest.param(*cells, id=f"{name}:{number}"))
    return rows


@pytest.mark.parametrize(("text", "display", "lower", "upper"), _table("edtf.txt"))
def test_accepted_date_displays_and_bounds(text: str, display: str, lower: str, upper: str) -> None:
    parsed = parse_date(text)
    assert parsed.display == display
    assert (parsed.lower.isoformat(), parsed.upper.isoformat()) == (lower, upper)
    assert parsed.edtf == text.strip()


@pytest.mark.parametrize(("text", "message"), _table("edtf_invalid.txt"))
def test_refused_date_says_what_and_how_to_fix(text: str, message: str) -> None:
    with pytest.raises(DateError) as info:
        parse_date(text)
    assert str(info.value) == message


def test_dates_sort_chronologically_narrowest_first() -> None:
    written = ["1957", "1956-11-04", "195X", "1956-11", "1956", "1956-11-01", "1956-10-23/1956-11-04",
               "1956-11-01/1956-11-04"]
    ordered = sorted(written, key=lambda t: parse_date(t).sort_key)
    assert ordered == ["195X", "1956", "1956-10-23/1956-11-04", "1956-11-01", "1956-11-01/1956-11-04",
                       "1956-11", "1956-11-04", "1957"]


def test_approximate_flag_marks_every_inexact_date() -> None:
    assert not parse_date("1956-11-01").approximate
    assert not parse_date("1956").approximate
    for text in ("1956~", "1956?", "195X", "1956-11-01/1956-11-04"):
        assert parse_date(text).approximate, text


def test_year_is_the_start_of_the_span() -> None:
    d = parse_date("1956-12-30/1957-01-02")
    assert (d.year, list(d.years), d.decade) == (1956, [1956, 1957], 1950)


def _struct_to_date(t: time.struct_time) -> date:
    return date(t.tm_year, t.tm_mon, t.tm_mday)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edtf_date())
def test_fast_parser_agrees_with_edtf_package_on_bounds(text: str) -> None:
    # The reference parser accepting the text also shows we accept nothing that is not EDTF.
    ours = parse_date(text)
    reference = parse_edtf(text)
    assert (ours.lower, ours.upper) == (_struct_to_date(reference.lower_strict()),
                                        _struct_to_date(reference.upper_strict()))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 9999), st.integers(1, 12), st.integers(1, 31))
def test_day_is_accepted_exactly_when_it_exists_in_the_calendar(year: int, month: int, day: int) -> None:
    text = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        exists = date(year, month, day) is not None
    except ValueError:
        exists = False
    if exists:
        assert parse_date(text).lower == date(year, month, day)
    else:
        with pytest.raises(DateError, match="is not a real date"):
            parse_date(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=25))
def test_arbitrary_text_is_a_date_or_a_date_error(text: str) -> None:
    try:
        parsed = parse_date(text)
    except DateError as exc:
        assert str(exc).startswith('"')
    else:
        assert parsed.lower <= parsed.upper
