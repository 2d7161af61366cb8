#!/usr/bin/env python3
"""Interleaved whole-process timing of several aprc binaries on one spec and target.

    python3 benches/compare.py BIN1,BIN2 SPEC TARGET [RUNS]

Each round runs every binary once (`aprc build SPEC --target TARGET`, output to /dev/null),
so a noisy neighbour slows them alike; the first two rounds warm up and are not counted.
Prints the median and the minimum per binary. docs/performance.md's before/after tables
were taken with it (the binaries built from the two commits compared).
"""
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
    times = {b: [] for b in bins}
    for i in range(runs + 2):
        for b in bins:
            start = time.perf_counter()
            subprocess.run(
                [b, "build", spec, "--target", target],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
            if i >= 2:
                times[b].append((time.perf_counter() - start) * 1000)
    for b in bins:
        print(f"{b}: median {statistics.median(times[b]):.2f} ms, min {min(times[b]):.2f} ms")


if __name__ == "__main__":
    main()
