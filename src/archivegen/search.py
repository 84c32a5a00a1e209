"""The search index: Pagefind over the staged HTML. The only module that runs Pagefind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .problems import IndexingFailed


def pagefind_command() -> list[str]:
    """The Pagefind binary that ``pagefind[bin]`` installs, run through its Python entry point."""
    return [sys.executable, "-m", "pagefind"]


OUTPUT_SUBDIR = "pagefind"


def build_index(site: Path, cache: Path | None = None, changed: set[str] | None = None) -> None:
    """Index every page of ``site`` that has ``data-pagefind-body`` into ``site/pagefind``.

    ``cache`` and ``changed`` (outputs written or removed) are for incremental indexing: the
    search helper's sharded index uses them; this placeholder indexes everything.
    """
    cmd = pagefind_command() + ["--site", str(site), "--output-subdir", OUTPUT_SUBDIR, "--silent"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise IndexingFailed(f"pagefind failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
