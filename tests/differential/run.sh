#!/usr/bin/env bash
# The differential test: podgate validate against the reference validator (ajv 8 +
# ajv-formats over podgate's own schemas/*.schema.json) on a generated corpus.
#   tests/differential/run.sh PODGATE_BINARY WORK_DIR
# Exit 0 when every line agrees or differs only as README.md documents; 1 otherwise; 77
# (CTest: skipped) when the reference validator is not installed (scripts/install-deps does
# it with `npm ci` in tools/reference).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
podgate=${1:?usage: run.sh PODGATE_BINARY WORK_DIR}
work=${2:?usage: run.sh PODGATE_BINARY WORK_DIR}
reference=$root/tools/reference

if [[ ! -d $reference/node_modules/ajv || ! -d $reference/node_modules/ajv-formats ]]; then
  echo "SKIPPED: the reference validator is not installed ($reference/node_modules is absent);" \
    "run scripts/install-deps (npm ci in tools/reference) to enable the differential test"
  exit 77
fi
command -v node >/dev/null || { echo "node is not installed (scripts/install-deps)" >&2; exit 1; }

mkdir -p "$work"
cases=$work/cases.ndjson
node "$here/generate.mjs" --seed 20260328 --count 12000 "$cases"

status=0
"$podgate" validate --ndjson --format json "$cases" >"$work/podgate.ndjson" 2>"$work/podgate.stderr" ||
  status=$?
if [[ $status -ne 1 ]]; then
  # The corpus holds invalid artifacts, so anything but 1 is wrong (2: I/O or usage error).
  echo "podgate validate exited $status, expected 1" >&2
  cat "$work/podgate.stderr" >&2
  exit 1
fi
status=0
node "$reference/validate.mjs" --report "$cases" >"$work/reference.ndjson" || status=$?
if [[ $status -ne 1 ]]; then
  echo "the reference validator exited $status, expected 1" >&2
  exit 1
fi
node "$here/compare.mjs" "$cases" "$work/podgate.ndjson" "$work/reference.ndjson" \
  "$work/cases.meta.ndjson"

# Again with the kind forced (--kind): every artifact against one schema, whatever it is.
for kind in participant-bind client-instance-recovery; do
  "$podgate" validate --ndjson --format json --kind "$kind" "$cases" \
    >"$work/podgate-$kind.ndjson" 2>"$work/podgate.stderr" || status=$?
  node "$reference/validate.mjs" --report --kind "$kind" "$cases" \
    >"$work/reference-$kind.ndjson" || status=$?
  node "$here/compare.mjs" --forced-kind "$cases" "$work/podgate-$kind.ndjson" \
    "$work/reference-$kind.ndjson" "$work/cases.meta.ndjson"
done
