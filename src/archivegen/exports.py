"""Site-wide exports: feed, sitemap, data files, 404. (Issue #4.)"""

from __future__ import annotations

from .model import Archive
from .render import Page


def plan(archive: Archive) -> list[Page]:
    return []
