#!/usr/bin/env python3
"""Benchmark: does search find what readers mean? Queries of six kinds, each aimed at one record.

Not a test. Loads an archive (its records are the targets), makes up to ``--per-kind`` queries of
each kind from the records themselves (seeded, so the same archive always gives the same set),
serves the archive's built ``site/`` on 127.0.0.1 and opens a *fresh* search page at
``search/?q=…`` for each query in headless Chromium (Debian's), reading the result links as a
reader sees them. Prints, per kind, how often the target came first and in the top five.

Kinds (the six of issue 17):
- ``title``: three or four consecutive words of a title (records whose title is unique);
- ``name``: a person's surname without its diacritics + a word of the title;
- ``telegram``: a telegram's number (the number opening its text, FRUS style "527. …") + its place;
- ``misspelled``: a title or summary word of 6+ letters with one typing error (a letter dropped,
  doubled, swapped with the next or replaced; never the first letter) + another correct word;
- ``document``: "document N" (the record's number in its volume, from its source note) + a word
  of its collection's name;
- ``summary``: four words of the summary (or the first paragraph), in reverse order.

    python bench/search_queries.py ARCHIVE [--site SITE] [--per-kind 20] [--known-item] [--show]

``ARCHIVE`` holds archive.yaml and documents/; ``SITE`` defaults to ARCHIVE/site and must have
been built with ``--base-url /``. ``--show`` prints every query with the rank of its target.

``--known-item`` makes a second, stricter set: only queries whose words, spelled right, are found
together in the target record alone (in its text or metadata, as whole words), which is what a
reader who knows the record types. In a large archive of formulaic titles most queries of the
default set match hundreds of records whichever engine runs them ("Kissinger Affairs"), so the
default set measures the queries as much as the search; the known-item set measures the search.
Where a kind leaves a choice (which name, which word of the title, which word of the volume's
name, which pair of words to misspell), the known-item set takes the first choice that singles
out the record, rarest words first; otherwise it keeps the default query only if it does.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from search_latency import SETTLED, serve

from archivegen.build.pipeline import load_archive
from archivegen.records.model import Record

KINDS = ("title", "name", "telegram", "misspelled", "document", "summary")
STOP = frozenset("""a an and are as at be by for from in into is it of on or that the this to was were
with which will would not no has have had he she they his her its their our we you i but if so than
then there these those been being do does did can could should may might must shall all any some
such upon also more most other only over under about after before between during without within
memorandum telegram letter note department state states united embassy secretary""".split())  # noqa: SIM905
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    target: str
    control: str = ""
    """For a misspelled query: the same query spelled right (``--control``)."""


def fold(text: str) -> str:
    """Without diacritics: what a reader without the right keyboard types."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return WORD.findall(re.sub(r"\[\^\w+\]|[*_#>`|]", " ", text))


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w.lower() not in STOP and len(w) > 2]


def typo(word: str, rng: random.Random) -> str:
    """One typing error, never in the first letter."""
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "double", "swap", "replace"))
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap" and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    letters = [c for c in "aeioustnrl" if c != word[i].lower()]
    return word[:i] + rng.choice(letters) + word[i + 1:]


TOKEN = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    """Words and numbers as a search matches them: folded, lower case."""
    return [t.lower() for t in TOKEN.findall(fold(text))]


def record_tokens(r: Record) -> set[str]:
    """Everything a search can find a record by: its text and its metadata."""
    return set(tokens(" ".join((r.title, r.summary, r.body, r.type, r.source, r.classification, r.archive,
                                *r.creators, *r.people, *r.places, *r.subjects, *r.collections))))


class Postings:
    """Which records hold a word, for the words asked about (a whole archive's would not fit)."""

    def __init__(self, records: list[Record], wanted: set[str]) -> None:
        self.records: dict[str, set[str]] = {w: set() for w in wanted}
        for r in records:
            for w in record_tokens(r) & wanted:
                self.records[w].add(r.id)

    def only(self, query: str, target: str) -> bool:
        """Whether ``query``'s words are found together in ``target`` and nowhere else."""
        found: set[str] | None = None
        for w in set(tokens(query)):
            found = self.records.get(w, set()) if found is None else found & self.records.get(w, set())
        return found == {target}


