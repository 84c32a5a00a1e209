"""Authority files: people, organisations, places and glossary terms the archivist knows about.

An archive may keep, beside ``documents/``, a folder ``authorities/`` with up to four YAML files,
each a list of entries (one entry a few lines: git diffs stay readable)::

    authorities/people.yaml          - name: "Kádár, János"
    authorities/organisations.yaml     variants: ["Kadar, Janos", Kadar, János Kádár]
    authorities/places.yaml            dates: 1912-05-26/1989-07-06
    authorities/terms.yaml             description: First Secretary of the Hungarian …
                                       wikidata: Q152937
                                       collections: ["Foreign Relations of …"]

Records keep naming people as they do; a record's name that equals an entry's name or one of its
variants (case, spacing and Unicode form ignored, and accents too where that leaves no doubt)
links to the entry. See docs/authorities.md. Parsing is pure (``parse_authorities(path, text)``);
``load_authorities(root)`` adds the I/O. Every problem names its file and line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from archivegen.problems import Problem, error, warning
from archivegen.records.dates import DateError, RecordDate, parse_date
from archivegen.records.load import decode

FOLDER = "authorities"
#: File name -> the kind of entry it holds.
FILES = {"people.yaml": "person", "organisations.yaml": "organisation", "places.yaml": "place",
         "terms.yaml": "term"}
#: Kinds whose names are looked up in the same record fields, so may not share a name or variant.
NAMESPACE = {"person": "agents", "organisation": "agents", "place": "places", "term": "terms"}
#: More nodes than this in one file is refused (YAML aliases could otherwise expand without end).
MAX_NODES = 2_000_000


@dataclass(frozen=True)
class Identifier:
    """An identifier in an external authority file, with the URL a reader follows."""

    scheme: str
    """"wikidata", "viaf", "geonames" or "lcnaf"."""
    value: str
    label: str
    url: str


#: scheme -> (label, pattern, URL template, example).
SCHEMES: dict[str, tuple[str, re.Pattern[str], str, str]] = {
    "wikidata": ("Wikidata", re.compile(r"Q[1-9][0-9]*"), "https://www.wikidata.org/wiki/{}", "Q152937"),
    "viaf": ("VIAF", re.compile(r"[1-9][0-9]{0,21}"), "https://viaf.org/viaf/{}", "46774389"),
    "geonames": ("GeoNames", re.compile(r"[1-9][0-9]{0,9}"), "https://www.geonames.org/{}", "3054643"),
    "lcnaf": ("LCNAF", re.compile(r"n[abors]?[0-9]{8,10}"), "https://id.loc.gov/authorities/names/{}.html",
              "n79021164"),
}


@dataclass(frozen=True)
class Authority:
    """One entry of an authority file, validated."""

    kind: str
    """"person", "organisation", "place" or "term"."""
    name: str
    """Preferred name (NFC); for a term, the term itself ("Embtel")."""
    path: str
    line: int
    variants: tuple[str, ...] = ()
    """Other forms of the name (spellings, transliterations, without diacritics)."""
    dates: RecordDate | None = None
    """Life or existence dates (EDTF)."""
    description: str = ""
    """Who or what it is; for a term, its meaning."""
    identifiers: tuple[Identifier, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    collections: tuple[str, ...] = ()
    """Collections whose glossary lists the entry (persons, or abbreviations and terms)."""
    name_lines: tuple[int, ...] = ()
    """File line of the name, then of each variant (for messages)."""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.variants)

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass
class AuthorityFiles:
    """Every entry of every authority file, and the lookup tables built from them."""

    entries: tuple[Authority, ...] = ()
    exact: dict[tuple[str, str], Authority] = field(default_factory=dict)
    """(namespace, match_key(name)) -> entry."""
    folded: dict[tuple[str, str], Authority] = field(default_factory=dict)
    """(namespace, fold(name)) -> entry, where only one entry folds to that key."""

    def of_kind(self, kind: str) -> list[Authority]:
        return [a for a in self.entries if a.kind == kind]

    def find(self, namespace: str, name: str) -> Authority | None:
        """The entry a record's name stands for, or None."""
        hit = self.exact.get((namespace, match_key(name)))
        return hit if hit is not None else self.folded.get((namespace, fold(name)))


