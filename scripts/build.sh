#!/usr/bin/env bash
# Configures and builds bpfcheck into build/<config> (config: release | sanitize | fuzz).
# Usage: scripts/build.sh [release|sanitize|fuzz]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
config=${1:-release}
"$here/scripts/setup.sh"

common=(-G Ninja -S "$here" -B "$here/build/$config"
        -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19
        -DBPFCHECK_WERROR=ON)
case "$config" in
  release)  extra=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  sanitize) extra=(-DCMAKE_BUILD_TYPE=Debug -DBPFCHECK_SANITIZE=ON) ;;
  fuzz)     extra=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DBPFCHECK_FUZZ=ON) ;;
  *) echo "build.sh: unknown configuration '$config' (release, sanitize, fuzz)" >&2; exit 2 ;;
esac
cmake "${common[@]}" "${extra[@]}" >/dev/null
cmake --build "$here/build/$config" -j "$(nproc)"
