// Spot checks of the map type rules (Linux 6.18) that need no kernel; each cites the kernel
// function the fact comes from. MapTypeRulesKernelTest checks every row against the running
// kernel.
#include "bpfcheck/platform/MapTypeRules.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

using namespace bpfcheck;
using H = HelperId;
using M = MapType;
using P = ProgramType;

namespace {

bool creates(M type, std::uint32_t key, std::uint32_t value, std::uint32_t entries,
             std::uint32_t flags = 0, bool btf = false) {
  return !checkMapCreation(type, key, value, entries, flags, btf);
}

bool compatible(M map, H helper, P program = P::SocketFilter) {
  return !checkMapHelperCompatibility(map, helper, program, std::nullopt);
}

std::string refusal(M map, H helper, P program = P::SocketFilter) {
  return checkMapHelperCompatibility(map, helper, program, std::nullopt).value_or("");
}

} // namespace

TEST_CASE("one row per map type, in kernel order") {
  CHECK(allMapTypeRules().size() == 33);
  for (std::uint32_t value = 1; value <= 33; ++value) {
    const MapTypeRule *rule = findMapTypeRule(M(value));
    REQUIRE(rule != nullptr);
    CHECK(rule->type == M(value));
  }
  CHECK(findMapTypeRule(M::Unspec) == nullptr);
  CHECK(checkMapCreation(M::Unspec, 4, 4, 1, 0, false).has_value());
}

TEST_CASE("array maps: u32 keys, positive values") {
  // array_map_alloc_check: key_size != 4, value_size == 0, max_entries == 0 → EINVAL.
  CHECK(creates(M::Array, 4, 1, 1));
  CHECK_FALSE(creates(M::Array, 8, 8, 1));
  CHECK_FALSE(creates(M::Array, 3, 8, 1));
  CHECK_FALSE(creates(M::Array, 4, 0, 1));
  CHECK_FALSE(creates(M::Array, 4, 8, 0));
  // BPF_F_MMAPABLE and BPF_F_INNER_MAP only for plain arrays; BPF_F_PRESERVE_ELEMS only
  // for perf event arrays.
  CHECK(creates(M::Array, 4, 8, 1, MapMmapable | MapInnerMap));
  CHECK_FALSE(creates(M::PercpuArray, 4, 8, 1, MapMmapable));
  CHECK_FALSE(creates(M::Array, 4, 8, 1, MapPreserveElements));
  CHECK(creates(M::PerfEventArray, 4, 4, 1, MapPreserveElements));
  // The checked message names the rule.
  CHECK(checkMapCreation(M::Array, 8, 8, 1, 0, false)->find("key_size must be 4") !=
        std::string::npos);
}

TEST_CASE("per-CPU values are at most PCPU_MIN_UNIT_SIZE (32 KiB)") {
  // array_map_alloc_check and htab_map_alloc_check: round_up(value_size, 8) > 32768 → E2BIG.
  CHECK(creates(M::PercpuArray, 4, 32 * 1024, 1));
  CHECK_FALSE(creates(M::PercpuArray, 4, 32 * 1024 + 1, 1));
  CHECK(creates(M::PercpuHash, 8, 32 * 1024, 1));
  CHECK_FALSE(creates(M::PercpuHash, 8, 32 * 1024 + 1, 1));
  CHECK_FALSE(creates(M::LruPercpuHash, 8, 32 * 1024 + 1, 1));
  // Plain arrays take much larger values.
  CHECK(creates(M::Array, 4, 1u << 20, 1));
  // Per-CPU values cannot be placed on a NUMA node.
  CHECK_FALSE(creates(M::PercpuArray, 4, 8, 1, MapNumaNode));
  CHECK(creates(M::Array, 4, 8, 1, MapNumaNode));
}

