// What Linux 6.18 requires of each map type at creation (key and value sizes, max_entries,
// flags, BTF, map_extra, inner maps) and which helpers a program may pass it to (the kernel's
// two-way check_map_func_compatibility, with the sockmap update rule), which maps may be inner
// maps and when an inner map fits its outer map's template. Rows: lib/MapTypeRules.cpp.
#pragma once

#include "bpfcheck/platform/Helpers.h"
#include "bpfcheck/platform/MapValueFields.h"
#include "bpfcheck/platform/Types.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bpfcheck {

/// Map creation flags (`BPF_F_*` of BPF_MAP_CREATE).
enum MapFlag : std::uint32_t {
  MapNoPrealloc = 1u << 0,
  MapNoCommonLru = 1u << 1,
  MapNumaNode = 1u << 2,
  MapReadOnly = 1u << 3,  ///< BPF_F_RDONLY: read-only for user space
  MapWriteOnly = 1u << 4, ///< BPF_F_WRONLY
  MapStackBuildId = 1u << 5,
  MapZeroSeed = 1u << 6,
  MapReadOnlyProgram = 1u << 7,  ///< BPF_F_RDONLY_PROG: programs may only read
  MapWriteOnlyProgram = 1u << 8, ///< BPF_F_WRONLY_PROG: programs may only write
  MapClone = 1u << 9,
  MapMmapable = 1u << 10,
  MapPreserveElements = 1u << 11,
  MapInnerMap = 1u << 12,
  MapLink = 1u << 13,   ///< BPF_F_LINK (struct_ops: attach through a link)
  MapPathFd = 1u << 14, ///< BPF_F_PATH_FD (BPF_OBJ_GET only; no map type accepts it)
  /// BPF_F_VTYPE_BTF_OBJ_FD: a struct_ops value type from a module's BTF (then
  /// value_type_btf_obj_fd names that BTF).
  MapVerifyElements = 1u << 15,
  MapTokenFd = 1u << 16,          ///< BPF_F_TOKEN_FD: map_token_fd holds a BPF token
  MapSegmentVerifier = 1u << 17,  ///< BPF_F_SEGV_ON_FAULT (arena)
  MapNoUserConversion = 1u << 18, ///< BPF_F_NO_USER_CONV (arena)
  // The uapi names of the two values above whose names say something else.
  MapValueTypeBtfObjectFd = MapVerifyElements,
  MapSegvOnFault = MapSegmentVerifier,
};

/// A size requirement: exactly `minimum` when `minimum == maximum`, else a range; with
/// `multipleOf`, also a multiple of it.
struct SizeRule {
  std::uint32_t minimum = 0;
  std::uint32_t maximum = 0;
  std::uint32_t multipleOf = 1;
  std::uint32_t alternative = 0; ///< a second exact size also accepted (e.g. 4 or 8), 0: none

  bool accepts(std::uint32_t size) const;
};

enum class MaxEntriesRule : std::uint8_t {
  Positive,               ///< at least 1
  Zero,                   ///< must be 0 (cgroup storage, local storage)
  PowerOfTwoPageMultiple, ///< ring buffers: a power of two, a multiple of the page size
  /// 0 allowed. No Linux 6.18 map type: the kernel refuses 0 for perf event arrays too;
  /// libbpf replaces 0 there with the number of CPUs before BPF_MAP_CREATE.
  AnyIncludingZero,
  ExactlyOne, ///< struct_ops
};

/// What `map_extra` of BPF_MAP_CREATE may hold.
enum class MapExtraRule : std::uint8_t {
  Zero,              ///< must be 0 (every type but the two below)
  HashFunctionCount, ///< bloom filter: bits 0-3 = number of hash functions (0: 5)
  ArenaUserAddress,  ///< arena: page-aligned user address; the arena may not cross 4 GiB
};

/// The capability BPF_MAP_CREATE wants for a map type (map_create; while unprivileged BPF is
/// disabled, CAP_BPF is wanted for every type).
enum class MapPrivilege : std::uint8_t {
  None,     ///< any user (array, hash, ringbuf, cgroup storage, …)
  Bpf,      ///< CAP_BPF
  NetAdmin, ///< CAP_NET_ADMIN (sockmap, sockhash, devmap, devmap_hash, xskmap)
};

/// When an inner map must have its template's max_entries (the type's map_meta_equal).
enum class InnerMaxEntries : std::uint8_t {
  MayDiffer,               ///< bpf_map_meta_equal does not compare max_entries
  MustMatch,               ///< xsk_map_meta_equal
  MustMatchUnlessInnerMap, ///< array_map_meta_equal: equal unless the template has BPF_F_INNER_MAP
};

struct MapTypeRule {
  MapType type;
  SizeRule key;
  SizeRule value;
  MaxEntriesRule maxEntries = MaxEntriesRule::Positive;
  std::uint32_t allowedFlags = 0;  ///< flags creation accepts
  std::uint32_t requiredFlags = 0; ///< flags creation demands
  /// BTF is required: key/value type ids (local storage maps), or for struct_ops the
  /// kernel's value type (btf_vmlinux_value_type_id).
  bool needsBtf = false;
  /// The only helpers a program may pass this map to; empty: no restriction from the map
  /// side (generic map operations).
  std::span<const HelperId> onlyHelpers;
  /// Programs may not write the map (the kernel sets BPF_F_RDONLY_PROG itself: devmaps).
  bool valueIsReadOnlyForPrograms = false;

