#!/usr/bin/env bash
# Checks bpfcheck's frontend against the Linux kernel's own verifier selftests
# (tools/testing/selftests/bpf/progs/verifier_*.c from Debian's linux-source-6.12), and
# writes down what each test expects (build/selftests/expectations.tsv).
#
# Beside the verifier_*.c files, the files about kptrs, timers and references in callbacks
# (map_kptr.c, map_kptr_fail.c, timer_failure.c, cb_refs.c) are compiled too. map_kptr.c
# and cb_refs.c carry no annotations: their expectations come from prog_tests/ (the table
# tests/selftests/prog-tests-expectations.tsv) and are appended to expectations.tsv.
#
# Steps, each skipped when its result is up to date:
#   1. installs linux-source-6.12 (scripts/setup.sh --selftests) and builds the release
#      configuration with -DBPFCHECK_SELFTESTS=ON (the bpfcheck-selftests checker);
#   2. extracts only the files the tests need from /usr/src/linux-source-6.12.tar.xz into
#      build/selftests/src/, generates bpf_helper_defs.h from the tarball's uapi bpf.h as
#      libbpf's Makefile does, and dumps build/selftests/vmlinux.h from the running kernel;
#   3. compiles each verifier_*.c with clang-19 and the selftests Makefile's BPF flags into
#      build/selftests/obj/, recording the first error of those that do not compile, and
#      each progs/btf__core_reloc_*.c into build/selftests/obj/btf/: objects whose only use
#      is their BTF, the target types of the tests that name them with __btf_path(...);
#   4. runs bpfcheck-selftests on every object and prints its report;
#   5. runs bpfcheck-selftest-verdicts: bpfcheck's verdict on every test against the test's
#      expectation (and, for disagreements, the running kernel's verdict), per file, into
#      build/selftests/verdicts.tsv.
# Exit status: 0 when every compiled object loads completely, 1 otherwise, 2 when a step
# before the check fails.
# Usage: scripts/selftests.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/build/selftests
build=$here/build/release
tarball=/usr/src/linux-source-6.12.tar.xz
top=linux-source-6.12   # the tarball's top directory
bpfdir=tools/testing/selftests/bpf
mkdir -p "$out"
log=$out/steps.log
: >"$log"

# Runs a step quietly; on failure shows what it printed.
step() {
  local what=$1
  shift
  if ! "$@" >>"$log" 2>&1; then
    echo "selftests.sh: $what failed; its output (from $log):" >&2
    tail -n 40 "$log" >&2
    exit 2
  fi
}

# Runs a command into a file, which appears only once complete (called through step).
# shellcheck disable=SC2317
write_to() {
  local file=$1
  shift
  "$@" >"$file.tmp" && mv "$file.tmp" "$file"
}

# 1. Packages and the checker.
step "scripts/setup.sh --selftests" "$here/scripts/setup.sh" --selftests
step "scripts/build.sh release" "$here/scripts/build.sh" release
if ! grep -qx 'BPFCHECK_SELFTESTS:BOOL=ON' "$build/CMakeCache.txt"; then
  step "configuring with -DBPFCHECK_SELFTESTS=ON" cmake -DBPFCHECK_SELFTESTS=ON "$build"
fi
step "building bpfcheck-selftests" ninja -C "$build" -j1 bpfcheck-selftests \
  bpfcheck-selftest-verdicts
checker=$build/tests/selftests/bpfcheck-selftests

