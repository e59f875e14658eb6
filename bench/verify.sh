#!/usr/bin/env bash
# The verify benchmark: `podgate verify --ndjson --quiet` against the libsodium floor.
#
#   bench/verify.sh [RUNS]        (default 5 runs each, interleaved; the best run counts)
#
# Inputs (podgate_benchgen detachments, bench/benchgen.cc), COUNT=20000 by default:
#   distinct   every detachment embeds its own participant bind, signed by its own key:
#              one Ed25519 verification per line, nothing for the cache to save;
#   repeating  the same COUNT detachments over BINDS=100 binds (100 participants): after the
#              first 100 lines every bind signature is a proof-cache hit.
# The detachments are as a participant posts them (no node attestation), so each line carries
# exactly one signature.
# Floor: podgate_benchgen baseline verifies COUNT distinct signatures over bind-sized messages
# with crypto_sign_verify_detached on as many threads as podgate uses (every core), timing the
# loop alone. podgate is timed as a whole process (start, read, parse, schema, CBOR, verify).
# Printed: seconds (wall and CPU) of each, and the ratios floor/podgate:
#   distinct binds  target >= 0.9 (podgate costs at most ~10% over bare signature checks)
#   repeating binds target >= 10  (the cache makes repeated binds ten times cheaper)
# PODGATE_BUILD_DIR=DIR uses another build directory (default: the release preset's).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
runs=${1:-5}
count=${COUNT:-20000}
binds=${BINDS:-100}

source "$root/bench/lib.sh"
build=$(bench_build podgate podgate_benchgen)
podgate=$build/podgate
benchgen=$build/podgate_benchgen

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$benchgen" detachments --count "$count" >"$work/distinct.ndjson"
"$benchgen" detachments --count "$count" --binds "$binds" >"$work/repeating.ndjson"

# "wall cpu" seconds of one podgate run (bash's time: millisecond resolution); fails unless
# every line verified.
run_podgate() {
  local out TIMEFORMAT='%3R %3U %3S'
  out=$( { time "$podgate" verify --ndjson --quiet "$1" >"$work/out"; } 2>&1)
  grep -q "^$count inputs: $count valid, 0 invalid" "$work/out" || {
    echo "podgate verify did not accept every line of $1" >&2
    cat "$work/out" >&2
    exit 1
  }
  awk '{printf "%.3f %.3f\n", $1, $2 + $3}' <<<"$out"
}

min() { sort -g | head -1; }
floor_wall=() floor_cpu=() distinct_wall=() distinct_cpu=() repeat_wall=() repeat_cpu=()
"$podgate" verify --ndjson --quiet "$work/distinct.ndjson" >/dev/null  # warm-up
for ((i = 0; i < runs; i++)); do
  read -r w c < <("$benchgen" baseline --count "$count")
  floor_wall+=("$w") floor_cpu+=("$c")
  read -r w c < <(run_podgate "$work/distinct.ndjson")
  distinct_wall+=("$w") distinct_cpu+=("$c")
  read -r w c < <(run_podgate "$work/repeating.ndjson")
  repeat_wall+=("$w") repeat_cpu+=("$c")
done
fw=$(printf '%s\n' "${floor_wall[@]}" | min)
fc=$(printf '%s\n' "${floor_cpu[@]}" | min)
dw=$(printf '%s\n' "${distinct_wall[@]}" | min)
dc=$(printf '%s\n' "${distinct_cpu[@]}" | min)
rw=$(printf '%s\n' "${repeat_wall[@]}" | min)
rc=$(printf '%s\n' "${repeat_cpu[@]}" | min)

threads=$(nproc)
echo "verify benchmark: $count detachments, $threads threads, best of $runs runs"
awk -v n="$count" -v b="$binds" -v fw="$fw" -v fc="$fc" -v dw="$dw" -v dc="$dc" -v rw="$rw" \
  -v rc="$rc" 'BEGIN {
  printf "floor (libsodium loop, %d signatures): wall %.3f s  cpu %.3f s  (%.0f signatures/s)\n",
    n, fw, fc, n / fw
  printf "podgate verify, distinct binds:        wall %.3f s  cpu %.3f s  (%.0f artifacts/s)\n",
    dw, dc, n / dw
  printf "podgate verify, %d repeating binds:    wall %.3f s  cpu %.3f s  (%.0f artifacts/s)\n",
    b, rw, rc, n / rw
  printf "ratio floor/podgate, distinct binds:  wall %.2f  cpu %.2f  (target >= 0.9)\n",
    fw / dw, fc / dc
  printf "ratio floor/podgate, repeating binds: wall %.2f  cpu %.2f  (target >= 10)\n",
    fw / rw, fc / rc
}'
