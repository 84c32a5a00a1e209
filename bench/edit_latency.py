#!/usr/bin/env python3
"""Benchmark: one-record body edits on an archive whose site is already built.

Not a test. Appends a sentence to the middle record file (as bench/run.py does), rebuilds, and
prints wall time, peak memory of the process tree (PSS) and the build's own stage timings
(``ARCHIVEGEN_TIMINGS=1``), ``--repeat`` times. ``--src`` picks the archivegen source tree to run
(default: this checkout's ``src/``); with ``--base OTHER_SRC`` every round runs that tree first,
then ``--src``, so that both see the same machine load (compare the ratio):

    git archive fa7a100 src | tar -x -C /tmp/base
    python bench/edit_latency.py /tmp/perf2/g10k --repeat 2 --base /tmp/base/src
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import REPO, archivegen, edit_body, measure, pick_record, summary, wait_for_cleanup


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("root", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--src", type=Path, default=REPO / "src")
    ap.add_argument("--base", type=Path, default=None, help="another source tree, run first in each round")
    args = ap.parse_args()
    trees = ([("base", args.base)] if args.base else []) + [("this", args.src)]
    cmd = archivegen(args.root.resolve(), None, True)
    target = pick_record(args.root)
    times: dict[str, list[float]] = {label: [] for label, _ in trees}
    edits = 0
    for n in range(args.repeat):
        for label, src in trees:
            env = dict(os.environ, PYTHONPATH=str(src.resolve()), ARCHIVEGEN_TIMINGS="1")
            wait_for_cleanup(args.root)
            edits += 1
            edit_body(target, 1000 + edits)
            run = measure(cmd, env)  # exits on a failed build
            times[label].append(run.seconds)
            timings = [line for line in run.stdout.splitlines() if line.startswith("timings")]
            print(f"round {n} {label}: {run.seconds:.2f} s, peak PSS {run.peak_pss / 1e6:.0f} MB; "
                  f"{summary(run.stdout)}; {' '.join(timings)}", flush=True)
    for label, runs in times.items():
        print(f"{label}: median {statistics.median(runs):.2f} s ({', '.join(f'{t:.2f}' for t in runs)})")
    if args.base:
        pairs = [t / b for b, t in zip(times["base"], times["this"], strict=False)]
        print(f"ratio this/base per round: {', '.join(f'{r:.2f}' for r in pairs)}")


if __name__ == "__main__":
    main()
