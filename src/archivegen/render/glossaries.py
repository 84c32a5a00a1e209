"""Collection glossaries and abbreviations explained in transcriptions (issue #16).

A collection's glossary is what the authority files list for it (an entry's ``collections``):
its persons (people and organisations, as FRUS's "Persons" list) at
``collections/<slug>/persons/`` and its abbreviations and terms at ``collections/<slug>/terms/``.
A collection's page and each of its records link to them.

In a transcription, a known abbreviation of the record's collections (or of no collection: the
whole archive's) is wrapped in ``<abbr title="meaning">`` where it stands; the text itself is not
changed (the search index sees the same words). Single letters are not marked ("E" is a bureau
in FRUS, and an initial everywhere else); all-lowercase terms ("niact") are also found
capitalised or in capitals; a final "s" is allowed after a lowercase ending ("Embtels").
Below the transcription, the abbreviations it uses are listed with their meanings, for readers
who cannot hover.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import partial

from markupsafe import Markup

from archivegen.records.authorities import Authority, fold
from archivegen.records.model import Archive, Record, Term
from archivegen.render import urls
from archivegen.render.authority_pages import glossary_path
from archivegen.render.page import Page, View
from archivegen.render.urls import link

_TAG = re.compile(r"(<[^>]*>)")
#: Text inside these elements is left alone (code, links, an abbreviation already marked).
_SKIP = {"code", "pre", "a", "abbr", "kbd", "samp"}


def _lists(archive: Archive) -> dict[str, tuple[list[Authority], list[Authority]]]:
    """collection -> (its persons A–Z, its terms A–Z), made once per build."""
    found: dict[str, tuple[list[Authority], list[Authority]]] | None = archive.memo.get("glossaries")
    if found is None:
        found = {}
        for a in archive.authorities.entries:
            for c in a.collections:
                found.setdefault(c, ([], []))[1 if a.kind == "term" else 0].append(a)
        for persons, terms in found.values():
            persons.sort(key=lambda a: (fold(a.name), a.name))
            terms.sort(key=lambda a: (a.name.casefold(), a.name))
        archive.memo["glossaries"] = found
    return found


def _persons(archive: Archive, collection: str) -> list[Authority]:
    return [a for a in _lists(archive).get(collection, ([], []))[0] if a.kind in ("person", "organisation")]


def _terms(archive: Archive, collection: str) -> list[Authority]:
    return _lists(archive).get(collection, ([], []))[1]


def collection_links(archive: Archive, term: Term) -> list[dict[str, str]]:
    """A collection page's links to its glossaries."""
    if term.facet != "collections" or not archive.authorities.entries:
        return []
    out = []
    if _persons(archive, term.name):
        out.append(link(archive.settings, "Persons", glossary_path(term.slug, "person")))
    if _terms(archive, term.name):
        out.append(link(archive.settings, "Abbreviations and terms", glossary_path(term.slug, "term")))
    return out


def term_anchor(name: str) -> str:
    """Fragment id of a term in its glossary ("term-" and the term's code points where needed)."""
    safe = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")
    return f"term-{safe}-{'-'.join(f'{ord(c):x}' for c in name)}" if safe != name else f"term-{safe}"


def _persons_view(archive: Archive, term: Term, people: list[Authority]) -> View:
    s = archive.settings
    rows = []
    for a in people:
        page = archive.terms.get("people", {}).get(a.name)
        rows.append({"name": a.name, "description": a.description, "dates": a.dates.display if a.dates else "",
                     "id": "", "url": urls.url(s, urls.term("people", page.slug)) if page else ""})
    return {"page_title": f"Persons: {term.name}", "description": f"People identified in {term.name}.",
            "lang": s.language, "heading": "Persons",
            "collection": link(s, term.name, urls.term("collections", term.slug)),
            "breadcrumbs": [link(s, "Home", ""), link(s, "Collections", urls.facet_index("collections")),
                            link(s, term.name, urls.term("collections", term.slug))],
            "kind": "persons", "rows": rows}


