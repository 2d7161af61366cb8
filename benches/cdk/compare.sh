#!/usr/bin/env bash
# aprc against the AWS CDK on this machine, in one run (issue 7): builds aprc release, writes
# the seed and the 100- and 1,000-service workloads of benches/support/specgen.rs, prints the
# resource types of both tools' seed templates, then times, interleaved, `aprc build` and
# `node app.js` (CDK synth, built-in validation off) as whole processes: median and minimum
# wall time and peak RSS per cell, and the ratios CDK / aprc (measure.py).
#
# Usage: benches/cdk/compare.sh [RUNS]   (default 10 rounds)
# The only network traffic is `npm ci` from the npm registry when node_modules is missing.
set -euo pipefail

runs=${1:-10}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$root"
cargo build --release --quiet
target_dir=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
aprc="$target_dir/release/aprc"

[ -d "$here/node_modules" ] || (cd "$here" && npm ci --no-audit --no-fund)

# The workloads, from specgen.rs itself (print_spec.rs) rather than a port of it.
rustc --edition 2021 -O -o "$work/print_spec" "$here/print_spec.rs"
cp examples/seed.apr "$work/seed.apr"
for n in 100 1000; do "$work/print_spec" "$n" > "$work/bench$n.apr"; done

echo "$("$aprc" --version) at $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (dirty)')"
echo "node $(node --version), aws-cdk-lib $(node -p "require('$here/node_modules/aws-cdk-lib/package.json').version")"
echo "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
date -u '+%Y-%m-%d %H:%M UTC'
echo

echo "Seed template resources by type (* where the two differ):"
echo
"$aprc" build "$work/seed.apr" --target cfn > "$work/seed.cfn.json"
mkdir "$work/cdk.out"
CDK_OUTDIR="$work/cdk.out" node "$here/app.js"
python3 "$here/measure.py" types "$work/seed.cfn.json" "$work/cdk.out/Seed.template.json"
echo

status=0
python3 "$here/measure.py" runs "$aprc" "$here/app.js" "$work" "$runs" || status=$?
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
