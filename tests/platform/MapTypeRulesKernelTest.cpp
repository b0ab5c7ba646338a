// Checks platform/lib/MapTypeRules.cpp against the running kernel, in four parts:
//
//  1. Creation: for every map type, BPF_MAP_CREATE with the row's canonical valid attributes
//     (must succeed) and with each single violation the row implies (key/value size one off
//     or at the bounds, max_entries 0 / over the limit / not a power of two, each flag bit
//     toggled, conflicting flag pairs, BTF added or left out, map_extra, inner-map templates
//     of every type); checkMapCreation must agree with the kernel on every attempt.
//  2. Inner maps: an array_of_maps / hash_of_maps is created with a template, then
//     BPF_MAP_UPDATE_ELEM stores a candidate; checkInnerMapCompatible must agree.
//  3. Map × helper: for each helper that is easy to call with well-typed arguments, each
//     creatable map type and a few program types, a program `call helper(map, …); r0 = 0;
//     exit` is loaded. The kernel's answer is classified as
//       "cannot pass map_type" / "cannot update sockmap in this context"  incompatible
//       "write into map forbidden"              a read-only map (record_func_map)
//       "expected prog array map for tail call" tail call on another map (record_func_key)
//       "callback function not allowed for map" no for_each walker
//       accepted, or "Unreleased reference" (which the verifier reports at exit, long
//       after the call was judged)              compatible
//     and compared with checkMapHelperCompatibility (also the message text). Any other
//     refusal comes from a check that runs before check_map_func_compatibility (the
//     arguments: a zero-sized key of a keyless map is an "invalid zero-sized read", a
//     sockmap update needs a socket in r3, which kprobe and socket_filter programs cannot
//     get); such cells cannot be judged live and are counted apart as "masked".
//  4. Program use: a socket_filter and a sleepable syscall program refer to each map
//     (ld_imm64); checkMapUseInProgram must agree.
//
// Not checked live, by construction:
//  - BPF_F_TOKEN_FD (needs a BPF token) and, for struct_ops, BPF_F_VTYPE_BTF_OBJ_FD (needs a
//    module's BTF fd): the flag sweep leaves them out.
//  - struct_ops value sizes: the row cannot know the kernel struct's size
//    (valueSizeFromKernelType); the test takes it from the kernel's BTF
//    (bpf_struct_ops_tcp_congestion_ops) and does not vary it.
//  - Upper bounds whose valid side would allocate gigabytes (hash and sockhash at 2^27
//    entries): only the refused side is tried, which the kernel refuses before allocating.
//    Valid boundary cases are tried only when the map stays below 16 MiB.
//  - cpumap's max_entries limit is NR_CPUS, a configuration choice the row leaves out.
//  - The privilege column (CAP_BPF / CAP_NET_ADMIN per type): unprivileged BPF is disabled
//    on these machines.
//  - Masked map × helper cells (counted apart, listed by the kernel's message): a keyless
//    map (queue, stack, bloom filter, ring buffers, arena) passed to a helper that reads a
//    key ("invalid zero-sized read"); a sockmap/sockhash passed where the value argument
//    must become a socket (resolve_map_arg_type: "invalid arg_type for sockmap/sockhash",
//    or "R2/R3 type=fp expected=sock_common…" where the program type has no socket to
//    give). These are argument checks of the helper prototypes, which run first.
//
// Facts of this kernel that differ from the 6.12.117 sources the rows started from, found
// by this test: queue and stack maps have no max_entries × value_size limit (6.12.117
// refuses max_entries >= U32_MAX / value_size), sockmap has no INT_MAX limit on
// max_entries, and bpf_tail_call on any map but a prog_array is refused by
// record_func_key ("expected prog array map for tail call") before
// check_map_func_compatibility could say "cannot pass map_type".
//
// Remaining differences between the table and this kernel: none.
//
// MAP_RULES_VERBOSE=1 prints every map × helper cell, MAP_RULES_LOG=1 the logs of masked ones.
//
// Exit status: 0 when every judged case agrees, 1 otherwise, 77 (ctest: skipped) when bpf()
// is not usable here. The last line reads "N passed, M failed".
#include "../oracle/ProgramTypeCases.h"
#include "bpfcheck/ir/Encoding.h"
#include "bpfcheck/ir/Hex.h"
#include "bpfcheck/platform/MapTypeRules.h"

#include <bpf/btf.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace bpfcheck;
using encoding::RawInstruction;

namespace {

constexpr int ExitSkipped = 77;
constexpr std::uint32_t PageSize = 4096;
constexpr std::uint32_t Unbounded = 0xffffffffu;
/// Valid boundary cases are tried only when the map they create stays this small.
constexpr std::uint64_t CheapBytes = 16u << 20;

/// BPF_MAP_CREATE's part of `union bpf_attr` as Linux 6.18 lays it out (the system's uapi
/// header is older and lacks the last fields).
struct MapCreateAttr {
  std::uint32_t mapType = 0;
  std::uint32_t keySize = 0;
  std::uint32_t valueSize = 0;
  std::uint32_t maxEntries = 0;
  std::uint32_t mapFlags = 0;
  std::uint32_t innerMapFd = 0;
  std::uint32_t numaNode = 0;
  char mapName[16] = {};
  std::uint32_t mapIfindex = 0;
  std::uint32_t btfFd = 0;
  std::uint32_t btfKeyTypeId = 0;
  std::uint32_t btfValueTypeId = 0;
  std::uint32_t btfVmlinuxValueTypeId = 0;
  std::uint64_t mapExtra = 0;
  std::int32_t valueTypeBtfObjFd = 0;
  std::int32_t mapTokenFd = 0;
  std::uint64_t exclProgHash = 0;
  std::uint32_t exclProgHashSize = 0;
  std::uint32_t padding = 0; ///< the kernel wants every byte after the last field zero
};
static_assert(offsetof(MapCreateAttr, mapExtra) == 64 && sizeof(MapCreateAttr) == 96);

long bpfCall(int command, void *attr, std::size_t size) {
  return syscall(__NR_bpf, command, attr, size);
}

std::uint64_t pointer(const void *p) {
  return reinterpret_cast<std::uintptr_t>(p);
}

/// A file descriptor closed when it goes away.
class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : value(fd) {}
  Fd(Fd &&other) noexcept : value(other.value) { other.value = -1; }
  Fd &operator=(Fd &&other) noexcept {
    std::swap(value, other.value);
    return *this;
  }
  Fd(const Fd &) = delete;
  Fd &operator=(const Fd &) = delete;
  ~Fd() {
    if (value >= 0)
      close(value);
  }
  int get() const { return value; }
  bool valid() const { return value >= 0; }

private:
  int value = -1;
};

