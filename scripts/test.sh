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
ctest --test-dir "$here/build/sanitize" --output-on-failure -R 'corpus/verifier'
# Random programs under the sanitizers: fewer than in the release run (loops of millions of
# iterations are slow under ASan); exit status 77 means the kernel is not available.
differential="$here/build/sanitize/tests/bpfcheck-differential"
for args in "--count 300 --seed 1" "--count 200 --seed 2 --loops summarize"; do
  # shellcheck disable=SC2086  # the arguments are words
  "$differential" $args || { status=$?; [[ $status -eq 77 ]] || exit "$status"; }
done

if [[ -x "$here/scripts/fuzz.sh" && "$fuzz_seconds" != 0 ]]; then
  "$here/scripts/fuzz.sh" "$fuzz_seconds"
fi
