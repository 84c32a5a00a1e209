#!/usr/bin/env python3
"""Benchmark: one-record body edits on an archive whose site is already built.

Not a test. Appends a sentence to the middle record file (as bench/run.py does), rebuilds, and
prints wall time, peak memory of the process tree (PSS) and the build's own stage timings
(``ARCHIVEGEN_TIMINGS=1``), ``--repeat`` times. ``--src`` picks the archivegen source tree to
run (default: this checkout's ``src/``), so two versions can be compared on the same corpus:

    python bench/edit_latency.py /tmp/perf2/g10k --repeat 3
    python bench/edit_latency.py /tmp/perf2/g10k --repeat 3 --src /tmp/base/src
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import REPO, archivegen, edit_body, measure, pick_record, summary, wait_for_cleanup  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("root", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--src", type=Path, default=REPO / "src")
    ap.add_argument("--label", default="")
    args = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=str(args.src.resolve()), ARCHIVEGEN_TIMINGS="1")
    cmd = archivegen(args.root.resolve(), None, True)
    target = pick_record(args.root)
    times, peaks = [], []
    for n in range(args.repeat):
        wait_for_cleanup(args.root)
        edit_body(target, 1000 + n)
        run = measure(cmd, env)  # exits on a failed build
        times.append(run.seconds)
        peaks.append(run.peak_pss)
        print(f"{args.label} edit {n}: {run.seconds:.2f} s, peak PSS {run.peak_pss / 1e6:.0f} MB; "
              f"{summary(run.stdout)}", file=sys.stderr)
        print("\n".join(line for line in run.stdout.splitlines() if line.startswith("timings")), file=sys.stderr)
    print(f"{args.label}: median {statistics.median(times):.2f} s (runs: "
          f"{', '.join(f'{t:.2f}' for t in times)}), peak PSS {max(peaks) / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
