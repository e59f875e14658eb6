# Shared by the bench/*.sh scripts: source it, then `build=$(bench_build TARGET...)`.
#
# bench_build builds the given targets in the release build directory and prints its path:
# $PODGATE_BUILD_DIR when set (configured like the release preset on first use), else the
# release preset's build-release/. Expects $root, the repository root. With PODGATE_NO_BUILD=1
# it builds nothing and uses the binaries in $PODGATE_BUILD_DIR as they are (for A/B runs of
# two builds kept side by side).
bench_build() {
  local build
  if [[ ${PODGATE_NO_BUILD:-0} == 1 ]]; then
    build=${PODGATE_BUILD_DIR:?PODGATE_NO_BUILD=1 needs PODGATE_BUILD_DIR}
    for target in "$@"; do
      [[ -x $build/$target ]] || { echo "bench: $build/$target is missing" >&2; return 1; }
    done
    printf '%s\n' "$build"
    return
  fi
  if [[ -n ${PODGATE_BUILD_DIR:-} ]]; then
    build=$PODGATE_BUILD_DIR
    if [[ ! -f $build/CMakeCache.txt ]]; then
      cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DPODGATE_BUILD_TESTS=OFF >/dev/null
    fi
  else
    build=$root/build-release
    if [[ ! -f $build/CMakeCache.txt ]]; then (cd "$root" && cmake --preset release >/dev/null); fi
  fi
  cmake --build "$build" --target "$@" >/dev/null
  printf '%s\n' "$build"
}

# bench_require_unexhausted EXHAUSTED FILE LABEL: fails when a wrk run of bench/serve.lua
# reports (its "exhausted" count, the threads that ran out of lines) that it posted all of FILE
# before its duration ended. wrk times a run by its -d duration even then, so such a run's rate
# is only lines/duration, a bound set by the input, not the server's rate: refuse to report it.
bench_require_unexhausted() {
  if (($1 != 0)); then
    echo "$3: the run used up the $(wc -l <"$2") detachments of $(basename "$2") before its" \
      "duration ended; its rate would be COUNT/SECONDS, not the server's: raise COUNT" >&2
    exit 1
  fi
}

# bench_detachments_100k: makes bench/out/detachments-100k.ndjson once (bench/gen_artifacts.py,
# 100,000 signed-looking detachments; deterministic) and prints its path. Expects $root.
bench_detachments_100k() {
  local input=bench/out/detachments-100k.ndjson
  if [[ ! -f $root/$input ]]; then
    mkdir -p "$root/bench/out"
    python3 "$root/bench/gen_artifacts.py" --count 100000 "$root/$input" >&2
  fi
  printf '%s\n' "$input"
}