def match_key(name: str) -> str:
    """Names are the same when they differ only in case, spacing and Unicode form."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


#: Letters Unicode does not decompose but readers write without their mark (Łódź as Lodz).
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"})


def fold(name: str) -> str:
    """match_key without accents: "Kádár, János" and "Kadar, Janos" fold alike."""
    decomposed = unicodedata.normalize("NFKD", match_key(name))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c))).translate(_FOLD)


# ---------------------------------------------------------------------------------------------
# Parsing one file


_AGENT_IDS = ("wikidata", "viaf", "lcnaf")
_KEYS = {
    "person": ("name", "variants", "dates", "description", *_AGENT_IDS, "collections"),
    "organisation": ("name", "variants", "dates", "description", *_AGENT_IDS, "collections"),
    "place": ("name", "variants", "dates", "description", *SCHEMES, "coordinates", "collections"),
    "term": ("term", "meaning", "variants", "collections"),
}


class _Entry:
    """One YAML mapping with the line of each key, values kept as nodes."""

    def __init__(self, path: str, node: MappingNode) -> None:
        self.path, self.line = path, node.start_mark.line + 1
        self.values: dict[str, Node] = {}
        self.lines: dict[str, int] = {}
        self.problems: list[Problem] = []
        for key, value in node.value:
            line = key.start_mark.line + 1
            if not isinstance(key, ScalarNode):
                self.problems.append(error(path, line, "entry", "a key must be text, e.g. 'name:'"))
            elif key.value in self.values:
                self.problems.append(error(path, line, key.value,
                                           f"duplicate key: already set on line {self.lines[key.value]}; keep one"))
            else:
                self.values[key.value], self.lines[key.value] = value, line

    def at(self, key: str) -> int:
        return self.lines.get(key, self.line)

    def text(self, key: str) -> str:
        node = self.values.get(key)
        if node is None:
            return ""
        if not isinstance(node, ScalarNode):
            self.problems.append(error(self.path, self.at(key), key, "expected text, found a list or mapping"))
            return ""
        return " ".join(unicodedata.normalize("NFC", node.value).split())

    def texts(self, key: str) -> list[tuple[str, int]]:
        """A list of text (a single text is accepted as a list of one), with each item's line."""
        node = self.values.get(key)
        if node is None:
            return []
        items = node.value if isinstance(node, SequenceNode) else [node]
        out = []
        for item in items:
            if not isinstance(item, ScalarNode):
                self.problems.append(error(self.path, item.start_mark.line + 1, key,
                                           "expected a list of text, e.g. [\"Kadar, Janos\", Kadar]"))
            elif item.value.strip():
                out.append((" ".join(unicodedata.normalize("NFC", item.value).split()), item.start_mark.line + 1))
        return out


def _count_nodes(node: Node, seen: set[int]) -> int:
    if id(node) in seen:  # an alias: refused below, counted once here
        return 1
    seen.add(id(node))
    if isinstance(node, MappingNode):
        return 1 + sum(_count_nodes(k, seen) + _count_nodes(v, seen) for k, v in node.value)
    if isinstance(node, SequenceNode):
        return 1 + sum(_count_nodes(v, seen) for v in node.value)
    return 1


def _compose(path: str, text: str) -> tuple[list[MappingNode], list[Problem]]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else 1
        return [], [error(path, line, "file", f"YAML syntax error: {exc.problem}; check the indentation and "
                          "quotes on this line (each entry starts with '- name: …')")]
    except yaml.YAMLError as exc:
        return [], [error(path, 1, "file", f"YAML error: {exc}")]
    if root is None:
        return [], []
    if not isinstance(root, SequenceNode):
        return [], [error(path, root.start_mark.line + 1, "file",
                          "expected a list of entries, each starting with '- name: …'")]
    if "*" in text and _count_nodes(root, set()) > MAX_NODES:
        return [], [error(path, 1, "file", "too many values once aliases (*name) are expanded; write them out")]
    entries, problems = [], []
    for node in root.value:
        if isinstance(node, MappingNode):
            entries.append(node)
        else:
            problems.append(error(path, node.start_mark.line + 1, "entry",
                                  "expected 'key: value' lines, e.g. '- name: \"Kádár, János\"'"))
    return entries, problems


def _identifiers(kind: str, entry: _Entry) -> tuple[Identifier, ...]:
    out = []
    for scheme, (label, pattern, template, example) in SCHEMES.items():
        if scheme not in entry.values or scheme not in _KEYS[kind]:
            continue
        value = entry.text(scheme)
        if not pattern.fullmatch(value):
            entry.problems.append(error(entry.path, entry.at(scheme), scheme,
                                        f"{value!r} is not a {label} identifier; expected e.g. {example}"))
            continue
        out.append(Identifier(scheme, value, label, template.format(value)))
    return tuple(out)


def _coordinates(entry: _Entry) -> tuple[float | None, float | None]:
    node = entry.values.get("coordinates")
    if node is None:
        return None, None
    where = entry.at("coordinates")
    parts = [n.value for n in node.value] if isinstance(node, SequenceNode) else None
    if parts is None and isinstance(node, ScalarNode):
        parts = [p for p in re.split(r"[,\s]+", node.value.strip()) if p]
    try:
        if parts is None or len(parts) != 2:
            raise ValueError
        lat, lon = float(parts[0]), float(parts[1])
    except (TypeError, ValueError):
        entry.problems.append(error(entry.path, where, "coordinates",
                                    "expected [latitude, longitude] in decimal degrees, e.g. [47.4979, 19.0402]"))
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also refuses nan and inf
        entry.problems.append(error(entry.path, where, "coordinates",
                                    f"[{parts[0]}, {parts[1]}] is off the globe: latitude is -90 to 90, "
                                    "longitude -180 to 180 (write latitude first), e.g. [47.4979, 19.0402]"))
        return None, None
    return lat, lon


