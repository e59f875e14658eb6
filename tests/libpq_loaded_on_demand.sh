#!/usr/bin/env bash
# podgate loads libpq only for a PostgreSQL ledger (src/store/libpq.h): a command that never
# touches one must not load it, nor what it pulls in (Kerberos, LDAP, GnuTLS). The dynamic
# loader's own trace (LD_DEBUG=libs) is the witness: it names every shared object it loads.
#
#   tests/libpq_loaded_on_demand.sh PODGATE
set -euo pipefail
podgate=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Not linked at all.
if LD_TRACE_LOADED_OBJECTS=1 "$podgate" | grep -E 'libpq\.so|libgssapi|libldap'; then
  echo "FAIL: $podgate is linked against libpq or its dependencies" >&2
  exit 1
fi
# Not loaded by whole runs on a SQLite ledger: keygen, admit (which creates the ledger), show.
trace() { LD_DEBUG=libs LD_DEBUG_OUTPUT="$work/trace" "$podgate" "$@"; }
trace keygen --out "$work/node.pem" >/dev/null 2>&1
node_id=$("$podgate" did "$work/node.pem" --role node)
trace admit --db "sqlite:$work/ledger.db" --node-id "$node_id" --node-key "$work/node.pem" \
  --ndjson /dev/null >/dev/null
trace show --db "sqlite:$work/ledger.db" client:nobody >/dev/null 2>&1 &&
  { echo "FAIL: show found a client instance in an empty ledger" >&2; exit 1; }
[[ -n $(cat "$work"/trace.* 2>/dev/null) ]] || { echo "FAIL: no loader trace written" >&2; exit 1; }
if grep -h 'calling init:' "$work"/trace.* | grep -E 'libpq\.so'; then
  echo "FAIL: a SQLite-only run loaded libpq" >&2
  exit 1
fi
rm -f "$work"/trace.*
# Loaded when a PostgreSQL ledger is asked for (here an unreachable one: the connection fails,
# the library was loaded all the same, and the error is about the connection, not the library).
trace show --db 'postgresql://podgate@127.0.0.1:1/none?connect_timeout=2' client:nobody \
  >"$work/out" 2>&1 && { echo "FAIL: show on an unreachable PostgreSQL ledger succeeded" >&2; exit 1; }
grep -h 'calling init:' "$work"/trace.* | grep -qE 'libpq\.so' ||
  { echo "FAIL: a PostgreSQL ledger did not load libpq" >&2; cat "$work/out" >&2; exit 1; }
grep -q 'cannot connect to the PostgreSQL ledger' "$work/out" ||
  { echo "FAIL: unexpected error:" >&2; cat "$work/out" >&2; exit 1; }
echo "libpq: not linked, not loaded for SQLite, loaded for a PostgreSQL ledger"
