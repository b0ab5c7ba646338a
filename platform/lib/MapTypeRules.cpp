// The map type rules of Linux 6.18 as rows: one per map type, each field a fact read from the
// type's map_alloc_check / map_alloc / map_check_btf / map_meta_equal (kernel/bpf/*.c,
// net/core/sock_map.c, net/xdp/xskmap.c, …), from map_create and map_check_btf
// (kernel/bpf/syscall.c), and from the verifier's check_map_func_compatibility,
// may_update_sockmap, record_func_map, record_func_key and check_map_prog_compatibility. Sizes that
// depend on kernel structs are those of x86-64 (4 KiB pages, KMALLOC_MAX_SIZE 4 MiB with SLUB),
// read from the kernel's BTF. The sources read were 6.12.117's; where Linux 6.18 differs
// (found by tests/platform/MapTypeRulesKernelTest.cpp, which checks every row against the
// running kernel) the row says so.
#include "bpfcheck/platform/MapTypeRules.h"

#include <array>
#include <bit>
#include <cstdio>
#include <limits>

namespace bpfcheck {
namespace {

using Helpers = std::span<const HelperId>;

constexpr std::uint32_t Unbounded = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint32_t PageSize = 4096;
/// KMALLOC_MAX_SIZE: 1 << (MAX_PAGE_ORDER + PAGE_SHIFT) with SLUB.
constexpr std::uint32_t KmallocMaxSize = 1u << 22;
/// PCPU_MIN_UNIT_SIZE: per-CPU values (rounded up to 8) may not exceed it.
constexpr std::uint32_t PercpuValueMax = 32 * 1024;
/// sizeof(struct htab_elem): key + value must stay below KMALLOC_MAX_SIZE minus it.
constexpr std::uint32_t HashElementHeader = 48;
/// BPF_LOCAL_STORAGE_MAX_VALUE_SIZE: U16_MAX - sizeof(struct bpf_local_storage_elem) (128).
constexpr std::uint32_t LocalStorageValueMax = 0xffff - 128;
/// LPM_VAL_SIZE_MAX: KMALLOC_MAX_SIZE - LPM_DATA_SIZE_MAX (256) - sizeof(lpm_trie_node) (24).
constexpr std::uint32_t LpmValueMax = KmallocMaxSize - 256 - 24;
/// LPM_KEY_SIZE_MIN / _MAX: the 4-byte prefix length plus 1 to 256 data bytes.
constexpr std::uint32_t LpmKeyMin = 4 + 1, LpmKeyMax = 4 + 256;
/// MAX_BPF_STACK: sockhash keys must fit the program stack.
constexpr std::uint32_t MaxStack = 512;
/// The default kernel.perf_event_max_stack sysctl (a stack trace holds at most this many
/// frames: 8-byte instruction pointers, or 32-byte struct bpf_stack_build_id).
constexpr std::uint32_t PerfMaxStack = 127;
constexpr std::uint32_t BuildIdSize = 32;
/// Hash tables: the bucket count (max_entries rounded up to a power of two) times
/// sizeof(struct bucket) (16) must fit 32 bits: at most 2^27 entries.
constexpr std::uint32_t HashMaxEntries = 1u << 27;
/// Arena: at most 4 GiB of pages.
constexpr std::uint32_t ArenaMaxPages = (1ull << 32) / PageSize;

constexpr SizeRule exactly(std::uint32_t size, std::uint32_t alternative = 0) {
  return {size, size, 1, alternative};
}
constexpr SizeRule between(std::uint32_t minimum, std::uint32_t maximum,
                           std::uint32_t multipleOf = 1) {
  return {minimum, maximum, multipleOf, 0};
}

// BPF_F_ACCESS_MASK: the user-space and program access flags.
constexpr std::uint32_t AccessFlags =
    MapReadOnly | MapWriteOnly | MapReadOnlyProgram | MapWriteOnlyProgram;
// ARRAY_CREATE_FLAG_MASK, HTAB_CREATE_FLAG_MASK, … as each type narrows them.
constexpr std::uint32_t ArrayFlags = MapNumaNode | MapMmapable | AccessFlags | MapInnerMap;
/// fd arrays (prog, perf event, cgroup, map-in-map): no program access flags, no
/// BPF_F_MMAPABLE / BPF_F_INNER_MAP (plain arrays only).
constexpr std::uint32_t FdArrayFlags = MapNumaNode | MapReadOnly | MapWriteOnly;
constexpr std::uint32_t HashFlags = MapNoPrealloc | MapNumaNode | AccessFlags | MapZeroSeed;
/// LRU hashes: always preallocated; BPF_F_NO_COMMON_LRU only for them.
constexpr std::uint32_t LruHashFlags = MapNoCommonLru | MapNumaNode | AccessFlags | MapZeroSeed;
/// Per-CPU values may not be placed on a NUMA node.
constexpr std::uint32_t PercpuHashFlags = MapNoPrealloc | AccessFlags | MapZeroSeed;
constexpr std::uint32_t LruPercpuHashFlags = MapNoCommonLru | AccessFlags | MapZeroSeed;
/// Sockets, devices, XDP sockets, stack traces: user-space access flags only.
constexpr std::uint32_t UserAccessFlags = MapNumaNode | MapReadOnly | MapWriteOnly;
constexpr std::uint32_t LocalStorageFlags = MapNoPrealloc | MapClone;
constexpr std::uint32_t ArenaFlags = MapMmapable | MapSegmentVerifier | MapNoUserConversion;

// The map side of check_map_func_compatibility.
constexpr HelperId progArrayHelpers[] = {HelperId::TailCall};
constexpr HelperId perfEventArrayHelpers[] = {HelperId::PerfEventRead, HelperId::PerfEventOutput,
                                              HelperId::SkbOutput, HelperId::PerfEventReadValue,
                                              HelperId::XdpOutput};
constexpr HelperId ringbufHelpers[] = {
    HelperId::RingbufOutput,        HelperId::RingbufReserve,      HelperId::RingbufQuery,
    HelperId::RingbufReserveDynptr, HelperId::RingbufSubmitDynptr, HelperId::RingbufDiscardDynptr};
constexpr HelperId userRingbufHelpers[] = {HelperId::UserRingbufDrain};
constexpr HelperId stackTraceHelpers[] = {HelperId::GetStackid};
constexpr HelperId cgroupArrayHelpers[] = {HelperId::SkbUnderCgroup,
                                           HelperId::CurrentTaskUnderCgroup};
constexpr HelperId cgroupStorageHelpers[] = {HelperId::GetLocalStorage};
constexpr HelperId devmapHelpers[] = {HelperId::RedirectMap, HelperId::MapLookupElem};
constexpr HelperId cpumapHelpers[] = {HelperId::RedirectMap};
constexpr HelperId xskmapHelpers[] = {HelperId::RedirectMap, HelperId::MapLookupElem};
constexpr HelperId mapInMapHelpers[] = {HelperId::MapLookupElem};
/// Besides these, map_update_elem and map_delete_elem where may_update_sockmap allows.
constexpr HelperId sockmapHelpers[] = {HelperId::SkRedirectMap, HelperId::SockMapUpdate,
                                       HelperId::MsgRedirectMap, HelperId::SkSelectReuseport,
                                       HelperId::MapLookupElem};
constexpr HelperId sockhashHelpers[] = {HelperId::SkRedirectHash, HelperId::SockHashUpdate,
                                        HelperId::MsgRedirectHash, HelperId::SkSelectReuseport,
                                        HelperId::MapLookupElem};
constexpr HelperId reuseportHelpers[] = {HelperId::SkSelectReuseport};
constexpr HelperId queueStackHelpers[] = {HelperId::MapPeekElem, HelperId::MapPopElem,
                                          HelperId::MapPushElem};
constexpr HelperId skStorageHelpers[] = {HelperId::SkStorageGet, HelperId::SkStorageDelete,
                                         HelperId::KptrXchg};
constexpr HelperId inodeStorageHelpers[] = {HelperId::InodeStorageGet, HelperId::InodeStorageDelete,
                                            HelperId::KptrXchg};
constexpr HelperId taskStorageHelpers[] = {HelperId::TaskStorageGet, HelperId::TaskStorageDelete,
                                           HelperId::KptrXchg};
constexpr HelperId cgrpStorageHelpers[] = {HelperId::CgrpStorageGet, HelperId::CgrpStorageDelete,
                                           HelperId::KptrXchg};
constexpr HelperId bloomFilterHelpers[] = {HelperId::MapPeekElem, HelperId::MapPushElem};

constexpr MapTypeRule row(MapType type, SizeRule key, SizeRule value,
                          MaxEntriesRule maxEntries = MaxEntriesRule::Positive) {
  MapTypeRule rule{};
  rule.type = type;
  rule.key = key;
  rule.value = value;
  rule.maxEntries = maxEntries;
  return rule;
}

/// The common rows of hash tables (htab_map_alloc_check, htab_map_alloc).
constexpr MapTypeRule hashRule(MapType type, std::uint32_t flags, std::uint32_t valueMax) {
  MapTypeRule rule = row(type, between(1, Unbounded), between(1, valueMax));
  rule.allowedFlags = flags;
  rule.maxEntriesLimit = HashMaxEntries;
  rule.keyPlusValueLimit = KmallocMaxSize - HashElementHeader;
  rule.usableBySleepable = true;
  return rule;
}

/// The local storage maps (bpf_local_storage_map_alloc_check): the key is an int (the
/// owner's fd from user space), max_entries 0, no preallocation, BTF for dumping.
constexpr MapTypeRule localStorageRule(MapType type, Helpers helpers) {
  MapTypeRule rule = row(type, exactly(4), between(1, LocalStorageValueMax), MaxEntriesRule::Zero);
  rule.allowedFlags = LocalStorageFlags;
  rule.requiredFlags = MapNoPrealloc;
  rule.needsBtf = true;
  rule.onlyHelpers = helpers;
  rule.usableBySleepable = true;
  return rule;
}

/// kernel/bpf/ringbuf.c: ringbuf_map_alloc (user_ringbuf too). Keyless, and without a
/// map_check_btf, so key/value BTF is refused.
constexpr MapTypeRule ringbufRule(MapType type, Helpers helpers) {
  MapTypeRule rule = row(type, exactly(0), exactly(0), MaxEntriesRule::PowerOfTwoPageMultiple);
  rule.allowedFlags = MapNumaNode;
  rule.onlyHelpers = helpers;
  rule.rejectsBtf = true;
  rule.usableBySleepable = true;
  rule.privilege = MapPrivilege::None;
  return rule;
}

constexpr std::array rules = [] {
  std::array<MapTypeRule, 33> rows{};
  std::size_t n = 0;
  auto add = [&](MapTypeRule rule) { rows[n++] = rule; };
  MapTypeRule r{};

  // kernel/bpf/hashtab.c
  r = hashRule(MapType::Hash, HashFlags, Unbounded);
  r.forEachCallback = true;
  r.privilege = MapPrivilege::None;
  add(r);

  // kernel/bpf/arraymap.c: array_map_alloc_check; array_map_meta_equal.
  r = row(MapType::Array, exactly(4), between(1, std::numeric_limits<std::int32_t>::max()));
  r.allowedFlags = ArrayFlags;
  r.innerMaxEntries = InnerMaxEntries::MustMatchUnlessInnerMap;
  r.forEachCallback = true;
  r.usableBySleepable = true;
  r.privilege = MapPrivilege::None;
  add(r);

  // prog_array: fd_array_map_alloc_check; no map_meta_equal ("not supported as inner map").
  r = row(MapType::ProgArray, exactly(4), exactly(4));
  r.allowedFlags = FdArrayFlags;
  r.onlyHelpers = progArrayHelpers;
  r.canBeInnerMap = false;
  r.privilege = MapPrivilege::None;
  add(r);

  r = row(MapType::PerfEventArray, exactly(4), exactly(4));
  r.allowedFlags = FdArrayFlags | MapPreserveElements;
  r.onlyHelpers = perfEventArrayHelpers;
  r.rejectsBtf = true;
  r.privilege = MapPrivilege::None;
  add(r);

  r = hashRule(MapType::PercpuHash, PercpuHashFlags, PercpuValueMax);
  r.forEachCallback = true;
  r.privilege = MapPrivilege::None;
  add(r);

  r = row(MapType::PercpuArray, exactly(4), between(1, PercpuValueMax));
  r.allowedFlags = AccessFlags;
  r.forEachCallback = true;
  r.usableBySleepable = true;
  r.privilege = MapPrivilege::None;
  add(r);

  // kernel/bpf/stackmap.c: stack_map_alloc.
  r = row(MapType::StackTrace, exactly(4), between(8, 8 * PerfMaxStack, 8));
  r.allowedFlags = UserAccessFlags | MapStackBuildId;
  r.valueRuleFlag = MapStackBuildId;
  r.valueWithFlag = between(BuildIdSize, BuildIdSize * PerfMaxStack, BuildIdSize);
  r.maxEntriesLimit = 1u << 31;
  r.onlyHelpers = stackTraceHelpers;
  r.rejectsBtf = true;
  add(r);

  r = row(MapType::CgroupArray, exactly(4), exactly(4));
  r.allowedFlags = FdArrayFlags;
  r.onlyHelpers = cgroupArrayHelpers;
  r.rejectsBtf = true;
  r.privilege = MapPrivilege::None;
  add(r);

  r = hashRule(MapType::LruHash, LruHashFlags, Unbounded);
  r.conflictingFlags = MapNoCommonLru | MapNumaNode;
  r.forEachCallback = true;
  add(r);

  r = hashRule(MapType::LruPercpuHash, LruPercpuHashFlags, PercpuValueMax);
  r.forEachCallback = true;
  add(r);

  // kernel/bpf/lpm_trie.c: trie_alloc.
  r = row(MapType::LpmTrie, between(LpmKeyMin, LpmKeyMax), between(1, LpmValueMax));
  r.allowedFlags = MapNoPrealloc | MapNumaNode | AccessFlags;
  r.requiredFlags = MapNoPrealloc;
  add(r);

  // Map-in-map: fd_array_map_alloc_check + bpf_map_meta_alloc; no map_meta_equal of their
  // own (one level of nesting only).
  r = row(MapType::ArrayOfMaps, exactly(4), exactly(4));
  r.allowedFlags = FdArrayFlags;
  r.onlyHelpers = mapInMapHelpers;
  r.rejectsBtf = true;
  r.needsInnerMap = true;
  r.canBeInnerMap = false;
  r.usableBySleepable = true;
  r.privilege = MapPrivilege::None;
  add(r);

  r = hashRule(MapType::HashOfMaps, HashFlags, 4);
  r.value = exactly(4);
  r.onlyHelpers = mapInMapHelpers;
  r.rejectsBtf = true;
  r.needsInnerMap = true;
  r.canBeInnerMap = false;
  r.privilege = MapPrivilege::None;
  add(r);

  // kernel/bpf/devmap.c: dev_map_alloc_check (value: ifindex, or ifindex + program fd);
  // dev_map_init_map sets BPF_F_RDONLY_PROG.
  r = row(MapType::Devmap, exactly(4), exactly(4, 8));
  r.allowedFlags = UserAccessFlags;
  r.onlyHelpers = devmapHelpers;
  r.valueIsReadOnlyForPrograms = true;
  r.rejectsBtf = true;
  r.privilege = MapPrivilege::NetAdmin;
  add(r);

  // net/core/sock_map.c: sock_map_alloc (value: socket fd, 4 or 8 bytes). Linux 6.18 sets
  // no upper bound on max_entries (the 6.12.117 sources refuse more than INT_MAX).
  r = row(MapType::Sockmap, exactly(4), exactly(4, 8));
  r.allowedFlags = UserAccessFlags;
  r.onlyHelpers = sockmapHelpers;
  r.rejectsBtf = true;
  r.privilege = MapPrivilege::NetAdmin;
  add(r);

  // kernel/bpf/cpumap.c: cpu_map_alloc (value: queue size, or queue size + program fd);
  // max_entries at most NR_CPUS (configuration).
  r = row(MapType::Cpumap, exactly(4), exactly(4, 8));
  r.allowedFlags = MapNumaNode;
  r.onlyHelpers = cpumapHelpers;
  r.rejectsBtf = true;
  add(r);

  // net/xdp/xskmap.c: xsk_map_alloc; xsk_map_meta_equal compares max_entries.
  r = row(MapType::Xskmap, exactly(4), exactly(4));
  r.allowedFlags = UserAccessFlags;
  r.onlyHelpers = xskmapHelpers;
  r.rejectsBtf = true;
  r.innerMaxEntries = InnerMaxEntries::MustMatch;
  r.privilege = MapPrivilege::NetAdmin;
  add(r);

  r = row(MapType::Sockhash, between(1, MaxStack), exactly(4, 8));
  r.allowedFlags = UserAccessFlags;
  r.maxEntriesLimit = HashMaxEntries;
  r.onlyHelpers = sockhashHelpers;
  r.rejectsBtf = true;
  r.privilege = MapPrivilege::NetAdmin;
  add(r);

  // kernel/bpf/local_storage.c: cgroup_storage_map_alloc (key: struct
  // bpf_cgroup_storage_key, or the cgroup id alone); no map_meta_equal.
  r = row(MapType::CgroupStorage, exactly(16, 8), between(1, LocalStorageValueMax),
          MaxEntriesRule::Zero);
  r.allowedFlags = MapNumaNode | AccessFlags;
  r.onlyHelpers = cgroupStorageHelpers;
  r.canBeInnerMap = false;
  r.privilege = MapPrivilege::None;
  add(r);

  // kernel/bpf/reuseport_array.c: reuseport_array_alloc_check → array_map_alloc_check.
  r = row(MapType::ReuseportSockarray, exactly(4), exactly(4, 8));
  r.allowedFlags = MapNumaNode | AccessFlags;
  r.onlyHelpers = reuseportHelpers;
  add(r);

  r = row(MapType::PercpuCgroupStorage, exactly(16, 8), between(1, PercpuValueMax),
          MaxEntriesRule::Zero);
  r.allowedFlags = MapNumaNode | AccessFlags;
  r.onlyHelpers = cgroupStorageHelpers;
  r.canBeInnerMap = false;
  r.privilege = MapPrivilege::None;
  add(r);

  // kernel/bpf/queue_stack_maps.c: queue_stack_map_alloc_check. Keyless, and without a
  // map_check_btf, so key/value BTF is refused. Linux 6.18 bounds max_entries by memory
  // alone (the 6.12.117 sources refuse max_entries >= U32_MAX / value_size).
  for (MapType type : {MapType::Queue, MapType::Stack}) {
    r = row(type, exactly(0), between(1, KmallocMaxSize));
    r.allowedFlags = MapNumaNode | AccessFlags;
    r.onlyHelpers = queueStackHelpers;
    r.rejectsBtf = true;
    r.usableBySleepable = true;
    add(r);
  }

  add(localStorageRule(MapType::SkStorage, skStorageHelpers));

  r = row(MapType::DevmapHash, exactly(4), exactly(4, 8));
  r.allowedFlags = UserAccessFlags;
  r.maxEntriesLimit = 1u << 31;
  r.onlyHelpers = devmapHelpers;
  r.valueIsReadOnlyForPrograms = true;
  r.rejectsBtf = true;
  r.privilege = MapPrivilege::NetAdmin;
  add(r);

  // kernel/bpf/bpf_struct_ops.c: bpf_struct_ops_map_alloc_check; the value is the kernel's
  // struct bpf_struct_ops_<name>; no map_meta_equal; check_map_prog_compatibility refuses
  // it in programs.
  r = row(MapType::StructOps, exactly(4), between(1, Unbounded), MaxEntriesRule::ExactlyOne);
  r.allowedFlags = MapLink | MapValueTypeBtfObjectFd;
  r.needsBtf = true;
  r.valueSizeFromKernelType = true;
  r.maxEntriesLimit = 1;
  r.canBeInnerMap = false;
  r.usableInPrograms = false;
  add(r);

  add(ringbufRule(MapType::Ringbuf, ringbufHelpers));
  add(localStorageRule(MapType::InodeStorage, inodeStorageHelpers));
  add(localStorageRule(MapType::TaskStorage, taskStorageHelpers));

  // kernel/bpf/bloom_filter.c: bloom_map_alloc_check, bloom_map_alloc; keyless, and
  // bloom_map_check_btf accepts the missing key.
  r = row(MapType::BloomFilter, exactly(0), between(1, KmallocMaxSize));
  r.allowedFlags = MapNumaNode | MapZeroSeed | AccessFlags;
  r.mapExtra = MapExtraRule::HashFunctionCount;
  r.onlyHelpers = bloomFilterHelpers;
  add(r);

  add(ringbufRule(MapType::UserRingbuf, userRingbufHelpers));
  add(localStorageRule(MapType::CgrpStorage, cgrpStorageHelpers));

  // kernel/bpf/arena.c: arena_map_alloc (max_entries counts pages); arena_map_check_btf
  // accepts any BTF. A program may refer to an arena only once its user address is known
  // (map_extra, or an mmap first): a fact of the map's state, not of its type.
  r = row(MapType::Arena, exactly(0), exactly(0));
  r.allowedFlags = ArenaFlags;
  r.requiredFlags = MapMmapable;
  r.maxEntriesLimit = ArenaMaxPages;
  r.mapExtra = MapExtraRule::ArenaUserAddress;
  r.usableBySleepable = true;
  add(r);
  return rows;
}();

static_assert(rules.size() == 33);
constexpr bool rowsInTypeOrder() {
  for (std::size_t i = 0; i < rules.size(); ++i)
    if (static_cast<std::size_t>(rules[i].type) != i + 1)
      return false;
  return true;
}
static_assert(rowsInTypeOrder(), "one row per map type, in kernel value order");

// The helper side of check_map_func_compatibility.
struct HelperMapTypes {
  HelperId helper;
  std::span<const MapType> mapTypes;
};

constexpr MapType progArrayOnly[] = {MapType::ProgArray};
constexpr MapType perfEventArrayOnly[] = {MapType::PerfEventArray};
constexpr MapType ringbufOnly[] = {MapType::Ringbuf};
constexpr MapType userRingbufOnly[] = {MapType::UserRingbuf};
constexpr MapType stackTraceOnly[] = {MapType::StackTrace};
constexpr MapType cgroupArrayOnly[] = {MapType::CgroupArray};
constexpr MapType redirectTargets[] = {MapType::Devmap, MapType::DevmapHash, MapType::Cpumap,
                                       MapType::Xskmap};
constexpr MapType sockmapOnly[] = {MapType::Sockmap};
constexpr MapType sockhashOnly[] = {MapType::Sockhash};
constexpr MapType cgroupStorages[] = {MapType::CgroupStorage, MapType::PercpuCgroupStorage};
constexpr MapType reuseportTargets[] = {MapType::ReuseportSockarray, MapType::Sockmap,
                                        MapType::Sockhash};
constexpr MapType queueStack[] = {MapType::Queue, MapType::Stack};
constexpr MapType queueStackBloom[] = {MapType::Queue, MapType::Stack, MapType::BloomFilter};
constexpr MapType percpuMaps[] = {MapType::PercpuArray, MapType::PercpuHash,
                                  MapType::LruPercpuHash};
constexpr MapType skStorageOnly[] = {MapType::SkStorage};
constexpr MapType inodeStorageOnly[] = {MapType::InodeStorage};
constexpr MapType taskStorageOnly[] = {MapType::TaskStorage};
constexpr MapType cgrpStorageOnly[] = {MapType::CgrpStorage};

constexpr HelperMapTypes helperMapTypes[] = {
    {HelperId::TailCall, progArrayOnly},
    {HelperId::PerfEventRead, perfEventArrayOnly},
    {HelperId::PerfEventOutput, perfEventArrayOnly},
    {HelperId::PerfEventReadValue, perfEventArrayOnly},
    {HelperId::SkbOutput, perfEventArrayOnly},
    {HelperId::XdpOutput, perfEventArrayOnly},
    {HelperId::RingbufOutput, ringbufOnly},
    {HelperId::RingbufReserve, ringbufOnly},
    {HelperId::RingbufQuery, ringbufOnly},
    {HelperId::RingbufReserveDynptr, ringbufOnly},
    {HelperId::RingbufSubmitDynptr, ringbufOnly},
    {HelperId::RingbufDiscardDynptr, ringbufOnly},
    {HelperId::UserRingbufDrain, userRingbufOnly},
    {HelperId::GetStackid, stackTraceOnly},
    {HelperId::CurrentTaskUnderCgroup, cgroupArrayOnly},
    {HelperId::SkbUnderCgroup, cgroupArrayOnly},
    {HelperId::RedirectMap, redirectTargets},
    {HelperId::SkRedirectMap, sockmapOnly},
    {HelperId::MsgRedirectMap, sockmapOnly},
    {HelperId::SockMapUpdate, sockmapOnly},
    {HelperId::SkRedirectHash, sockhashOnly},
    {HelperId::MsgRedirectHash, sockhashOnly},
    {HelperId::SockHashUpdate, sockhashOnly},
    {HelperId::GetLocalStorage, cgroupStorages},
    {HelperId::SkSelectReuseport, reuseportTargets},
    {HelperId::MapPopElem, queueStack},
    {HelperId::MapPeekElem, queueStackBloom},
    {HelperId::MapPushElem, queueStackBloom},
    {HelperId::MapLookupPercpuElem, percpuMaps},
    {HelperId::SkStorageGet, skStorageOnly},
    {HelperId::SkStorageDelete, skStorageOnly},
    {HelperId::InodeStorageGet, inodeStorageOnly},
    {HelperId::InodeStorageDelete, inodeStorageOnly},
    {HelperId::TaskStorageGet, taskStorageOnly},
    {HelperId::TaskStorageDelete, taskStorageOnly},
    {HelperId::CgrpStorageGet, cgrpStorageOnly},
    {HelperId::CgrpStorageDelete, cgrpStorageOnly},
};

/// may_update_sockmap: the program types (resolved through freplace targets by the kernel)
/// that may update or delete sockmap/sockhash entries with the generic helpers.
struct SockmapWriter {
  ProgramType program;
  std::optional<AttachType> attach; ///< required expected attach type, if any
  bool update;
  bool remove;
};

constexpr SockmapWriter sockmapWriters[] = {
    {ProgramType::Tracing, AttachType::TraceIter, true, true},
    // sock_ops updates through bpf_sock_map_update / bpf_sock_hash_update only.
    {ProgramType::SockOps, std::nullopt, false, true},
    {ProgramType::SocketFilter, std::nullopt, true, true},
    {ProgramType::SchedCls, std::nullopt, true, true},
    {ProgramType::SchedAct, std::nullopt, true, true},
    {ProgramType::Xdp, std::nullopt, true, true},
    {ProgramType::SkReuseport, std::nullopt, true, true},
    {ProgramType::FlowDissector, std::nullopt, true, true},
    {ProgramType::SkLookup, std::nullopt, true, true},
};

bool maySocketMapBeWritten(HelperId helper, ProgramType program, std::optional<AttachType> attach) {
  for (const SockmapWriter &writer : sockmapWriters) {
    if (writer.program != program || (writer.attach && writer.attach != attach))
      continue;
    return helper == HelperId::MapUpdateElem ? writer.update : writer.remove;
  }
  return false;
}

constexpr std::string_view helperNames[] = {
#define HELPER_ID(Name, id, text) text,
#include "bpfcheck/platform/HelperIds.def"
};

std::string helperText(HelperId helper) {
  const auto id = static_cast<std::uint32_t>(helper);
  std::string name = id < std::size(helperNames) ? std::string(helperNames[id]) : "bpf_unknown";
  return name + "#" + std::to_string(id);
}

std::string typeName(MapType type) {
  const std::string_view name = nameOf(type);
  return name.empty() ? "map type " + std::to_string(static_cast<std::uint32_t>(type))
                      : std::string(name);
}

std::string sizeText(const SizeRule &rule) {
  if (rule.minimum == rule.maximum)
    return rule.alternative
               ? std::to_string(rule.minimum) + " or " + std::to_string(rule.alternative)
               : std::to_string(rule.minimum);
  std::string text = rule.maximum == Unbounded
                         ? "at least " + std::to_string(rule.minimum)
                         : std::to_string(rule.minimum) + ".." + std::to_string(rule.maximum);
  if (rule.multipleOf > 1)
    text += ", a multiple of " + std::to_string(rule.multipleOf);
  return text;
}

std::optional<std::string> checkSize(const char *what, const SizeRule &rule, std::uint32_t size,
                                     MapType type) {
  if (rule.accepts(size))
    return std::nullopt;
  return std::string(what) + " must be " + sizeText(rule) + " for " + typeName(type) +
         " maps (got " + std::to_string(size) + ")";
}

std::string flagsText(std::uint32_t flags) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%x", flags);
  return buffer;
}

std::optional<std::string> checkMapExtra(const MapTypeRule &rule, const MapCreation &creation) {
  const std::uint64_t extra = creation.mapExtra;
  switch (rule.mapExtra) {
  case MapExtraRule::Zero:
    if (extra != 0)
      return "map_extra must be 0 for " + typeName(rule.type) + " maps";
    return std::nullopt;
  case MapExtraRule::HashFunctionCount:
    if (extra & ~std::uint64_t(0xf))
      return "map_extra of a bloom filter holds only the number of hash functions (0-15)";
    return std::nullopt;
  case MapExtraRule::ArenaUserAddress: {
    if (extra % PageSize != 0)
      return "map_extra of an arena must be a page-aligned user address";
    const std::uint64_t range = std::uint64_t(creation.maxEntries) * PageSize;
    if (creation.maxEntries != 0 && range <= (1ull << 32) &&
        (extra >> 32) != ((extra + range - 1) >> 32))
      return "an arena's user address range may not cross a 4 GiB boundary";
    return std::nullopt;
  }
  }
  return std::nullopt;
}

std::optional<std::string> checkMaxEntries(const MapTypeRule &rule, std::uint32_t maxEntries) {
  const std::string type = typeName(rule.type);
  switch (rule.maxEntries) {
  case MaxEntriesRule::Positive:
    if (maxEntries == 0)
      return "max_entries must be positive for " + type + " maps";
    break;
  case MaxEntriesRule::Zero:
    if (maxEntries != 0)
      return "max_entries must be 0 for " + type + " maps";
    break;
  case MaxEntriesRule::PowerOfTwoPageMultiple:
    if (!std::has_single_bit(maxEntries) || maxEntries % PageSize != 0)
      return "max_entries of " + type +
             " maps must be a power of two and a multiple of the page size (" +
             std::to_string(PageSize) + ")";
    break;
  case MaxEntriesRule::AnyIncludingZero:
    break;
  case MaxEntriesRule::ExactlyOne:
    if (maxEntries != 1)
      return "max_entries must be 1 for " + type + " maps";
    break;
  }
  if (rule.maxEntriesLimit != 0 && maxEntries > rule.maxEntriesLimit)
    return "max_entries of " + type + " maps may not exceed " +
           std::to_string(rule.maxEntriesLimit);
  return std::nullopt;
}

} // namespace

