"""What an edit makes stale: the dependency rules of an incremental build, as pure functions.

The contract with the planners is ``Page.records``: a page's view may show the records in
``page.records``; their related records (both directions); their immediate neighbours (previous
and next) in any term's record list; and the URL slug, size and order of their terms. So a page is
rendered again when

- it is new, its template changed, or its list of records changed: then every page of the same
  paginated listing (``x/``, ``x/page/2/``…) too, since each shows the total and the page links;
- a record it lists changed, or a record related to one it lists, or a neighbour of one;
- a term of a record it lists gained, lost or reordered records or changed its slug;
- it lists no records (home, indexes, feed…): such a page may show anything and is rendered on
  every build that changed some record's metadata.

A record whose metadata is unchanged (only its transcription, the body, was edited) shows new
content on its own page alone: listings, neighbours, exports and citations show metadata. When
every change is of that kind the site's plan is the last build's and only those pages are
rendered. Anything else — a template, archive.yaml, base_url, archivegen's code — changes the
build's global key (cache.py) and rebuilds every page.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from archivegen.build.cache import PageEntry, RecordKey, StatKey, TermTable
from archivegen.records.fields import FACET_KEYS
from archivegen.records.model import Archive, Record
from archivegen.render import urls
from archivegen.render.page import Page

_PAGED = re.compile(r"page/[0-9]+/\Z")


def record_keys(records: Iterable[Record], inputs: Mapping[str, StatKey],
                last: Mapping[str, RecordKey],
                text_mentions: Mapping[tuple[str, str], tuple[str, ...]] | None = None,
                image_sizes: Mapping[str, tuple[int, int]] | None = None) -> dict[str, RecordKey]:
    """Per record: (source path, stat key, digest of everything but the body).

    The digest is reused from the last build while the file's stat key is unchanged. Whom a
    transcription mentions (``Archive.text_mentions``) shows on those people's pages ("mentioned
    in the text of N more records"): it counts as metadata, so such an edit is not body-only.
    The sizes of its page images (``image_sizes``) are metadata too: its manifest shows them.
    """
    mentions: dict[str, list[tuple[str, str]]] = {}
    for key, ids in (text_mentions or {}).items():
        for rid in ids:
            mentions.setdefault(rid, []).append(key)
    keys: dict[str, RecordKey] = {}
    for r in records:
        stat = inputs.get(r.path, (0, 0))
        images = [image_sizes[f] for f in r.files if f in image_sizes] if image_sizes else []
        if images and stat != (0, 0):  # a scan's new size makes the key new, as an edit would
            stat = stat + tuple(n for size in images for n in size)
        if any(t.file for t in r.texts):
            # Its text files (issue 15) are part of it: the digest is computed again every build.
            stat = (0, 0)
        before = last.get(r.id)
        if before is not None and len(before) == 3 and before[:2] == (r.path, stat) and stat != (0, 0):
            keys[r.id] = before
        else:
            meta = hashlib.sha256(repr(replace(r, body="")).encode() + repr(mentions.get(r.id)).encode()
                                  + repr(images).encode()).digest()
            keys[r.id] = (r.path, stat, meta)
    return keys


@dataclass(frozen=True)
class Changes:
    """Records that differ from the last build's."""

    records: frozenset[str] = field(default_factory=frozenset)
    """Ids of records added, removed, or whose file changed."""
    bodies: frozenset[str] = field(default_factory=frozenset)
    """Of those, the ones whose metadata is unchanged: only the body (transcription) was edited."""

    @property
    def metadata(self) -> frozenset[str]:
        """Records whose metadata changed (added and removed records included)."""
        return self.records - self.bodies

    @property
    def bodies_only(self) -> bool:
        """Something changed, and only in bodies: the site's plan is the last build's."""
        return bool(self.records) and self.records == self.bodies


def changes(keys: Mapping[str, RecordKey], last: Mapping[str, RecordKey]) -> Changes:
    changed = frozenset(rid for rid in keys.keys() | last.keys() if keys.get(rid) != last.get(rid))
    bodies = frozenset(rid for rid in changed if rid in keys and _same_metadata(keys[rid], last.get(rid)))
    return Changes(changed, bodies)


