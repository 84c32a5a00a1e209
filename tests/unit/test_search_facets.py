"""search/facets/<key>.json: the whole-archive filter counts the search page shows before anything is
asked (issue #7). The browser tests check the page shows them; these check the file."""

from __future__ import annotations

import json
from pathlib import Path

from archivegen.build.read import load_archive
from archivegen.render import search_page as search
from conftest import REPO


def test_facet_files_count_every_filter_value_of_the_whole_archive(sample_site: Path) -> None:
    archive, _ = load_archive(REPO)
    assert archive is not None
    folder = sample_site / "search" / "facets"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{k}.json" for k, _ in search.FILTERS)
    texts = {k: (folder / f"{k}.json").read_text(encoding="utf-8") for k, _ in search.FILTERS}
    facets = {k: json.loads(t) for k, t in texts.items()}
    telegrams = sum(1 for r in archive.records if r.type == "Telegram")
    assert facets["type"]["Telegram"] == telegrams > 0
    assert sum(facets["decade"].values()) == len(archive.records)
    for key, text in texts.items():  # deterministic: sorted, no whitespace to vary
        assert text == json.dumps(facets[key], ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def test_every_record_page_carries_the_browse_value_once(sample_site: Path) -> None:
    page = next((sample_site / "records").glob("*/index.html")).read_text(encoding="utf-8")
    assert page.count(f'data-pagefind-meta="{search.BROWSE_META}">{search.BROWSE_TERM}<') == 1
