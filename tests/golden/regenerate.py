#!/usr/bin/env python3
"""Rewrite the golden pages from tests/archives/full after an intended output change.

    python3 tests/golden/regenerate.py

Then review `git diff tests/golden/` and commit it with the change that caused it.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "src"))

from archivegen.build.pipeline import build_archive  # noqa: E402

ARCHIVE = REPO / "tests" / "archives" / "full"
#: Pages kept as golden files, relative to the site.
PAGES = ("records/andropov-report-1-november-1956/index.html",)


def build_pages(workdir: Path) -> dict[str, bytes]:
    """Build the full test archive in ``workdir`` and return the golden pages' bytes."""
    root = shutil.copytree(ARCHIVE, workdir / "full")
    build_archive(root, index=False)
    return {page: (root / "site" / page).read_bytes() for page in PAGES}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        for page, data in build_pages(Path(tmp)).items():
            target = HERE / page
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            print(f"wrote tests/golden/{page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
