#!/usr/bin/env bash
# Installs the Debian bookworm packages bpfcheck builds and tests with, when missing.
# Usage: scripts/setup.sh [--selftests]   (--selftests also installs linux-source-6.12)
set -euo pipefail

packages=(cmake ninja-build pkg-config make g++-12 llvm-19 clang-format-19
          llvm-19-dev clang-19 libclang-rt-19-dev lld-19
          libz3-dev libelf-dev zlib1g-dev libbpf-dev doctest-dev bpftool)
if [[ "${1:-}" == "--selftests" ]]; then
  packages+=(linux-source-6.12 xz-utils python3)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
