#!/usr/bin/env bash
# The library as another C++ project uses it: installs the build under test into a temporary
# prefix, configures and builds tests/find_package (find_package(podgate), podgate::podgate)
# against it with the same compiler flags, runs it and checks what it printed.
#
#   tests/find_package.sh BUILD_DIR CXX_FLAGS LINKER_FLAGS
set -euo pipefail
build=$1
cxx_flags=$2
linker_flags=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
[[ -f $work/prefix/lib/cmake/podgate/podgateConfig.cmake ]] ||
  { echo "FAIL: no package config installed" >&2; exit 1; }
cmake -S "$here/find_package" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_CXX_FLAGS="$cxx_flags" -DCMAKE_EXE_LINKER_FLAGS="$linker_flags" >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log" >&2; echo "FAIL: find_package(podgate) did not configure" >&2; exit 1; }
cmake --build "$work/build" >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; echo "FAIL: the consumer did not build" >&2; exit 1; }
out=$("$work/build/podgate_consumer")
expected="kind=client-instance-detachment ok=0 first-error=/detachment~1id events=0"
[[ $out == "$expected" ]] || { echo "FAIL: printed '$out', expected '$expected'" >&2; exit 1; }
echo "find_package(podgate): installed, configured, built and ran: $out"