  /// The largest max_entries accepted; 0: none beyond memory (and, for cpumap, the
  /// configuration's NR_CPUS).
  std::uint32_t maxEntriesLimit = 0;
  /// key_size + value_size must stay below this (hash maps: KMALLOC_MAX_SIZE minus the
  /// element header); 0: no joint limit.
  std::uint32_t keyPlusValueLimit = 0;
  /// Flags each accepted alone but refused together (besides the pairs refused for every
  /// type: RDONLY with WRONLY, RDONLY_PROG with WRONLY_PROG).
  std::uint32_t conflictingFlags = 0;
  /// With this flag set, the value follows `valueWithFlag` instead of `value`
  /// (stack_trace with BPF_F_STACK_BUILD_ID).
  std::uint32_t valueRuleFlag = 0;
  SizeRule valueWithFlag;
  /// value_size must be the size of the kernel's value struct, which only the kernel's BTF
  /// knows (struct_ops); `value` then only bounds it.
  bool valueSizeFromKernelType = false;
  /// Key/value BTF is refused (map_check_no_btf, or a keyless type without map_check_btf).
  bool rejectsBtf = false;
  MapExtraRule mapExtra = MapExtraRule::Zero;
  bool needsInnerMap = false; ///< map-in-map: inner_map_fd must name a template
  bool canBeInnerMap = true;  ///< the type has a map_meta_equal
  InnerMaxEntries innerMaxEntries = InnerMaxEntries::MayDiffer;
  bool forEachCallback = false;   ///< bpf_for_each_map_elem walks it (map_for_each_callback)
  bool usableInPrograms = true;   ///< false: "bpf_struct_ops map cannot be used in prog"
  bool usableBySleepable = false; ///< sleepable programs may use it
  MapPrivilege privilege = MapPrivilege::Bpf;
};

/// What a map-in-map compares of its inner maps (bpf_map_meta_equal's fields).
struct MapShape {
  MapType type = MapType::Unspec;
  std::uint32_t keySize = 0;
  std::uint32_t valueSize = 0;
  std::uint32_t maxEntries = 0;
  std::uint32_t flags = 0;
};

/// Everything of BPF_MAP_CREATE the rules look at.
struct MapCreation {
  MapType type = MapType::Unspec;
  std::uint32_t keySize = 0;
  std::uint32_t valueSize = 0;
  std::uint32_t maxEntries = 0;
  std::uint32_t flags = 0;
  /// BTF type ids of the map's key and value sizes (no key id when key_size is 0), or for
  /// struct_ops the kernel's value type.
  bool hasBtf = false;
  std::uint64_t mapExtra = 0;
  /// For array_of_maps / hash_of_maps: the map inner_map_fd names (its shape, and whether
  /// it is itself a map-in-map through its type).
  std::optional<MapShape> innerMap;
};

/// The rule for a map type, if Linux 6.18 has that type.
const MapTypeRule *findMapTypeRule(MapType type);
std::span<const MapTypeRule> allMapTypeRules();

/// Why creating a map with these attributes fails, or nothing when it is valid. Map-in-map
/// types are judged as if inner_map_fd named a valid template, map_extra as if it were 0.
std::optional<std::string> checkMapCreation(MapType type, std::uint32_t keySize,
                                            std::uint32_t valueSize, std::uint32_t maxEntries,
                                            std::uint32_t flags, bool hasBtf);
std::optional<std::string> checkMapCreation(const MapCreation &creation);

/// Why a map of shape `candidate` may not be stored in a map-in-map whose inner template
/// (inner_map_fd at creation) has shape `innerTemplate`, or nothing when it may (the
/// template type's map_meta_equal; also: types that cannot be inner maps at all).
std::optional<std::string> checkInnerMapCompatible(const MapShape &innerTemplate,
                                                   const MapShape &candidate);

/// Why a program of `program` type may not pass a map of `map` type to `helper` (the
/// kernel's "cannot pass map_type N into func bpf_x#M", or "cannot update sockmap in this
/// context"), or nothing when it may.
/// Before that comparison, in the kernel's order, three map-type facts checked while the
/// arguments are recorded: "write into map forbidden" (update/delete/push/pop on a map
/// programs may only read), "expected prog array map for tail call" (bpf_tail_call on any
/// other map) and "callback function not allowed for map" (bpf_for_each_map_elem on a map
/// without a walker).
std::optional<std::string> checkMapHelperCompatibility(MapType map, HelperId helper,
                                                       ProgramType program,
                                                       std::optional<AttachType> attach);

/// The map types a helper accepts (the helper side of check_map_func_compatibility); empty:
/// no restriction from the helper side.
std::span<const MapType> mapTypesAcceptedBy(HelperId helper);

/// Why a program may not refer to a map at all (check_map_prog_compatibility, in its
/// order: the kernel-managed fields of the value the program type may not use, then
/// struct_ops maps and the types sleepable programs may use), or nothing.
std::optional<std::string> checkMapUseInProgram(MapType map,
                                                std::span<const MapValueField> valueFields,
                                                ProgramType program, bool sleepable);

/// What bpf_map_lookup_elem gives a program for a map type (the kernel's map_lookup_elem
/// return type per map: a value, an inner map, a referenced socket).
enum class LookupResult : std::uint8_t { Value, InnerMap, Socket };
LookupResult lookupResultOf(MapType map);

/// Whether programs store sockets in the map: the value argument of an update is the socket
/// itself (check_func_arg turns ARG_PTR_TO_MAP_VALUE into a socket argument).
bool valueIsSocket(MapType map);

/// Whether a lookup with a constant key below max_entries cannot return NULL (Linux 6.18's
/// can_elide_value_nullness: arrays whose elements always exist).
bool lookupOfConstantKeyIsNeverNull(MapType map);

/// The kernel struct that embeds a map of this type ("bpf_array"), which programs with
/// CAP_PERFMON may read through the map pointer; empty for a type without one.
std::string_view kernelStructOfMap(MapType map);

} // namespace bpfcheck
