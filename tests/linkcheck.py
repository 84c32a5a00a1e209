"""A link checker for a built site folder: every internal href/src must reach a file and an id.

The site is checked as a reader's browser would see it when ``site_dir`` is served at
``base_path`` (e.g. "/archive/"): each link is resolved against its page's URL; a link that
leaves the base path, names a missing file, or points at a ``#fragment`` no element carries, is
broken. Links with a scheme or host (https:, mailto:) are external and not checked.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html

_ATTRS = ("href", "src")


def _page_url(site_dir: Path, file: Path, base_path: str) -> str:
    rel = file.relative_to(site_dir).as_posix()
    if rel == "index.html" or rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return base_path + rel


def _target_file(site_dir: Path, path: str, base_path: str) -> Path | None:
    """The file a root-relative path is served from, or None when it is outside the base path."""
    if not path.startswith(base_path):
        return None
    rel = unquote(path[len(base_path):])
    target = site_dir / rel
    if rel == "" or rel.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


@lru_cache(maxsize=4096)
def _ids(file: Path) -> frozenset[str]:
    root = lxml.html.parse(str(file)).getroot()
    return frozenset(root.xpath("//@id")) if root is not None else frozenset()


def broken_links(site_dir: Path, base_path: str) -> list[str]:
    """Every broken internal link in the HTML under ``site_dir`` served at ``base_path``.

    Each entry reads "<target path> <- <page path> (<href>): <reason>", sorted; target and page
    are URL paths as a browser would request them.
    """
    base_path = base_path if base_path.endswith("/") else base_path + "/"
    _ids.cache_clear()  # files change between builds in one test session
    found: set[str] = set()
    for file in sorted(site_dir.rglob("*.html")):
        page = _page_url(site_dir, file, base_path)
        root = lxml.html.parse(str(file)).getroot()
        if root is None:
            found.add(f"{page} <- {page} (): empty HTML file")
            continue
        for attr in _ATTRS:
            for value in root.xpath(f"//@{attr}"):
                value = str(value).strip()
                parts = urlsplit(urljoin("http://site.invalid" + page, value))
                if urlsplit(value).scheme or urlsplit(value).netloc or not value:
                    if not value:
                        found.add(f"{page} <- {page} ({attr}=\"\"): empty link")
                    continue
                target = _target_file(site_dir, parts.path, base_path)
                where = f"{parts.path} <- {page} ({value})"
                if target is None:
                    found.add(f"{where}: outside the base path {base_path}")
                elif not target.is_file():
                    found.add(f"{where}: no such file")
                elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in _ids(target):
                    found.add(f"{where}: no element with id \"{unquote(parts.fragment)}\"")
    return sorted(found)
