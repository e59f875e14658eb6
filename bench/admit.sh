#!/usr/bin/env bash
# The admit benchmark: durable admission of attach+detach pairs in one `podgate admit` run,
# against the crypto floor of the same work.
#
#   bench/admit.sh [PAIRS]        (default 100000 pairs, i.e. 2 * PAIRS artifacts)
#
# Input (podgate_admitgen pairs, bench/admitgen.cc): PAIRS attachments, each followed by its
# detachment, every pair with its own participant key and signed bind. podgate verifies each
# artifact (layers 1-3: the bind signature is checked once, the detachment's copy of the bind is
# a proof-cache hit), decides it against the ledger (layer 4), attests each detachment with the
# node key, and commits to a fresh SQLite ledger (WAL, synchronous=FULL) in group commits of
# --batch artifacts (default 1024), printing each verdict only after its commit.
# Floor (podgate_admitgen floor): per pair one Ed25519 verification of a bind-sized message and
# one Ed25519 signature of a detachment-sized message, plain libsodium on one thread (podgate
# admit is one thread), timed alone, in the same run of this script.
# Printed: wall seconds, pairs per second and artifacts per second of podgate, the floor's
# pairs per second, and the ratio podgate/floor (target >= 0.5).
# PODGATE_BUILD_DIR=DIR uses another build directory (default: the release preset's);
# BATCH=N passes --batch N.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
pairs=${1:-100000}
batch=${BATCH:-1024}

if [[ -n ${PODGATE_BUILD_DIR:-} ]]; then
  build=$PODGATE_BUILD_DIR
  if [[ ! -f $build/CMakeCache.txt ]]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPODGATE_BUILD_TESTS=OFF \
      >/dev/null
  fi
else
  build=$root/build-release
  if [[ ! -f $build/CMakeCache.txt ]]; then cmake --preset release >/dev/null; fi
fi
cmake --build "$build" --target podgate podgate_admitgen >/dev/null
podgate=$build/podgate
admitgen=$build/podgate_admitgen

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$admitgen" pairs --count "$pairs" --dir "$work"
node_id=$(cat "$work/node.id")
artifacts=$((2 * pairs))

start=$(date +%s.%N)
"$podgate" admit --db "sqlite:$work/ledger.db" --node-id "$node_id" --node-key "$work/node.pem" \
  --now 2026-03-28T21:00:00Z --batch "$batch" --quiet --ndjson "$work/pairs.ndjson" \
  >"$work/out" 2>&1
end=$(date +%s.%N)
grep -q "^$artifacts inputs: $artifacts admitted, 0 rejected" "$work/out" || {
  echo "podgate admit did not admit every artifact" >&2
  cat "$work/out" >&2
  exit 1
}
events=$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM events").fetchone()[0])' \
  "$work/ledger.db")
[[ $events == "$artifacts" ]] || { echo "ledger holds $events events, expected $artifacts" >&2; exit 1; }

floor=$("$admitgen" floor --count "$pairs")
awk -v start="$start" -v end="$end" -v floor="$floor" -v pairs="$pairs" \
    -v artifacts="$artifacts" 'BEGIN {
  wall = end - start
  printf "podgate admit: %d pairs (%d artifacts) in %.2f s: %.0f pairs/s, %.0f artifacts/s\n",
         pairs, artifacts, wall, pairs / wall, artifacts / wall
  printf "crypto floor:  %.2f s for %d verify+sign: %.0f pairs/s\n", floor, pairs, pairs / floor
  printf "ratio podgate/floor: %.2f (target >= 0.50)\n", (pairs / wall) / (pairs / floor)
}'