TEST_CASE("ring buffers: a power of two, a multiple of the page size") {
  // ringbuf_map_alloc: key_size and value_size 0, is_power_of_2 and PAGE_ALIGNED.
  CHECK(creates(M::Ringbuf, 0, 0, 4096));
  CHECK(creates(M::Ringbuf, 0, 0, 1u << 24));
  CHECK_FALSE(creates(M::Ringbuf, 0, 0, 2048));     // a power of two, not page-aligned
  CHECK_FALSE(creates(M::Ringbuf, 0, 0, 3 * 4096)); // page-aligned, not a power of two
  CHECK_FALSE(creates(M::Ringbuf, 0, 0, 0));
  CHECK_FALSE(creates(M::Ringbuf, 4, 0, 4096));
  CHECK_FALSE(creates(M::Ringbuf, 0, 8, 4096));
  CHECK(creates(M::UserRingbuf, 0, 0, 8192));
  // RINGBUF_CREATE_FLAG_MASK is BPF_F_NUMA_NODE alone.
  CHECK(creates(M::Ringbuf, 0, 0, 4096, MapNumaNode));
  CHECK_FALSE(creates(M::Ringbuf, 0, 0, 4096, MapReadOnly));
}

TEST_CASE("hash maps") {
  // htab_map_alloc_check: key and value positive; key + value below KMALLOC_MAX_SIZE -
  // sizeof(struct htab_elem).
  CHECK(creates(M::Hash, 1, 1, 1));
  CHECK_FALSE(creates(M::Hash, 0, 8, 1));
  CHECK(creates(M::Hash, 8, (1u << 22) - 48 - 8 - 1, 1));
  CHECK_FALSE(creates(M::Hash, 8, (1u << 22) - 48 - 8, 1));
  // htab_map_alloc: the bucket array must fit 32 bits.
  CHECK(creates(M::Hash, 4, 4, 1u << 27, MapNoPrealloc));
  CHECK_FALSE(creates(M::Hash, 4, 4, (1u << 27) + 1, MapNoPrealloc));
  // LRU maps are always preallocated; BPF_F_NO_COMMON_LRU is theirs alone, and not with a
  // NUMA node.
  CHECK_FALSE(creates(M::LruHash, 4, 4, 1, MapNoPrealloc));
  CHECK(creates(M::LruHash, 4, 4, 1, MapNoCommonLru));
  CHECK(creates(M::LruHash, 4, 4, 1, MapNumaNode));
  CHECK_FALSE(creates(M::LruHash, 4, 4, 1, MapNoCommonLru | MapNumaNode));
  CHECK_FALSE(creates(M::Hash, 4, 4, 1, MapNoCommonLru));
  // bpf_map_flags_access_ok, and bpf_get_file_flag for every type.
  CHECK_FALSE(creates(M::Hash, 4, 4, 1, MapReadOnlyProgram | MapWriteOnlyProgram));
  CHECK_FALSE(creates(M::Hash, 4, 4, 1, MapReadOnly | MapWriteOnly));
  CHECK(creates(M::Hash, 4, 4, 1, MapReadOnly | MapWriteOnlyProgram));
}

TEST_CASE("lpm_trie requires BPF_F_NO_PREALLOC") {
  // trie_alloc: !(map_flags & BPF_F_NO_PREALLOC) → EINVAL; keys hold a 4-byte prefix length
  // and 1 to 256 data bytes.
  CHECK_FALSE(creates(M::LpmTrie, 8, 8, 1));
  CHECK(creates(M::LpmTrie, 8, 8, 1, MapNoPrealloc));
  CHECK_FALSE(creates(M::LpmTrie, 4, 8, 1, MapNoPrealloc));
  CHECK(creates(M::LpmTrie, 5, 8, 1, MapNoPrealloc));
  CHECK(creates(M::LpmTrie, 260, 8, 1, MapNoPrealloc));
  CHECK_FALSE(creates(M::LpmTrie, 261, 8, 1, MapNoPrealloc));
  CHECK(checkMapCreation(M::LpmTrie, 8, 8, 1, 0, false)->find("require") != std::string::npos);
}

