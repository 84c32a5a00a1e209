"""Issue 20, finding 5: two clean builds of the sample archive are byte-identical, pagefind/ included.

Pagefind itself orders filter values and the filter list by a hash map (different on every run);
index/determinism.py sorts them. The search still works on the rewritten bundle: the browser
tests (test_search_browser.py) run against it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import start_build, tree

from conftest import copy_sample

pytestmark = pytest.mark.slow


def _clean_build(dest: Path) -> dict[str, bytes]:
    root = copy_sample(dest)
    proc = start_build(root)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    site = tree(root / "site")
    shutil.rmtree(root)
    return site


def test_issue20_two_clean_builds_of_the_sample_are_byte_identical(sample_site: Path, tmp_path: Path):
    # One build is the session's (another process, another folder), the other `archivegen build`.
    first, second = tree(sample_site), _clean_build(tmp_path / "two")
    assert any(name.startswith("pagefind/") and name.endswith(".pf_filter") for name in first)
    differ = sorted(set(first) ^ set(second)) + sorted(k for k in first.keys() & second.keys() if first[k] != second[k])
    assert not differ, f"{len(differ)} files differ, e.g. {differ[:5]}"


def test_issue20_pagefind_runs_on_the_same_pages_give_the_same_bundle(sample_site: Path, tmp_path: Path):
    """The same 282 pages (the session's build of the sample) indexed twice by Pagefind, each
    bundle canonicalised: identical."""
    from archivegen.index.pagefind import _run_pagefind

    pages = sorted(p.relative_to(sample_site).as_posix() for p in (sample_site / "records").glob("*/index.html"))
    _run_pagefind(sample_site, pages, tmp_path / "a")
    _run_pagefind(sample_site, pages, tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
