"""Issue #16's modules in one place for views.py (which they import): glossaries and maps."""

from __future__ import annotations

from archivegen.records.model import Archive
from archivegen.render import glossaries, maps
from archivegen.render.views import Page

__all__ = ["glossaries", "maps", "plan"]


def plan(archive: Archive) -> list[Page]:
    """The glossary pages and the map page."""
    return glossaries.plan(archive) + maps.plan(archive)
