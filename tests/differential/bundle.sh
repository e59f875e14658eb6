#!/usr/bin/env bash
# `podgate schema --bundle KIND` against the reference validator: each kind's bundled document
# compiles in Ajv 8 alone (tools/reference/alone.mjs: no other schema added), and gives every
# example of that kind in examples/ the verdict its name says (invalid--*: invalid; the others:
# valid), and a copy of the valid example whose bind lacks via/node-id the verdict invalid
# (which only the embedded bind document can give). The plain document of a kind that refers
# to the bind's must not compile alone (its $ref unresolved), which shows the bundle is what
# makes it standalone. Exit 77 (skipped) without the reference validator's node_modules, as
# the differential test.
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

# The verdict alone.mjs printed for FILE ("valid", "invalid"), or "none".
verdict() {  # OUTPUT FILE
  local line
  line=$(grep -F -- " $2" "$1" | head -1 || true)
  [[ -n $line ]] && echo "${line%% *}" || echo none
}

for kind in participant-bind client-instance-attachment client-instance-detachment \
  client-instance-recovery; do
  "$podgate" schema --bundle "$kind" >"$work/$kind.bundle.json"
  "$podgate" schema "$kind" >"$work/$kind.plain.json"
  examples=("$root/examples/"*".$kind.json")
  if [[ $kind != participant-bind ]]; then
    node "$reference/alone.mjs" "$work/$kind.plain.json" "${examples[@]}" >"$work/out" 2>&1 || true
    grep -q "does not compile alone: can't resolve reference urn:podgate:schema:participant-bind:v1" \
      "$work/out" || fail "$kind: the plain document did not fail on its bind \$ref: $(cat "$work/out")"
    # The valid example with a bind that lacks a member only the bind's document requires.
    valid=$(ls "$root/examples/"*".$kind.json" | grep -v '/invalid--' | head -1)
    node -e '
      const fs = require("fs");
      const doc = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
      delete doc["participant-bind"]["via/node-id"];
      fs.writeFileSync(process.argv[2], JSON.stringify(doc));' "$valid" "$work/broken-bind.$kind.json"
    examples+=("$work/broken-bind.$kind.json")
  fi
  if ! node "$reference/alone.mjs" "$work/$kind.bundle.json" "${examples[@]}" >"$work/out" 2>&1; then
    fail "$kind: the bundled document does not compile alone: $(cat "$work/out")"
    continue
  fi
  for example in "${examples[@]}"; do
    want=valid
    [[ $(basename "$example") == invalid--* || $(basename "$example") == broken-bind.* ]] &&
      want=invalid
    got=$(verdict "$work/out" "$example")
    [[ $got == "$want" ]] || fail "$kind: $(basename "$example"): $got, expected $want"
  done
  echo "$kind: bundle compiles alone; ${#examples[@]} examples judged as named"
done
exit $((failures > 0))
