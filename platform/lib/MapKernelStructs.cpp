// Rows for kernelStructOfMap (MapTypeRules.h): the kernel struct that embeds a map of each
// type (each map type's map_btf_id in Linux 6.18, a BTF_ID_LIST_SINGLE beside its
// bpf_map_ops). A program with CAP_PERFMON may read that struct through the map pointer
// (check_ptr_to_map_access). Every name is checked against the running kernel's BTF by
// tests/platform/MapKernelStructsTest.cpp.

#include "bpfcheck/platform/MapTypeRules.h"

namespace bpfcheck {

namespace {

struct MapStructRow {
  MapType map;
  std::string_view kernelStruct;
};

constexpr MapStructRow mapStructRows[] = {
    {MapType::Hash, "bpf_htab"},
    {MapType::PercpuHash, "bpf_htab"},
    {MapType::LruHash, "bpf_htab"},
    {MapType::LruPercpuHash, "bpf_htab"},
    {MapType::HashOfMaps, "bpf_htab"},
    {MapType::Array, "bpf_array"},
    {MapType::PercpuArray, "bpf_array"},
    {MapType::ProgArray, "bpf_array"},
    {MapType::PerfEventArray, "bpf_array"},
    {MapType::CgroupArray, "bpf_array"},
    {MapType::ArrayOfMaps, "bpf_array"},
    {MapType::StackTrace, "bpf_stack_map"},
    {MapType::LpmTrie, "lpm_trie"},
    {MapType::Devmap, "bpf_dtab"},
    {MapType::DevmapHash, "bpf_dtab"},
    {MapType::Sockmap, "bpf_stab"},
    {MapType::Sockhash, "bpf_shtab"},
    {MapType::Cpumap, "bpf_cpu_map"},
    {MapType::Xskmap, "xsk_map"},
    {MapType::CgroupStorage, "bpf_cgroup_storage_map"},
    {MapType::PercpuCgroupStorage, "bpf_cgroup_storage_map"},
    {MapType::ReuseportSockarray, "reuseport_array"},
    {MapType::Queue, "bpf_queue_stack"},
    {MapType::Stack, "bpf_queue_stack"},
    {MapType::SkStorage, "bpf_local_storage_map"},
    {MapType::InodeStorage, "bpf_local_storage_map"},
    {MapType::TaskStorage, "bpf_local_storage_map"},
    {MapType::CgrpStorage, "bpf_local_storage_map"},
    {MapType::StructOps, "bpf_struct_ops_map"},
    {MapType::Ringbuf, "bpf_ringbuf_map"},
    {MapType::UserRingbuf, "bpf_ringbuf_map"},
    {MapType::BloomFilter, "bpf_bloom_filter"},
    {MapType::Arena, "bpf_arena"},
};

} // namespace

std::string_view kernelStructOfMap(MapType map) {
  for (const MapStructRow &row : mapStructRows)
    if (row.map == map)
      return row.kernelStruct;
  return {};
}

} // namespace bpfcheck
