"""build/deps.py: what an edit makes stale, on small hand-built records, term tables and plans.

The guard tests in tests/test_incremental.py check whole builds against clean ones; these pin
each rule down on its own.
"""

from __future__ import annotations

from dataclasses import replace

from archivegen.build import deps
from archivegen.build.cache import PageEntry, RecordKey, TermTable
from archivegen.records.dates import parse_date
from archivegen.records.model import Record, build_model
from archivegen.records.settings import parse_settings
from archivegen.render.page import Page
from archivegen.render.urls import output_file

_SETTINGS = parse_settings("title: T\nbase_url: /\n")[0]
assert _SETTINGS is not None
SETTINGS = _SETTINGS


def _record(rid: str, title: str = "", date: str = "1956-11-01", **fields: object) -> Record:
    return Record(id=rid, path=f"documents/{rid}.md", title=title or f"Record {rid}", date=parse_date(date),
                  **fields)  # type: ignore[arg-type]


def _page(path: str, *records: str, template: str = "t.html") -> Page:
    return Page(path, template, dict, records)


def _entries(*pages: Page) -> dict[str, PageEntry]:
    return {output_file(p.path): PageEntry(p.template, p.records, b"digest") for p in pages}


# ---------------------------------------------------------------------------------------------
# What changed: record keys and Changes


def _keys(*records: Record, stat: tuple[int, int] = (10, 1)) -> dict[str, RecordKey]:
    return deps.record_keys(records, {r.path: stat for r in records}, {})


def test_a_body_only_edit_keeps_the_metadata_digest() -> None:
    before = _keys(_record("a", body="Old text."), _record("b"))
    after = _keys(_record("a", body="New text, longer."), _record("b"), stat=(20, 2))
    changes = deps.changes(after, before)
    assert changes.records == {"a", "b"}  # both files' stat keys moved
    assert changes.bodies == {"a", "b"} and changes.metadata == set() and changes.bodies_only


def test_a_title_edit_is_a_metadata_change() -> None:
    before = _keys(_record("a"), _record("b"))
    after = {**before, **_keys(_record("a", title="Retitled"), stat=(11, 3))}
    changes = deps.changes(after, before)
    assert changes.records == {"a"} and changes.metadata == {"a"} and not changes.bodies_only


def test_added_and_deleted_records_are_metadata_changes() -> None:
    before = _keys(_record("a"), _record("gone"))
    after = _keys(_record("a"), _record("new"))
    changes = deps.changes(after, before)
    assert changes.records == {"gone", "new"} and changes.metadata == {"gone", "new"} and not changes.bodies


def test_nothing_changed_is_not_a_bodies_only_change() -> None:
    keys = _keys(_record("a"))
    changes = deps.changes(keys, keys)
    assert not changes.records and not changes.bodies_only


def test_record_keys_reuse_the_digest_while_the_stat_key_holds() -> None:
    last = {"a": ("documents/a.md", (10, 1), b"kept")}
    record = _record("a", title="Whatever")
    assert deps.record_keys([record], {"documents/a.md": (10, 1)}, last)["a"][2] == b"kept"
    assert deps.record_keys([record], {"documents/a.md": (10, 2)}, last)["a"][2] != b"kept"
    # an unknown stat key (0, 0) never trusts the last digest
    assert deps.record_keys([record], {}, {"a": ("documents/a.md", (0, 0), b"kept")})["a"][2] != b"kept"


# ---------------------------------------------------------------------------------------------
# Which records' pages are affected


TERMS: TermTable = {"collections": {"Hungary": ("hungary", ("a", "b", "c", "d"))},
                    "people": {"Nagy, Imre": ("nagy-imre", ("b",))}}


def _affected(changed: set[str], after: TermTable = TERMS, related: dict[str, tuple[str, ...]] | None = None) -> set[str]:
    return deps.affected_records(changed, TERMS, after, (related or {}).items())


def test_a_title_edit_affects_its_neighbours_in_each_term_list() -> None:
    # record pages link their previous and next record by title
    assert _affected({"c"}) == {"b", "c", "d"}
    assert _affected({"a"}) == {"a", "b"}


def test_a_record_joining_a_term_affects_every_member() -> None:
    after: TermTable = {**TERMS, "collections": {"Hungary": ("hungary", ("a", "b", "c", "d", "e"))}}
    assert _affected({"e"}, after) == {"a", "b", "c", "d", "e"}  # "3 of 5 in this collection"


