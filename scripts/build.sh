#!/usr/bin/env bash
# Configures and builds bpfcheck into build/<config> (config: release | sanitize | fuzz).
# Usage: scripts/build.sh [release|sanitize|fuzz]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
config=${1:-release}
"$here/scripts/setup.sh"

# clang-19 is the default compiler; the sanitizer build uses g++-12, so that CI compiles
# the project with both (warnings are errors in each).
clang=(-DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19)
gcc=(-DCMAKE_C_COMPILER=gcc-12 -DCMAKE_CXX_COMPILER=g++-12)
common=(-G Ninja -S "$here" -B "$here/build/$config" -DBPFCHECK_WERROR=ON)
case "$config" in
  release)  extra=("${clang[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  sanitize) extra=("${gcc[@]}" -DCMAKE_BUILD_TYPE=Debug -DBPFCHECK_SANITIZE=ON) ;;
  fuzz)     extra=("${clang[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBPFCHECK_FUZZ=ON) ;;
  *) echo "build.sh: unknown configuration '$config' (release, sanitize, fuzz)" >&2; exit 2 ;;
esac
cmake "${common[@]}" "${extra[@]}" >/dev/null
cmake --build "$here/build/$config" -j "$(nproc)"
