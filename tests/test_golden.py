"""The model record's page, diffed against the committed golden HTML (tests/golden/)."""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
_spec = importlib.util.spec_from_file_location("golden_regenerate", GOLDEN / "regenerate.py")
assert _spec and _spec.loader
regenerate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regenerate)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return regenerate.build_pages(tmp_path_factory.mktemp("golden"))


@pytest.mark.parametrize("page", regenerate.PAGES)
def test_page_matches_golden(page: str, built: dict[str, bytes]) -> None:
    expected = (GOLDEN / page).read_text(encoding="utf-8")
    actual = built[page].decode("utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            f"tests/golden/{page}", "built", n=2))
        pytest.fail(f"{page} differs from the golden copy. If the change is intended, run\n"
                    f"    python3 tests/golden/regenerate.py\nand commit the result.\n\n{diff[:6000]}")
