"""The search index's two records, typed: ``shards.json`` (what the search page loads) and the
cache's ``state.json`` (which pages each cached bundle was indexed from). Both carry
``INDEX_VERSION`` (render/search_page.py, which also hands it to static/search.js): a cache of
another version is indexed again, and the page refuses a manifest of another version.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from archivegen.render.search_page import INDEX_VERSION

#: A hidden page's filter values as it was indexed: {filter key: [values]}.
Filters = dict[str, list[str]]


@dataclass
class Bundle:
    """A cached bundle: the pages it was indexed from, and the digest of their bytes."""

    pages: list[str]
    digest: str


@dataclass
class CacheState:
    """``cache/state.json``: the cached bundles by name (``<S>-<k>`` for shard k of S), the delta
    bundle if any, and the digest of the ``shards.json`` last written with them."""

    shards: dict[str, Bundle] = field(default_factory=dict)
    delta: Bundle | None = None
    manifest: str | None = None

    @classmethod
    def read(cls, cache: Path) -> CacheState:
        """The cache's state; an empty one if it is missing, unreadable or of another version."""
        try:
            data = json.loads((cache / "state.json").read_text(encoding="utf-8"))
            if data["version"] != INDEX_VERSION:
                return cls()
            return cls(shards={k: Bundle(**v) for k, v in data["shards"].items()},
                       delta=Bundle(**data["delta"]) if data["delta"] else None,
                       manifest=data["manifest"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls()

    def write(self, cache: Path) -> None:
        data = {"version": INDEX_VERSION, "shards": {k: asdict(v) for k, v in self.shards.items()},
                "delta": asdict(self.delta) if self.delta else None, "manifest": self.manifest}
        (cache / "state.json").write_text(json.dumps(data, sort_keys=True), encoding="utf-8")


@dataclass
class Manifest:
    """``pagefind/shards.json``, read by static/search.js (docs/search.md):

    - ``shards``: the bundles' folders (``"<k>/"``), ``pages``: how many pages each holds;
    - ``delta``: the delta bundle's folder, merged last, if there is one;
    - ``hidden``: stale copies inside home shards, Pagefind page id -> the filter values they
      were indexed with (dropped from results and counts);
    - ``indexed``: which indexing of each shard the bundles are (digest prefixes);
    - ``vocab``: the folder of the vocabulary files, ``vocab_files``: their names without
      ``.json`` (index/prepare.py).
    """

    shards: list[str]
    pages: list[int]
    delta: str | None = None
    hidden: dict[str, Filters] = field(default_factory=dict)
    indexed: list[str] = field(default_factory=list)
    vocab: str | None = None
    vocab_files: list[str] = field(default_factory=list)

    def write(self, path: Path) -> None:
        data: dict[str, Any] = {"version": INDEX_VERSION, "shards": self.shards, "pages": self.pages}
        if self.delta:
            data["delta"] = self.delta
        if self.hidden:
            data["hidden"] = dict(sorted(self.hidden.items()))
        if self.indexed:
            data["indexed"] = self.indexed
        if self.vocab:
            data["vocab"], data["vocab_files"] = self.vocab, self.vocab_files
        path.write_text(json.dumps(data, sort_keys=True) + "\n", encoding="utf-8")
