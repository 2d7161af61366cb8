"""Times aprc and the CDK app (app.js) as whole processes, interleaved, for compare.sh.

    measure.py runs APRC APP_JS SPEC_DIR RUNS
        SPEC_DIR holds seed.apr, bench100.apr and bench1000.apr. One round runs every cell
        once, in a fixed order (aprc's cells of a workload, then CDK's); one warm-up round
        (page cache, the dynamic loader) is not counted, then RUNS rounds are. Prints the
        median and minimum wall time and the peak RSS of each cell, then the ratios
        CDK / aprc.
    measure.py types APRC_TEMPLATE CDK_TEMPLATE
        Prints the resource count by type of two CloudFormation templates side by side.

Each child is timed from just before it is spawned to just after it is reaped. Peak RSS is
taken in a separate run of each cell under GNU time (`/usr/bin/time -f %M`), not from the
timed runs' rusage: a child's ru_maxrss counts the memory of the process it was forked or
vforked from until it execs, and this Python process (about 15 MiB) is larger than aprc.
GNU time's own is about 2 MiB, below every program measured here. Each CDK run
writes its assembly to a fresh directory ($CDK_OUTDIR) made before and removed after the
timed span; aprc writes its document to /dev/null.
"""

import collections
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# (workload, services, aprc spec file)
WORKLOADS = [("seed", 1, "seed.apr"), ("100", 100, "bench100.apr"), ("1000", 1000, "bench1000.apr")]
# aprc's targets per workload: the seed fits one CloudFormation stack; 100 and 1,000 services
# do not, so cfn is timed refusing them (E0601) and tf and plan are timed building them.
TARGETS = {"seed": ["cfn"], "100": ["cfn", "tf", "plan"], "1000": ["cfn", "tf", "plan"]}


def run_once(argv, env=None):
    """(wall seconds, peak RSS KiB, exit code) of one child."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    _, status, _ = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return wall, child.returncode


def peak_rss_kib(argv, env=None):
    """Peak RSS of one run of `argv`, as GNU time reports it (see the module docstring)."""
    with tempfile.NamedTemporaryFile("r") as report:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, *argv], env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        return int(report.read().split()[-1])


class Cell:
    def __init__(self, workload, services, tool, target, argv, env=None):
        self.workload, self.services, self.tool, self.target = workload, services, tool, target
        self.argv, self.env = argv, env
        self.walls, self.rss, self.codes = [], [], set()

    def run(self, record):
        outdir = None
        env = self.env
        if self.tool == "cdk":
            outdir = tempfile.mkdtemp(prefix="aprc-cdk-")
            env = dict(env, CDK_OUTDIR=outdir)
        try:
            if record == "rss":
                self.rss.append(peak_rss_kib(self.argv, env))
                return
            wall, code = run_once(self.argv, env)
        finally:
            if outdir:
                shutil.rmtree(outdir)
        if record:
            self.walls.append(wall)
            self.codes.add(code)

    @property
    def median_ms(self):
        return statistics.median(self.walls) * 1e3

    @property
    def min_ms(self):
        return min(self.walls) * 1e3

    @property
    def rss_mib(self):
        return max(self.rss) / 1024


def runs(aprc, app_js, spec_dir, rounds):
    cells = []
    for workload, services, spec in WORKLOADS:
        path = os.path.join(spec_dir, spec)
        for target in TARGETS[workload]:
            cells.append(Cell(workload, services, "aprc", target, [aprc, "build", path, "--target", target]))
        env = dict(os.environ)
        env.pop("SERVICES", None)
        if workload != "seed":
            env["SERVICES"] = str(services)
        cells.append(Cell(workload, services, "cdk", "synth", ["node", app_js], env))

    for cell in cells:
        cell.run(record=False)
    for _ in range(rounds):
        for cell in cells:
            cell.run(record=True)
    for cell in cells:
        cell.run(record="rss")

    print(f"{rounds} interleaved rounds (after 1 warm-up round); wall time from spawn to reaped;")
    print("peak RSS from one more run of each cell under GNU time")
    print()
    print("| workload | services | tool | target | exit | median ms | min ms | peak RSS MiB |")
    print("|---|---:|---|---|---:|---:|---:|---:|")
    for c in cells:
        codes = ",".join(str(x) for x in sorted(c.codes))
        print(f"| {c.workload} | {c.services} | {c.tool} | {c.target} | {codes} | "
              f"{c.median_ms:.2f} | {c.min_ms:.2f} | {c.rss_mib:.1f} |")

    cdk = {c.workload: c for c in cells if c.tool == "cdk"}
    print()
    print("| workload | CDK synth / aprc | median | min | peak RSS |")
    print("|---|---|---:|---:|---:|")
    for c in cells:
        if c.tool == "aprc":
            k = cdk[c.workload]
            print(f"| {c.workload} | {c.target}{' (refusal, E0601)' if c.codes != {0} else ''} | "
                  f"{k.median_ms / c.median_ms:.0f}x | {k.min_ms / c.min_ms:.0f}x | {k.rss_mib / c.rss_mib:.1f}x |")

    seed = cdk["seed"]
    print()
    print("| aprc at 1,000 services vs CDK's seed | aprc median ms | CDK seed median ms | CDK seed / aprc 1,000 |")
    print("|---|---:|---:|---:|")
    for c in cells:
        if c.tool == "aprc" and c.workload == "1000" and c.codes == {0}:
            print(f"| {c.target} | {c.median_ms:.2f} | {seed.median_ms:.2f} | {seed.median_ms / c.median_ms:.0f}x |")

    per_service = (cdk["1000"].median_ms - cdk["100"].median_ms) / 900
    print()
    print(f"CDK per extra service, 100 -> 1,000, from the medians: {per_service:.2f} ms")

    # Every cell exits 0 every time, but aprc's cfn refusals, which exit non-zero every time.
    def expected(c):
        refusal = c.tool == "aprc" and c.target == "cfn" and c.workload != "seed"
        return len(c.codes) == 1 and (0 not in c.codes if refusal else c.codes == {0})

    failed = [c for c in cells if not expected(c)]
    for c in failed:
        print(f"error: {c.tool} {c.target} on {c.workload} exited with {sorted(c.codes)}", file=sys.stderr)
    return 1 if failed else 0


def types(aprc_template, cdk_template):
    counts = []
    for path in (aprc_template, cdk_template):
        with open(path) as f:
            resources = json.load(f)["Resources"].values()
        counts.append(collections.Counter(r["Type"] for r in resources))
    aprc, cdk = counts
    print("| resource type | aprc | CDK |")
    print("|---|---:|---:|")
    for t in sorted(set(aprc) | set(cdk)):
        mark = "" if aprc[t] == cdk[t] else " *"
        print(f"| {t}{mark} | {aprc[t]} | {cdk[t]} |")
    print(f"| total | {sum(aprc.values())} | {sum(cdk.values())} |")
    return 0


def main(argv):
    if len(argv) == 6 and argv[1] == "runs":
        return runs(argv[2], argv[3], argv[4], int(argv[5]))
    if len(argv) == 4 and argv[1] == "types":
        return types(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
