#!/usr/bin/env bash
# The main job: builds bpfcheck and its test corpus, verifies every program of every corpus
# object and prints the verdict table (bpfcheck verify --format table), then checks the
# verdicts against the ones the corpus sources state. Installs missing Debian packages first.
# Exit status: 0 when every verdict agrees with the stated one (or is a documented
# difference, tests/corpus/verdict-differences.tsv), 1 otherwise.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/build.sh" release
build="$here/build/release"
list="$build/test-corpus/corpus.list"
objects=()
while IFS=$'\t' read -r object _; do
  objects+=("$object")
done <"$list"
# Rejections are expected in the corpus: bpfcheck's own exit status 1 is not a failure here.
"$build/tools/bpfcheck/bpfcheck" verify --format table "${objects[@]}" || [ $? -eq 1 ]
echo
echo "== agreement with the verdicts stated in the corpus sources"
"$build/tests/bpfcheck-corpus" verify "$list" "$here/tests/corpus/verdict-differences.tsv" | tail -n 1
