"""``archivegen reconcile``: the names records give that no authority entry stands for (issue #16).

Adopting authorities is gradual: a name without an entry still gets its browse page. This lists
those names (people and creators, places), how many records give each and where, and the entries
each one may be a spelling of (the same family name, or a close spelling once accents and case
are set aside), so the archivist can add a variant or an entry.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from archivegen.build.read import load_archive
from archivegen.records.authorities import Authority, AuthorityFiles, fold
from archivegen.records.model import Archive

#: Record fields whose names authorities stand for: (field, namespace, label).
FIELDS = (("people", "agents", "people"), ("creators", "agents", "people"), ("places", "places", "places"))
#: difflib ratio from which two folded names count as a near-miss.
CLOSE = 0.8


@dataclass(frozen=True)
class Unmatched:
    label: str
    """"people" or "places"."""
    name: str
    records: tuple[str, ...]
    """Source files of the records that give the name."""
    near: tuple[tuple[Authority, str], ...]
    """(entry, why it may be the same)."""


def _family(name: str) -> str:
    return fold(name.partition(",")[0]) if "," in name else fold(name.rsplit(" ", 1)[-1])


def near_misses(authorities: AuthorityFiles, namespace: str, name: str) -> list[tuple[Authority, str]]:
    """Entries a name may be a spelling of, most likely first."""
    candidates = [a for a in authorities.entries if a.kind != "term"
                  and (namespace == "places") == (a.kind == "place")]
    forms = {fold(form): a for a in candidates for form in a.names}
    found: dict[int, tuple[Authority, str]] = {}
    for form in difflib.get_close_matches(fold(name), list(forms), n=3, cutoff=CLOSE):
        found.setdefault(id(forms[form]), (forms[form], f'close spelling of "{form}"'))
    family = _family(name)
    if namespace == "agents" and len(family) > 2:
        for a in candidates:
            if any(_family(form) == family for form in a.names if "," in form):
                found.setdefault(id(a), (a, f'same family name "{a.name.partition(",")[0]}"'))
    return list(found.values())


def unmatched(archive: Archive) -> list[Unmatched]:
    names: dict[tuple[str, str, str], list[str]] = {}
    for record in archive.records:
        for field, namespace, label in FIELDS:
            for name in record.terms(field):
                if archive.authorities.find(namespace, name) is None:
                    paths = names.setdefault((label, namespace, name), [])
                    if record.path not in paths:
                        paths.append(record.path)
    return [Unmatched(label, name, tuple(paths), tuple(near_misses(archive.authorities, namespace, name)))
            for (label, namespace, name), paths in sorted(names.items(), key=lambda kv: (kv[0][0], fold(kv[0][2])))]


def report(archive: Archive) -> str:
    """The text ``archivegen reconcile`` prints."""
    found = unmatched(archive)
    if not found:
        return "Every name in the records has an authority entry.\n"
    lines = [f"{len(found)} name(s) in the records match no authority entry (by name or variant):"]
    for u in found:
        shown = ", ".join(u.records[:3]) + (f" and {len(u.records) - 3} more" if len(u.records) > 3 else "")
        count = f"{len(u.records)} record" + ("" if len(u.records) == 1 else "s")
        lines.append(f'{u.label}: "{u.name}" ({count}: {shown})')
        for a, why in u.near:
            lines.append(f'    near-miss: "{a.name}" ({a.path}:{a.line}), {why}: '
                         f"if the same, add \"{u.name}\" to its variants")
    return "\n".join(lines) + "\n"


def run(root: Path) -> tuple[str, int]:
    """(text to print, exit status): 1 when the archive does not load."""
    archive, problems = load_archive(root)
    errors = [p for p in problems if p.severity.value == "error"]
    if archive is None or errors:
        return "".join(p.format() + "\n" for p in problems), 1
    return report(archive), 0