def _terms_view(archive: Archive, term: Term, terms: list[Authority]) -> View:
    s = archive.settings
    rows = [{"name": a.name, "description": a.description, "id": term_anchor(a.name), "url": "", "dates": ""}
            for a in terms]
    return {"page_title": f"Abbreviations and terms: {term.name}",
            "description": f"Abbreviations and terms used in {term.name}.", "lang": s.language,
            "heading": "Abbreviations and terms", "collection": link(s, term.name, urls.term("collections", term.slug)),
            "breadcrumbs": [link(s, "Home", ""), link(s, "Collections", urls.facet_index("collections")),
                            link(s, term.name, urls.term("collections", term.slug))],
            "kind": "terms", "rows": rows}


def plan(archive: Archive) -> list[Page]:
    if not archive.authorities.entries:
        return []
    pages = []
    for term in sorted(archive.terms.get("collections", {}).values(), key=lambda t: t.slug):
        people, terms = _persons(archive, term.name), _terms(archive, term.name)
        if people:
            pages.append(Page(glossary_path(term.slug, "person"), "glossary.html",
                              partial(_persons_view, archive, term, people)))
        if terms:
            pages.append(Page(glossary_path(term.slug, "term"), "glossary.html",
                              partial(_terms_view, archive, term, terms)))
    return pages


# ---------------------------------------------------------------------------------------------
# Abbreviations in transcriptions


def _forms(a: Authority) -> list[str]:
    forms = []
    for name in a.names:
        if len(name) < 2:
            continue
        forms.append(name)
        if name.islower():
            forms += [name[0].upper() + name[1:], name.upper()]
    return forms


class Glossary:
    """The abbreviations that apply to records of one set of collections, as one pattern."""

    def __init__(self, entries: Sequence[Authority]) -> None:
        self.meaning: dict[str, Authority] = {}
        for a in entries:
            for form in _forms(a):
                self.meaning.setdefault(html.escape(form, quote=False), a)
        alternatives = []
        for form in sorted(self.meaning, key=lambda f: (-len(f), f)):
            plural = "s?" if form[-1].islower() else ""
            alternatives.append(re.escape(form) + plural)
        self.pattern = re.compile(r"(?<![\w&])(?:" + "|".join(alternatives) + r")(?![\w])") if alternatives else None

    def explain(self, body_html: str) -> tuple[str, list[Authority]]:
        """The HTML with each known abbreviation in an <abbr>, and the entries used, in order."""
        if self.pattern is None:
            return body_html, []
        used: dict[int, Authority] = {}
        skip: list[str] = []
        parts = _TAG.split(body_html)
        for i, part in enumerate(parts):
            if i % 2:  # a tag
                name = part[1:].lstrip("/").split(None, 1)[0].rstrip(">").lower() if len(part) > 2 else ""
                if name in _SKIP:
                    if part.startswith("</"):
                        if skip:
                            skip.pop()
                    elif not part.endswith("/>"):
                        skip.append(name)
            elif not skip and part:
                parts[i] = self.pattern.sub(lambda m: self._abbr(m, used), part)
        return "".join(parts), list(used.values())

    def _abbr(self, match: re.Match[str], used: dict[int, Authority]) -> str:
        text = match.group(0)
        a = self.meaning.get(text) or self.meaning[text[:-1]]
        used.setdefault(id(a), a)
        return f'<abbr title="{html.escape(a.description)}">{text}</abbr>'


def _glossary_for(archive: Archive, collections: tuple[str, ...]) -> Glossary:
    key = ("glossary", collections)
    found: Glossary | None = archive.memo.get(key)
    if found is None:
        wanted = set(collections)
        found = archive.memo[key] = Glossary([a for a in archive.authorities.entries if a.kind == "term"
                                              and (not a.collections or wanted & set(a.collections))])
    return found


def record_glossary(archive: Archive, record: Record, body_html: str) -> View | None:
    """The record's transcription (``body_html``, rendered) with abbreviations explained, the
    abbreviations it uses, and links to its collections' glossaries (None: the archive has no
    glossary terms)."""
    if not archive.authorities.entries:
        return None
    body, used = _glossary_for(archive, record.collections).explain(body_html)
    links = []
    for name in record.collections:
        term = archive.terms.get("collections", {}).get(name)
        if term is not None:
            links += [dict(g, text=f"{g['text']} ({name})") for g in collection_links(archive, term)]
    return {"body": Markup(body),
            "used": [{"term": a.name, "meaning": a.description} for a in used], "links": links}