TEST_CASE("storage maps") {
  // bpf_local_storage_map_alloc_check: int key, max_entries 0, BPF_F_NO_PREALLOC, BTF.
  for (M type : {M::SkStorage, M::InodeStorage, M::TaskStorage, M::CgrpStorage}) {
    CAPTURE(nameOf(type));
    CHECK(creates(type, 4, 8, 0, MapNoPrealloc, true));
    CHECK_FALSE(creates(type, 4, 8, 0, MapNoPrealloc, false));
    CHECK_FALSE(creates(type, 4, 8, 1, MapNoPrealloc, true));
    CHECK_FALSE(creates(type, 4, 8, 0, 0, true));
    CHECK(creates(type, 4, 8, 0, MapNoPrealloc | MapClone, true));
    // BPF_LOCAL_STORAGE_MAX_VALUE_SIZE: U16_MAX - sizeof(struct bpf_local_storage_elem).
    CHECK(creates(type, 4, 0xffff - 128, 0, MapNoPrealloc, true));
    CHECK_FALSE(creates(type, 4, 0xffff - 127, 0, MapNoPrealloc, true));
  }
  // cgroup_storage_map_alloc: a bpf_cgroup_storage_key or the cgroup id alone.
  CHECK(creates(M::CgroupStorage, 16, 8, 0));
  CHECK(creates(M::CgroupStorage, 8, 8, 0));
  CHECK_FALSE(creates(M::CgroupStorage, 4, 8, 0));
  CHECK_FALSE(creates(M::CgroupStorage, 16, 8, 1));
  CHECK_FALSE(creates(M::PercpuCgroupStorage, 16, 32 * 1024 + 1, 0));
}

TEST_CASE("special types") {
  // bpf_struct_ops_map_alloc_check: int key, max_entries 1, the kernel's value type.
  CHECK(creates(M::StructOps, 4, 256, 1, 0, true));
  CHECK_FALSE(creates(M::StructOps, 4, 256, 1, 0, false));
  CHECK_FALSE(creates(M::StructOps, 4, 256, 2, 0, true));
  CHECK(creates(M::StructOps, 4, 256, 1, MapLink, true));
  // arena_map_alloc: no key or value, BPF_F_MMAPABLE, at most 4 GiB of pages.
  CHECK(creates(M::Arena, 0, 0, 1, MapMmapable));
  CHECK_FALSE(creates(M::Arena, 0, 0, 1, 0));
  CHECK(creates(M::Arena, 0, 0, 1u << 20, MapMmapable | MapSegvOnFault | MapNoUserConversion));
  CHECK_FALSE(creates(M::Arena, 0, 0, (1u << 20) + 1, MapMmapable));
  // stack_map_alloc: 8-byte frames, or 32-byte build ids with BPF_F_STACK_BUILD_ID, at
  // most perf_event_max_stack (127) of them.
  CHECK(creates(M::StackTrace, 4, 8 * 127, 1));
  CHECK_FALSE(creates(M::StackTrace, 4, 8 * 128, 1));
  CHECK_FALSE(creates(M::StackTrace, 4, 12, 1));
  CHECK_FALSE(creates(M::StackTrace, 4, 40, 1, MapStackBuildId));
  CHECK(creates(M::StackTrace, 4, 64, 1, MapStackBuildId));
  // dev_map_alloc_check, cpu_map_alloc, sock_map_alloc: 4 or 8 byte values.
  for (M type : {M::Devmap, M::DevmapHash, M::Cpumap, M::Sockmap, M::Sockhash}) {
    CAPTURE(nameOf(type));
    CHECK(creates(type, 4, 4, 1));
    CHECK(creates(type, 4, 8, 1));
    CHECK_FALSE(creates(type, 4, 6, 1));
  }
  // sock_hash_alloc: keys up to MAX_BPF_STACK.
  CHECK(creates(M::Sockhash, 512, 4, 1));
  CHECK_FALSE(creates(M::Sockhash, 513, 4, 1));
  // Queues and stacks have no key; bloom filters take the hash count in map_extra.
  CHECK(creates(M::Queue, 0, 8, 1));
  CHECK_FALSE(creates(M::Queue, 4, 8, 1));
  MapCreation bloom{M::BloomFilter, 0, 8, 1, 0, false, 3, std::nullopt};
  CHECK_FALSE(checkMapCreation(bloom));
  bloom.mapExtra = 16;
  CHECK(checkMapCreation(bloom));
}

TEST_CASE("BTF") {
  // map_check_no_btf refuses key/value BTF; keyless types without map_check_btf too.
  CHECK_FALSE(creates(M::PerfEventArray, 4, 4, 1, 0, true));
  CHECK_FALSE(creates(M::Ringbuf, 0, 0, 4096, 0, true));
  CHECK_FALSE(creates(M::Queue, 0, 8, 1, 0, true));
  CHECK(creates(M::Hash, 4, 8, 1, 0, true));
  CHECK(creates(M::BloomFilter, 0, 8, 1, 0, true)); // bloom_map_check_btf: a void key is fine
  CHECK(creates(M::Arena, 0, 0, 1, MapMmapable, true));
}

