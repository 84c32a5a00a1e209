"""The archive's copies of default templates, and whether their default changed since (issue 19).

``archivegen template NAME`` copies a default template into ``templates/NAME`` with a first line
recording the default's hash::

    {# archivegen: copied from default/record.html sha256:0123456789abcdef (archivegen 0.1.0) ... #}

A Jinja comment, so it renders nothing. ``check`` and ``build`` warn when the default's current
hash differs: an upgrade changed the page this copy replaces. Templates without the line (an
override that extends ``default/NAME``, or one written by hand) are not tracked.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from archivegen import __version__
from archivegen.problems import Problem, warning

PACKAGE_TEMPLATES = Path(__file__).parent.parent / "templates"
_HEADER = re.compile(r"\{# archivegen: copied from default/(?P<name>\S+) sha256:(?P<digest>[0-9a-f]{16})"
                     r" \(archivegen (?P<version>[^)\s]+)\)[^\n]*#\}\n")


def default_names() -> list[str]:
    """Every default template, as a name relative to the templates folder ("partials/x.html")."""
    return sorted(p.relative_to(PACKAGE_TEMPLATES).as_posix() for p in PACKAGE_TEMPLATES.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def default_digest(name: str) -> str:
    return hashlib.sha256((PACKAGE_TEMPLATES / name).read_bytes()).hexdigest()[:16]


def header(name: str) -> str:
    """The first line of a copy of the default ``name`` as it is now."""
    return (f"{{# archivegen: copied from default/{name} sha256:{default_digest(name)} (archivegen {__version__})."
            " Keep this line: `archivegen check` warns when the default changes. #}\n")


@dataclass(frozen=True)
class Copied:
    """What a copy's first line says."""

    name: str
    digest: str
    version: str


def read_header(text: str) -> tuple[Copied | None, str]:
    """(what the first line records, the rest of the text); (None, text) without such a line."""
    found = _HEADER.match(text)
    if found is None:
        return None, text
    return Copied(found["name"], found["digest"], found["version"]), text[found.end():]


def _copies(root: Path) -> list[tuple[str, Copied | None]]:
    """The archive's templates that replace a default, each with what its first line records."""
    folder = root / "templates"
    if not folder.is_dir():
        return []
    defaults = set(default_names())
    found = []
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if name in defaults and path.is_file():
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = ""  # reported by the build when it loads the template
            found.append((name, read_header(text)[0]))
    return found


def state(root: Path) -> dict[str, str]:
    """Per overridden default: "current", "changed" (the default changed since it was copied) or
    "untracked" (no first line recording the default)."""
    out = {}
    for name, copied in _copies(root):
        if copied is None:
            out[name] = "untracked"
        else:
            out[name] = "current" if copied.digest == default_digest(name) else "changed"
    return out


def check_overrides(root: Path) -> list[Problem]:
    """A warning for each copied template whose default changed since it was copied."""
    problems = []
    for name, copied in _copies(root):
        if copied is None or copied.digest == default_digest(name):
            continue
        problems.append(warning(
            f"templates/{name}", 1, "template",
            f"the default {name} has changed since this copy was made from it (archivegen "
            f"{copied.version}); compare them: archivegen template {name} --diff; carry over what you "
            f"want, then: archivegen template {name} --accept"))
    return problems
