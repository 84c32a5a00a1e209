"""The plan: every page of the site, from each page kind's planner.

A planner takes the archive and returns its pages (``Page``: a path, a template, a view and the
records it shows). A new kind of page is a planner in its own module, added to ``PLANNERS`` here;
no planner imports another, and none imports this module.
"""

from __future__ import annotations

from collections.abc import Callable

from archivegen.problems import Problem, error
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


def check_duplicate_paths(pages: list[Page], archive: Archive) -> list[Problem]:
    """Two outputs claiming one URL (also differing only in case) is an error naming both."""
    claims: dict[str, list[Page]] = {}
    for page in pages:
        claims.setdefault(page.path.casefold(), []).append(page)
    files_of: dict[str, list[str]] = {}  # record id -> source files (several when ids clash)
    for record in archive.records:
        files_of.setdefault(record.id, []).append(record.path)
    problems = []
    reported: set[tuple[str, ...]] = set()  # a record's page and its downloads clash together: say it once
    for _, claimants in sorted(claims.items()):
        if len(claimants) > 1:
            names: list[str] = []
            for c in claimants:
                sources = [f for r in c.records[:3] for f in files_of.get(r, [])] if c.records else []
                for name in sources or [f"{c.template} (the site)"]:
                    if name not in names:
                        names.append(name)
            if tuple(names) in reported:
                continue
            reported.add(tuple(names))
            source = next((n for n in names if n.startswith("documents/")), "archive.yaml")
            problems.append(error(source, 1 if source != "archive.yaml" else 0, "url",
                                  f"/{claimants[0].path} is claimed by more than one page: {', '.join(names)}; "
                                  "change an id or a name so that each has its own URL"))
    return problems
