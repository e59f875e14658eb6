#!/usr/bin/env bash
# Runs every fuzz target in turn, one process each, niced, for SECONDS each (default 600), from
# the seed corpora of fuzz/seed-corpus.sh. Logs go to BUILD/logs/<target>.log; a summary line
# per target (executions, corpus size, crashes) goes to BUILD/logs/summary.tsv.
#   fuzz/campaign.sh BUILD_DIR [SECONDS] [TARGET...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: fuzz/campaign.sh BUILD_DIR [SECONDS] [TARGET...]}" && pwd)
seconds=${2:-600}
shift $(( $# >= 2 ? 2 : 1 ))
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(json schema fast_path did_key base64url timestamp cbor verify signed_flip admit http)
fi
"$root/fuzz/seed-corpus.sh" "$build/corpus" >/dev/null
mkdir -p "$build/logs" "$build/crashes"
for t in "${targets[@]}"; do
  log="$build/logs/$t.log"
  start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  set +e
  (cd "$build/crashes" &&
    nice -n 10 "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -print_final_stats=1 \
      -max_len=70000 -timeout=25 -rss_limit_mb=4096 "$build/corpus/$t" >"$log" 2>&1)
  status=$?
  set -e
  execs=$(grep -ao 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1)
  corpus=$(ls "$build/corpus/$t" | wc -l)
  printf '%s\t%s\t%ss\texecs=%s\tcorpus=%s\texit=%s\n' "$t" "$start" "$seconds" "${execs:-?}" \
    "$corpus" "$status" | tee -a "$build/logs/summary.tsv"
done
