"""``archivegen init [DIR]``: a new archive folder, ready to check, serve, build and publish.

The files come from the package (``archivegen/starter/``). Names starting with ``dot-`` there
are written with a dot (``dot-gitignore`` -> ``.gitignore``): packaging tools skip hidden files.
An existing file is never replaced, so ``init`` can also add what an archive folder lacks.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml

from archivegen import __version__
from archivegen.problems import ArchivegenError

DEFAULT_TITLE = "My Archive"
_VERSION_MARK = "__ARCHIVEGEN_VERSION__"


def _walk(folder: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    found: list[tuple[str, Traversable]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        name = "." + entry.name.removeprefix("dot-") if entry.name.startswith("dot-") else entry.name
        if entry.is_dir():
            found += _walk(entry, f"{prefix}{name}/")
        else:
            found.append((prefix + name, entry))
    return found


def starter_files(title: str = DEFAULT_TITLE) -> dict[str, bytes]:
    """Archive-relative path -> the bytes ``init`` writes there."""
    files: dict[str, bytes] = {}
    quoted = yaml.safe_dump(title, allow_unicode=True, default_style='"', width=10_000).strip()
    for rel, entry in _walk(resources.files("archivegen") / "starter"):
        text = entry.read_text(encoding="utf-8").replace(_VERSION_MARK, __version__)
        if rel == "archive.yaml":
            text = text.replace(f"\ntitle: {DEFAULT_TITLE}\n", f"\ntitle: {quoted}\n", 1)
        elif rel == "README.md":
            text = text.replace(f"# {DEFAULT_TITLE}\n", f"# {title}\n", 1)
        files[rel] = text.encode("utf-8")
    return files


def init_archive(dest: Path, title: str = DEFAULT_TITLE) -> tuple[list[Path], list[Path]]:
    """Write the starter archive into ``dest``: (files written, existing files left as they were)."""
    title = " ".join(title.split())
    if not title:
        raise ArchivegenError('the title is empty; e.g. archivegen init my-archive --title "Cold War Letters"')
    if dest.exists() and not dest.is_dir():
        raise ArchivegenError(f"{dest} is a file; give a folder (new or existing) for the archive")
    written: list[Path] = []
    kept: list[Path] = []
    for rel, data in starter_files(title).items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "xb") as f:  # "x": never replace, even in a race
                f.write(data)
        except FileExistsError:
            kept.append(path)
            continue
        written.append(path)
    return written, kept
