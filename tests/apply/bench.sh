#!/usr/bin/env bash
# Benchmark (not a test): wall time of `aprc apply` + `aprc destroy` of the largest example
# (examples/shop.apr) against a private moto server and the App Runner test double, with
# steps run concurrently (APRC_APPLY_CONCURRENCY=4, the default) and one at a time (=1).
#
# Usage: bash tests/apply/bench.sh [ROUNDS]    (after `cargo build --features apply`; the time
# is spent in moto and in waits, not in aprc, so a debug build measures the same thing)
# Only 127.0.0.1 is contacted. Prints one line per run and the medians.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
BIN=${APRC_BIN:-target/debug/aprc}
[ -x "$BIN" ] || { echo "build first: cargo build --features apply" >&2; exit 2; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
exec 3< <(python3 tests/support/moto_server.py "$port" $$ 2>/dev/null)
read -r _ <&3
moto="http://127.0.0.1:$port"
exec 4< <(python3 tests/apply/apprunner_double.py "$moto" $$ 2>/dev/null)
read -r _ dport <&4
export APRC_APPRUNNER_ENDPOINT_URL="http://127.0.0.1:$dport"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
unset AWS_PROFILE
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
steps=$("$BIN" build examples/shop.apr --target plan --param db_secret=arn:aws:secretsmanager:eu-west-1:123456789012:secret:db \
  | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["steps"]))')
echo "examples/shop.apr: $steps steps, moto at $moto, $ROUNDS rounds"

declare -A times
for round in $(seq 1 "$ROUNDS"); do
  for c in 4 1; do
    # A fresh app name per run: the double refuses a name that is still in use.
    sed "s/^app shop {/app b${round}c$c {/" examples/shop.apr > "$work/shop.apr"
    start=$(date +%s.%N)
    APRC_APPLY_CONCURRENCY=$c "$BIN" apply "$work/shop.apr" --state "$work/state.json" \
      --endpoint-url "$moto" --param db_secret=arn:aws:secretsmanager:eu-west-1:123456789012:secret:db \
      > /dev/null 2> "$work/apply.log" || { cat "$work/apply.log"; exit 1; }
    mid=$(date +%s.%N)
    APRC_APPLY_CONCURRENCY=$c "$BIN" destroy --state "$work/state.json" 2> "$work/destroy.log" \
      || { cat "$work/destroy.log"; exit 1; }
    end=$(date +%s.%N)
    a=$(echo "$mid - $start" | bc); d=$(echo "$end - $mid" | bc)
    printf 'round %d concurrency %d: apply %.2fs destroy %.2fs\n' "$round" "$c" "$a" "$d"
    times[$c]+="$a "
  done
done
for c in 4 1; do
  printf 'median apply, concurrency %d: %ss\n' "$c" \
    "$(echo "${times[$c]}" | tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
done
