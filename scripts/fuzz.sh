#!/usr/bin/env bash
# Runs each libFuzzer target from a seed corpus made of the built test corpus: whole objects
# for the ELF loader, their .text and program sections for the decoder and the verifier
# (behind a program-type byte), their .BTF +
# .BTF.ext for the BTF/CO-RE target. Runs are reproducible: a fixed seed, a fixed number of
# executions per target, a fresh working corpus; SECONDS (default 60) caps each run.
# Crashes are saved under build/fuzz/crashes/ and fail the run; a crash input belongs in
# tests/fuzz/regressions/ once fixed.
# Usage: scripts/fuzz.sh [SECONDS] [RUNS_SCALE]  (RUNS_SCALE multiplies the executions)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
scale=${2:-1}
"$here/scripts/setup.sh"
build="$here/build/fuzz"
cmake -G Ninja -S "$here" -B "$build" -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBPFCHECK_FUZZ=ON -DBPFCHECK_WERROR=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target FuzzObjectLoader FuzzDecoder FuzzBtf FuzzVerifier \
  bpf-corpus

seeds="$build/seeds"
rm -rf "$seeds"
mkdir -p "$seeds/loader" "$seeds/decoder" "$seeds/verifier" "$seeds/btf" "$build/crashes"
while IFS=$'\t' read -r object source; do
  name=$(basename "$object" .o)
  cp "$object" "$seeds/loader/$name.o"
  for section in $(llvm-objdump-19 -h "$object" | awk '$NF ~ /TEXT/ {print $2}'); do
    llvm-objcopy-19 --dump-section="$section=$seeds/decoder/$name.${section//\//_}" "$object" \
      /dev/null 2>/dev/null || true
  done
  if llvm-objcopy-19 --dump-section=.BTF="$seeds/btf.tmp" "$object" /dev/null 2>/dev/null; then
    llvm-objcopy-19 --dump-section=.BTF.ext="$seeds/ext.tmp" "$object" /dev/null 2>/dev/null ||
      : >"$seeds/ext.tmp"
    python3 -c 'import struct,sys; b=open(sys.argv[1],"rb").read(); e=open(sys.argv[2],"rb").read(); open(sys.argv[3],"wb").write(struct.pack("<I",len(b))+b+e)' \
      "$seeds/btf.tmp" "$seeds/ext.tmp" "$seeds/btf/$name"
  fi
done <"$build/test-corpus/corpus.list"
rm -f "$seeds/btf.tmp" "$seeds/ext.tmp"

status=0
# The verifier's seeds are the decoder's, behind a program-type byte.
for seed in "$seeds/decoder"/*; do
  { printf '\x00'; cat "$seed"; } >"$seeds/verifier/$(basename "$seed")"
done

for target in FuzzObjectLoader FuzzDecoder FuzzBtf FuzzVerifier; do
  case $target in
    FuzzObjectLoader) seed=loader runs=150000 ;;
    FuzzDecoder) seed=decoder runs=2000000 ;;
    FuzzBtf) seed=btf runs=15000 ;;
    FuzzVerifier) seed=verifier runs=100000 ;;
  esac
  runs=$((runs * scale))
  work="$build/work/$target"
  rm -rf "$work"
  mkdir -p "$work"
  echo "fuzz: $target, $runs executions (at most ${seconds}s) from $(ls "$seeds/$seed" | wc -l) seeds"
  if ! "$build/tests/fuzz/$target" -seed=1 -runs="$runs" -max_total_time="$seconds" \
      -rss_limit_mb=4096 -timeout=10 \
      -artifact_prefix="$build/crashes/$target-" -print_final_stats=1 "$work" "$seeds/$seed" \
      >"$build/$target.log" 2>&1; then
    echo "fuzz: $target FAILED; see $build/$target.log and $build/crashes/" >&2
    tail -40 "$build/$target.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::new_units_added" "$build/$target.log" | tr '\n' ' '
    echo
  fi
done
exit "$status"