bool SizeRule::accepts(std::uint32_t size) const {
  if (alternative != 0 && size == alternative)
    return true;
  if (size < minimum || size > maximum)
    return false;
  return multipleOf <= 1 || size % multipleOf == 0;
}

const MapTypeRule *findMapTypeRule(MapType type) {
  for (const MapTypeRule &rule : rules)
    if (rule.type == type)
      return &rule;
  return nullptr;
}

std::span<const MapTypeRule> allMapTypeRules() {
  return rules;
}

std::optional<std::string> checkMapCreation(MapType type, std::uint32_t keySize,
                                            std::uint32_t valueSize, std::uint32_t maxEntries,
                                            std::uint32_t flags, bool hasBtf) {
  MapCreation creation{type, keySize, valueSize, maxEntries, flags, hasBtf, 0, std::nullopt};
  if (const MapTypeRule *rule = findMapTypeRule(type); rule && rule->needsInnerMap)
    creation.innerMap = MapShape{MapType::Array, 4, 4, 1, 0};
  return checkMapCreation(creation);
}

std::optional<std::string> checkMapCreation(const MapCreation &creation) {
  const MapTypeRule *rule = findMapTypeRule(creation.type);
  if (!rule)
    return "unknown map type " + std::to_string(static_cast<std::uint32_t>(creation.type));
  const std::string type = typeName(rule->type);
  const std::uint32_t flags = creation.flags & ~MapTokenFd; // map_create strips it first

  // map_create's checks for every type.
  if (auto problem = checkMapExtra(*rule, creation))
    return problem;
  if ((flags & MapReadOnly) && (flags & MapWriteOnly))
    return std::string("BPF_F_RDONLY and BPF_F_WRONLY exclude each other");

  // The type's map_alloc_check / map_alloc.
  if (std::uint32_t unknown = flags & ~rule->allowedFlags)
    return "flags " + flagsText(unknown) + " are not accepted by " + type + " maps";
  if (std::uint32_t missing = rule->requiredFlags & ~flags)
    return type + " maps require flags " + flagsText(missing);
  if ((flags & MapReadOnlyProgram) && (flags & MapWriteOnlyProgram))
    return std::string("BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG exclude each other");
  if (rule->conflictingFlags && (flags & rule->conflictingFlags) == rule->conflictingFlags)
    return "flags " + flagsText(rule->conflictingFlags) + " exclude each other for " + type +
           " maps";
  if (auto problem = checkSize("key_size", rule->key, creation.keySize, rule->type))
    return problem;
  const SizeRule &value =
      rule->valueRuleFlag && (flags & rule->valueRuleFlag) ? rule->valueWithFlag : rule->value;
  if (auto problem = checkSize("value_size", value, creation.valueSize, rule->type))
    return problem;
  if (rule->keyPlusValueLimit &&
      std::uint64_t(creation.keySize) + creation.valueSize >= rule->keyPlusValueLimit)
    return "key_size + value_size must be below " + std::to_string(rule->keyPlusValueLimit) +
           " for " + type + " maps";
  if (auto problem = checkMaxEntries(*rule, creation.maxEntries))
    return problem;
  if (rule->needsBtf && !creation.hasBtf)
    return type + " maps need BTF";
  if (rule->needsInnerMap) {
    if (!creation.innerMap)
      return type + " maps need an inner map template (inner_map_fd)";
    const MapTypeRule *inner = findMapTypeRule(creation.innerMap->type);
    if (!inner || !inner->canBeInnerMap)
      return typeName(creation.innerMap->type) + " maps cannot be inner maps";
  }
  // map_check_btf, after the map exists.
  if (creation.hasBtf && rule->rejectsBtf)
    return type + " maps do not take key/value BTF";
  return std::nullopt;
}

