"""Jinja environment, the page plan, and the views each template gets.

Templates are looked up in the archive's ``templates/`` first, then in the packaged defaults; the
defaults stay reachable as ``default/<name>`` so an override can extend what it replaces.
Autoescaping is on and an undefined variable fails the build.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from archivegen import __version__
from archivegen.records.fields import FACETS, FIELDS, Field
from archivegen.records.kinds import Date
from archivegen.records.model import Archive, Record
from archivegen.records.texts import Text
from archivegen.records.settings import Settings
from archivegen.render import citations, metadata, urls
from archivegen.render import search_page as search
from archivegen.render.markdown import render_inline, render_markdown

View = dict[str, Any]
PACKAGE_TEMPLATES = Path(__file__).parent.parent / "templates"


@dataclass(frozen=True)
class Page:
    """One planned output file."""

    path: str
    """Site path ("records/x/" or "feed.xml")."""
    template: str
    """Template name that renders it."""
    view: Callable[[], View]
    """Builds the template's data (called in the render stage, possibly in a worker)."""
    records: tuple[str, ...] = field(default=())
    """Ids of the records the page shows (for the manifest and for progress)."""


def make_env(root: Path | None, settings: Settings) -> jinja2.Environment:
    package = jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES))
    loaders: list[jinja2.BaseLoader] = []
    if root is not None and (root / "templates").is_dir():
        loaders.append(jinja2.FileSystemLoader(str(root / "templates")))
    loaders += [jinja2.PrefixLoader({"default": package}), package]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(("html", "xml", "svg"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates do not change during a build: no stat() per include
    )
    env.globals.update(
        site=settings,
        url=lambda path: urls.url(settings, path),
        absolute=lambda path: urls.absolute(settings, path),
        asset=lambda name: urls.url(settings, urls.asset(name)),
        facets=[{"key": key, "label": f.facet.label, "url": urls.url(settings, urls.facet_index(key))}
                for key, f in FACETS if f.facet],
        generator=f"archivegen {__version__}",
    )
    env.globals["record_item"] = _item_renderer(env)
    env.filters["markdown"] = lambda text: jinja2.utils.markupsafe.Markup(render_markdown(text))
    env.filters["inline_markdown"] = lambda text: jinja2.utils.markupsafe.Markup(render_inline(text))
    env.filters["json_script"] = json_script
    return env


def _item_renderer(env: jinja2.Environment) -> Callable[[View], jinja2.utils.markupsafe.Markup]:
    """``record_item(r)``: a listing's entry for one record (``partials/record_item.html``, which
    sees ``r`` and the globals). A record is listed on ~10 pages (its collection, people, places,
    subjects, type, year): a listing's own entry (no ``note``) is rendered once per process and
    reused, which halves the time of a term page."""
    made: dict[int, tuple[View, jinja2.utils.markupsafe.Markup]] = {}

    def record_item(r: View) -> jinja2.utils.markupsafe.Markup:
        hit = made.get(id(r))
        if hit is not None and hit[0] is r:
            return hit[1]
        html = jinja2.utils.markupsafe.Markup(env.get_template("partials/record_item.html").render(r=r))
        if "note" not in r:  # record_summary's dict, one per record and build (kept alive here)
            made[id(r)] = (r, html)
        return html

    return record_item


def json_script(value: Any) -> jinja2.utils.markupsafe.Markup:
    """JSON safe inside <script>: '<', '>' and '&' are escaped so '</script>' cannot close it."""
    # Compact: json.dumps with an indent runs in Python, without it in C (~10x faster).
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return jinja2.utils.markupsafe.Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


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


# ---------------------------------------------------------------------------------------------
# Views


def link(settings: Settings, text: str, path: str) -> dict[str, str]:
    return {"text": text, "url": urls.url(settings, path)}


def record_summary(archive: Archive, record: Record) -> View:
    """What a listing shows of a record (one dict per record and build: never change it)."""
    key = ("summary", record.id)
    view: View | None = archive.memo.get(key)
    if view is None:
        s = archive.settings
        view = archive.memo[key] = {
            "id": record.id, "title": record.title, "url": urls.url(s, urls.record(record.id)),
            "date": record.date.display, "date_iso": record.date.lower.isoformat(),
            "approximate": record.date.approximate, "type": record.type, "summary": record.summary,
        }
    return view


def _term_links(archive: Archive, facet: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    out = []
    for name in names:
        term = archive.terms.get(facet, {}).get(name)
        out.append(link(archive.settings, name, urls.term(facet, term.slug)) if term else {"text": name, "url": ""})
    return out


def _detail_terms(archive: Archive, record: Record, f: Field) -> list[dict[str, str]]:
    """A field's entries in the record page's details list."""
    value = record.value(f.name)
    if isinstance(f.kind, Date) and value is not None:
        # The record's own date leads to the year it is filed under (see browse.py).
        url = urls.url(archive.settings, urls.year(value.year)) if f.name == "date" else ""
        return [{"text": value.display, "url": url, "edtf": value.edtf}]
    if f.facet:
        return _term_links(archive, f.facet.key, f.kind.terms(value))
    return [{"text": text, "url": ""} for text in f.kind.terms(value)]


def _credit(text: Text | None) -> str:
    """A text's credit line: "Translated from Russian by Jane Doe. Published in …"."""
    if text is None or not text.is_translation:
        return ""
    assert text.translated_from is not None
    names = [citations.parse_name(n).natural() for n in text.translators]
    by = f" by {citations.join_names(names)}" if names else ""
    published = f" Translation published in {text.published_in.rstrip('.')}." if text.published_in else ""
    return f"Translated from {text.translated_from.name}{by}.{published}"


def _text_ids(record: Record) -> list[str]:
    """Each text's anchor ("text-en", "text-ru"; "text-en-2" for a second English text)."""
    ids: list[str] = []
    for text in texts_of(record):
        base = f"text-{text.language.code if text else 'main'}"
        same = sum(1 for i in ids if i == base or i.startswith(base + "-"))
        ids.append(f"{base}-{same + 1}" if same else base)
    return ids


def texts_of(record: Record) -> list[Text | None]:
    """The record's texts as the page shows them: its body first (None: a body nothing describes)."""
    texts: list[Text | None] = list(record.texts)
    if not texts or texts[0] is None or texts[0].file:  # Texts sorts the body's entry first
        texts.insert(0, None)
    return texts


def texts_view(archive: Archive, record: Record) -> list[dict[str, Any]]:
    """The record's texts, rendered: its body first, then the texts of its files."""
    s = archive.settings

    def resolve(rid: str) -> str:  # record: links (validated: the record exists)
        return urls.url(s, urls.record(rid))

    out = []
    for i, (text, anchor) in enumerate(zip(texts_of(record), _text_ids(record), strict=True)):
        body = record.body if text is None or not text.file else text.body
        # The first text's notes keep plain ids (#note-4): the links in other records point there.
        prefix = "" if i == 0 else anchor.removeprefix("text-")
        out.append({
            "id": anchor, "lang": text.language.code if text else "",
            "label": text.label if text else "Transcription", "credit": _credit(text),
            "title": text.title if text else "",
            "html": Markup(render_markdown(body, prefix, resolve)),
        })
    return out


def referrers(archive: Archive, record_id: str) -> tuple[str, ...]:
    """Ids of the records whose texts link to ``record_id``, in archive order (computed once a build)."""
    table: dict[str, tuple[str, ...]] | None = archive.memo.get("referrers")
    if table is None:
        found: dict[str, list[str]] = {}
        for r in archive.records:
            for target in dict.fromkeys(link.target for link in r.links):
                if target != r.id:
                    found.setdefault(target, []).append(r.id)
        table = archive.memo["referrers"] = {k: tuple(v) for k, v in found.items()}
    return table.get(record_id, ())


def record_view(archive: Archive, record: Record) -> View:
    s = archive.settings
    rows: list[dict[str, Any]] = []

    for f in FIELDS:
        if f.details:
            terms = _detail_terms(archive, record, f)
            if terms:
                rows.append({"label": f.label, "key": f.name, "terms": terms})
    related = [record_summary(archive, archive.by_id[r]) for r in record.related if r in archive.by_id]
    files = [{"name": Path(f).name, "url": urls.url(s, urls.record_file(record.id, Path(f).name))}
             for f in record.files]
    rights = record.rights
    return {
        "page_title": record.title,
        "description": record.summary or record.title,
        "lang": s.language,
        "record": {
            **record_summary(archive, record),
            "edtf": record.date.edtf,
            "classification": record.classification,
            "languages": [{"code": lang.code, "name": lang.name} for lang in record.languages],
            "uploaded": record.uploaded.display if record.uploaded else "",
            "source_path": record.path,
        },
        "rows": rows,
        "files": files,
        "texts": texts_view(archive, record),
        "related": related,
        "referenced_by": [record_summary(archive, archive.by_id[r]) for r in referrers(archive, record.id)],
        "rights": {"label": rights.label, "uri": rights.uri, "text": rights.text,
                   "contact": vars(rights.contact) if rights.contact else None} if rights else None,
        "citation": citations.view(record, s),
        "meta": metadata.head(record, s),
        "search": search.record_fields(record),
        # A record is filed under the first year its date can mean (see browse.py).
        "breadcrumbs": [link(s, "Home", ""), link(s, "Years", urls.years_index()),
                        link(s, str(record.date.year), urls.year(record.date.year))],
        "neighbours": _browse().collection_neighbours(archive, record),
        "extra": {},
    }


def _browse() -> Any:
    from archivegen.render import browse  # noqa: PLC0415 - browse imports render's views

    return browse


def home_view(archive: Archive) -> View:
    s = archive.settings
    collections = sorted(archive.terms.get("collections", {}).values(), key=lambda t: t.name.casefold())
    dated = [r for r in archive.records if r.uploaded]
    recent = sorted(dated, key=lambda r: (r.uploaded.sort_key if r.uploaded else "", r.date.sort_key, r.id),
                    reverse=True)[: s.recent]
    return {
        "page_title": s.title,
        "description": s.description or s.title,
        "lang": s.language,
        "collections": [{"name": t.name, "url": urls.url(s, urls.term("collections", t.slug)),
                         "count": t.count, "description": t.description} for t in collections],
        "recent": [dict(record_summary(archive, r), uploaded=r.uploaded.display if r.uploaded else "")
                   for r in recent],
        "total": len(archive.records),
        "breadcrumbs": [],
    }


def record_page(archive: Archive, record: Record) -> Page:
    # The records that link to it are listed on it ("Referenced by"): declared, so that a change
    # to one of them, or to who links here, re-renders the page in an incremental build.
    return Page(urls.record(record.id), "record.html", lambda: record_view(archive, record),
                (record.id, *referrers(archive, record.id)))


def plan_pages(archive: Archive) -> list[Page]:
    """Every page of the site. Feature modules add their pages here."""
    from archivegen.render import (
        browse,
        exports,
        theme,
    )

    pages = [Page("", "home.html", lambda: home_view(archive))]
    pages += [record_page(archive, record) for record in archive.records]
    pages += browse.plan(archive)
    pages += search.plan(archive)
    pages += theme.plan(archive)
    # Keep exports last: the sitemap lists every HTML page planned before it.
    pages += exports.plan(archive, pages)
    return pages