std::string mapName(MapType type) {
  return std::string(nameOf(type));
}

struct Tally {
  unsigned passed = 0;
  unsigned failed = 0;
  unsigned masked = 0;
  void record(bool ok, const std::string &what) {
    if (ok) {
      ++passed;
      return;
    }
    ++failed;
    std::printf("MISMATCH %s\n", what.c_str());
  }
};

// ---------------------------------------------------------------------------------------
// BTF: one small BTF object per map that wants key/value types.

struct KernelTypes {
  std::uint32_t structOpsValueId = 0; ///< bpf_struct_ops_tcp_congestion_ops in vmlinux
  std::uint32_t structOpsValueSize = 0;
  std::uint32_t taskIteratorId = 0; ///< bpf_iter_task, the target of a task iterator
};

std::optional<KernelTypes> readKernelTypes() {
  std::unique_ptr<btf, void (*)(btf *)> vmlinux(btf__load_vmlinux_btf(), &btf__free);
  if (!vmlinux)
    return std::nullopt;
  const int id =
      btf__find_by_name_kind(vmlinux.get(), "bpf_struct_ops_tcp_congestion_ops", BTF_KIND_STRUCT);
  if (id <= 0)
    return std::nullopt;
  const long long size = btf__resolve_size(vmlinux.get(), std::uint32_t(id));
  const int iterator = btf__find_by_name_kind(vmlinux.get(), "bpf_iter_task", BTF_KIND_FUNC);
  return KernelTypes{std::uint32_t(id), std::uint32_t(size),
                     iterator > 0 ? std::uint32_t(iterator) : 0};
}

/// A loaded BTF with a key and a value type of the map's sizes, shaped as each type's
/// map_check_btf wants them (a 32-bit int for 4-byte keys, a struct for LPM and cgroup
/// storage keys, byte arrays otherwise).
class MapBtf {
public:
  MapBtf(MapType type, std::uint32_t keySize, std::uint32_t valueSize) : types(btf__new_empty()) {
    if (!types)
      return;
    const int byte = btf__add_int(types, "unsigned char", 1, 0);
    const int u32 = btf__add_int(types, "unsigned int", 4, 0);
    const int u64 = btf__add_int(types, "unsigned long long", 8, 0);
    auto bytes = [&](std::uint32_t n) { return btf__add_array(types, u32, byte, n); };
    if (keySize == 0)
      keyId = 0;
    else if (type == MapType::LpmTrie && keySize > 4) {
      const int data = bytes(keySize - 4);
      keyId = btf__add_struct(types, "lpm_key", keySize);
      btf__add_field(types, "prefixlen", u32, 0, 0);
      btf__add_field(types, "data", data, 32, 0);
    } else if ((type == MapType::CgroupStorage || type == MapType::PercpuCgroupStorage) &&
               keySize == 16) {
      keyId = btf__add_struct(types, "bpf_cgroup_storage_key", 16);
      btf__add_field(types, "cgroup_inode_id", u64, 0, 0);
      btf__add_field(types, "attach_type", u32, 64, 0);
    } else if (keySize == 4)
      keyId = u32;
    else if (keySize == 8)
      keyId = u64;
    else
      keyId = bytes(keySize);
    valueId = bytes(valueSize);
    if (btf__load_into_kernel(types) == 0)
      fd = btf__fd(types);
  }
  MapBtf(const MapBtf &) = delete;
  MapBtf &operator=(const MapBtf &) = delete;
  ~MapBtf() { btf__free(types); } // closes the fd too

  btf *types = nullptr;
  int fd = -1;
  int keyId = 0;
  int valueId = 0;
};

// ---------------------------------------------------------------------------------------
// Part 1: creation.

struct Attempt {
  Fd fd;
  int error = 0;
};

struct Creator {
  KernelTypes kernel;

  /// Creates the map `creation` describes; `innerFd` is passed as inner_map_fd.
  Attempt create(const MapCreation &creation, int innerFd) const {
    MapCreateAttr attr;
    attr.mapType = std::uint32_t(creation.type);
    attr.keySize = creation.keySize;
    attr.valueSize = creation.valueSize;
    attr.maxEntries = creation.maxEntries;
    attr.mapFlags = creation.flags;
    attr.numaNode = 0; // with BPF_F_NUMA_NODE: node 0, which is online
    attr.mapExtra = creation.mapExtra;
    attr.innerMapFd = innerFd >= 0 ? std::uint32_t(innerFd) : 0;
    std::unique_ptr<MapBtf> types;
    if (creation.hasBtf) {
      types =
          std::make_unique<MapBtf>(creation.type, creation.keySize,
                                   creation.type == MapType::StructOps ? 1 : creation.valueSize);
      if (types->fd < 0)
        return {Fd(), -1};
      attr.btfFd = std::uint32_t(types->fd);
      if (creation.type == MapType::StructOps)
        attr.btfVmlinuxValueTypeId = kernel.structOpsValueId;
      else {
        attr.btfKeyTypeId = std::uint32_t(types->keyId);
        attr.btfValueTypeId = std::uint32_t(types->valueId);
      }
    }
    const int fd = int(bpfCall(BPF_MAP_CREATE, &attr, sizeof attr));
    return {Fd(fd), fd < 0 ? errno : 0};
  }

  /// The row's canonical valid attributes.
  MapCreation canonical(const MapTypeRule &rule) const {
    MapCreation creation;
    creation.type = rule.type;
    creation.keySize = rule.key.minimum;
    creation.valueSize =
        rule.valueSizeFromKernelType ? kernel.structOpsValueSize : rule.value.minimum;
    switch (rule.maxEntries) {
    case MaxEntriesRule::Zero:
      creation.maxEntries = 0;
      break;
    case MaxEntriesRule::PowerOfTwoPageMultiple:
      creation.maxEntries = PageSize;
      break;
    default:
      creation.maxEntries = 1;
      break;
    }
    creation.flags = rule.requiredFlags;
    creation.hasBtf = rule.needsBtf;
    if (rule.needsInnerMap)
      creation.innerMap = MapShape{MapType::Array, 4, 4, 1, 0};
    return creation;
  }

