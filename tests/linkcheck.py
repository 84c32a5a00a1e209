"""A small link checker for a built site, reusable by any test.

``broken_links(site_dir, base_path)`` parses every HTML page under ``site_dir`` with lxml,
resolves each ``href``/``src`` (and ``srcset``) against the page's own URL as served under
``base_path``, and reports links that

- point to a file that does not exist in the site (a folder URL needs its ``index.html``),
- name a ``#fragment`` that is no ``id`` (or ``<a name>``) on the target page,
- leave ``base_path`` (e.g. ``/records/x/`` when the site lives at ``/archive/``).

External links (with a scheme such as https:, mailto:) are not fetched. Each problem is one line:
``records/x/index.html: href "/archive/y/" -> y/index.html does not exist``.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from lxml import html as lxml_html

_ATTRS = ("href", "src", "action", "poster", "data")
_ORIGIN = "http://site.invalid"  # only to resolve relative links; never fetched


@lru_cache(maxsize=4096)
def _ids(file: Path) -> frozenset[str]:
    tree = lxml_html.parse(str(file))
    found = {el.get("id") for el in tree.iter() if isinstance(el.tag, str) and el.get("id")}
    found |= {el.get("name") for el in tree.iter("a") if el.get("name")}
    return frozenset(found)


def _page_url(site: Path, file: Path, base_path: str) -> str:
    rel = file.relative_to(site).as_posix()
    if rel.endswith("index.html"):
        rel = rel[: -len("index.html")]
    return _ORIGIN + base_path + rel


def _links(file: Path) -> list[tuple[str, str]]:
    tree = lxml_html.parse(str(file))
    out: list[tuple[str, str]] = []
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in _ATTRS:
            value = el.get(attr)
            if value is not None and not (el.tag == "form" and attr == "action" and value == ""):
                out.append((attr, value.strip()))
        srcset = el.get("srcset")
        if srcset:
            out += [("srcset", part.strip().split()[0]) for part in srcset.split(",") if part.strip()]
    return out


def check_link(site: Path, page: Path, base_path: str, attr: str, link: str, origin: str = "") -> str | None:
    """Why one link from ``page`` is broken, or None when it works.

    ``origin`` (``https://example.org``) makes absolute links to the site itself checked too.
    """
    page_rel = page.relative_to(site).as_posix()
    if origin and link.startswith(origin.rstrip("/") + "/"):
        link = link[len(origin.rstrip("/")):]
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None  # external (https://rightsstatements.org/…, mailto:): not fetched
    target = urlsplit(urljoin(_page_url(site, page, base_path), link))
    path = unquote(target.path)
    normal = posixpath.normpath(path)
    if path.endswith("/") and normal != "/":
        normal += "/"
    if not (normal + "/").startswith(base_path) and not normal.startswith(base_path):
        return f'{page_rel}: {attr} "{link}" leaves the base path {base_path}'
    rel = normal[len(base_path):]
    file = site / rel
    if rel == "" or rel.endswith("/") or file.is_dir():
        file = file / "index.html"
    shown = file.relative_to(site).as_posix()
    if not file.is_file():
        return f'{page_rel}: {attr} "{link}" -> {shown} does not exist'
    fragment = unquote(target.fragment)
    if fragment and file.suffix == ".html" and fragment not in _ids(file):
        return f'{page_rel}: {attr} "{link}" -> no id "{fragment}" in {shown}'
    return None


def broken_links(site_dir: Path, base_path: str = "/", origin: str = "") -> list[str]:
    """Every broken link in every HTML page of the built site, sorted (empty when all work)."""
    site = Path(site_dir)
    base_path = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    _ids.cache_clear()
    problems: set[str] = set()
    for page in sorted(site.rglob("*.html")):
        for attr, link in _links(page):
            if not link:
                problems.add(f'{page.relative_to(site).as_posix()}: empty {attr}')
                continue
            why = check_link(site, page, base_path, attr, link, origin)
            if why:
                problems.add(why)
    return sorted(problems)
