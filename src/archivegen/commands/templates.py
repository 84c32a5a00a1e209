"""``archivegen template``: copy a default template into the archive's templates/ for editing,
list the defaults and the archive's copies, compare a copy with its default, and mark a copy as
up to date with its default (render/overrides.py records and checks the default's hash)."""

from __future__ import annotations

import difflib
from pathlib import Path

from archivegen import __version__
from archivegen.problems import ArchivegenError
from archivegen.render import overrides


def _known(name: str) -> str:
    name = name.strip().removeprefix("templates/").removeprefix("default/")
    names = overrides.default_names()
    if name not in names:
        close = difflib.get_close_matches(name, names, n=3)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        raise ArchivegenError(f"{name!r} is not a default template; {hint}archivegen template --list shows them")
    return name


def copy_template(root: Path, name: str) -> Path:
    """Copy the default ``name`` to ``root/templates/name``, first line recording its hash."""
    name = _known(name)
    path = root / "templates" / name
    if path.exists():
        raise ArchivegenError(f"{path} exists already; nothing copied (compare it with the default: "
                              f"archivegen template {name} --diff)")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (overrides.PACKAGE_TEMPLATES / name).read_text(encoding="utf-8")
    with open(path, "x", encoding="utf-8") as f:  # "x": never replace, even in a race
        f.write(overrides.header(name) + text)
    return path


def _copy_text(root: Path, name: str) -> str:
    path = root / "templates" / name
    if not path.is_file():
        raise ArchivegenError(f"{path} does not exist; copy the default first: archivegen template {name}")
    return path.read_text(encoding="utf-8")


def diff_template(root: Path, name: str) -> str:
    """A unified diff from the current default to the archive's copy (its first line left out)."""
    name = _known(name)
    _, mine = overrides.read_header(_copy_text(root, name))
    default = (overrides.PACKAGE_TEMPLATES / name).read_text(encoding="utf-8")
    return "".join(difflib.unified_diff(default.splitlines(keepends=True), mine.splitlines(keepends=True),
                                        f"default/{name} (archivegen {__version__})", f"templates/{name}"))


def accept_template(root: Path, name: str) -> Path:
    """Record the current default's hash in the copy's first line (added when it had none)."""
    name = _known(name)
    _, rest = overrides.read_header(_copy_text(root, name))
    path = root / "templates" / name
    path.write_text(overrides.header(name) + rest, encoding="utf-8")
    return path


def listing(root: Path) -> list[str]:
    """One line per default template, saying whether the archive replaces it."""
    states = overrides.state(root)
    said = {"current": "copied to templates/ (up to date with the default)",
            "changed": "copied to templates/; the default changed since: archivegen template NAME --diff",
            "untracked": "replaced in templates/ (not copied by archivegen template: not checked)"}
    width = max(len(n) for n in overrides.default_names())
    return [f"{name:<{width}}  {said[states[name]].replace('NAME', name)}" if name in states else name
            for name in overrides.default_names()]
