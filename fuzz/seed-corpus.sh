#!/usr/bin/env bash
# Assembles the seed corpus of every fuzz target in OUT/<target>/ (see README.md):
#   JSON targets (json, schema, fast_path, cbor, verify): the conformance fixtures
#     (tests/data/fixtures), the examples (examples/, examples/signed/), and for cbor the JSON
#     texts of the deterministic CBOR vectors (tests/data/vectors/deterministic-cbor.json);
#   the others: the hand-written seeds of fuzz/seeds/<target>/.
# Existing files in OUT are kept: a corpus grown by earlier runs stays.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: fuzz/seed-corpus.sh OUT_DIR}
mkdir -p "$out"

# Copies the files named on stdin into $1, each under a name made from its path.
collect() {
  mkdir -p "$1"
  while IFS= read -r file; do
    cp "$root/$file" "$1/$(echo "$file" | tr '/' '_')"
  done
}

json_sources() {
  (cd "$root" && find tests/data/fixtures examples -name '*.json' | sort)
}

for target in json schema fast_path cbor verify; do
  json_sources | collect "$out/$target"
done
python3 - "$root/tests/data/vectors/deterministic-cbor.json" "$out/cbor" <<'PY'
import json, pathlib, sys
cases = json.load(open(sys.argv[1]))["cases"]
for name, case in cases.items():
    pathlib.Path(sys.argv[2], "vector-" + name).write_text(case["json"])
PY
for dir in "$root"/fuzz/seeds/*/; do
  target=$(basename "$dir")
  mkdir -p "$out/$target"
  cp "$dir"* "$out/$target/"
done
echo "seed corpora in $out: $(cd "$out" && for d in */; do printf '%s=%s ' "${d%/}" "$(ls "$d" | wc -l)"; done)"
