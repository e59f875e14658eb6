#!/usr/bin/env bash
# The PostgreSQL benchmark: sustained admissions per second through `podgate serve` on one
# SQLite ledger, on one PostgreSQL ledger with one gate process, and on one PostgreSQL ledger
# shared by two gate processes, in one run on the same machine and the same artifacts.
#
#   bench/pg.sh            (COUNT detachments per configuration, default 150000;
#                           SECONDS_PER_RUN 8; CONNECTIONS 64 in all)
#
# Setup: podgate_servegen writes COUNT attachments and their detachments, each with its own
# participant bind, so every detachment costs one real Ed25519 verification and one signature
# (the node attestation). A throwaway PostgreSQL 15 cluster (scripts/pg-test-cluster: initdb
# in a temporary directory, 127.0.0.1 only, PostgreSQL's default durability: fsync on,
# synchronous_commit on) holds the PostgreSQL ledgers, each in a schema of its own. For each
# configuration a fresh ledger gets the attachments through `podgate admit --operator`, then
# wrk (bench/serve.lua) posts the detachments, each exactly once, as fast as the gates answer,
# for SECONDS_PER_RUN:
#   sqlite   one podgate serve, --db sqlite:FILE (WAL, synchronous=FULL), 64 connections;
#   pg x1    one podgate serve, --db postgresql://..., 64 connections;
#   pg x2    two podgate serve processes on the same PostgreSQL ledger, 32 connections each
#            (each gets every other detachment); the rate is the sum of both.
# Every answer must be 201 (checked). Printed: admissions/s, p50 and p99 per configuration.
# PODGATE_BUILD_DIR=DIR uses another build directory (default: build-release).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
count=${COUNT:-150000}
seconds=${SECONDS_PER_RUN:-8}
connections=${CONNECTIONS:-64}
threads=$(nproc)

command -v wrk >/dev/null || { echo "pg.sh: wrk is missing (scripts/install-deps)" >&2; exit 2; }
source "$root/bench/lib.sh"
build=$(bench_build podgate podgate_servegen)
podgate=$build/podgate
gen=$build/podgate_servegen

work=$(mktemp -d)
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/podgate-pg.XXXXXX")
pids=()
stop_servers() {
  local rc=0 pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" || rc=$?
  done
  pids=()
  return $rc
}
cleanup() {
  stop_servers 2>/dev/null || true
  scripts/pg-test-cluster stop "$pg_dir" 2>/dev/null || rm -rf "$pg_dir"
  rm -rf "$work"
}
trap cleanup EXIT

pg_url=$(scripts/pg-test-cluster start "$pg_dir")
"$podgate" keygen --out "$work/node.pem" >/dev/null
node_id=$("$podgate" did "$work/node.pem" --role node)
"$gen" artifacts --node-key "$work/node.pem" --count "$count" --out "$work" >/dev/null
awk 'NR % 2 == 1' "$work/detachments.ndjson" >"$work/odd.ndjson"
awk 'NR % 2 == 0' "$work/detachments.ndjson" >"$work/even.ndjson"
token=bench-operator-token-0123456789abcdef
(umask 077 && echo "$token" >"$work/operator.token")

# A fresh ledger URL: a SQLite file, or a schema of the cluster's database.
fresh_ledger() {  # sqlite|pg NAME
  if [[ $1 == sqlite ]]; then
    echo "sqlite:$work/$2.db"
  else
    psql -X -q -d "$pg_url" -c "CREATE SCHEMA $2" >/dev/null
    echo "$pg_url?options=-csearch_path%3D$2"
  fi
}

# Starts podgate serve on DB; sets $started to its URL.
start_serve() {  # DB NAME
  "$podgate" serve --db "$1" --listen 127.0.0.1:0 --node-key "$work/node.pem" \
    --operator-token-file "$work/operator.token" --access-log "$work/access-$2.log" \
    >"$work/serve-$2.out" 2>"$work/serve-$2.err" &
  pids+=($!)
  local i
  for i in $(seq 200); do
    grep -q "listening on" "$work/serve-$2.out" 2>/dev/null && break
    sleep 0.1
  done
  started=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/serve-$2.out")
  [[ -n $started ]] || { cat "$work/serve-$2.err" >&2; exit 1; }
}