TEST_CASE("map-in-map creation needs an inner map that can be one") {
  MapCreation outer{M::ArrayOfMaps, 4, 4, 1, 0, false, 0, std::nullopt};
  CHECK(checkMapCreation(outer)->find("inner map") != std::string::npos);
  outer.innerMap = MapShape{M::Hash, 4, 8, 16, 0};
  CHECK_FALSE(checkMapCreation(outer));
  // No map_meta_equal: program arrays, map-in-maps, cgroup storage, struct_ops.
  for (M inner : {M::ProgArray, M::ArrayOfMaps, M::HashOfMaps, M::CgroupStorage,
                  M::PercpuCgroupStorage, M::StructOps}) {
    CAPTURE(nameOf(inner));
    CHECK_FALSE(findMapTypeRule(inner)->canBeInnerMap);
    outer.innerMap = MapShape{inner, 4, 4, 1, 0};
    CHECK(checkMapCreation(outer));
  }
  for (M inner : {M::Array, M::Ringbuf, M::Xskmap, M::Sockmap, M::Arena, M::SkStorage}) {
    CAPTURE(nameOf(inner));
    CHECK(findMapTypeRule(inner)->canBeInnerMap);
  }
  // The six-argument form assumes a valid template.
  CHECK(creates(M::HashOfMaps, 8, 4, 1));
  CHECK_FALSE(creates(M::HashOfMaps, 8, 8, 1));
}

TEST_CASE("inner maps must match their template") {
  const MapShape array{M::Array, 4, 8, 4, 0};
  auto with = [](MapShape shape, auto change) {
    change(shape);
    return shape;
  };
  CHECK_FALSE(checkInnerMapCompatible(array, array));
  // bpf_map_meta_equal: type, key_size, value_size, map_flags.
  CHECK(checkInnerMapCompatible(array, with(array, [](MapShape &s) { s.valueSize = 16; })));
  CHECK(checkInnerMapCompatible(array, with(array, [](MapShape &s) { s.keySize = 8; })));
  CHECK(checkInnerMapCompatible(array, with(array, [](MapShape &s) { s.flags = MapReadOnly; })));
  CHECK(checkInnerMapCompatible(array, with(array, [](MapShape &s) { s.type = M::Hash; })));
  // array_map_meta_equal: max_entries too, unless the template has BPF_F_INNER_MAP.
  CHECK(checkInnerMapCompatible(array, with(array, [](MapShape &s) { s.maxEntries = 8; })));
  const MapShape innerArray = with(array, [](MapShape &s) { s.flags = MapInnerMap; });
  CHECK_FALSE(
      checkInnerMapCompatible(innerArray, with(innerArray, [](MapShape &s) { s.maxEntries = 8; })));
  // Other types use bpf_map_meta_equal, which ignores max_entries; xsk_map_meta_equal does not.
  const MapShape hash{M::Hash, 4, 8, 4, 0};
  CHECK_FALSE(checkInnerMapCompatible(hash, with(hash, [](MapShape &s) { s.maxEntries = 99; })));
  const MapShape xsk{M::Xskmap, 4, 4, 4, 0};
  CHECK(checkInnerMapCompatible(xsk, with(xsk, [](MapShape &s) { s.maxEntries = 8; })));
  // A template type without map_meta_equal never matches.
  const MapShape progArray{M::ProgArray, 4, 4, 4, 0};
  CHECK(checkInnerMapCompatible(progArray, progArray));
}

TEST_CASE("prog_array only with bpf_tail_call, bpf_tail_call only with prog_array") {
  // check_map_func_compatibility, both directions.
  CHECK(compatible(M::ProgArray, H::TailCall));
  CHECK_FALSE(compatible(M::ProgArray, H::MapLookupElem));
  CHECK(refusal(M::ProgArray, H::MapLookupElem) ==
        "cannot pass map_type 3 into func bpf_map_lookup_elem#1");
  CHECK_FALSE(compatible(M::ProgArray, H::MapUpdateElem));
  // record_func_key refuses any other map first (Linux 6.13 on).
  CHECK(refusal(M::Array, H::TailCall) == "expected prog array map for tail call");
  CHECK(refusal(M::Hash, H::TailCall) == "expected prog array map for tail call");
  CHECK(mapTypesAcceptedBy(H::TailCall).size() == 1);
}

