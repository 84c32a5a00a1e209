"""The plan: every page of the site, from each page kind's planner.

A planner takes the archive and returns its pages (``Page``: a path, a template, a view and the
records it shows). A new kind of page is a planner in its own module, added to ``PLANNERS`` here;
no planner imports another, and none imports this module.
"""

from __future__ import annotations

from collections.abc import Callable

from archivegen.records.model import Archive
from archivegen.render import browse, exports, search_page, theme, views
from archivegen.render.page import Page

Planner = Callable[[Archive], list[Page]]

#: In the order the site is planned (and its URLs checked for clashes).
PLANNERS: tuple[Planner, ...] = (
    views.plan_home,
    views.plan_records,
    browse.plan,
    search_page.plan,
    theme.plan,
)


def plan_pages(archive: Archive) -> list[Page]:
    """Every page of the site."""
    pages = [page for planner in PLANNERS for page in planner(archive)]
    # Exports come last: the sitemap lists every HTML page planned before it.
    return pages + exports.plan(archive, pages)
