#!/usr/bin/env bash
# The memory benchmark of `podgate validate --ndjson`: its peak resident set on inputs of
# 85 MB and of about 1 GB, read as a file (one mapping whose parsed pages are dropped as it
# goes) and through a pipe (stdin), to show that memory stays flat whatever the stream's size.
#
#   bench/memory.sh [REPEAT]    (default 13: the 1 GB input is REPEAT copies of the 85 MB one)
#
# Input: bench/out/detachments-100k.ndjson (bench/gen_artifacts.py, as bench/validate.sh makes
# it), and a temporary file of REPEAT copies of it (ids repeat across copies, which validate,
# a stateless check, does not look at). Each run is timed by GNU time (`%M`: peak RSS in KiB)
# and its final count line is checked: every line of the input counted and valid.
# PODGATE_BUILD_DIR=DIR uses another build directory (default: build-release).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
repeat=${1:-13}

[[ -x /usr/bin/time ]] || { echo "memory.sh: GNU time is missing (apt-get install time)" >&2; exit 2; }
source "$root/bench/lib.sh"
build=$(bench_build podgate)
podgate=$build/podgate

small=$(bench_detachments_100k)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
large=$work/detachments-large.ndjson
for _ in $(seq "$repeat"); do cat "$small"; done >"$large"

# One run: prints "peak_rss_kib wall_s cpu_s" and checks the count line.
measure() {  # LINES MODE(file|pipe) FILE
  local expect="$1 inputs: $1 valid, 0 invalid" out
  if [[ $2 == file ]]; then
    out=$(/usr/bin/time -f 'TIME %M %e %U %S' -o "$work/time" \
      "$podgate" validate --ndjson --quiet "$3")
  else
    out=$(cat "$3" | /usr/bin/time -f 'TIME %M %e %U %S' -o "$work/time" \
      "$podgate" validate --ndjson --quiet -)
  fi
  [[ $out == "$expect" ]] || { echo "memory.sh: unexpected count line: $out" >&2; exit 1; }
  awk '/^TIME/ { printf "%d %.2f %.2f\n", $2, $3, $4 + $5 }' "$work/time"
}

small_lines=$(wc -l <"$small")
large_lines=$((small_lines * repeat))
printf '%-6s %14s %10s %12s %8s %8s\n' mode bytes lines "peak RSS" wall cpu
for spec in "$small $small_lines" "$large $large_lines"; do
  read -r file lines <<<"$spec"
  bytes=$(stat -c %s "$file")
  for mode in file pipe; do
    read -r rss wall cpu < <(measure "$lines" "$mode" "$file")
    printf '%-6s %14s %10s %8s KiB %7ss %7ss\n' "$mode" "$bytes" "$lines" "$rss" "$wall" "$cpu"
  done
done
