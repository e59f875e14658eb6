#!/usr/bin/env bash
# `podgate schema --bundle KIND` against the reference validator: each kind's bundled document
# compiles in Ajv 8 alone (tools/reference/alone.mjs: no other schema added), and gives every
# example of that kind in examples/ the verdict its name says (invalid--*: invalid; the others:
# valid). The plain document of a kind that refers to the bind's must not compile alone, which
# shows the bundle is what makes it standalone. Exit 77 (skipped) without the reference
# validator's node_modules, as the differential test.
#   bundle.sh PODGATE
set -euo pipefail
podgate=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
reference=$root/tools/reference
if [[ ! -d $reference/node_modules ]]; then
  echo "bundle.sh: $reference/node_modules is missing (scripts/install-deps); skipped" >&2
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

for kind in participant-bind client-instance-attachment client-instance-detachment \
  client-instance-recovery; do
  "$podgate" schema --bundle "$kind" >"$work/$kind.bundle.json"
  "$podgate" schema "$kind" >"$work/$kind.plain.json"
  if [[ $kind != participant-bind ]]; then
    if node "$reference/alone.mjs" "$work/$kind.plain.json" "$root/examples/"*".$kind.json" \
      >"$work/out" 2>&1; then
      fail "$kind: the plain document compiled alone; expected an unresolvable \$ref"
    fi
  fi
  examples=("$root/examples/"*".$kind.json")
  if ! node "$reference/alone.mjs" "$work/$kind.bundle.json" "${examples[@]}" >"$work/out" 2>&1; then
    fail "$kind: the bundled document does not compile alone: $(cat "$work/out")"
    continue
  fi
  for example in "${examples[@]}"; do
    want=valid
    [[ $(basename "$example") == invalid--* ]] && want=invalid
    got=$(grep -F " $example" "$work/out" | head -1 | cut -d' ' -f1)
    [[ $got == "$want" ]] || fail "$kind: $(basename "$example"): $got, expected $want"
  done
  echo "$kind: bundle compiles alone; ${#examples[@]} examples judged as named"
done
exit $((failures > 0))
