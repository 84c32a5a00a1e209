"""The timeline chart's geometry, month grouping on year pages, and own-marker lists (issue 18)."""

from __future__ import annotations

import itertools

import pytest

from archivegen.records.dates import parse_date
from archivegen.render import timeline
from archivegen.render.browse import month_of
from archivegen.render.markdown import render_markdown


def test_bars_scale_to_the_busiest_and_empty_bars_are_not_links() -> None:
    bars = [timeline.Bar("1955", "1955", 10, "/y/1955/"), timeline.Bar("1956", "1956", 0, "/y/1956/"),
            timeline.Bar("1957", "1957", 40, "/y/1957/")]
    chart = timeline.chart(bars, "caption", "c")
    heights = [c["bar_height"] for c in chart["columns"]]
    assert heights == [timeline.PLOT / 4, 0, timeline.PLOT]
    assert [c["url"] for c in chart["columns"]] == ["/y/1955/", "", "/y/1957/"]
    assert chart["columns"][2]["name"] == "1957: 40 records" and chart["columns"][1]["name"] == "1956: 0 records"
    assert chart["width"] == 3 * timeline.SLOT and chart["min_width"] == 3 * timeline.MIN_SLOT_PX


def test_many_bars_are_labelled_sparsely() -> None:
    bars = [timeline.Bar(str(y), str(y), 1, f"/{y}/") for y in range(1900, 1940)]
    labels = [c["label"] for c in timeline.chart(bars, "", "c")["columns"]]
    assert [x for x in labels if x] == [str(y) for y in range(1900, 1940, 5)]


@pytest.mark.parametrize(("labels", "count"), [
    ([f"{d}s" for d in range(1880, 1960, 10)], 8),  # decades: "1880s" is wider than a column
    ([str(y) for y in range(1950, 1960)], 10), (["Jan", "Feb", "Mar", "Apr", "May", "Jun"], 6),
    ([f"{d}s" for d in range(1700, 1960, 10)], 26),
])
def test_labels_never_overlap(labels: list[str], count: int) -> None:
    """Labels are centred under their columns: two shown labels are at least their width apart."""
    bars = [timeline.Bar(x, x, 1, f"/{x}/") for x in labels]
    columns = timeline.chart(bars, "", "c")["columns"]
    shown = [(c["centre"], c["label"]) for c in columns if c["label"]]
    assert len(shown) >= 2 and len(columns) == count
    for (a, la), (b, lb) in itertools.pairwise(shown):
        assert b - a >= (len(la) + len(lb)) / 2 * timeline.CHAR + timeline.GAP, (la, lb)


def test_an_empty_archive_draws_an_empty_chart() -> None:
    assert timeline.chart([], "none", "c")["columns"] == []


@pytest.mark.parametrize(("edtf", "month"), [
    ("1956-11-01", 11), ("1956-11", 11), ("1956-10-23/1956-11-04", 10), ("1956-03/1957", 3),
    ("1956", 0), ("1956~", 0), ("195X", 0), ("1955/1957", 0), ("1956-XX", 0), ("1956-01-01", 1),
])
def test_month_of_is_the_month_the_date_starts_in_or_none(edtf: str, month: int) -> None:

    class R:
        date = parse_date(edtf)

    assert month_of(R()) == month  # type: ignore[arg-type]


def test_items_with_their_own_numbers_get_the_own_markers_class() -> None:
    assert '<ul class="own-markers">' in render_markdown("- (1) one\n- (2) two\n")
    assert '<ul class="own-markers">' in render_markdown("- a. one\n- b. two\n")
    assert "own-markers" not in render_markdown("- (1) one\n- two\n")
    assert "own-markers" not in render_markdown("- Apples\n- Pears\n")


def test_bars_with_records_keep_their_labels_when_others_must_go() -> None:
    """Decades 1880s–1950s with records only in the first and the last: both are labelled, and
    not every decade between them (their labels are wider than a column)."""
    bars = [timeline.Bar(f"{d}s", f"{d}s", 1 if d in (1880, 1950) else 0, f"/{d}/") for d in range(1880, 1960, 10)]
    labels = [c["label"] for c in timeline.chart(bars, "", "c")["columns"]]
    assert labels[0] == "1880s" and labels[-1] == "1950s" and labels.count("") >= 3