def _entry(kind: str, entry: _Entry) -> Authority | None:
    path = entry.path
    for key in entry.values:
        if key not in _KEYS[kind]:
            entry.problems.append(warning(path, entry.at(key), key, f"unknown key for a {kind}; "
                                          f"known keys: {', '.join(_KEYS[kind])}"))
    name_key, text_key = ("term", "meaning") if kind == "term" else ("name", "description")
    name = entry.text(name_key)
    if not name:
        entry.problems.append(error(path, entry.at(name_key), name_key,
                                    f"missing: every entry needs a {name_key}, e.g. "
                                    + ("'- term: Embtel'" if kind == "term" else "'- name: \"Kádár, János\"'")))
        return None
    description = entry.text(text_key)
    if kind == "term" and not description:
        entry.problems.append(error(path, entry.at("meaning"), "meaning",
                                    f"missing for {name!r}: say what it stands for, e.g. 'meaning: Embassy telegram'"))
    dates = None
    if entry.text("dates"):
        try:
            dates = parse_date(entry.text("dates"))
        except DateError as exc:
            entry.problems.append(error(path, entry.at("dates"), "dates", str(exc)))
    lat, lon = _coordinates(entry) if kind == "place" else (None, None)
    seen, variants, lines = {match_key(name)}, [], [entry.at(name_key)]
    for variant, line in entry.texts("variants"):
        if match_key(variant) not in seen:
            seen.add(match_key(variant))
            variants.append(variant)
            lines.append(line)
    return Authority(kind, name, path, entry.line, tuple(variants), dates, description,
                     _identifiers(kind, entry) if kind != "term" else (), lat, lon,
                     tuple(dict.fromkeys(c for c, _ in entry.texts("collections"))), tuple(lines))


def parse_authorities(path: str, text: str, kind: str) -> tuple[list[Authority], list[Problem]]:
    """The entries of one authority file (pure: no I/O)."""
    nodes, problems = _compose(path, text)
    out = []
    for node in nodes:
        entry = _Entry(path, node)
        found = _entry(kind, entry)
        problems += entry.problems
        if found is not None:
            out.append(found)
    return out, problems


# ---------------------------------------------------------------------------------------------
# Across files


def namespaces(a: Authority) -> list[str]:
    """Where the entry's names must be unique: people and organisations together (both author
    records), places, and each collection's glossary (two volumes may explain "AA" differently)."""
    if a.kind != "term":
        return [NAMESPACE[a.kind]]
    return [f"terms:{c}" for c in a.collections] or ["terms:"]


def index_authorities(entries: list[Authority]) -> tuple[AuthorityFiles, list[Problem]]:
    """Lookup tables; a name or variant claimed twice in one namespace is an error on the second."""
    problems: list[Problem] = []
    exact: dict[tuple[str, str], Authority] = {}
    folds: dict[tuple[str, str], set[int]] = {}
    for a in entries:
        for ns in namespaces(a):
            for i, name in enumerate(a.names):
                key = (ns, match_key(name))
                other = exact.setdefault(key, a)
                if other is not a:
                    problems.append(_claimed_twice(a, i, other, key[1]))
                else:
                    folds.setdefault((ns, fold(name)), set()).add(id(a))
    by_id = {id(a): a for a in entries}
    folded = {key: by_id[next(iter(ids))] for key, ids in folds.items() if len(ids) == 1}
    return AuthorityFiles(tuple(entries), exact, folded), problems


def _claimed_twice(a: Authority, i: int, other: Authority, key: str) -> Problem:
    what = "name" if i == 0 else "variant"
    claimed = "the name" if match_key(other.name) == key else "a variant"
    line = a.name_lines[i] if i < len(a.name_lines) else a.line
    return error(a.path, line, "name" if i == 0 else "variants",
                 f'{what} "{a.names[i]}" is already {claimed} of "{other.name}" ({other.path}:{other.line}); '
                 "a name may stand for one entry only: remove it here or there, or tell them apart "
                 '("Nagy, Imre (1896–1958)")')


def authority_files(root: Path) -> list[Path]:
    """The authority files an archive has (those that exist), in a fixed order."""
    return [root / FOLDER / name for name in FILES if (root / FOLDER / name).is_file()]


def load_authorities(root: Path) -> tuple[AuthorityFiles, list[Problem]]:
    """Read and check every authority file of the archive in ``root`` (none: an empty set)."""
    entries: list[Authority] = []
    problems: list[Problem] = []
    for file in authority_files(root):
        rel = file.relative_to(root).as_posix()
        text, found = decode(rel, file.read_bytes())
        problems += found
        if text is None:
            continue
        parsed, found = parse_authorities(rel, text, FILES[file.name])
        entries += parsed
        problems += found
    files, found = index_authorities(entries)
    return files, problems + found