TEST_CASE("map side and helper side") {
  // Generic maps take the generic helpers.
  CHECK(compatible(M::Hash, H::MapLookupElem));
  CHECK(compatible(M::Array, H::MapUpdateElem));
  // …but not the typed ones.
  CHECK(refusal(M::Hash, H::RingbufOutput) ==
        "cannot pass map_type 1 into func bpf_ringbuf_output#130");
  CHECK_FALSE(compatible(M::Array, H::MapPushElem));
  CHECK_FALSE(compatible(M::Hash, H::MapLookupPercpuElem));
  CHECK(compatible(M::PercpuHash, H::MapLookupPercpuElem));
  // Typed maps take only their helpers.
  CHECK(compatible(M::Ringbuf, H::RingbufOutput));
  CHECK_FALSE(compatible(M::Ringbuf, H::MapLookupElem));
  CHECK(compatible(M::Queue, H::MapPopElem));
  CHECK_FALSE(compatible(M::BloomFilter, H::MapPopElem)); // bloom filters push and peek
  CHECK(compatible(M::BloomFilter, H::MapPeekElem));
  CHECK(compatible(M::StackTrace, H::GetStackid, P::Kprobe));
  CHECK_FALSE(compatible(M::StackTrace, H::MapLookupElem, P::Kprobe));
  CHECK(compatible(M::Devmap, H::RedirectMap, P::Xdp));
  CHECK(compatible(M::Xskmap, H::MapLookupElem, P::Xdp));
  CHECK_FALSE(compatible(M::Cpumap, H::MapLookupElem, P::Xdp));
  CHECK(compatible(M::ArrayOfMaps, H::MapLookupElem));
  CHECK_FALSE(compatible(M::ArrayOfMaps, H::MapUpdateElem));
  CHECK(compatible(M::SkStorage, H::KptrXchg));
  CHECK_FALSE(compatible(M::TaskStorage, H::SkStorageGet));
  // Checked before compatibility: devmaps are read-only for programs
  // (dev_map_init_map sets BPF_F_RDONLY_PROG; record_func_map refuses the write)…
  CHECK(refusal(M::Devmap, H::MapUpdateElem) == "write into map forbidden");
  CHECK(refusal(M::DevmapHash, H::MapDeleteElem) == "write into map forbidden");
  // …and only arrays and hashes have a for_each walker.
  CHECK(compatible(M::LruHash, H::ForEachMapElem));
  CHECK(refusal(M::LpmTrie, H::ForEachMapElem) == "callback function not allowed for map");
}

TEST_CASE("sockmap updates: may_update_sockmap") {
  // The socket map helpers work anywhere they are available.
  CHECK(compatible(M::Sockmap, H::SockMapUpdate, P::SockOps));
  CHECK_FALSE(compatible(M::Sockhash, H::SockMapUpdate, P::SockOps));
  CHECK(compatible(M::Sockmap, H::MapLookupElem, P::Kprobe));
  // Generic updates and deletes only where no locked socket can be at hand.
  CHECK(compatible(M::Sockmap, H::MapUpdateElem, P::SocketFilter));
  CHECK(compatible(M::Sockhash, H::MapUpdateElem, P::SchedCls));
  CHECK(compatible(M::Sockmap, H::MapDeleteElem, P::Xdp));
  CHECK_FALSE(compatible(M::Sockmap, H::MapUpdateElem, P::Kprobe));
  CHECK(refusal(M::Sockmap, H::MapUpdateElem, P::Kprobe) ==
        "cannot update sockmap in this context\n"
        "cannot pass map_type 15 into func bpf_map_update_elem#2");
  CHECK_FALSE(compatible(M::Sockhash, H::MapDeleteElem, P::SkMsg));
  // sock_ops may delete; it updates through bpf_sock_map_update.
  CHECK(compatible(M::Sockmap, H::MapDeleteElem, P::SockOps));
  CHECK_FALSE(compatible(M::Sockmap, H::MapUpdateElem, P::SockOps));
  // Iterators may do both.
  CHECK(!checkMapHelperCompatibility(M::Sockmap, H::MapUpdateElem, P::Tracing,
                                     AttachType::TraceIter));
  CHECK(checkMapHelperCompatibility(M::Sockmap, H::MapUpdateElem, P::Tracing,
                                    AttachType::TraceFentry));
  // Other maps never mind the program type.
  CHECK(compatible(M::Hash, H::MapUpdateElem, P::Kprobe));
}

