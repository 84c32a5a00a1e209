"""What the render stage is made of: a planned output file (``Page``) and its template's data (``View``).

Every planner, the plan registry (plan.py) and the build import this module; it imports nothing
of archivegen, so it can never be part of an import circle.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

View = dict[str, Any]
"""The data one template gets (built for it: the template computes nothing)."""

RAW = "exports/raw.txt"
"""The template that writes a view's ``text`` as it is (not autoescaped: its extension is .txt)."""


@dataclass(frozen=True)
class Page:
    """One planned output file."""

    path: str
    """Site path ("records/x/" or "feed.xml"), from urls.py."""
    template: str
    """Template name that renders it."""
    view: Callable[[], View]
    """Builds the template's data (called in the render stage, possibly in a worker)."""
    records: tuple[str, ...] = field(default=())
    """Ids of every record whose data the page shows: the page is rendered again when one of them
    changes (build/deps.py), and progress counts them."""


def raw_page(path: str, make: Callable[[], str], records: tuple[str, ...] = ()) -> Page:
    """A text output (JSON, CSV, BibTeX…) built in Python and written as it is."""
    return Page(path, RAW, lambda: {"text": make()}, records)


def json_script(value: Any) -> Markup:
    """JSON safe inside <script>: '<', '>' and '&' are escaped so '</script>' cannot close it."""
    # Compact: json.dumps with an indent runs in Python, without it in C (~10x faster).
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
