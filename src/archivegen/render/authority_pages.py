"""What a person's or a place's page adds when an authority file describes it (issue #16).

The facet's term page (people/<slug>/, places/<slug>/) stays the page of the person or place; with
an authority entry it also shows the dates, the other forms of the name, identifiers as links, the
records the person created, how many more transcriptions mention them (with searches for the
name's forms), the glossaries that list them, a map for a place, and schema.org JSON-LD
(``Person``/``Place``/``Organization`` with ``sameAs``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from archivegen.records.authorities import Authority
from archivegen.records.mentions import natural_order
from archivegen.records.model import Archive, Term
from archivegen.render import maps, urls
from archivegen.render.listing import record_summary
from archivegen.render.page import Page, View, raw_page
from archivegen.render.urls import link

KIND_LABELS = {"person": "Person", "organisation": "Organisation", "place": "Place"}
_SCHEMA_TYPES = {"person": "Person", "organisation": "Organization", "place": "Place"}
_ISO = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def created_ids(archive: Archive, term: Term) -> tuple[str, ...]:
    """Records the person of a people term created (empty for other facets)."""
    return archive.created.get(term.name, ()) if term.facet == "people" else ()


def text_only_ids(archive: Archive, term: Term) -> tuple[str, ...]:
    """Records that mention the authority in their transcription and neither name nor were made by it."""
    a = term.authority
    if a is None:
        return ()
    shown = set(term.record_ids) | set(created_ids(archive, term))
    return tuple(i for i in archive.text_mentions.get((a.kind, a.name), ()) if i not in shown)


def search_forms(a: Authority) -> list[str]:
    """What the "search the text" links look for: the forms a transcription would use (no
    "Family, Given" inversions: running text says "Kadar" or "János Kádár")."""
    forms = [v for v in a.variants if "," not in v] or [natural_order(a.name)]
    return list(dict.fromkeys(forms))


def glossary_links(archive: Archive, a: Authority, kind: str) -> list[dict[str, str]]:
    """Links to the collection glossaries that list the entry."""
    out = []
    for name in a.collections:
        term = archive.terms.get("collections", {}).get(name)
        if term is not None:
            out.append(link(archive.settings, name, glossary_path(term.slug, kind)))
    return out


def glossary_path(collection_slug: str, kind: str) -> str:
    """collections/<slug>/persons/ or collections/<slug>/terms/."""
    return f"{urls.term('collections', collection_slug)}{'terms' if kind == 'term' else 'persons'}/"


def json_ld(archive: Archive, a: Authority, path: str) -> dict[str, Any]:
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": _SCHEMA_TYPES[a.kind], "name": a.name,
                            "url": urls.absolute(archive.settings, path)}
    if a.variants:
        data["alternateName"] = list(a.variants)
    if a.description:
        data["description"] = a.description
    if a.identifiers:
        data["sameAs"] = [i.url for i in a.identifiers]
    if a.dates is not None:
        start, _, end = a.dates.edtf.partition("/")
        names = {"person": ("birthDate", "deathDate"), "organisation": ("foundingDate", "dissolutionDate")}
        for key, part in zip(names.get(a.kind, ()), (start, end), strict=False):
            if _ISO.fullmatch(part):
                data[key] = part
    if a.has_coordinates:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": a.latitude, "longitude": a.longitude}
    return data


def authority_view(archive: Archive, term: Term, page: int) -> View | None:
    """The authority's part of a term page (None: the term has no authority and created nothing)."""
    s = archive.settings
    a = term.authority
    created = created_ids(archive, term)
    if a is None and not created:
        return None
    view: View = {"kind": "", "dates": "", "dates_edtf": "", "variants": [], "identifiers": [], "glossaries": [],
                  "mentioned": None, "map": None, "json_ld": None,
                  "created": [record_summary(archive, archive.by_id[i]) for i in created] if page == 1 else [],
                  "created_count": len(created)}
    if a is None:
        return view
    more = text_only_ids(archive, term)
    path = urls.term(term.facet, term.slug)
    view.update(
        kind=KIND_LABELS.get(a.kind, ""), variants=list(a.variants),
        dates=a.dates.display if a.dates else "", dates_edtf=a.dates.edtf if a.dates else "",
        identifiers=[{"label": i.label, "value": i.value, "url": i.url} for i in a.identifiers],
        glossaries=glossary_links(archive, a, a.kind),
        mentioned={"count": len(more), "text": f"{len(more)} more record{'' if len(more) == 1 else 's'}",
                   "searches": [link(s, form, urls.search(form)) for form in search_forms(a)]} if more else None,
        json_ld=json_ld(archive, a, path),
        map=maps.place_map(archive, [a]) if a.has_coordinates else None,
    )
    return view


def page_path(archive: Archive, a: Authority) -> str:
    """The site path of an entry's page ("" when it has none: organisations, glossary terms)."""
    facet = {"person": "people", "place": "places"}.get(a.kind)
    term = archive.terms.get(facet, {}).get(a.name) if facet else None
    return urls.term(term.facet, term.slug) if term is not None else ""


def authorities_json(archive: Archive) -> str:
    """data/authorities.json: every authority entry, as the authority files give it."""
    rows = []
    for a in archive.authorities.entries:
        path = page_path(archive, a)
        rows.append({
            "kind": a.kind, "name": a.name, "variants": list(a.variants),
            "dates": a.dates.edtf if a.dates else "", "description": a.description,
            "identifiers": {i.scheme: i.value for i in a.identifiers}, "sameAs": [i.url for i in a.identifiers],
            "latitude": a.latitude, "longitude": a.longitude, "collections": list(a.collections),
            "url": urls.absolute(archive.settings, path) if path else "",
        })
    return json.dumps(rows, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def plan(archive: Archive) -> list[Page]:
    """data/authorities.json, when the archive has authority files."""
    if not archive.authorities.entries:
        return []
    return [raw_page(urls.authorities_json(), lambda: authorities_json(archive))]
