#!/usr/bin/env python3
"""Interleaved whole-process timing of several aprc binaries on one spec and target.

    python3 benches/compare.py BIN1,BIN2 SPEC TARGET [RUNS]

Each round runs every binary once (`aprc build SPEC --target TARGET`, output to /dev/null),
so a noisy neighbour slows them alike; the first two rounds warm up and are not counted.
Prints the median and the minimum wall time per binary, and the median CPU time (user +
system, from `wait4`). docs/performance.md's before/after tables were taken with it (the
binaries built from the two commits compared); peak RSS is taken with GNU time instead
(`wait4` reports the forked harness's own pages until the exec).
"""
import os
import statistics
import subprocess
import sys
import time


def main() -> None:
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    bins = sys.argv[1].split(",")
    spec, target = sys.argv[2], sys.argv[3]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    wall = {b: [] for b in bins}
    cpu = {b: [] for b in bins}
    with open(os.devnull, "w") as devnull:
        for i in range(runs + 2):
            for b in bins:
                start = time.perf_counter()
                child = subprocess.Popen(
                    [b, "build", spec, "--target", target], stdout=devnull, stderr=devnull
                )
                _, _, usage = os.wait4(child.pid, 0)
                if i >= 2:
                    wall[b].append((time.perf_counter() - start) * 1000)
                    cpu[b].append((usage.ru_utime + usage.ru_stime) * 1000)
    for b in bins:
        print(
            f"{b}: median {statistics.median(wall[b]):.2f} ms, min {min(wall[b]):.2f} ms,"
            f" CPU median {statistics.median(cpu[b]):.2f} ms"
        )


if __name__ == "__main__":
    main()