std::optional<std::string> checkInnerMapCompatible(const MapShape &innerTemplate,
                                                   const MapShape &candidate) {
  const MapTypeRule *rule = findMapTypeRule(innerTemplate.type);
  if (!rule || !rule->canBeInnerMap)
    return typeName(innerTemplate.type) + " maps cannot be inner maps";
  if (candidate.type != innerTemplate.type)
    return "inner map type " + typeName(candidate.type) + " differs from the template's " +
           typeName(innerTemplate.type);
  if (candidate.keySize != innerTemplate.keySize)
    return "inner map key_size " + std::to_string(candidate.keySize) +
           " differs from the template's " + std::to_string(innerTemplate.keySize);
  if (candidate.valueSize != innerTemplate.valueSize)
    return "inner map value_size " + std::to_string(candidate.valueSize) +
           " differs from the template's " + std::to_string(innerTemplate.valueSize);
  if (candidate.flags != innerTemplate.flags)
    return "inner map flags " + flagsText(candidate.flags) + " differ from the template's " +
           flagsText(innerTemplate.flags);
  const bool entriesMatter = rule->innerMaxEntries == InnerMaxEntries::MustMatch ||
                             (rule->innerMaxEntries == InnerMaxEntries::MustMatchUnlessInnerMap &&
                              !(innerTemplate.flags & MapInnerMap));
  if (entriesMatter && candidate.maxEntries != innerTemplate.maxEntries)
    return "inner map max_entries " + std::to_string(candidate.maxEntries) +
           " differs from the template's " + std::to_string(innerTemplate.maxEntries);
  return std::nullopt;
}

