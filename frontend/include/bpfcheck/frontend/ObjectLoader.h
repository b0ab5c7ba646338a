// Loading a BPF ELF object (as clang-19 and libbpf users produce them) into an Object:
// programs classified by section name, maps, relocations applied (maps, global data,
// subprograms, callbacks, kfuncs, CO-RE), and source locations from line info.
#pragma once

#include "bpfcheck/frontend/Object.h"
#include "bpfcheck/ir/Expected.h"

#include <cstddef>
#include <optional>
#include <span>
#include <string>

struct btf; // libbpf

namespace bpfcheck {

struct LoadOptions {
  /// Target kernel BTF for CO-RE and kfuncs (`--btf FILE`, raw BTF or an ELF with .BTF).
  /// Empty: /sys/kernel/btf/vmlinux when readable.
  std::string targetBtfPath;
  /// An already loaded target BTF (libbpf's `struct btf`, not owned), for callers that
  /// load many objects against one kernel; takes precedence over targetBtfPath.
  const btf *targetBtf = nullptr;
  /// The target kernel's configuration for `.kconfig` externs (plain or gzip text).
  /// Empty: /proc/config.gz, else /boot/config-$(uname -r).
  std::string kconfigPath;
  /// Overrides what section names say (`--type`, `--attach-type`); programs in sections
  /// with no known convention are only loaded when a type is given.
  std::optional<ProgramType> programType;
  std::optional<AttachType> attachType;
};

/// Reads an object from memory. `name` is used in messages and stored as Object::path.
Expected<Object> loadObject(std::span<const std::byte> elf, const LoadOptions &options,
                            const std::string &name = "<memory>");

/// Reads an object file. Errors start with the path.
Expected<Object> loadObjectFile(const std::string &path, const LoadOptions &options);

} // namespace bpfcheck
