#!/usr/bin/env bash
# The validate benchmark: `podgate validate --ndjson --quiet` against ajv 8 + ajv-formats
# (tools/reference/validate.mjs, the same schemas) on the same 100,000 detachments.
#
#   bench/validate.sh [RUNS]        (default 10 runs each; the best run counts)
#
# Builds the release preset when needed (PODGATE_BUILD_DIR=DIR uses another build directory,
# configured like the preset), generates bench/out/detachments-100k.ndjson once
# (bench/gen_artifacts.py), then prints artifacts/second for each and the ratio.
# podgate: the whole process (start, read, parse, validate, exit), RUNS times after a warm-up.
# ajv: the in-process loop only (JSON.parse, kind detection, validation of every line), RUNS
# times inside one node process, without node's start-up and schema compilation, which
# favours ajv (the ratio printed is this one; ajv as a whole process is printed after it, for
# reference only). For each the best wall-clock time and the best CPU time (user + system) count:
# on a busy machine CPU time is the steadier figure (podgate runs on one thread; node's CPU
# time also counts its garbage collector's helper threads).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
runs=${1:-10}

source "$root/bench/lib.sh"
build=$(bench_build podgate)
podgate=$build/podgate

# --- inputs and the reference validator ----------------------------------------------------
input=$(bench_detachments_100k)
if [[ ! -d tools/reference/node_modules/ajv ]]; then
  (cd tools/reference && npm ci --silent --no-audit --no-fund >/dev/null)
fi
lines=$(wc -l <"$input")
bytes=$(wc -c <"$input")

# Both must call every artifact valid, or the comparison means nothing.
"$podgate" validate --ndjson --quiet "$input" >/dev/null 2>&1 ||
  { echo "podgate rejected some of $input" >&2; exit 1; }

# --- podgate: RUNS whole processes after one warm-up; best wall and best CPU time ----------
measure='
import os, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
best_wall = best_cpu = float("inf")
for i in range(runs + 1):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{cmd[0]} exited with status {status}")
    if i > 0:  # the first run warms the page cache
        best_wall = min(best_wall, wall)
        best_cpu = min(best_cpu, usage.ru_utime + usage.ru_stime)
print(best_wall, best_cpu)
'
read -r podgate_wall podgate_cpu < <(python3 -c "$measure" "$runs" "$podgate" validate --ndjson \
  --quiet "$input")

# --- ajv: RUNS loops inside one node process; best wall and best CPU time ------------------
ajv_line=$(node tools/reference/validate.mjs --ndjson --quiet --runs "$runs" "$input")
if ! grep -q "($lines valid, 0 invalid)" <<<"$ajv_line"; then
  echo "ajv did not call every artifact valid: $ajv_line" >&2
  exit 1
fi
ajv_wall=$(sed -n 's/.* in \([0-9.]*\) ms wall.*/\1/p' <<<"$ajv_line")
ajv_cpu=$(sed -n 's/.* wall, \([0-9.]*\) ms CPU.*/\1/p' <<<"$ajv_line")

# --- for reference only: ajv as a whole process too (node's start-up, schema compilation,
# reading, the loop), like podgate above; best of at most 5 runs. The ratio above stays the
# in-process one.
read -r ajv_proc_wall ajv_proc_cpu < <(python3 -c "$measure" "$((runs < 5 ? runs : 5))" node \
  tools/reference/validate.mjs --ndjson --quiet "$input")

report='
import sys
lines, size, runs = int(sys.argv[1]), int(sys.argv[2]), sys.argv[7]
pw, pc = float(sys.argv[3]), float(sys.argv[4])
aw, ac = float(sys.argv[5]) / 1000, float(sys.argv[6]) / 1000
print(f"input:   {lines} detachments, {size / lines:.0f} bytes each on average ({size / 1e6:.1f} MB)")
print(f"podgate: whole process, best of {runs}: {pw * 1000:.1f} ms wall = {lines / pw:,.0f} "
      f"artifacts/s; {pc * 1000:.1f} ms CPU = {lines / pc:,.0f} artifacts/s per core")
print(f"ajv:     in-process loop, best of {runs}: {aw * 1000:.1f} ms wall = {lines / aw:,.0f} "
      f"artifacts/s; {ac * 1000:.1f} ms CPU = {lines / ac:,.0f} artifacts/s")
print(f"ratio:   podgate/ajv {aw / pw:.1f}x by wall-clock time, {ac / pc:.1f}x by CPU time")
qw, qc = float(sys.argv[8]), float(sys.argv[9])
print(f"for reference, ajv as a whole process (node start-up and schema compilation included), "
      f"best of {min(int(runs), 5)}: {qw * 1000:.1f} ms wall, {qc * 1000:.1f} ms CPU; "
      f"podgate/ajv whole processes {qw / pw:.1f}x by wall-clock time, {qc / pc:.1f}x by CPU time")
'
python3 -c "$report" "$lines" "$bytes" "$podgate_wall" "$podgate_cpu" "$ajv_wall" "$ajv_cpu" \
  "$runs" "$ajv_proc_wall" "$ajv_proc_cpu"
