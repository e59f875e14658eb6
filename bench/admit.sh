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
# one Ed25519 signature of a detachment-sized message, plain libsodium on one thread, timed
# alone, in the same run of this script: once before podgate and once after, and the ratios
# use their mean, so that a machine whose speed drifts during the run (a shared VM) moves the
# floor and podgate alike; both measurements are printed, and their spread says how far to
# trust the ratios.
# podgate admit runs two threads: a prefetch that prepares each artifact (layers 1-3, facts,
# digest, the speculative node attestation: Preparer in include/podgate/gate.h) and the gate
# (decision, ledger writes, fsync); the floor runs one. So the wall-clock ratio may exceed the
# CPU-time ratio: podgate uses a second core, the floor does not.
# Printed: the load average, wall and CPU (user + system) seconds of podgate and of the floor,
# pairs and artifacts per second, and the ratios floor/podgate in wall-clock and in CPU time
# (target >= 0.5). On a busy machine the wall-clock ratio mostly measures the scheduler.
# PODGATE_BUILD_DIR=DIR uses another build directory (default: the release preset's);
# BATCH=N passes --batch N.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
pairs=${1:-100000}
batch=${BATCH:-1024}

source "$root/bench/lib.sh"
build=$(bench_build podgate podgate_admitgen)
podgate=$build/podgate
admitgen=$build/podgate_admitgen

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$admitgen" pairs --count "$pairs" --dir "$work"
node_id=$(cat "$work/node.id")
artifacts=$((2 * pairs))

# The machine's load: wall-clock ratios mean little on a busy machine, CPU ratios more.
load=$(cut -d' ' -f1-3 /proc/loadavg)
read -r floor1_wall floor1_cpu < <("$admitgen" floor --count "$pairs")
/usr/bin/time -f "%e %U %S" -o "$work/time" \
  "$podgate" admit --db "sqlite:$work/ledger.db" --node-id "$node_id" --node-key "$work/node.pem" \
  --now 2026-03-28T21:00:00Z --batch "$batch" --quiet --ndjson "$work/pairs.ndjson" \
  >"$work/out" 2>&1
grep -q "^$artifacts inputs: $artifacts admitted, 0 duplicate, 0 rejected" "$work/out" || {
  echo "podgate admit did not admit every artifact" >&2
  cat "$work/out" >&2
  exit 1
}
events=$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM events").fetchone()[0])' \
  "$work/ledger.db")
[[ $events == "$artifacts" ]] || { echo "ledger holds $events events, expected $artifacts" >&2; exit 1; }

read -r floor2_wall floor2_cpu < <("$admitgen" floor --count "$pairs")
read -r wall user sys <"$work/time"
awk -v wall="$wall" -v cpu="$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')" \
    -v floor1_wall="$floor1_wall" -v floor1_cpu="$floor1_cpu" \
    -v floor2_wall="$floor2_wall" -v floor2_cpu="$floor2_cpu" -v pairs="$pairs" \
    -v artifacts="$artifacts" -v load="$load" 'BEGIN {
  floor_wall = (floor1_wall + floor2_wall) / 2
  floor_cpu = (floor1_cpu + floor2_cpu) / 2
  printf "load average before the run: %s\n", load
  printf "podgate admit: %d pairs (%d artifacts) in %.2f s wall, %.2f s CPU: %.0f pairs/s, %.0f artifacts/s\n",
         pairs, artifacts, wall, cpu, pairs / wall, artifacts / wall
  printf "crypto floor:  %d verify+sign in %.2f s wall, %.2f s CPU: %.0f pairs/s (before podgate %.2f / %.2f s, after %.2f / %.2f s)\n",
         pairs, floor_wall, floor_cpu, pairs / floor_wall, floor1_wall, floor1_cpu, floor2_wall, floor2_cpu
  printf "ratio podgate/floor: %.2f wall-clock, %.2f CPU time (target >= 0.50)\n",
         floor_wall / wall, floor_cpu / cpu
}'