# 2. Sources. The member list is what the verifier_*.c files include (found with clang -MD
# for the BPF target; system headers come from libc6-dev and linux-libc-dev), the BTF
# carriers that __btf_path(...) names (btf__core_reloc_*.c, with the header they include),
# plus the script that generates bpf_helper_defs.h.
members=(
  "$bpfdir/progs/verifier_*.c"
  "$bpfdir/progs/map_kptr.c"
  "$bpfdir/progs/map_kptr_fail.c"
  "$bpfdir/progs/timer_failure.c"
  "$bpfdir/progs/cb_refs.c"
  "$bpfdir/bpf_testmod/bpf_testmod_kfunc.h"
  "$bpfdir/progs/btf__core_reloc_*.c"
  "$bpfdir/progs/core_reloc_types.h"
  "$bpfdir/progs/bpf_misc.h"
  "$bpfdir/progs/cgrp_kfunc_common.h"
  "$bpfdir/progs/cpumask_common.h"
  "$bpfdir/progs/err.h"
  "$bpfdir/progs/task_kfunc_common.h"
  "$bpfdir/bpf_arena_common.h"
  "$bpfdir/bpf_experimental.h"
  "$bpfdir/bpf_kfuncs.h"
  "$bpfdir/bpf_sockopt_helpers.h"
  "$bpfdir/xdp_metadata.h"
  "$bpfdir/gnu/stubs.h"
  "tools/include/linux/filter.h"
  "tools/include/uapi/asm/bitsperlong.h"
  "tools/include/uapi/asm/errno.h"
  "tools/include/uapi/asm-generic/bitsperlong.h"
  "tools/include/uapi/asm-generic/errno-base.h"
  "tools/include/uapi/asm-generic/errno.h"
  "tools/include/uapi/asm-generic/socket.h"
  "tools/include/uapi/linux/bpf.h"
  "tools/include/uapi/linux/bpf_common.h"
  "tools/include/uapi/linux/stddef.h"
  "tools/include/uapi/linux/types.h"
  "tools/lib/bpf/*.h"
  "scripts/bpf_doc.py"
)
src=$out/src
gen=$out/gen
stamp="$(stat -c '%n %s %Y' "$tarball") ${members[*]}"
if [[ ! -f $src/.extracted || "$(cat "$src/.extracted")" != "$stamp" ]]; then
  rm -rf "$src" "$gen"
  mkdir -p "$src" "$gen"
  step "extracting the selftests from $tarball" \
    tar -xJf "$tarball" -C "$src" --strip-components=1 --wildcards "${members[@]/#/$top/}"
  # libbpf's Makefile generates this header (bpf_helpers.h includes it) from the uapi bpf.h.
  step "generating bpf_helper_defs.h" write_to "$gen/bpf_helper_defs.h" \
    python3 "$src/scripts/bpf_doc.py" --header --file "$src/tools/include/uapi/linux/bpf.h"
  echo "$stamp" >"$src/.extracted"
fi

# The running kernel's types, dumped again only when the kernel changed.
kernel="$(uname -r) $(uname -v) $(stat -c %s /sys/kernel/btf/vmlinux)"
if [[ ! -f $out/vmlinux.h || ! -f $out/vmlinux.stamp || "$(cat "$out/vmlinux.stamp")" != "$kernel" ]]; then
  step "dumping vmlinux.h" write_to "$out/vmlinux.h" \
    bpftool btf dump file /sys/kernel/btf/vmlinux format c
  echo "$kernel" >"$out/vmlinux.stamp"
fi

# 3. Objects. BPF_CFLAGS and CLANG_CFLAGS of tools/testing/selftests/bpf/Makefile for the
# test_progs runner (which runs these tests), in its order: -I$(INCLUDE_DIR) (libbpf's
# headers, bpf_helper_defs.h, vmlinux.h), -I$(CURDIR) (the selftests directory),
# -I$(APIDIR) (tools/include/uapi), clang's default host include directories after those,
# then the build rule's -O2 --target=bpf -mcpu=v3. Per-file flags come from the Makefile's
# progs/<file>.c-CFLAGS lines.
read -r -a sys_includes <<<"$(clang-19 -v -E - </dev/null 2>&1 |
  sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }' |
  tr '\n' ' ')"
cflags=(-g -Wall -Werror -D__TARGET_ARCH_x86 -mlittle-endian
        -I"$src/tools/lib" -I"$gen" -I"$out" -I"$src/$bpfdir" -I"$src/tools/include/uapi"
        -Wno-compare-distinct-pointer-types "${sys_includes[@]}" -DENABLE_ATOMICS_TESTS
        -O2 --target=bpf -mcpu=v3)
declare -A file_cflags=([verifier_nocsr]=-fno-strict-aliasing)

