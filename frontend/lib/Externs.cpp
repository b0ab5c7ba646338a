// libbpf's rules for externs, as facts: a `.kconfig` extern of type bool takes y/n, a
// tristate (enum libbpf_tristate) y = 1, n = 0, m = 2, a char the letter, an integer the
// number, a char array the quoted string; an option the configuration does not mention is
// an error unless the extern is weak (then zero). LINUX_KERNEL_VERSION is
// KERNEL_VERSION(a, b, c) of the release; LINUX_HAS_BPF_COOKIE and
// LINUX_HAS_SYSCALL_WRAPPER are true on this kernel. The `.kconfig` map places externs by
// decreasing alignment, then name.
#include "Externs.h"

#include <bpf/btf.h>
#include <elf.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace bpfcheck {
namespace {

constexpr std::uint32_t MapFlagReadOnlyProgram = 1U << 7; // BPF_F_RDONLY_PROG
constexpr std::uint32_t MapFlagMmapable = 1U << 10;       // BPF_F_MMAPABLE

/// The configuration as NAME → raw value ("y", "m", "n", "123", "\"text\"").
using Kconfig = std::map<std::string, std::string>;

Expected<Kconfig> readKconfig(const std::string &path) {
  gzFile file = gzopen(path.c_str(), "rb"); // reads plain text too
  if (!file)
    return Error("cannot open kernel configuration '" + path + "'");
  Kconfig values;
  std::string line;
  char buffer[4096];
  while (gzgets(file, buffer, sizeof buffer)) {
    line = buffer;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
      line.pop_back();
    if (line.rfind("# CONFIG_", 0) == 0 && line.size() > 13 &&
        line.compare(line.size() - 11, 11, " is not set") == 0)
      values[line.substr(2, line.size() - 13)] = "n";
    else if (line.rfind("CONFIG_", 0) == 0)
      if (auto equals = line.find('='); equals != std::string::npos)
        values[line.substr(0, equals)] = line.substr(equals + 1);
  }
  gzclose(file);
  return values;
}

std::string kernelRelease(const KconfigSource &source) {
  if (!source.kernelRelease.empty())
    return source.kernelRelease;
  utsname name{};
  uname(&name);
  return name.release;
}

/// KERNEL_VERSION(a, b, c) of a release string like "6.18.44-fc".
std::uint32_t kernelVersionCode(const std::string &release) {
  unsigned major = 0, minor = 0, patch = 0;
  std::sscanf(release.c_str(), "%u.%u.%u", &major, &minor, &patch);
  return (major << 16) | (minor << 8) | std::min(patch, 255u);
}

struct KconfigExtern {
  std::string name;
  const btf_type *type; ///< resolved (no typedefs or modifiers)
  std::uint32_t size;
  std::uint32_t alignment;
  bool weak;
  std::uint32_t offset = 0;
};

/// Writes `raw` (a configuration value) into `slot` as the extern's type wants it.
Expected<bool> encodeValue(const btf *types, const KconfigExtern &ext, const std::string &raw,
                           std::byte *slot) {
  const std::string where = "kconfig extern '" + ext.name + "'";
  const btf_type *type = ext.type;
  if (btf_is_int(type) && (btf_int_encoding(type) & BTF_INT_BOOL)) {
    if (raw != "y" && raw != "n")
      return Error(where + ": value '" + raw + "' is not a boolean (y or n)");
    slot[0] = std::byte(raw == "y");
    return true;
  }
  if (btf_is_enum(type)) {
    const char *enumName = btf__name_by_offset(types, type->name_off);
    if (!enumName || std::string(enumName) != "libbpf_tristate")
      return Error(where + ": an enum other than libbpf_tristate");
    const std::int32_t value = raw == "y" ? 1 : raw == "m" ? 2 : raw == "n" ? 0 : -1;
    if (value < 0)
      return Error(where + ": value '" + raw + "' is not a tristate (y, m or n)");
    std::memcpy(slot, &value, std::min<std::size_t>(ext.size, sizeof value));
    return true;
  }
  if (btf_is_int(type) && ext.size == 1 && raw.size() == 1 &&
      (raw == "y" || raw == "m" || raw == "n")) {
    slot[0] = std::byte(raw[0]);
    return true;
  }
  if (btf_is_int(type)) {
    if (ext.size != 1 && ext.size != 2 && ext.size != 4 && ext.size != 8)
      return Error(where + ": an integer of " + std::to_string(ext.size) +
                   " bytes (expected 1, 2, 4 or 8)");
    errno = 0;
    char *end = nullptr;
    const bool isSigned = btf_int_encoding(type) & BTF_INT_SIGNED;
    const long long signedValue = isSigned ? std::strtoll(raw.c_str(), &end, 0) : 0;
    const unsigned long long unsignedValue = isSigned ? static_cast<unsigned long long>(signedValue)
                                                      : std::strtoull(raw.c_str(), &end, 0);
    if (raw.empty() || errno != 0 || !end || *end != '\0')
      return Error(where + ": value '" + raw + "' is not an integer");
    const unsigned bits = ext.size * 8;
    if (bits < 64) {
      const bool fits =
          isSigned ? (signedValue >= -(1LL << (bits - 1)) && signedValue < (1LL << (bits - 1)))
                   : unsignedValue < (1ULL << bits);
      if (!fits)
        return Error(where + ": value " + raw + " does not fit " + std::to_string(ext.size) +
                     " bytes");
    }
    std::memcpy(slot, &unsignedValue, ext.size); // little endian
    return true;
  }
  if (btf_is_array(type)) {
    if (raw.size() < 2 || raw.front() != '"' || raw.back() != '"')
      return Error(where + ": value " + raw + " is not a string");
    const std::string text = raw.substr(1, raw.size() - 2);
    std::memcpy(slot, text.data(), std::min<std::size_t>(text.size(), ext.size - 1));
    return true;
  }
  return Error(where + ": its type is neither bool, tristate, integer, char nor a char array");
}

const btf_type *resolveType(const btf *types, std::uint32_t id) {
  const btf_type *type = btf__type_by_id(types, id);
  for (int depth = 0; type && (btf_is_mod(type) || btf_is_typedef(type)) && depth < 64; ++depth)
    type = btf__type_by_id(types, type->type);
  return type;
}

bool isWeak(const ElfFile &elf, const std::string &name) {
  for (const ElfSymbol &symbol : elf.symbols())
    if (symbol.name == name && symbol.sectionIndex == SHN_UNDEF)
      return symbol.binding == STB_WEAK;
  return false;
}

} // namespace

