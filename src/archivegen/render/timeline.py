"""Records over time as a bar chart drawn at build time (issue 18).

The years page shows records per year (per decade when the archive spans more than
``YEARS_MAX`` years), a year page records per month. Each bar with records is a link to the page
that lists them, so the picture is also a way in; it is plain inline SVG (no script, no request),
each link named "October 1956: 61 records", and the page's list of years or months gives the
same figures as text. Geometry is in SVG units; the page scales the drawing to its column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from archivegen.render import i18n
from archivegen.render.page import View

#: Above this many years the years page draws one bar per decade.
YEARS_MAX = 40
SLOT = 40
"""Width of one bar's column (SVG units)."""
BAR = 28
PLOT = 120
"""Height of the tallest bar."""
TOP = 20
"""Room above a bar for its count."""
BOTTOM = 22
"""Room below the bars for the labels."""
MIN_SLOT_PX = 26
"""Narrowest a column may be drawn (CSS px): a bar stays a 24 px target; wider charts scroll."""


@dataclass(frozen=True)
class Bar:
    """One column of the chart."""

    name: str
    """What the bar stands for, in words ("October 1956")."""
    label: str
    """Its short label under the bar ("Oct", "1956"); "" for none."""
    count: int
    url: str
    """Where the bar leads ("" when there are no records to show)."""


def _records(n: int) -> str:
    return i18n.ngettext("%(num)d record", "%(num)d records", n)


#: Width of one label character (SVG units, 13 px text), and the least gap between two labels.
CHAR = 8
GAP = 6


def _label_every(n: int, longest: int = 4) -> int:
    """Label every bar when there is room, else every 2nd ("1880s" is wider than a column), 5th
    or 10th (years), so that labels never collide."""
    every = 1 if n <= 16 else 5 if n <= 60 else 10
    while every * SLOT < longest * CHAR + GAP:
        every = {1: 2, 2: 5}.get(every, every * 2)
    return every


def _shown_labels(bars: Sequence[Bar]) -> set[int]:
    """Which columns show their label: the bars with records first, then every
    ``_label_every``-th, as long as no two labels are fewer than that many columns apart or
    closer than their widths."""
    every = _label_every(len(bars), max((len(b.label) for b in bars), default=0))
    shown: set[int] = set()

    def fits(i: int) -> bool:
        return all(abs(i - j) >= every
                   and abs(i - j) * SLOT >= (len(bars[i].label) + len(bars[j].label)) / 2 * CHAR + GAP
                   for j in shown)

    for i in [i for i, b in enumerate(bars) if b.count] + list(range(0, len(bars), every)):
        if bars[i].label and i not in shown and fits(i):
            shown.add(i)
    return shown


def chart(bars: Sequence[Bar], caption: str, chart_id: str) -> View:
    """The template data of ``partials/timeline.html``: one column per bar, tallest bar PLOT high."""
    most = max((b.count for b in bars), default=0) or 1
    shown = _shown_labels(bars)
    columns = []
    for i, b in enumerate(bars):
        height = round(PLOT * b.count / most, 1) if b.count else 0
        columns.append({
            "x": i * SLOT, "bar_x": i * SLOT + (SLOT - BAR) // 2, "bar_y": TOP + PLOT - height,
            "bar_height": height, "centre": i * SLOT + SLOT // 2, "count": b.count,
            "label": b.label if i in shown else "", "url": b.url if b.count else "",
            "name": i18n.gettext("%(bar)s: %(records)s") % {"bar": b.name, "records": _records(b.count)},
        })
    width = max(1, len(bars)) * SLOT
    return {
        "id": chart_id, "caption": caption, "width": width, "height": TOP + PLOT + BOTTOM,
        "plot_bottom": TOP + PLOT, "label_y": TOP + PLOT + 16,
        # Never narrower than MIN_SLOT_PX a column (the box scrolls instead), never more than
        # 1.25x its natural size (three bars must not fill a wide screen): static/timeline.css's
        # bars-N classes apply these (N * 26 and N * 50 px), as the CSP allows no style="".
        "min_width": len(bars) * MIN_SLOT_PX, "max_width": round(width * 1.25),
        "columns": columns,
    }