# One wrk run: prints "requests seconds not_created p50_ms p99_ms".
run_wrk() {  # URL FILE CONNECTIONS
  local out
  out=$(wrk -t "$threads" -c "$3" -d "${seconds}s" --timeout 10s -s bench/serve.lua \
    "$1/v1/detachments" -- "$2" "$threads" "$token" /v1/detachments 0 2>"$work/wrk.err")
  local result
  result=$(grep '^RESULT' <<<"$out") || { echo "$out" >&2; cat "$work/wrk.err" >&2; exit 1; }
  sed -E 's/RESULT requests=([0-9]+) seconds=([0-9.]+) not_created=([0-9]+) p50_ms=([0-9.]+) p99_ms=([0-9.]+) exhausted=([0-9]+)/\1 \2 \3 \4 \5 \6/' <<<"$result"
}

admit_attachments() {  # DB
  "$podgate" admit --db "$1" --node-id "$node_id" --node-key "$work/node.pem" --operator \
    --quiet --ndjson "$work/attachments.ndjson" >/dev/null
  # The setup's dirty pages written back now, not under the run's commits (see serve.sh).
  sync
}

bad_total=0
rows=()
report() {  # LABEL RATE P50 P99 BAD
  rows+=("$(printf '  %-30s %7s admissions/s  p50 %7.2f ms  p99 %7.2f ms  (%s not 201)' "$@")")
  bad_total=$((bad_total + $5))
}

# 1. SQLite, one gate.
db=$(fresh_ledger sqlite sqlite1)
admit_attachments "$db"
start_serve "$db" sqlite1
url=$started
read -r n s bad p50 p99 exhausted < <(run_wrk "$url" "$work/detachments.ndjson" "$connections")
stop_servers
bench_require_unexhausted "$exhausted" "$work/detachments.ndjson" pg.sh
report "sqlite, 1 gate" "$(awk -v n="$n" -v s="$s" 'BEGIN {printf "%.0f", n / s}')" "$p50" "$p99" "$bad"

# 2. PostgreSQL, one gate.
db=$(fresh_ledger pg bench_one)
admit_attachments "$db"
start_serve "$db" pg1
url=$started
read -r n s bad p50 p99 exhausted < <(run_wrk "$url" "$work/detachments.ndjson" "$connections")
stop_servers
bench_require_unexhausted "$exhausted" "$work/detachments.ndjson" pg.sh
report "postgresql, 1 gate" "$(awk -v n="$n" -v s="$s" 'BEGIN {printf "%.0f", n / s}')" "$p50" "$p99" "$bad"

# 3. PostgreSQL, two gates on one ledger, driven at once.
db=$(fresh_ledger pg bench_two)
admit_attachments "$db"
start_serve "$db" pg2a
url_a=$started
start_serve "$db" pg2b
url_b=$started
run_wrk "$url_a" "$work/odd.ndjson" $((connections / 2)) >"$work/a.result" &
wrk_a=$!
run_wrk "$url_b" "$work/even.ndjson" $((connections / 2)) >"$work/b.result" &
wrk_b=$!
wait "$wrk_a"
wait "$wrk_b"
stop_servers
read -r na sa bada p50a p99a exhausted_a <"$work/a.result"
read -r nb sb badb p50b p99b exhausted_b <"$work/b.result"
bench_require_unexhausted "$exhausted_a" "$work/odd.ndjson" pg.sh
bench_require_unexhausted "$exhausted_b" "$work/even.ndjson" pg.sh
rate=$(awk -v a="$na" -v b="$nb" -v sa="$sa" -v sb="$sb" \
  'BEGIN {s = sa > sb ? sa : sb; printf "%.0f", (a + b) / s}')
report "postgresql, 2 gates (sum)" "$rate" \
  "$(awk -v a="$p50a" -v b="$p50b" 'BEGIN {print (a > b ? a : b)}')" \
  "$(awk -v a="$p99a" -v b="$p99b" 'BEGIN {print (a > b ? a : b)}')" $((bada + badb))
events=$(psql -X -At -d "$db" -c "SELECT count(*) || ' events, max seq ' || max(seq) FROM events")

echo "pg benchmark: operator-posted detachments, $count per configuration, ${seconds} s each,"
echo "  $threads HTTP workers per gate, wrk -t$threads, $connections connections in all, loopback;"
echo "  PostgreSQL 15 on 127.0.0.1, fsync on, synchronous_commit on"
printf '%s\n' "${rows[@]}"
echo "  two-gate ledger afterwards: $events (gap-free when equal)"
if ((bad_total != 0)); then
  echo "pg.sh: some answers were not 201" >&2
  exit 1
fi