TEST_CASE("maps in programs") {
  // check_map_prog_compatibility.
  CHECK(checkMapUseInProgram(M::StructOps, {}, P::SocketFilter, false) ==
        "bpf_struct_ops map cannot be used in prog");
  CHECK_FALSE(checkMapUseInProgram(M::Hash, {}, P::Kprobe, false));
  CHECK_FALSE(checkMapUseInProgram(M::Hash, {}, P::Syscall, true));
  CHECK_FALSE(checkMapUseInProgram(M::TaskStorage, {}, P::Lsm, true));
  CHECK(checkMapUseInProgram(M::LpmTrie, {}, P::Syscall, true));
  CHECK(checkMapUseInProgram(M::Sockmap, {}, P::Syscall, true));
  CHECK_FALSE(checkMapUseInProgram(M::Sockmap, {}, P::Syscall, false));
  // Kernel-managed fields of the value: timers and locks not in tracing programs, locks
  // not in socket filters; other fields and program types are free.
  using F = MapValueFieldKind;
  const std::vector<MapValueField> timer{{F::Timer, 0, {}}};
  const std::vector<MapValueField> lock{{F::SpinLock, 8, {}}};
  const std::vector<MapValueField> kptr{{F::KptrReferenced, 0, "task_struct"}};
  CHECK(checkMapUseInProgram(M::Array, timer, P::Kprobe, false) ==
        "tracing progs cannot use bpf_timer yet");
  CHECK(checkMapUseInProgram(M::Hash, timer, P::RawTracepoint, false) ==
        "tracing progs cannot use bpf_timer yet");
  CHECK_FALSE(checkMapUseInProgram(M::Array, timer, P::SchedCls, false));
  CHECK(checkMapUseInProgram(M::Array, lock, P::SocketFilter, false) ==
        "socket filter progs cannot use bpf_spin_lock yet");
  CHECK(checkMapUseInProgram(M::Array, lock, P::PerfEvent, false) ==
        "tracing progs cannot use bpf_spin_lock yet");
  CHECK_FALSE(checkMapUseInProgram(M::Array, lock, P::Xdp, false));
  CHECK_FALSE(checkMapUseInProgram(M::Array, kptr, P::Kprobe, false));
  // The fields are checked before the map type, as the kernel does.
  CHECK(checkMapUseInProgram(M::LpmTrie, timer, P::Kprobe, true) ==
        "tracing progs cannot use bpf_timer yet");
}

TEST_CASE("kernel-managed map value fields") {
  using F = MapValueFieldKind;
  CHECK(fieldKindOfStruct("bpf_timer") == F::Timer);
  CHECK(fieldKindOfStruct("bpf_spin_lock") == F::SpinLock);
  CHECK_FALSE(fieldKindOfStruct("kptr"));
  CHECK(kptrKindOfTag("kptr") == F::KptrReferenced);
  CHECK(kptrKindOfTag("kptr_untrusted") == F::KptrUntrusted);
  CHECK_FALSE(kptrKindOfTag("bpf_timer"));
  const std::vector<MapValueField> fields{{F::SpinLock, 0, {}}, {F::Timer, 8, {}}};
  CHECK(overlappingField(fields, 3, 3) == &fields[0]);
  CHECK(overlappingField(fields, 4, 7) == nullptr);
  CHECK(overlappingField(fields, 6, 8) == &fields[1]);
  CHECK(overlappingField(fields, 23, 30) == &fields[1]);
  CHECK(overlappingField(fields, 24, 30) == nullptr);
  CHECK(isRcuProtectedStruct("task_struct"));
  CHECK_FALSE(isRcuProtectedStruct("file"));
}

TEST_CASE("size rules") {
  const SizeRule exact{4, 4, 1, 8};
  CHECK(exact.accepts(4));
  CHECK(exact.accepts(8));
  CHECK_FALSE(exact.accepts(6));
  const SizeRule stride{8, 64, 8, 0};
  CHECK(stride.accepts(16));
  CHECK_FALSE(stride.accepts(12));
  CHECK_FALSE(stride.accepts(72));
}