def make_queries(records: Iterable[Record], per_kind: int, seed: int = 17,
                 known_item: bool = False) -> list[Query]:
    records = sorted(records, key=lambda r: r.id)
    titles = Counter(r.title for r in records)
    df: Counter[str] = Counter()
    for r in records:
        df.update({w.lower() for w in words(f"{r.title} {r.summary} {r.body}")})
    rng = random.Random(seed)
    candidates: dict[str, list[Query]] = {k: [] for k in KINDS}
    for r in records:
        for kind in KINDS:
            q = _query(kind, r, titles, df, rng)
            if q:
                text, _, control = q.partition("\t")
                candidates[kind].append(Query(kind, text, r.id, control))
    if known_item:
        candidates = _known_items(records, candidates, df, rng)
    out: list[Query] = []
    for kind in KINDS:
        pool = candidates[kind]
        out += rng.sample(pool, min(per_kind, len(pool)))
    return out


def _misspellable(r: Record, df: Counter[str]) -> list[str]:
    """The title and summary words of 6 letters or more a misspelled query starts from, rarest first."""
    return sorted({w for w in content_words(f"{r.title} {r.summary}") if len(w) >= 6 and w.isalpha()},
                  key=lambda w: (df[w.lower()], w))


def _volume_words(r: Record) -> list[str]:
    """The words of a record's collections that name its volume ("Eastern", "XXV")."""
    return [w for w in content_words(" ".join(r.collections)) if w.lower() not in {"foreign", "relations", "volume"}]


def _known_items(records: list[Record], candidates: dict[str, list[Query]], df: Counter[str],
                 rng: random.Random) -> dict[str, list[Query]]:
    """The known-item set (module docstring): each record's first query of a kind that singles it out."""
    by_id = {r.id: r for r in records}
    choices: dict[str, dict[str, list[str]]] = {k: {} for k in KINDS}
    for kind, queries in candidates.items():
        for q in queries:
            choices[kind][q.target] = _choices(kind, by_id[q.target], q, df)
    wanted = {t for per in choices.values() for qs in per.values() for q in qs for t in tokens(q)}
    postings = Postings(records, wanted)
    out: dict[str, list[Query]] = {k: [] for k in KINDS}
    for kind in KINDS:
        for target, qs in sorted(choices[kind].items()):
            right = next((q for q in qs if postings.only(q, target)), None)
            if right is None:
                continue
            if kind == "misspelled":
                rare, other = right.split(" ", 1)
                out[kind].append(Query(kind, f"{typo(rare, rng)} {other}", target, right))
            else:
                out[kind].append(Query(kind, right, target))
    return out


def _choices(kind: str, r: Record, q: Query, df: Counter[str]) -> list[str]:
    """The queries of ``kind`` a reader might type for ``r``, spelled right, the default set's first."""
    title = content_words(r.title)
    rarest = sorted(set(title), key=lambda w: (df[w.lower()], w))
    if kind == "misspelled":
        pool = _misspellable(r, df)
        return [q.control] + [f"{w} {o}" for w in pool[:4] for o in rarest if o != w]
    if kind == "name":
        names = sorted({fold(p.split(",")[0]) for p in r.people if p.split(",")[0].strip()})
        return [q.text] + [f"{n} {w}" for n in names for w in rarest if fold(w) != n]
    if kind == "document":
        number = q.text.split()[1]
        volume = sorted(set(_volume_words(r)), key=lambda w: (df[w.lower()], w))
        return [q.text] + [f"document {number} {w}" for w in volume]
    return [q.text]


