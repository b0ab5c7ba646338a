// Resolving an object's extern variables as libbpf does: `.kconfig` externs (CONFIG_*,
// LINUX_KERNEL_VERSION, LINUX_HAS_*) become slots of one read-only `.kconfig` map filled
// from the target kernel's configuration; typed `__ksym` variables become BTF ids of the
// target kernel's variables.
#pragma once

#include "ElfFile.h"
#include "TargetBtf.h"

#include "bpfcheck/frontend/Object.h"

#include <map>
#include <string>

struct btf;

namespace bpfcheck {

/// Where the program finds an extern's value.
struct ExternResolution {
  enum class Kind { KconfigSlot, KernelVariable };
  Kind kind = Kind::KconfigSlot;
  std::uint32_t offset = 0; ///< KconfigSlot: byte offset in the `.kconfig` map
  std::uint32_t btfId = 0;  ///< KernelVariable: the VAR's id in the target BTF
  std::string detail;       ///< the value or id, for `dump`
};

struct ExternIndex {
  std::optional<std::size_t> kconfigMap; ///< index in Object::maps
  std::map<std::string, ExternResolution> byName;
};

struct KconfigSource {
  std::string path;          ///< empty: /proc/config.gz, then /boot/config-$(uname -r)
  std::string kernelRelease; ///< empty: uname -r
};

/// Resolves every extern variable the object's BTF declares in `.kconfig` or `.ksyms`
/// (extern functions, kfuncs, are resolved at their calls). Adds the `.kconfig` map.
Expected<ExternIndex> resolveExterns(const ElfFile &elf, const btf *objectBtf,
                                     const KconfigSource &source, TargetBtf &target,
                                     Object &object);

} // namespace bpfcheck
