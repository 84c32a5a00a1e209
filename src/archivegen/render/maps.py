"""Maps of the places that have coordinates (issue #16): the map page, and a small map on each
place page and on each record page that names such places.

Everything is served by the site itself: the basemap is ``assets/basemap.svg`` (Natural Earth
1:110m countries, public domain; see scripts/make_basemap.py), drawn in plate carrée (x =
longitude, y = -latitude), so a marker needs no projection library and no tile server. A map is
an inline SVG that ``<use>``s the basemap, with a link per place laid over it in HTML (so a pin
keeps its size, 24 px or more, at any zoom); it works without JavaScript. On the map page,
``assets/map.js`` adds moving and zooming (buttons, arrow keys and +/-) and groups pins that
would overlap at the current zoom. The list of places beside each
map is its accessible alternative.
"""

from __future__ import annotations

from typing import Any

from archivegen.records.authorities import Authority
from archivegen.records.model import Archive, Record
from archivegen.render import urls
from archivegen.render.page import Page, View
from archivegen.render.urls import link

MAP_PATH = "map/"
#: Smallest span a map shows, in degrees of longitude (a single city is shown with its region).
MIN_SPAN = 24.0


def _places(archive: Archive) -> list[tuple[Authority, str, int]]:
    """(place, page path, records) for every place with coordinates that has a page, A–Z."""
    out = []
    for term in archive.terms.get("places", {}).values():
        a = term.authority
        if a is not None and a.has_coordinates:
            out.append((a, urls.term("places", term.slug), term.count))
    return sorted(out, key=lambda p: (p[0].name.casefold(), p[0].name))


def _view_box(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """x, y, width, height around the points (plate carrée degrees), 2:1, inside the world."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    w = max(MIN_SPAN, (max(xs) - min(xs)) * 1.3, (max(ys) - min(ys)) * 2.6)
    w = min(w, 360.0)
    h = w / 2
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    x = min(max(cx - w / 2, -180.0), 180.0 - w)
    y = min(max(cy - h / 2, -90.0), 90.0 - h)
    return round(x, 2), round(y, 2), round(w, 2), round(h, 2)


def _marker(archive: Archive, a: Authority, path: str) -> dict[str, Any]:
    assert a.latitude is not None and a.longitude is not None
    return {"name": a.name, "x": round(a.longitude, 3), "y": round(-a.latitude, 3),
            "lat": a.latitude, "lon": a.longitude, "url": urls.url(archive.settings, path)}


def _map_view(archive: Archive, markers: list[dict[str, Any]], label: str) -> View:
    """An SVG basemap cut to the markers, and the markers as HTML links laid over it (so they
    keep a reader's size, 24 px and more, at any zoom), placed in percent of the map."""
    x, y, w, h = _view_box([(m["x"], m["y"]) for m in markers])
    for m in markers:
        m["left"], m["top"] = round(100 * (m["x"] - x) / w, 2), round(100 * (m["y"] - y) / h, 2)
    return {"label": label, "view_box": f"{x:g} {y:g} {w:g} {h:g}", "stroke": round(w / 600, 4),
            "markers": markers, "basemap": urls.url(archive.settings, urls.asset("basemap.svg")) + "#land",
            "map_url": urls.url(archive.settings, MAP_PATH)}


def place_map(archive: Archive, places: list[Authority]) -> View | None:
    """A small static map of some places (those with coordinates and a page)."""
    pages = {a.name: path for a, path, _ in _places(archive)}
    markers = [_marker(archive, a, pages[a.name]) for a in places if a.has_coordinates and a.name in pages]
    if not markers:
        return None
    names = ", ".join(m["name"] for m in markers)
    return _map_view(archive, markers, f"Map of {names}")


def record_map(archive: Archive, record: Record) -> View | None:
    """The map of a record page: the places it names that have coordinates."""
    if not archive.authorities.entries or not record.places:
        return None
    found = []
    for name in record.places:
        term = archive.term_for("places", name)
        if term is not None and term.authority is not None and term.authority not in found:
            found.append(term.authority)
    return place_map(archive, found)


def map_page_view(archive: Archive) -> View:
    s = archive.settings
    places = _places(archive)
    markers = [dict(_marker(archive, a, path), count=count) for a, path, count in places]
    view = dict(_map_view(archive, markers, "Map of the places named in the records"), map_url="")
    return {
        "page_title": "Map",
        "description": f"{len(markers)} places named in the records of {s.title}, on a map.",
        "lang": s.language,
        "breadcrumbs": [link(s, "Home", ""), link(s, "Places", urls.facet_index("places"))],
        "map": view,
        "places": [{"name": m["name"], "url": m["url"], "count": m["count"],
                    "count_text": f"{m['count']} record" + ("" if m["count"] == 1 else "s"),
                    "lat": m["lat"], "lon": m["lon"]} for m in markers],
        "data": [{"name": m["name"], "url": m["url"], "x": m["x"], "y": m["y"]} for m in markers],
    }


def plan(archive: Archive) -> list[Page]:
    if not _places(archive):
        return []
    return [Page(MAP_PATH, "map.html", lambda: map_page_view(archive))]
