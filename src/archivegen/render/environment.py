"""The Jinja environment every page is rendered in, and what the build hashes of the templates.

Templates are looked up in the archive's ``templates/`` first, then in the packaged defaults; the
defaults stay reachable as ``default/<name>`` so an override can extend what it replaces.
Autoescaping is on and an undefined variable fails the build.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import jinja2
from markupsafe import Markup

from archivegen import __version__
from archivegen.records.fields import FACETS
from archivegen.records.settings import Settings
from archivegen.render import i18n, urls
from archivegen.render.markdown import render_inline, render_markdown
from archivegen.render.page import Page, View, json_script

PACKAGE_TEMPLATES = Path(__file__).parent.parent / "templates"


def make_env(root: Path | None, settings: Settings) -> jinja2.Environment:
    package = jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES))
    loaders: list[jinja2.BaseLoader] = []
    if root is not None and (root / "templates").is_dir():
        loaders.append(jinja2.FileSystemLoader(str(root / "templates")))
    loaders += [jinja2.PrefixLoader({"default": package}), package]
    translations = i18n.activate(settings.language)
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        extensions=["jinja2.ext.i18n"],
        autoescape=jinja2.select_autoescape(("html", "xml", "svg"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates do not change during a build: no stat() per include
    )
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        site=settings,
        url=lambda path: urls.url(settings, path),
        absolute=lambda path: urls.absolute(settings, path),
        asset=lambda name: urls.url(settings, urls.asset(name)),
        facets=[{"key": key, "label": i18n.gettext(f.facet.label), "inline": i18n.inline(f.facet.label),
                 "url": urls.url(settings, urls.facet_index(key))} for key, f in FACETS if f.facet],
        generator=f"archivegen {__version__}",
        # Site paths for templates, from the one place that makes them: url(paths.search_page())
        paths=urls,
    )
    env.globals["record_item"] = _item_renderer(env)
    env.filters["markdown"] = lambda text: Markup(render_markdown(text))
    env.filters["inline_markdown"] = lambda text: Markup(render_inline(text))
    env.filters["json_script"] = json_script
    return env


def _item_renderer(env: jinja2.Environment) -> Callable[[View], Markup]:
    """``record_item(r)``: a listing's entry for one record (``partials/record_item.html``, which
    sees ``r`` and the globals). A record is listed on ~10 pages (its collection, people, places,
    subjects, type, year): a listing's own entry (no ``note``) is rendered once per process and
    reused, which halves the time of a term page."""
    made: dict[int, tuple[View, Markup]] = {}

    def record_item(r: View) -> Markup:
        hit = made.get(id(r))
        if hit is not None and hit[0] is r:
            return hit[1]
        html = Markup(env.get_template("partials/record_item.html").render(r=r))
        if "note" not in r:  # record_summary's dict, one per record and build (kept alive here)
            made[id(r)] = (r, html)
        return html

    return record_item


def render_page(env: jinja2.Environment, page: Page) -> bytes:
    # Every page knows its own site path: base.html derives the canonical URL, og:url and the
    # printed address from it, so feature modules need not repeat them in each view.
    view = {"page_path": page.path, **page.view()}
    return env.get_template(page.template).render(view).encode("utf-8")


def templates_digest(root: Path | None) -> str:
    """Hash of every template that could be used (archive overrides and defaults)."""
    h = hashlib.sha256(__version__.encode())
    folders = [PACKAGE_TEMPLATES] + ([root / "templates"] if root and (root / "templates").is_dir() else [])
    for folder in folders:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                h.update(file.relative_to(folder).as_posix().encode())
                h.update(file.read_bytes())
    return h.hexdigest()
