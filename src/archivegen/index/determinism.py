"""Make a Pagefind bundle byte-identical for the same input (issue 20).

Pagefind 1.5.2 writes some lists in the order of a Rust ``HashMap``, which differs between runs
of the same input: the values inside each filter file (``filter/*.pf_filter``) and the list of
filters in the metadata file (``pagefind.<hash>.pf_meta``). Both files are named after a hash of
their content, and ``pagefind-entry.json`` names the metadata file, so the names differ too.

``canonicalise(bundle)`` sorts those lists, writes the files again (gzip without a time stamp)
under names made from a SHA-256 of their new content, in Pagefind's own name shapes
(``en_1a2b3c4``; ``en_1a2b3c4d5e``), and points the metadata and the entry file at them. The files
are CBOR after Pagefind's ``pagefind_dcd`` signature; decoding and encoding them again with cbor2
gives back Pagefind's bytes exactly, so only the order changes. Everything else in a bundle
(fragments, index chunks, the WebAssembly) was found identical between runs.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

import cbor2

SIGNATURE = b"pagefind_dcd"
#: Positions in the metadata list (Pagefind 1.5's ``MetaIndex``): version, pages, index chunks
#: ([first word, last word, chunk name] triples), filters ([name, chunk hash] pairs), sorts.
_META_CHUNKS = 2
_META_FILTERS = 3


def _read(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path}: not a Pagefind data file")
    return cbor2.loads(data[len(SIGNATURE):])


def index_chunks(bundle: Path) -> list[tuple[str, str, str]]:
    """A bundle's word-index chunks, in order: (first word, last word, chunk name), the chunk's file
    being ``index/<name>.pf_index``. Pagefind fetches, for a query word, the chunks whose range
    holds it."""
    meta = _read(next(bundle.glob("pagefind.*.pf_meta")))
    return [(str(first), str(last), str(name)) for first, last, name in meta[_META_CHUNKS]]


def _encode(value: Any) -> bytes:
    return gzip.compress(SIGNATURE + cbor2.dumps(value), compresslevel=9, mtime=0)


def _name(lang: str, data: bytes, length: int) -> str:
    return f"{lang}_{hashlib.sha256(data).hexdigest()[:length]}"


def canonicalise(bundle: Path) -> None:
    """Rewrite ``bundle``'s order-dependent files in a fixed order (see the module docstring)."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for lang, info in entry.get("languages", {}).items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_path)
        renamed = _canonical_filters(bundle, lang)
        filters = meta[_META_FILTERS]
        for pair in filters:
            pair[1] = renamed.get(pair[1], pair[1])
        filters.sort(key=lambda pair: pair[0])
        data = _encode(meta)
        name = _name(lang, data, 10)
        meta_path.unlink()
        (bundle / f"pagefind.{name}.pf_meta").write_bytes(data)
        info["hash"] = name
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _canonical_filters(bundle: Path, lang: str) -> dict[str, str]:
    """Sort every filter file's values; old chunk name -> new."""
    renamed: dict[str, str] = {}
    for path in sorted((bundle / "filter").glob(f"{lang}_*.pf_filter")):
        value = _read(path)
        value[1].sort(key=lambda item: item[0])  # [filter name, [[value, [page numbers]], …]]
        data = _encode(value)
        name = _name(lang, data, 7)
        path.unlink()
        (bundle / "filter" / f"{name}.pf_filter").write_bytes(data)
        renamed[path.name.removesuffix(".pf_filter")] = name
    return renamed
