#!/usr/bin/env bash
# Benchmarks: bpfcheck beside the running kernel's verifier on every corpus program (and on
# the kernel's verifier selftests, when scripts/selftests.sh has compiled them), then the
# scaling run on generated programs of 1k to 1M instructions. Prints the tables; asserts
# nothing. Usage: scripts/bench.sh [--no-selftests] [--max-size N]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
selftests=1
max=1000000
while [[ $# -gt 0 ]]; do
  case $1 in
    --no-selftests) selftests=0 ;;
    --max-size) max=$2; shift ;;
    *) echo "bench.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
"$here/scripts/build.sh" release
build=$here/build/release
ninja -C "$build" bpfcheck-bench >/dev/null
echo "== corpus"
"$build/bench/bpfcheck-bench" corpus "$build/test-corpus/corpus.list"
shopt -s nullglob
objects=("$here"/build/selftests/obj/*.bpf.o)
if [[ $selftests -eq 1 && ${#objects[@]} -gt 0 ]]; then
  echo
  echo "== kernel verifier selftests"
  "$build/bench/bpfcheck-bench" objects "${objects[@]}"
fi
echo
echo "== scaling (generated socket filters)"
"$build/bench/bpfcheck-bench" scaling "$max"