Expected<ExternIndex> resolveExterns(const ElfFile &elf, const btf *types,
                                     const KconfigSource &source, TargetBtf &target,
                                     Object &object) {
  ExternIndex index;
  if (!types)
    return index;
  std::vector<KconfigExtern> kconfig;
  for (std::uint32_t id = 1; id < btf__type_cnt(types); ++id) {
    const btf_type *section = btf__type_by_id(types, id);
    if (!btf_is_datasec(section))
      continue;
    const char *sectionName = btf__name_by_offset(types, section->name_off);
    const std::string name = sectionName ? sectionName : "";
    if (name != ".kconfig" && name != ".ksyms")
      continue;
    const btf_var_secinfo *entry = btf_var_secinfos(section);
    for (unsigned i = 0; i < btf_vlen(section); ++i, ++entry) {
      const btf_type *var = btf__type_by_id(types, entry->type);
      if (!var || !btf_is_var(var))
        continue; // extern functions (kfuncs) are resolved at their calls
      const char *varName = btf__name_by_offset(types, var->name_off);
      const std::string externName = varName ? varName : "";
      const btf_type *type = resolveType(types, var->type);
      if (!type)
        return Error("extern '" + externName + "' has an invalid BTF type");
      if (name == ".ksyms") {
        if (btf_is_void(type) || var->type == 0)
          return Error("extern '" + externName +
                       "' is an untyped __ksym: its address would come from /proc/kallsyms, "
                       "which bpfcheck does not read; declare it with its type");
        auto kernel = target.get("__ksym variable '" + externName + "'");
        if (!kernel)
          return kernel.takeError();
        const int kernelId = btf__find_by_name_kind(*kernel, externName.c_str(), BTF_KIND_VAR);
        if (kernelId <= 0) {
          if (isWeak(elf, externName))
            continue;
          return Error("__ksym variable '" + externName + "' is not in the target kernel's BTF");
        }
        index.byName[externName] = {ExternResolution::Kind::KernelVariable, 0,
                                    std::uint32_t(kernelId), "btf id " + std::to_string(kernelId)};
        continue;
      }
      const long size = btf__resolve_size(types, var->type);
      const int alignment = btf__align_of(types, var->type);
      if (size <= 0 || size > 4096 || alignment <= 0)
        return Error("kconfig extern '" + externName + "' has an unusable size or alignment");
      kconfig.push_back({externName, type, std::uint32_t(size), std::uint32_t(alignment),
                         isWeak(elf, externName)});
    }
  }
  if (kconfig.empty())
    return index;

  std::sort(kconfig.begin(), kconfig.end(), [](const KconfigExtern &a, const KconfigExtern &b) {
    return a.alignment != b.alignment ? a.alignment > b.alignment : a.name < b.name;
  });
  std::uint32_t size = 0;
  for (KconfigExtern &ext : kconfig) {
    size = (size + ext.alignment - 1) / ext.alignment * ext.alignment;
    ext.offset = size;
    size += ext.size;
  }

  const bool needsConfig = std::any_of(kconfig.begin(), kconfig.end(), [](const KconfigExtern &e) {
    return e.name.rfind("CONFIG_", 0) == 0;
  });
  Kconfig values;
  std::string configPath = source.path;
  if (needsConfig) {
    if (configPath.empty()) {
      configPath = "/proc/config.gz";
      if (access(configPath.c_str(), R_OK) != 0)
        configPath = "/boot/config-" + kernelRelease(source);
    }
    auto read = readKconfig(configPath);
    if (!read)
      return Error(read.error().message + ", needed by kconfig extern '" + kconfig[0].name + "'");
    values = std::move(*read);
  }

  MapDefinition map;
  map.name = ".kconfig";
  map.section = ".kconfig";
  map.origin = MapOrigin::Kconfig;
  map.type = std::uint32_t(MapType::Array);
  map.keySize = 4;
  map.valueSize = std::max<std::uint32_t>(size, 1);
  map.maxEntries = 1;
  map.readOnly = true;
  map.flags = MapFlagReadOnlyProgram | MapFlagMmapable;
  map.initialData.assign(map.valueSize, std::byte{0});
  for (const KconfigExtern &ext : kconfig) {
    std::string raw;
    if (ext.name == "LINUX_KERNEL_VERSION")
      raw = std::to_string(kernelVersionCode(kernelRelease(source)));
    else if (ext.name == "LINUX_HAS_BPF_COOKIE" || ext.name == "LINUX_HAS_SYSCALL_WRAPPER")
      raw = "y";
    else if (auto value = values.find(ext.name); value != values.end())
      raw = value->second;
    else if (ext.weak)
      raw = "";
    else if (ext.name.rfind("CONFIG_", 0) == 0)
      return Error("kconfig extern '" + ext.name + "' is not in '" + configPath +
                   "' (declare it __weak to default it to zero)");
    else
      return Error("kconfig extern '" + ext.name +
                   "' is unknown (neither CONFIG_* nor "
                   "LINUX_KERNEL_VERSION, LINUX_HAS_BPF_COOKIE, LINUX_HAS_SYSCALL_WRAPPER)");
    if (!raw.empty())
      if (auto encoded = encodeValue(types, ext, raw, map.initialData.data() + ext.offset);
          !encoded)
        return encoded.takeError();
    index.byName[ext.name] = {ExternResolution::Kind::KconfigSlot, ext.offset, 0,
                              raw.empty() ? "weak, 0" : raw};
  }
  index.kconfigMap = object.maps.size();
  object.maps.push_back(std::move(map));
  return index;
}

} // namespace bpfcheck
