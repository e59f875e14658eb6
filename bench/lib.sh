# Shared by the bench/*.sh scripts: source it, then `build=$(bench_build TARGET...)`.
#
# bench_build builds the given targets in the release build directory and prints its path:
# $PODGATE_BUILD_DIR when set (configured like the release preset on first use), else the
# release preset's build-release/. Expects $root, the repository root.
bench_build() {
  local build
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
