// What BPF_MAP_CREATE receives (type, sizes, max_entries, flags, map_extra, inner-map
// template, name) and its validation with the kernel's errno: the accept/reject decision comes
// from platform's map type rules, the errno from the kernel's *_alloc_check functions.
#pragma once

#include "bpfcheck/platform/Types.h"
#include "bpfcheck/runtime/MapError.h"

#include <cstdint>
#include <memory>
#include <string>

namespace bpfcheck::runtime {

/// The attributes of a map as a loader passes them to BPF_MAP_CREATE. For array_of_maps and
/// hash_of_maps, `innerMap` plays the part of inner_map_fd: the template every inner map must
/// match (bpf_map_meta_equal).
struct MapSpec {
  MapType type = MapType::Unspec;
  std::uint32_t keySize = 0;
  std::uint32_t valueSize = 0;
  std::uint32_t maxEntries = 0;
  std::uint32_t flags = 0;    ///< BPF_F_* creation flags
  std::uint64_t mapExtra = 0; ///< bloom filter: number of hash functions (0: 5)
  std::string name;
  std::shared_ptr<const MapSpec> innerMap;
};

/// Whether bpfcheck's runtime implements maps of this type (the others are refused at
/// creation with EOPNOTSUPP even though the kernel has them).
bool isImplementedMapType(MapType type);

/// Why the kernel refuses to create this map, with its errno (EINVAL, E2BIG, EBADF for a
/// map-in-map without inner template, KernelENOTSUPP for LRU maps without preallocation and
/// inner templates of a type that cannot be an inner map), or success. Types the runtime does
/// not implement fail with EOPNOTSUPP after the kernel's checks pass.
MapStatus validateMapSpec(const MapSpec &spec);

/// The max_entries a map really has: LRU maps with BPF_F_NO_COMMON_LRU round it up to a
/// multiple of the number of possible CPUs (htab_map_alloc), every other type keeps it.
std::uint32_t effectiveMaxEntries(const MapSpec &spec, unsigned possibleCpus);

/// Whether values are per CPU (user space then sees one value per possible CPU, each rounded
/// up to 8 bytes, as libbpf sizes them).
bool isPercpuMapType(MapType type);

/// "hash map 'name'" style text naming a map in messages.
std::string describeMap(const MapSpec &spec);

} // namespace bpfcheck::runtime
