"""Browse pages: facet indexes, term pages, years. (Issue #3.)"""

from __future__ import annotations

from .model import Archive
from .render import Page


def plan(archive: Archive) -> list[Page]:
    return []