def test_a_deleted_record_affects_the_members_of_its_terms() -> None:
    after: TermTable = {**TERMS, "collections": {"Hungary": ("hungary", ("a", "c", "d"))}, "people": {}}
    assert _affected({"b"}, after) == {"a", "b", "c", "d"}


def test_a_new_term_affects_its_members_only() -> None:
    after: TermTable = {**TERMS, "places": {"Budapest": ("budapest", ("c",))}}
    assert _affected({"c"}, after) == {"b", "c", "d"}  # c itself, and its neighbours by title


def test_a_term_whose_slug_changed_affects_its_members() -> None:
    after: TermTable = {**TERMS, "people": {"Nagy, Imre": ("nagy-imre-2", ("b",))}}
    assert _affected({"x"}, after) == {"b", "x"}


def test_related_records_are_affected_both_ways() -> None:
    related = {"a": ("z",), "z": (), "y": ("c",)}
    assert _affected({"z"}, related=related) == {"a", "z"}  # a names z: a's page shows z's title
    assert _affected({"a"}, related=related) == {"a", "b", "z"}  # a's page lists z
    assert _affected({"q"}, related=related) == {"q"}


def test_term_table_holds_slugs_and_members_in_order() -> None:
    archive, _ = build_model(SETTINGS, [_record("b", date="1957", collections=("Hungary",)),
                                        _record("a", date="1956", collections=("Hungary",))])
    table = deps.term_table(archive)
    assert table["collections"] == {"Hungary": ("hungary", ("a", "b"))}
    assert set(table) >= {"collections", "people", "places", "subjects", "types", "languages"}


# ---------------------------------------------------------------------------------------------
# Which pages are stale


HOME = _page("")
A, B = _page("records/a/", "a"), _page("records/b/", "b")
TERM1, TERM2 = _page("collections/hungary/", "a", "b"), _page("collections/hungary/page/2/", "c")
PLAN = [HOME, A, B, TERM1, TERM2]


def test_pages_listing_no_records_are_always_stale() -> None:
    assert deps.stale_pages(PLAN, _entries(*PLAN), set()) == [0]


def test_pages_showing_an_affected_record_are_stale() -> None:
    assert deps.stale_pages(PLAN, _entries(*PLAN), {"a"}) == [0, 1, 3]


def test_a_listing_page_that_regrouped_redoes_the_whole_listing() -> None:
    # b moved to page 2: both pages of the listing show the total and the page links
    now = [HOME, A, B, _page("collections/hungary/", "a"), _page("collections/hungary/page/2/", "b", "c")]
    assert deps.stale_pages(now, _entries(*PLAN), set()) == [0, 3, 4]


def test_a_change_on_one_page_of_a_listing_redoes_its_other_pages() -> None:
    # page 2 lists the same record, but shows the listing's total and its page links
    now = [HOME, A, B, _page("collections/hungary/", "b", "a"), TERM2]
    assert deps.stale_pages(now, _entries(*PLAN), set()) == [0, 3, 4]


def test_a_listing_that_lost_its_second_page_redoes_the_first() -> None:
    now = [HOME, A, B, _page("collections/hungary/", "a", "b")]
    assert deps.stale_pages(now, _entries(*PLAN), set()) == [0, 3]


def test_a_new_page_or_a_changed_template_is_stale() -> None:
    now = [HOME, A, replace(B, template="other.html"), TERM1, TERM2, _page("records/c/", "c")]
    assert deps.stale_pages(now, _entries(*PLAN), set()) == [0, 2, 5]


def test_a_body_only_edit_renders_the_record_page_and_nothing_that_lists_it() -> None:
    assert deps.pages_to_render(PLAN, _entries(*PLAN), set(), ["b"]) == [0, 2]


def test_removed_outputs_and_copies() -> None:
    assert deps.removed_outputs(["x/index.html", "y/index.html"], ["records/a/scan.pdf"],
                                {"x/index.html"}, {}) == ["records/a/scan.pdf", "y/index.html"]
    copies = {"records/a/scan.pdf": ("documents/scan.pdf", (5, 1)), "records/b/b.pdf": ("documents/b.pdf", (6, 1))}
    last = {"records/a/scan.pdf": ("documents/scan.pdf", (5, 1)), "records/b/b.pdf": ("documents/b.pdf", (6, 0))}
    assert deps.files_to_copy(copies, last) == ["records/b/b.pdf"]
    assert deps.files_to_copy(copies, {}) == sorted(copies)
