#!/usr/bin/env bash
# The whole test suite: builds (release, then ASan+UBSan), runs every ctest test in the
# release build, the unit tests and the verifier's corpus and random-program checks again
# under the sanitizers, and each fuzz target for a
# bounded time. Installs missing Debian packages first (scripts/setup.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fuzz_seconds=${BPFCHECK_FUZZ_SECONDS:-60}

"$here/scripts/build.sh" release
ctest --test-dir "$here/build/release" --output-on-failure -j "$(nproc)"

"$here/scripts/build.sh" sanitize
# Under ASan and UBSan: the unit tests, and the verifier on the corpus and on random programs.
ctest --test-dir "$here/build/sanitize" --output-on-failure -j "$(nproc)" -L unit
ctest --test-dir "$here/build/sanitize" --output-on-failure -R 'corpus/verifier|differential/'

if [[ -x "$here/scripts/fuzz.sh" && "$fuzz_seconds" != 0 ]]; then
  "$here/scripts/fuzz.sh" "$fuzz_seconds"
fi