  /// A canonical map of `type` (for templates and programs). Programs may refer to an arena
  /// only once its user address is known (map_extra or mmap).
  Attempt createCanonical(MapType type, bool forPrograms = false) const {
    const MapTypeRule *rule = findMapTypeRule(type);
    MapCreation creation = canonical(*rule);
    if (forPrograms && rule->mapExtra == MapExtraRule::ArenaUserAddress)
      creation.mapExtra = 1ull << 32;
    Attempt inner;
    if (creation.innerMap) {
      inner = createCanonical(MapType::Array);
      if (!inner.fd.valid())
        return inner;
    }
    return create(creation, inner.fd.get());
  }
};

struct CreationCase {
  std::string label;
  MapCreation creation;
};

std::uint64_t footprint(const MapCreation &creation) {
  const std::uint64_t entries = creation.maxEntries == 0 ? 1 : creation.maxEntries;
  return entries * (std::uint64_t(creation.keySize) + creation.valueSize + 64);
}

void addSizeCases(std::vector<CreationCase> &cases, const MapCreation &base, const char *what,
                  const SizeRule &rule, std::uint32_t MapCreation::*field) {
  std::vector<std::uint32_t> sizes;
  if (rule.minimum > 0)
    sizes.push_back(rule.minimum - 1);
  if (rule.minimum == rule.maximum) {
    sizes.push_back(rule.minimum + 1);
    if (rule.alternative) {
      sizes.push_back(rule.alternative);
      sizes.push_back(rule.alternative + 1);
    }
  } else {
    if (rule.multipleOf > 1)
      sizes.push_back(rule.minimum + 1);
    if (rule.maximum != Unbounded) {
      sizes.push_back(rule.maximum);
      sizes.push_back(rule.maximum + 1);
    }
  }
  for (std::uint32_t size : sizes) {
    MapCreation creation = base;
    creation.*field = size;
    if (rule.accepts(size) && footprint(creation) > CheapBytes)
      continue;
    cases.push_back({std::string(what) + "=" + std::to_string(size), creation});
  }
}

const char *flagName(std::uint32_t bit) {
  static const char *const names[] = {
      "NO_PREALLOC",      "NO_COMMON_LRU",  "NUMA_NODE",     "RDONLY",      "WRONLY",
      "STACK_BUILD_ID",   "ZERO_SEED",      "RDONLY_PROG",   "WRONLY_PROG", "CLONE",
      "MMAPABLE",         "PRESERVE_ELEMS", "INNER_MAP",     "LINK",        "PATH_FD",
      "VTYPE_BTF_OBJ_FD", "TOKEN_FD",       "SEGV_ON_FAULT", "NO_USER_CONV"};
  const int index = std::countr_zero(bit);
  return index < int(std::size(names)) ? names[index] : "?";
}

std::vector<CreationCase> creationCases(const Creator &creator, const MapTypeRule &rule) {
  std::vector<CreationCase> cases;
  const MapCreation base = creator.canonical(rule);
  cases.push_back({"canonical", base});

  addSizeCases(cases, base, "key_size", rule.key, &MapCreation::keySize);
  if (!rule.valueSizeFromKernelType)
    addSizeCases(cases, base, "value_size", rule.value, &MapCreation::valueSize);
  if (rule.valueRuleFlag) {
    MapCreation withFlag = base;
    withFlag.flags |= rule.valueRuleFlag;
    withFlag.valueSize = rule.valueWithFlag.minimum;
    cases.push_back(
        {"flag value rule, value_size=" + std::to_string(withFlag.valueSize), withFlag});
    addSizeCases(cases, withFlag, "flag value rule, value_size", rule.valueWithFlag,
                 &MapCreation::valueSize);
  }
  if (rule.keyPlusValueLimit) {
    for (std::uint32_t key :
         {rule.keyPlusValueLimit - base.valueSize - 1, rule.keyPlusValueLimit - base.valueSize}) {
      MapCreation creation = base;
      creation.keySize = key;
      cases.push_back({"key_size=" + std::to_string(key) + " (key + value limit)", creation});
    }
  }

  // max_entries
  std::vector<std::uint32_t> entries;
  switch (rule.maxEntries) {
  case MaxEntriesRule::Positive:
    entries.push_back(0);
    break;
  case MaxEntriesRule::Zero:
    entries.push_back(1);
    break;
  case MaxEntriesRule::ExactlyOne:
    entries = {0, 2};
    break;
  case MaxEntriesRule::PowerOfTwoPageMultiple:
    entries = {0, PageSize / 2, PageSize * 3, PageSize * 2};
    break;
  case MaxEntriesRule::AnyIncludingZero:
    entries.push_back(0);
    break;
  }
  if (rule.maxEntriesLimit != 0 && rule.maxEntriesLimit != Unbounded) {
    entries.push_back(rule.maxEntriesLimit);
    entries.push_back(rule.maxEntriesLimit + 1);
  }
  for (std::uint32_t count : entries) {
    MapCreation creation = base;
    creation.maxEntries = count;
    const bool cheapEnough = footprint(creation) <= CheapBytes || rule.type == MapType::Arena;
    if (!checkMapCreation(creation) && !cheapEnough)
      continue;
    cases.push_back({"max_entries=" + std::to_string(count), creation});
  }

  // Each flag toggled, then the pairs that exclude each other.
  for (std::uint32_t bit = 1; bit <= MapNoUserConversion; bit <<= 1) {
    if (bit == MapTokenFd || (rule.type == MapType::StructOps && bit == MapVerifyElements))
      continue;
    MapCreation creation = base;
    creation.flags ^= bit;
    cases.push_back(
        {std::string(base.flags & bit ? "without " : "with ") + flagName(bit), creation});
  }
  for (std::uint32_t pair :
       {std::uint32_t(MapReadOnly | MapWriteOnly),
        std::uint32_t(MapReadOnlyProgram | MapWriteOnlyProgram), rule.conflictingFlags}) {
    if (pair == 0)
      continue;
    MapCreation creation = base;
    creation.flags |= pair;
    cases.push_back({"with flags " + hexNumber(pair), creation});
  }

  // BTF
  MapCreation otherBtf = base;
  otherBtf.hasBtf = !base.hasBtf;
  cases.push_back({otherBtf.hasBtf ? "with key/value BTF" : "without BTF", otherBtf});

  // map_extra
  std::vector<std::pair<std::uint64_t, std::uint32_t>> extras; // map_extra, max_entries
  switch (rule.mapExtra) {
  case MapExtraRule::Zero:
    extras.push_back({1, base.maxEntries});
    break;
  case MapExtraRule::HashFunctionCount:
    extras = {{0xf, base.maxEntries}, {0x10, base.maxEntries}};
    break;
  case MapExtraRule::ArenaUserAddress:
    extras = {{PageSize, base.maxEntries}, {1, base.maxEntries}, {(1ull << 32) - PageSize, 2}};
    break;
  }
  for (auto [extra, count] : extras) {
    MapCreation creation = base;
    creation.mapExtra = extra;
    creation.maxEntries = count;
    cases.push_back(
        {"map_extra=" + hexNumber(extra) + " max_entries=" + std::to_string(count), creation});
  }

  // Map-in-map: no template, then a template of every type.
  if (rule.needsInnerMap) {
    MapCreation creation = base;
    creation.innerMap.reset();
    cases.push_back({"without an inner map", creation});
    for (const MapTypeRule &inner : allMapTypeRules()) {
      MapCreation withInner = base;
      const MapCreation template_ = creator.canonical(inner);
      withInner.innerMap = MapShape{inner.type, template_.keySize, template_.valueSize,
                                    template_.maxEntries, template_.flags};
      cases.push_back({"inner map " + mapName(inner.type), withInner});
    }
  }
  return cases;
}

