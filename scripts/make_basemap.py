"""Make src/archivegen/static/basemap.svg, the map's background, from Natural Earth (issue #16).

    npm install --prefix /tmp/basemap world-atlas@2.0.2
    python scripts/make_basemap.py /tmp/basemap/node_modules/world-atlas/countries-110m.json

Natural Earth's 1:110m countries (public domain: https://www.naturalearthdata.com/about/terms-of-use/),
as TopoJSON in the npm package world-atlas 2.0.2 (ISC). Drawn in the plate carrée projection
(x = longitude, y = -latitude, in degrees), so a place's marker is placed without a projection
library; coordinates are rounded to 0.1° (about 11 km, finer than the 1:110m data).
The site serves the file itself: no tile server, no request outside the site.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent.parent / "src" / "archivegen" / "static" / "basemap.svg"


def decode_arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        points.extend(arc[1:] if points else arc)
    return points


def path_data(points: list[tuple[float, float]]) -> str:
    """A closed SVG subpath per piece of the ring: a ring that crosses the antimeridian (Fiji,
    Chukotka) is cut where it jumps from one edge of the map to the other."""
    pieces: list[list[str]] = [[]]
    last: tuple[float, float] | None = None
    for lon, lat in points:
        p = (round(lon, 1), round(-lat, 1))
        if last is not None and abs(p[0] - last[0]) > 180:
            pieces.append([])
        if p != last:
            pieces[-1].append(f"{p[0]:g} {p[1]:g}")
            last = p
    return "".join("M" + "L".join(piece) + "Z" for piece in pieces if len(piece) > 2)


def main(source: Path) -> None:
    topo = json.loads(source.read_text(encoding="utf-8"))
    arcs = decode_arcs(topo)
    parts = []
    for geometry in topo["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs") or []
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            parts += [d for d in (path_data(ring(arcs, r)) for r in polygon) if d]
    OUT.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="-180 -90 360 180">\n'
        "<!-- Natural Earth 1:110m countries (public domain), from world-atlas 2.0.2; made by "
        "scripts/make_basemap.py -->\n"
        f'<path id="land" fill-rule="evenodd" d="{"".join(parts)}"/>\n</svg>\n', encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