std::span<const MapType> mapTypesAcceptedBy(HelperId helper) {
  for (const HelperMapTypes &row : helperMapTypes)
    if (row.helper == helper)
      return row.mapTypes;
  return {};
}

std::optional<std::string> checkMapHelperCompatibility(MapType map, HelperId helper,
                                                       ProgramType program,
                                                       std::optional<AttachType> attach) {
  const MapTypeRule *rule = findMapTypeRule(map);
  // record_func_map: maps programs may only read.
  if (rule && rule->valueIsReadOnlyForPrograms &&
      (helper == HelperId::MapDeleteElem || helper == HelperId::MapUpdateElem ||
       helper == HelperId::MapPushElem || helper == HelperId::MapPopElem))
    return std::string("write into map forbidden");
  // record_func_key (Linux 6.13 on; the kernel prints it without a line end).
  if (helper == HelperId::TailCall && map != MapType::ProgArray)
    return std::string("expected prog array map for tail call");
  // set_map_elem_callback_state, before the compatibility check.
  if (rule && helper == HelperId::ForEachMapElem && !rule->forEachCallback)
    return std::string("callback function not allowed for map");

  const std::string refusal = "cannot pass map_type " +
                              std::to_string(static_cast<std::uint32_t>(map)) + " into func " +
                              helperText(helper);
  // The map side.
  if (rule && !rule->onlyHelpers.empty()) {
    bool listed = false;
    for (HelperId allowed : rule->onlyHelpers)
      listed = listed || allowed == helper;
    if (!listed) {
      const bool socketMap = map == MapType::Sockmap || map == MapType::Sockhash;
      const bool write = helper == HelperId::MapUpdateElem || helper == HelperId::MapDeleteElem;
      if (!socketMap || !write)
        return refusal;
      if (!maySocketMapBeWritten(helper, program, attach))
        return "cannot update sockmap in this context\n" + refusal;
    }
  }
  // The helper side.
  const std::span<const MapType> accepted = mapTypesAcceptedBy(helper);
  if (!accepted.empty()) {
    bool listed = false;
    for (MapType type : accepted)
      listed = listed || type == map;
    if (!listed)
      return refusal;
  }
  return std::nullopt;
}

std::optional<std::string> checkMapUseInProgram(MapType map,
                                                std::span<const MapValueField> valueFields,
                                                ProgramType program, bool sleepable) {
  if (auto problem = checkMapFieldsUsableBy(valueFields, program))
    return problem;
  const MapTypeRule *rule = findMapTypeRule(map);
  if (!rule)
    return std::nullopt;
  if (!rule->usableInPrograms)
    return std::string("bpf_struct_ops map cannot be used in prog");
  if (sleepable && !rule->usableBySleepable)
    return std::string(
        "Sleepable programs can only use array, hash, ringbuf and local storage maps");
  return std::nullopt;
}

} // namespace bpfcheck