void checkCreation(const Creator &creator, Tally &tally, unsigned &attempts) {
  for (const MapTypeRule &rule : allMapTypeRules()) {
    for (const CreationCase &item : creationCases(creator, rule)) {
      // The inner map template, when there is one.
      Attempt inner;
      if (item.creation.innerMap) {
        const MapTypeRule *innerRule = findMapTypeRule(item.creation.innerMap->type);
        inner = creator.createCanonical(innerRule->type);
        if (!inner.fd.valid()) {
          std::printf("ERROR cannot create the inner template %s: %s\n",
                      mapName(innerRule->type).c_str(), std::strerror(inner.error));
          ++tally.failed;
          continue;
        }
      }
      const Attempt attempt = creator.create(item.creation, inner.fd.get());
      ++attempts;
      const bool kernelAccepts = attempt.fd.valid();
      const std::optional<std::string> problem = checkMapCreation(item.creation);
      std::string what =
          "create " + mapName(rule.type) + " [" + item.label + "]: kernel " +
          (kernelAccepts ? "accepts"
                         : std::string("refuses (") + std::strerror(attempt.error) + ")") +
          ", table " + (problem ? "refuses (" + *problem + ")" : "accepts");
      tally.record(kernelAccepts == !problem, what);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Part 2: inner maps.

struct InnerCase {
  std::string label;
  MapType outer;
  MapShape innerTemplate;
  MapShape candidate;
};

void checkInnerMaps(const Creator &creator, Tally &tally, unsigned &attempts) {
  const MapShape array{MapType::Array, 4, 8, 4, 0};
  const MapShape innerArray{MapType::Array, 4, 8, 4, MapInnerMap};
  const MapShape hash{MapType::Hash, 4, 8, 4, 0};
  const MapShape xsk{MapType::Xskmap, 4, 4, 4, 0};
  const MapShape ringbuf{MapType::Ringbuf, 0, 0, PageSize, 0};
  const MapShape percpuArray{MapType::PercpuArray, 4, 8, 4, 0};
  const MapShape devmap{MapType::Devmap, 4, 4, 4, 0};
  const MapShape queue{MapType::Queue, 0, 8, 4, 0};
  auto with = [](MapShape shape, auto change) {
    change(shape);
    return shape;
  };
  const std::vector<InnerCase> cases = {
      {"array, same shape", MapType::ArrayOfMaps, array, array},
      {"array, other max_entries", MapType::ArrayOfMaps, array,
       with(array, [](MapShape &s) { s.maxEntries = 8; })},
      {"array, other value_size", MapType::ArrayOfMaps, array,
       with(array, [](MapShape &s) { s.valueSize = 16; })},
      {"array, other flags", MapType::ArrayOfMaps, array,
       with(array, [](MapShape &s) { s.flags = MapReadOnlyProgram; })},
      {"array, other type", MapType::ArrayOfMaps, array, hash},
      {"BPF_F_INNER_MAP array, other max_entries", MapType::ArrayOfMaps, innerArray,
       with(innerArray, [](MapShape &s) { s.maxEntries = 8; })},
      {"BPF_F_INNER_MAP array, candidate without the flag", MapType::ArrayOfMaps, innerArray,
       array},
      {"hash, other max_entries", MapType::HashOfMaps, hash,
       with(hash, [](MapShape &s) { s.maxEntries = 16; })},
      {"hash, other key_size", MapType::HashOfMaps, hash,
       with(hash, [](MapShape &s) { s.keySize = 8; })},
      {"hash, BPF_F_NO_PREALLOC", MapType::ArrayOfMaps, hash,
       with(hash, [](MapShape &s) { s.flags = MapNoPrealloc; })},
      {"xskmap, same max_entries", MapType::ArrayOfMaps, xsk, xsk},
      {"xskmap, other max_entries", MapType::ArrayOfMaps, xsk,
       with(xsk, [](MapShape &s) { s.maxEntries = 8; })},
      {"ringbuf, other size", MapType::ArrayOfMaps, ringbuf,
       with(ringbuf, [](MapShape &s) { s.maxEntries = 2 * PageSize; })},
      {"percpu_array, other max_entries", MapType::ArrayOfMaps, percpuArray,
       with(percpuArray, [](MapShape &s) { s.maxEntries = 8; })},
      {"devmap, other value_size", MapType::ArrayOfMaps, devmap,
       with(devmap, [](MapShape &s) { s.valueSize = 8; })},
      {"devmap, other max_entries", MapType::HashOfMaps, devmap,
       with(devmap, [](MapShape &s) { s.maxEntries = 8; })},
      {"queue, other max_entries", MapType::ArrayOfMaps, queue,
       with(queue, [](MapShape &s) { s.maxEntries = 8; })},
  };
  auto createShape = [&](const MapShape &shape) {
    MapCreation creation;
    creation.type = shape.type;
    creation.keySize = shape.keySize;
    creation.valueSize = shape.valueSize;
    creation.maxEntries = shape.maxEntries;
    creation.flags = shape.flags;
    return creator.create(creation, -1);
  };
  for (const InnerCase &item : cases) {
    const Attempt innerTemplate = createShape(item.innerTemplate);
    const Attempt candidate = createShape(item.candidate);
    if (!innerTemplate.fd.valid() || !candidate.fd.valid()) {
      std::printf("ERROR inner map case '%s': cannot create its maps\n", item.label.c_str());
      ++tally.failed;
      continue;
    }
    MapCreation outer;
    outer.type = item.outer;
    outer.keySize = 4;
    outer.valueSize = 4;
    outer.maxEntries = 1;
    const Attempt outerMap = creator.create(outer, innerTemplate.fd.get());
    if (!outerMap.fd.valid()) {
      std::printf("ERROR inner map case '%s': cannot create the outer map: %s\n",
                  item.label.c_str(), std::strerror(outerMap.error));
      ++tally.failed;
      continue;
    }
    std::uint32_t key = 0;
    std::uint32_t value = std::uint32_t(candidate.fd.get());
    union bpf_attr attr = {};
    attr.map_fd = std::uint32_t(outerMap.fd.get());
    attr.key = pointer(&key);
    attr.value = pointer(&value);
    const bool kernelAccepts = bpfCall(BPF_MAP_UPDATE_ELEM, &attr, sizeof attr) == 0;
    const int error = errno;
    ++attempts;
    const auto problem = checkInnerMapCompatible(item.innerTemplate, item.candidate);
    tally.record(
        kernelAccepts == !problem,
        "inner map [" + item.label + "]: kernel " +
            (kernelAccepts ? "accepts" : std::string("refuses (") + std::strerror(error) + ")") +
            ", table " + (problem ? "refuses (" + *problem + ")" : "accepts"));
  }
}

// ---------------------------------------------------------------------------------------
// Parts 3 and 4: programs.

/// A program under construction, with `out: r0 = 0; exit` and an optional callback after.
class ProgramBuilder {
public:
  void emit(RawInstruction insn) { insns.push_back(insn); }
  void mov(std::uint8_t dst, std::int32_t imm) { emit(RawInstruction::make(0xb7, dst, 0, 0, imm)); }
  void movReg(std::uint8_t dst, std::uint8_t src) {
    emit(RawInstruction::make(0xbf, dst, src, 0, 0));
  }
  void stackPointer(std::uint8_t dst, std::int32_t offset) {
    movReg(dst, 10);
    emit(RawInstruction::make(0x07, dst, 0, 0, offset));
  }
  void loadMap(std::uint8_t dst, int fd) {
    emit(RawInstruction::make(0x18, dst, encoding::PseudoMapFd, 0, fd));
    emit(RawInstruction::make(0, 0, 0, 0, 0));
  }
  /// dst = address of the callback subprogram, placed after the main program.
  void loadCallback(std::uint8_t dst) {
    callbackLoads.push_back(insns.size());
    emit(RawInstruction::make(0x18, dst, encoding::PseudoFunc, 0, 0));
    emit(RawInstruction::make(0, 0, 0, 0, 0));
  }
  void loadField(std::uint8_t dst, std::uint8_t src, std::int16_t offset) {
    emit(RawInstruction::make(0x79, dst, src, offset, 0));
  }
  /// if dst == 0 goto out
  void exitIfNull(std::uint8_t dst) {
    nullChecks.push_back(insns.size());
    emit(RawInstruction::make(0x15, dst, 0, 0, 0));
  }
  void call(HelperId helper) { emit(RawInstruction::make(0x85, 0, 0, 0, std::int32_t(helper))); }

  std::vector<RawInstruction> finish() {
    const std::size_t out = insns.size();
    mov(0, 0);
    emit(RawInstruction::make(0x95, 0, 0, 0, 0));
    const std::size_t callback = insns.size();
    if (!callbackLoads.empty()) {
      mov(0, 0);
      emit(RawInstruction::make(0x95, 0, 0, 0, 0));
    }
    for (std::size_t at : nullChecks)
      insns[at].offset = std::int16_t(out - at - 1);
    for (std::size_t at : callbackLoads)
      insns[at].imm = std::int32_t(callback - at - 1);
    if (!callbackLoads.empty())
      callbackStart = callback;
    return insns;
  }

  /// Where the callback subprogram starts, once finished, if there is one.
  std::optional<std::size_t> callbackStart;

private:
  std::vector<RawInstruction> insns;
  std::vector<std::size_t> nullChecks;
  std::vector<std::size_t> callbackLoads;
};

struct LoadResult {
  bool accepted = false;
  int error = 0;
  std::string log;
};

/// BTF with one static function per subprogram: the kernel wants func_info for programs
/// that pass callbacks.
class FunctionBtf {
public:
  explicit FunctionBtf(std::size_t functions) : types(btf__new_empty()) {
    if (!types)
      return;
    const int integer = btf__add_int(types, "int", 4, BTF_INT_SIGNED);
    const int voidPointer = btf__add_ptr(types, 0);
    const int proto = btf__add_func_proto(types, integer);
    btf__add_func_param(types, "ctx", voidPointer);
    for (std::size_t i = 0; i < functions; ++i)
      ids.push_back(btf__add_func(types, i == 0 ? "prog" : "callback", BTF_FUNC_STATIC, proto));
    if (btf__load_into_kernel(types) == 0)
      fd = btf__fd(types);
  }
  FunctionBtf(const FunctionBtf &) = delete;
  FunctionBtf &operator=(const FunctionBtf &) = delete;
  ~FunctionBtf() { btf__free(types); }

  btf *types = nullptr;
  int fd = -1;
  std::vector<int> ids;
};

/// A program type with the expected attach type (and BTF target) a loader gives it.
struct ProgramKind {
  ProgramType type;
  std::optional<AttachType> attach = std::nullopt;
  std::uint32_t attachBtfId = 0;
};

std::string kindName(const ProgramKind &kind) {
  std::string text(nameOf(kind.type));
  if (kind.attach)
    text += "/" + std::string(nameOf(*kind.attach));
  return text;
}

LoadResult loadProgram(const ProgramKind &kind, const std::vector<RawInstruction> &insns,
                       bool sleepable = false,
                       std::optional<std::size_t> callbackStart = std::nullopt) {
  static const char license[] = "GPL";
  static std::vector<char> log(1 << 20);
  log[0] = '\0';
  union bpf_attr attr = {};
  attr.prog_type = std::uint32_t(kind.type);
  attr.expected_attach_type = kind.attach ? std::uint32_t(*kind.attach) : 0;
  attr.attach_btf_id = kind.attachBtfId;
  attr.insns = pointer(insns.data());
  attr.insn_cnt = std::uint32_t(insns.size());
  attr.license = pointer(license);
  attr.log_buf = pointer(log.data());
  attr.log_size = std::uint32_t(log.size());
  attr.log_level = 1;
  if (sleepable)
    attr.prog_flags = BPF_F_SLEEPABLE;
  std::unique_ptr<FunctionBtf> functions;
  std::vector<bpf_func_info> funcInfo;
  if (callbackStart) {
    functions = std::make_unique<FunctionBtf>(2);
    funcInfo = {{0, std::uint32_t(functions->ids[0])},
                {std::uint32_t(*callbackStart), std::uint32_t(functions->ids[1])}};
    attr.prog_btf_fd = std::uint32_t(functions->fd);
    attr.func_info = pointer(funcInfo.data());
    attr.func_info_cnt = std::uint32_t(funcInfo.size());
    attr.func_info_rec_size = sizeof(bpf_func_info);
  }
  const int fd = int(bpfCall(BPF_PROG_LOAD, &attr, sizeof attr));
  LoadResult result;
  result.error = fd < 0 ? errno : 0;
  result.accepted = fd >= 0;
  if (fd >= 0)
    close(fd);
  result.log = std::string(log.data(), strnlen(log.data(), log.size()));
  return result;
}

enum class Verdict {
  Compatible,
  Incompatible,
  ReadOnly,
  NotProgArray,
  NoCallback,
  Unusable,
  Masked
};

const char *nameOf(Verdict verdict) {
  switch (verdict) {
  case Verdict::Compatible:
    return "compatible";
  case Verdict::Incompatible:
    return "incompatible";
  case Verdict::ReadOnly:
    return "write into map forbidden";
  case Verdict::NoCallback:
    return "no for_each callback";
  case Verdict::NotProgArray:
    return "expected prog array map";
  case Verdict::Unusable:
    return "map unusable in programs";
  case Verdict::Masked:
    return "masked";
  }
  return "?";
}

Verdict classifyKernel(const LoadResult &result) {
  if (result.accepted)
    return Verdict::Compatible;
  const std::string &log = result.log;
  if (log.find("cannot pass map_type") != std::string::npos ||
      log.find("cannot update sockmap in this context") != std::string::npos)
    return Verdict::Incompatible;
  if (log.find("write into map forbidden") != std::string::npos)
    return Verdict::ReadOnly;
  if (log.find("callback function not allowed for map") != std::string::npos)
    return Verdict::NoCallback;
  if (log.find("expected prog array map for tail call") != std::string::npos)
    return Verdict::NotProgArray;
  if (log.find("cannot be used in prog") != std::string::npos)
    return Verdict::Unusable;
  // Reported at exit, after the call (and its compatibility) was accepted.
  if (log.find("Unreleased reference") != std::string::npos)
    return Verdict::Compatible;
  return Verdict::Masked;
}

Verdict classifyTable(const std::optional<std::string> &problem) {
  if (!problem)
    return Verdict::Compatible;
  if (*problem == "write into map forbidden")
    return Verdict::ReadOnly;
  if (*problem == "callback function not allowed for map")
    return Verdict::NoCallback;
  if (*problem == "expected prog array map for tail call")
    return Verdict::NotProgArray;
  return Verdict::Incompatible;
}

/// Where a program type keeps a socket pointer in its context, if it has one.
std::optional<std::int16_t> socketField(ProgramType type) {
  switch (type) {
  case ProgramType::SchedCls:
  case ProgramType::CgroupSkb:
    return std::int16_t(offsetof(struct __sk_buff, sk));
  case ProgramType::SockOps:
    return std::int16_t(offsetof(struct bpf_sock_ops, sk));
  case ProgramType::SkMsg:
    return std::int16_t(offsetof(struct sk_msg_md, sk));
  case ProgramType::SkReuseport:
    return std::int16_t(offsetof(struct sk_reuseport_md, sk));
  case ProgramType::SkLookup:
    return std::int16_t(offsetof(struct bpf_sk_lookup, sk));
  default:
    return std::nullopt;
  }
}

constexpr std::int32_t KeyOffset = -64;    // key bytes: fp-64 .. fp-1
constexpr std::int32_t ValueOffset = -512; // value bytes: fp-512 .. fp-65

/// `helper(map, …)` with well-typed arguments for a program of `type`: r6 holds the context,
/// the stack is zeroed, keys and values point into it.
ProgramBuilder helperProgram(HelperId helper, ProgramType type, MapType map, int fd) {
  ProgramBuilder b;
  b.movReg(6, 1);
  for (std::int16_t offset = -8; offset >= -512; offset -= 8)
    b.emit(RawInstruction::make(0x7a, 10, 0, offset, 0));
  const std::optional<std::int16_t> socket = socketField(type);
  auto socketInto = [&](std::uint8_t dst) {
    if (socket) {
      b.loadField(7, 6, *socket);
      b.exitIfNull(7);
      b.movReg(dst, 7);
    } else {
      b.stackPointer(dst, ValueOffset); // no socket here: the argument check refuses it
    }
  };
  switch (helper) {
  case HelperId::MapLookupElem:
  case HelperId::MapDeleteElem:
    b.loadMap(1, fd);
    b.stackPointer(2, KeyOffset);
    break;
  case HelperId::MapUpdateElem:
    if (map == MapType::Sockmap || map == MapType::Sockhash)
      socketInto(3); // the verifier wants a socket as the value of a sockmap update
    else
      b.stackPointer(3, ValueOffset);
    b.loadMap(1, fd);
    b.stackPointer(2, KeyOffset);
    b.mov(4, 0);
    break;
  case HelperId::MapPushElem:
    b.loadMap(1, fd);
    b.stackPointer(2, ValueOffset);
    b.mov(3, 0);
    break;
  case HelperId::MapPopElem:
  case HelperId::MapPeekElem:
    b.loadMap(1, fd);
    b.stackPointer(2, ValueOffset);
    break;
  case HelperId::MapLookupPercpuElem:
    b.loadMap(1, fd);
    b.stackPointer(2, KeyOffset);
    b.mov(3, 0);
    break;
  case HelperId::ForEachMapElem:
  case HelperId::UserRingbufDrain:
    b.loadMap(1, fd);
    b.loadCallback(2);
    b.mov(3, 0);
    b.mov(4, 0);
    break;
  case HelperId::TailCall:
  case HelperId::SkbUnderCgroup:
  case HelperId::GetStackid:
    b.movReg(1, 6);
    b.loadMap(2, fd);
    b.mov(3, 0);
    break;
  case HelperId::PerfEventOutput:
    b.movReg(1, 6);
    b.loadMap(2, fd);
    b.mov(3, 0);
    b.stackPointer(4, ValueOffset);
    b.mov(5, 8);
    break;
  case HelperId::PerfEventRead:
  case HelperId::RingbufQuery:
  case HelperId::CurrentTaskUnderCgroup:
  case HelperId::GetLocalStorage:
    b.loadMap(1, fd);
    b.mov(2, 0);
    break;
  case HelperId::RingbufOutput:
    b.loadMap(1, fd);
    b.stackPointer(2, ValueOffset);
    b.mov(3, 8);
    b.mov(4, 0);
    break;
  case HelperId::RingbufReserve:
    b.loadMap(1, fd);
    b.mov(2, 8);
    b.mov(3, 0);
    break;
  case HelperId::RedirectMap:
    b.loadMap(1, fd);
    b.mov(2, 0);
    b.mov(3, 0);
    break;
  case HelperId::SkRedirectMap:
  case HelperId::MsgRedirectMap:
    b.movReg(1, 6);
    b.loadMap(2, fd);
    b.mov(3, 0);
    b.mov(4, 0);
    break;
  case HelperId::SkRedirectHash:
  case HelperId::MsgRedirectHash:
  case HelperId::SockMapUpdate:
  case HelperId::SockHashUpdate:
  case HelperId::SkSelectReuseport:
    b.movReg(1, 6);
    b.loadMap(2, fd);
    b.stackPointer(3, KeyOffset);
    b.mov(4, 0);
    break;
  case HelperId::SkStorageGet:
    socketInto(2);
    b.loadMap(1, fd);
    b.mov(3, 0);
    b.mov(4, 0);
    break;
  case HelperId::TaskStorageGet:
    b.call(HelperId::GetCurrentTaskBtf);
    b.movReg(2, 0);
    b.loadMap(1, fd);
    b.mov(3, 0);
    b.mov(4, 0);
    break;
  default:
    break;
  }
  b.call(helper);
  return b;
}

struct HelperCase {
  HelperId helper;
  std::vector<ProgramKind> programs;
};

std::vector<HelperCase> helperCases(const KernelTypes &kernel) {
  using P = ProgramType;
  const ProgramKind socketFilter{P::SocketFilter}, kprobe{P::Kprobe}, xdp{P::Xdp};
  // The generic map operations, where may_update_sockmap draws its lines.
  const std::vector<ProgramKind> generic = {
      socketFilter,
      {P::SchedCls},
      xdp,
      kprobe,
      {P::SockOps},
      {P::SkMsg},
      {P::SkReuseport},
      {P::SkLookup, AttachType::SkLookup},
      {P::Tracing, AttachType::TraceIter, kernel.taskIteratorId},
  };
  const std::vector<ProgramKind> anyProgram = {socketFilter, kprobe};
  return {
      {HelperId::MapLookupElem, generic},
      {HelperId::MapUpdateElem, generic},
      {HelperId::MapDeleteElem, generic},
      {HelperId::MapPushElem, anyProgram},
      {HelperId::MapPopElem, anyProgram},
      {HelperId::MapPeekElem, anyProgram},
      {HelperId::MapLookupPercpuElem, anyProgram},
      {HelperId::ForEachMapElem, anyProgram},
      {HelperId::TailCall, anyProgram},
      {HelperId::PerfEventOutput, {kprobe, xdp}},
      {HelperId::PerfEventRead, {kprobe}},
      {HelperId::RingbufOutput, anyProgram},
      {HelperId::RingbufQuery, anyProgram},
      {HelperId::RingbufReserve, anyProgram},
      {HelperId::UserRingbufDrain, anyProgram},
      {HelperId::GetStackid, {kprobe}},
      {HelperId::RedirectMap, {xdp}},
      {HelperId::SkRedirectMap, {{P::SkSkb}}},
      {HelperId::SkRedirectHash, {{P::SkSkb}}},
      {HelperId::MsgRedirectMap, {{P::SkMsg}}},
      {HelperId::MsgRedirectHash, {{P::SkMsg}}},
      {HelperId::SockMapUpdate, {{P::SockOps}}},
      {HelperId::SockHashUpdate, {{P::SockOps}}},
      {HelperId::SkStorageGet, {{P::SchedCls}, {P::CgroupSkb}}},
      {HelperId::GetLocalStorage, {{P::CgroupSkb}}},
      {HelperId::SkbUnderCgroup, {{P::SchedCls}}},
      {HelperId::CurrentTaskUnderCgroup, {kprobe}},
      {HelperId::SkSelectReuseport, {{P::SkReuseport}}},
      {HelperId::TaskStorageGet, {kprobe}},
  };
}

std::string helperLabel(HelperId helper) {
  static const std::map<std::uint32_t, std::string> names = {
#define HELPER_ID(Name, id, text) {id, text},
#include "bpfcheck/platform/HelperIds.def"
  };
  auto it = names.find(std::uint32_t(helper));
  return it == names.end() ? "helper#" + std::to_string(std::uint32_t(helper)) : it->second;
}

/// Whether every line of the table's message occurs in the kernel's log.
bool messageMatches(const std::string &message, const std::string &log) {
  std::size_t start = 0;
  while (start <= message.size()) {
    std::size_t end = message.find('\n', start);
    if (end == std::string::npos)
      end = message.size();
    if (log.find(message.substr(start, end - start)) == std::string::npos)
      return false;
    start = end + 1;
  }
  return true;
}

/// Each cell gets a fresh map: the first program to use a prog_array, devmap or cpumap
/// becomes its owner, and programs of other types are refused it afterwards.
void checkHelpers(const Creator &creator, Tally &tally, unsigned &cells,
                  std::map<std::string, unsigned> &maskedReasons,
                  std::map<std::string, unsigned> &kernelVerdicts) {
  for (const HelperCase &item : helperCases(creator.kernel)) {
    for (const ProgramKind &program : item.programs) {
      for (const MapTypeRule &rule : allMapTypeRules()) {
        const MapType type = rule.type;
        if (!rule.usableInPrograms)
          continue; // part 4 covers it
        const Attempt map = creator.createCanonical(type, true);
        if (!map.fd.valid())
          continue; // reported once in main
        ProgramBuilder builder = helperProgram(item.helper, program.type, type, map.fd.get());
        const std::vector<RawInstruction> insns = builder.finish();
        const LoadResult result = loadProgram(program, insns, false, builder.callbackStart);
        ++cells;
        const Verdict kernel = classifyKernel(result);
        ++kernelVerdicts[nameOf(kernel)];
        const std::optional<std::string> problem =
            checkMapHelperCompatibility(type, item.helper, program.type, program.attach);
        const Verdict table = classifyTable(problem);
        const std::string cell =
            helperLabel(item.helper) + " × " + mapName(type) + " in " + kindName(program);
        if (kernel == Verdict::Masked) {
          if (std::getenv("MAP_RULES_LOG"))
            std::printf("%s\n", result.log.c_str());
          ++tally.masked;
          ++maskedReasons[oracle::reasonLine(result.log)];
          if (std::getenv("MAP_RULES_VERBOSE"))
            std::printf("masked %s: %s\n", cell.c_str(), oracle::reasonLine(result.log).c_str());
          continue;
        }
        bool ok = kernel == table;
        std::string what = cell + ": kernel " + nameOf(kernel) + " (" +
                           oracle::reasonLine(result.log) + "), table " + nameOf(table) +
                           (problem ? " (" + *problem + ")" : "");
        if (ok && problem && !messageMatches(*problem, result.log)) {
          ok = false;
          what += " — the message differs";
        }
        if (std::getenv("MAP_RULES_VERBOSE"))
          std::printf("cell %s\n", what.c_str());
        tally.record(ok, what);
      }
    }
  }
}

void checkProgramUse(const Creator &creator, Tally &tally, unsigned &cells) {
  for (const MapTypeRule &rule : allMapTypeRules()) {
    const MapType type = rule.type;
    for (bool sleepable : {false, true}) {
      const Attempt map = creator.createCanonical(type, true);
      if (!map.fd.valid())
        continue; // reported once in main
      const ProgramType program = sleepable ? ProgramType::Syscall : ProgramType::SocketFilter;
      ProgramBuilder b;
      b.loadMap(1, map.fd.get());
      const LoadResult result = loadProgram({program}, b.finish(), sleepable);
      ++cells;
      const auto problem = checkMapUseInProgram(type, {}, program, sleepable);
      bool ok = result.accepted == !problem;
      if (ok && problem && !messageMatches(*problem, result.log))
        ok = false;
      tally.record(ok, "use of " + mapName(type) + " in " + std::string(nameOf(program)) +
                           (sleepable ? " (sleepable)" : "") + ": kernel " +
                           (result.accepted ? "accepts"
                                            : "refuses (" + oracle::reasonLine(result.log) + ")") +
                           ", table " + (problem ? "refuses (" + *problem + ")" : "accepts"));
    }
  }
}

bool bpfUsable(std::string &why) {
  ProgramBuilder b;
  const LoadResult result = loadProgram({ProgramType::SocketFilter}, b.finish());
  if (!result.accepted)
    why = "bpf(BPF_PROG_LOAD) is not permitted here: " + std::string(std::strerror(result.error));
  return result.accepted;
}

} // namespace

int main() {
  const auto start = std::chrono::steady_clock::now();
  std::string why;
  if (!bpfUsable(why)) {
    std::printf("SKIPPED: %s\n", why.c_str());
    return ExitSkipped;
  }
  const std::optional<KernelTypes> kernel = readKernelTypes();
  if (!kernel) {
    std::printf("SKIPPED: the kernel's BTF (/sys/kernel/btf/vmlinux) is not readable\n");
    return ExitSkipped;
  }
  Creator creator{*kernel};
  Tally tally;

  unsigned creations = 0;
  checkCreation(creator, tally, creations);
  const Tally afterCreation = tally;
  std::printf("creation: %u attempts over %zu map types, %u agree\n", creations,
              allMapTypeRules().size(), afterCreation.passed);

  unsigned innerCases = 0;
  checkInnerMaps(creator, tally, innerCases);
  std::printf("inner maps: %u cases, %u agree\n", innerCases, tally.passed - afterCreation.passed);
  const Tally afterInner = tally;

  std::size_t creatable = 0;
  for (const MapTypeRule &rule : allMapTypeRules()) {
    const Attempt attempt = creator.createCanonical(rule.type, true);
    if (attempt.fd.valid()) {
      ++creatable;
      continue;
    }
    std::printf("ERROR cannot create a canonical %s map: %s\n", mapName(rule.type).c_str(),
                std::strerror(attempt.error));
    ++tally.failed;
  }
  unsigned cells = 0;
  std::map<std::string, unsigned> maskedReasons, kernelVerdicts;
  checkHelpers(creator, tally, cells, maskedReasons, kernelVerdicts);
  std::size_t usable = 0;
  for (const MapTypeRule &rule : allMapTypeRules())
    usable += rule.usableInPrograms;
  std::printf("map × helper: %zu helpers × %zu map types × their program types = %u cells: "
              "%u agree, %u masked\n",
              helperCases(creator.kernel).size(), std::min(usable, creatable), cells,
              tally.passed - afterInner.passed, tally.masked);
  for (const auto &[verdict, count] : kernelVerdicts)
    std::printf("  kernel: %4u × %s\n", count, verdict.c_str());
  for (const auto &[reason, count] : maskedReasons)
    std::printf("  masked %4u × %s\n", count, reason.c_str());
  const Tally afterHelpers = tally;

  unsigned uses = 0;
  checkProgramUse(creator, tally, uses);
  std::printf("program use: %u cells, %u agree\n", uses, tally.passed - afterHelpers.passed);

  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  std::printf("time: %lld ms\n", static_cast<long long>(elapsed.count()));
  std::printf("%u passed, %u failed\n", tally.passed, tally.failed);
  return tally.failed == 0 ? 0 : 1;
}
