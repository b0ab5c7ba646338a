#!/usr/bin/env bash
# The main job: builds bpfcheck and its test corpus, then runs bpfcheck over every corpus
# object and prints what it finds. Installs missing Debian packages first.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/build.sh" release
bpfcheck="$here/build/release/tools/bpfcheck/bpfcheck"
list="$here/build/release/test-corpus/corpus.list"
status=0
while IFS=$'\t' read -r object source; do
  echo "== ${source#"$here"/}"
  "$bpfcheck" dump "$object" || status=$?
done <"$list"
exit "$status"