def _same_metadata(now: RecordKey, before: RecordKey | None) -> bool:
    """Same source file, same metadata digest (the body may differ)."""
    return (before is not None and len(before) == 3  # older caches: no digest
            and now[0] == before[0] and now[2] == before[2])


def term_table(archive: Archive) -> TermTable:
    """facet -> term name -> (slug, record ids in order): what record pages show of their terms."""
    return {facet: {name: (t.slug, t.record_ids) for name, t in archive.terms.get(facet, {}).items()}
            for facet in FACET_KEYS}


def affected_records(changed: set[str] | frozenset[str], terms_before: TermTable, terms_after: TermTable,
                     related: Iterable[tuple[str, tuple[str, ...]]]) -> set[str]:
    """Records whose pages may show something of a ``changed`` record (its metadata).

    ``related``: (record id, ids of the records it names as related) for every record now.
    """
    affected = set(changed)
    for facet in terms_after.keys() | terms_before.keys():
        before, after = terms_before.get(facet, {}), terms_after.get(facet, {})
        for name in before.keys() | after.keys():
            old_slug, old_ids = before.get(name, ("", ()))
            new_slug, new_ids = after.get(name, ("", ()))
            if old_ids != new_ids or old_slug != new_slug:
                # Members, order or URL changed: any member's page may show a count, a position
                # or a link that moved ("3 of 12 in this collection").
                affected.update(old_ids)
                affected.update(new_ids)
            elif not changed.isdisjoint(new_ids):
                for i, rid in enumerate(new_ids):
                    if rid in changed:  # previous/next links show the neighbour's title
                        affected.update(new_ids[max(i - 1, 0): i + 2])
    for rid, names in related:
        if rid in changed or not changed.isdisjoint(names):
            affected.add(rid)
            affected.update(names)
    return affected


def stale_pages(pages: Sequence[Page], last: Mapping[str, PageEntry], affected: set[str]) -> list[int]:
    """Indexes of the planned pages that must be rendered again, given the last build's pages
    (output file -> entry) and the records whose pages are affected."""
    stale: set[int] = set()
    regrouped: set[str] = set()
    for i, page in enumerate(pages):
        entry = last.get(urls.output_file(page.path))
        if entry is None or entry.template != page.template or entry.records != page.records:
            stale.add(i)
            regrouped.add(_PAGED.sub("", page.path))
        elif not page.records or not affected.isdisjoint(page.records):
            stale.add(i)
    # The pages of one paginated listing (x/, x/page/2/…) show its total and page links: when
    # records join, leave or move within one page, every page of the listing is redone.
    regrouped.update(_PAGED.sub("", path.removesuffix("index.html")) for path in last.keys() - {
        urls.output_file(page.path) for page in pages})
    stale.update(i for i, page in enumerate(pages) if _PAGED.sub("", page.path) in regrouped)
    return sorted(stale)


def pages_to_render(pages: Sequence[Page], last: Mapping[str, PageEntry], affected: set[str],
                    bodies: Iterable[str]) -> list[int]:
    """The stale pages, and the own page of every record whose body alone changed."""
    own = {urls.record(rid) for rid in bodies}
    return sorted(set(stale_pages(pages, last, affected)) | {i for i, page in enumerate(pages) if page.path in own})


def files_to_copy(copies: Mapping[str, tuple[str, StatKey]],
                  last: Mapping[str, tuple[str, StatKey]]) -> list[str]:
    """Originals to copy (output file -> (source, its stat key)): new, or their source changed."""
    return sorted(file for file, source in copies.items() if last.get(file) != source)


def removed_outputs(last_pages: Iterable[str], last_copies: Iterable[str], pages: Iterable[str],
                    copies: Iterable[str]) -> list[str]:
    """Outputs the last build wrote that nothing makes any more (deleted from the site)."""
    return sorted((set(last_pages) - set(pages)) | (set(last_copies) - set(copies)))