def _query(kind: str, r: Record, titles: Counter[str], df: Counter[str], rng: random.Random) -> str | None:
    title = content_words(r.title)
    if kind == "title":
        ws = r.title.split()
        if titles[r.title] > 1 or len(ws) < 3 or not title:
            return None
        # A fragment around the title's rarest word: what a reader who remembers the title types.
        rare = min(title, key=lambda w: (df[w.lower()], w))
        at = next(i for i, w in enumerate(ws) if rare in w)
        n = min(len(ws), rng.choice((3, 4)))
        start = max(0, min(at - rng.randrange(0, n), len(ws) - n))
        return " ".join(w.strip(",.:;()") for w in ws[start:start + n])
    if kind == "name":
        names = [fold(p.split(",")[0]) for p in r.people if p.split(",")[0].strip()]
        accented = [n for n, p in zip(names, r.people, strict=True) if fold(p) != p]
        pick = (accented or names)
        if not pick or not title:
            return None
        word = min((w for w in title if fold(w) not in pick), key=lambda w: (df[w.lower()], w), default=None)
        return f"{rng.choice(pick)} {word}" if word else None
    if kind == "telegram":
        m = re.search(r"^\s*(\d{2,5})\\?\.\s", r.body, re.M)
        if r.type != "Telegram" or not m or not r.places:
            return None
        return f"{m.group(1)} {r.places[0]}"
    if kind == "misspelled":
        pool = _misspellable(r, df)
        others = [w for w in title if w not in pool[:1]]
        if not pool or not others:
            return None
        wrong = typo(pool[0], rng)  # (the random calls in the order the first version made them)
        other = rng.choice(others)
        return f"{wrong} {other}\t{pool[0]} {other}"
    if kind == "document":
        m = re.search(r"Document (\d+)", r.source)
        volume = [w for w in _volume_words(r) if not w.isupper()]
        if not m or not volume:
            return None
        return f"document {m.group(1)} {rng.choice(volume)}"
    if kind == "summary":
        text = r.summary or next((p for p in r.body.split("\n\n") if len(words(p)) > 8), "")
        ws = content_words(text)
        if len(ws) < 6:
            return None
        start = rng.randrange(0, len(ws) - 4 + 1)
        return " ".join(reversed(ws[start:start + 4]))
    raise ValueError(kind)


def run_queries(site: Path, queries: list[Query]) -> list[int | None]:
    """The rank (1-based) of each query's target among the first page of results, or None."""
    from playwright.sync_api import sync_playwright

    from browser_support import CHROMIUM, CHROMIUM_ARGS

    server, origin = serve(site)
    ranks: list[int | None] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for q in queries:
                # Fresh: nothing from an earlier query is loaded. CSP bypassed: see search_latency.
                page = browser.new_page(bypass_csp=True)
                page.set_default_timeout(120_000)
                page.goto(f"{origin}/search/?q={quote(q.text)}")
                page.wait_for_function(SETTLED)
                hrefs: list[Any] = page.eval_on_selector_all(
                    "#search-results .result-title", "els => els.map(e => e.getAttribute('href'))")
                ids = [h.split("?")[0].rstrip("/").rsplit("/", 1)[-1] for h in hrefs]
                ranks.append(ids.index(q.target) + 1 if q.target in ids else None)
                page.close()
            browser.close()
    finally:
        server.shutdown()
    return ranks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("archive", type=Path)
    ap.add_argument("--site", type=Path)
    ap.add_argument("--per-kind", type=int, default=20)
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--known-item", action="store_true",
                    help="only queries whose words, spelled right, single out their record (module docstring)")
    ap.add_argument("--control", action="store_true",
                    help="also run each misspelled query spelled right (what a perfect correction gives)")
    args = ap.parse_args()
    archive, _ = load_archive(args.archive.resolve())
    if archive is None:
        sys.exit("the archive has errors: run archivegen check")
    kinds = set(args.kinds.split(","))
    queries = [q for q in make_queries(archive.records, args.per_kind, known_item=args.known_item) if q.kind in kinds]
    if args.control:
        queries += [Query("misspelled, spelled right", q.control, q.target) for q in queries if q.control]
    ranks = run_queries((args.site or args.archive / "site").resolve(), queries)
    if args.show:
        for q, rank in zip(queries, ranks, strict=True):
            print(f"{q.kind:10} {rank if rank else '-':>2}  {q.text}  ({q.target})")
        print()
    print("| kind of query | first | top 5 |")
    print("|---|---|---|")
    for kind in (*KINDS, "misspelled, spelled right"):
        got = [rank for q, rank in zip(queries, ranks, strict=True) if q.kind == kind]
        if got:
            first = sum(1 for r in got if r == 1)
            top5 = sum(1 for r in got if r is not None and r <= 5)
            print(f"| {kind} | {first}/{len(got)} | {top5}/{len(got)} |")


if __name__ == "__main__":
    main()