obj=$out/obj
btfobj=$obj/btf # the BTF carriers, apart from the test objects (obj/*.bpf.o)
mkdir -p "$obj" "$btfobj"
# Every object depends on the flags, the headers and vmlinux.h: one marker newer than all
# (a fresh extraction shows as new directories; tar keeps the files' own dates).
inputs=$obj/.inputs
flags_now="$(clang-19 --version | head -n1) ${cflags[*]} $(declare -p file_cflags)"
if [[ ! -f $inputs || "$(cat "$inputs")" != "$flags_now" ||
      -n "$(find "$src" "$gen" "$out/vmlinux.h" -newer "$inputs" ! -path '*/progs/*.c' \
              -print -quit)" ]]; then
  echo "$flags_now" >"$inputs"
fi

# Compiles SOURCE into DIR/NAME.bpf.o, or records its errors in DIR/NAME.err, unless that
# result is newer than the source and the inputs. Sets `errors` to the .err file.
compile() {
  local source=$1 dir=$2
  local name object result
  name=$(basename "$source" .c)
  object=$dir/$name.bpf.o
  errors=$dir/$name.err
  # Up to date: an object (or a recorded failure) newer than its source and the inputs.
  result=$object
  [[ -f $errors ]] && result=$errors
  if [[ ! -f $result || $result -ot $source || $result -ot $inputs ]]; then
    rm -f "$object" "$errors"
    # shellcheck disable=SC2086  # per-file flags are words
    if ! clang-19 "${cflags[@]}" ${file_cflags[$name]:-} -c "$source" -o "$object.tmp" \
        2>"$errors.tmp"; then
      rm -f "$object.tmp"
      mv "$errors.tmp" "$errors"
    else
      rm -f "$errors.tmp"
      mv "$object.tmp" "$object"
    fi
  fi
}

# Removes the objects and recorded failures in DIR whose source is no longer present.
remove_stale() {
  local dir=$1 file base
  for file in "$dir"/*.bpf.o "$dir"/*.err; do
    [[ -e $file ]] || continue
    base=$(basename "$file")
    base=${base%.bpf.o}
    base=${base%.err}
    [[ -f $src/$bpfdir/progs/$base.c ]] || rm -f "$file"
  done
}

not_compiled=$out/not-compiled.tsv
: >"$not_compiled"
resource_files=(map_kptr map_kptr_fail timer_failure cb_refs)
for source in "$src/$bpfdir"/progs/verifier_*.c "${resource_files[@]/#/$src/$bpfdir/progs/}"; do
  source=${source%.c}.c
  compile "$source" "$obj"
  if [[ -f $errors ]]; then
    first=$(grep -m1 'error:' "$errors" || head -n1 "$errors")
    printf '%s\t%s\n' "$(basename "$source")" "${first#"$src/"}" >>"$not_compiled"
  fi
done
# The BTF carriers: test_loader resolves the CO-RE relocations of a test with
# __btf_path("btf__X.bpf.o") against that object's BTF instead of the kernel's. A carrier
# that does not compile only leaves the tests naming it without their target types.
for source in "$src/$bpfdir"/progs/btf__*.c; do
  [[ -f $source ]] || continue
  compile "$source" "$btfobj"
  if [[ -f $errors ]]; then
    echo "selftests.sh: $(basename "$source") did not compile (see $errors)" >&2
  fi
done
rm -f "$obj"/*.tmp "$btfobj"/*.tmp
# Objects of sources no longer present would be stale.
remove_stale "$obj"
remove_stale "$btfobj"

# 4. The check.
shopt -s nullglob
objects=("$obj"/*.bpf.o)
status=0
"$checker" --not-compiled "$not_compiled" --expectations "$out/expectations.tsv" \
  "${objects[@]}" || status=$?
# The files without annotations: the expectations prog_tests/ states replace the rows the
# checker wrote for them (which take every unannotated program as expected to load).
supplement=$here/tests/selftests/prog-tests-expectations.tsv
awk -F'\t' 'FNR == NR { if ($0 !~ /^#/) replaced[$1] = 1; next } !($1 in replaced)' \
  "$supplement" "$out/expectations.tsv" >"$out/expectations.tsv.tmp"
grep -v '^#' "$supplement" >>"$out/expectations.tsv.tmp"
mv "$out/expectations.tsv.tmp" "$out/expectations.tsv"

# 5. The verdicts.
"$build/tests/selftests/bpfcheck-selftest-verdicts" "$out/expectations.tsv" "$obj" \
  --btf-dir "$btfobj" --verdicts "$out/verdicts.tsv" --kernel
exit "$status"
