"""Running the Pagefind binary: with a time limit, and never outliving the build (issue 20).

Pagefind 1.5.2 waits forever when its input folder disappears while it reads it (reproduced
standalone); whatever the cause, a build must end. Each run gets ``timeout(pages)`` seconds
(``ARCHIVEGEN_PAGEFIND_TIMEOUT`` overrides), far above its ~6 ms a page, and is killed after.
"""

from __future__ import annotations

import os
import subprocess

from archivegen.problems import IndexingFailed
from archivegen.processes import die_with_parent

#: Seconds every run may take, plus this many per page.
BASE_SECONDS = 120.0
PER_PAGE = 0.1


def timeout(pages: int) -> float:
    value = os.environ.get("ARCHIVEGEN_PAGEFIND_TIMEOUT", "")
    try:
        return float(value) if value else BASE_SECONDS + PER_PAGE * pages
    except ValueError:
        return BASE_SECONDS + PER_PAGE * pages


def run_pagefind(cmd: list[str], pages: int, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``cmd`` (a Pagefind run over ``pages`` pages), output captured, with ``env`` added to the
    environment; IndexingFailed when it does not finish in time."""
    limit = timeout(pages)
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=limit, preexec_fn=die_with_parent,
                              env={**os.environ, **(env or {})})
    except subprocess.TimeoutExpired:
        raise IndexingFailed(f"pagefind did not finish indexing {pages} page(s) in {limit:.0f} s and was "
                             "stopped; the site was left as it was (ARCHIVEGEN_PAGEFIND_TIMEOUT sets the "
                             "limit)") from None
