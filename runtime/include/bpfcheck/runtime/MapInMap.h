// BPF_MAP_TYPE_ARRAY_OF_MAPS and BPF_MAP_TYPE_HASH_OF_MAPS (kernel/bpf/map_in_map.c):
// values are inner maps. User space stores an inner map by its id (the kernel takes an fd)
// and reads back its id; the inner map must match the template of the spec as the kernel's
// map_meta_equal says (type, key and value size, flags; max_entries for arrays unless the
// template has BPF_F_INNER_MAP), else EINVAL; an unknown id is EBADF. Programs' lookups
// return the inner Map* itself; a replaced or deleted inner map stays alive until the runs
// active then have ended.
#pragma once

#include "bpfcheck/runtime/HashMap.h"

#include <mutex>
#include <unordered_map>
#include <vector>

namespace bpfcheck::runtime {

/// Why `candidate` may not be an inner map of a map-in-map with this template (the errno
/// and message), or success.
MapStatus checkInnerMap(const MapSpec &innerTemplate, const Map &candidate);

/// array_of_maps: index → inner map.
class ArrayOfMaps final : public Map {
public:
  ArrayOfMaps(MapSpec spec, std::shared_ptr<MapEnvironment> environment);
  ~ArrayOfMaps() override;

  /// The inner map at `index` (what a program's lookup returns), or null.
  Map *innerMap(std::uint32_t index) const;
  void *programLookup(const void *key, unsigned cpu) override;

protected:
  MapStatus doLookup(ByteView key, MutableByteView value) const override;
  MapStatus doUpdate(ByteView key, ByteView value, std::uint64_t flags) override;
  MapStatus doDelete(ByteView key) override;
  MapStatus doNextKey(const std::byte *key, MutableByteView next) const override;

private:
  void retire(std::shared_ptr<Map> inner);

  mutable std::mutex mutex;
  std::vector<std::shared_ptr<Map>> slots;
};

/// hash_of_maps: a hash map whose elements hold inner maps.
class HashOfMaps final : public HashMap {
public:
  HashOfMaps(MapSpec spec, std::shared_ptr<MapEnvironment> environment);

  void *programLookup(const void *key, unsigned cpu) override;
  long programUpdate(const void *, const void *, std::uint64_t, unsigned) override;
  long programDelete(const void *, unsigned) override;
  MapResult<std::vector<std::byte>> saveContents() const override { return Map::saveContents(); }
  MapStatus restoreContents(ByteView contents) override { return Map::restoreContents(contents); }

protected:
  MapStatus doUpdate(ByteView key, ByteView value, std::uint64_t flags) override;
  MapStatus doLookupAndDelete(ByteView key, MutableByteView value) override;
  MapResult<BatchLookup> doLookupBatch(ByteView inBatch, std::uint32_t count,
                                       bool deleteFound) override;
  void exportValue(const std::byte *stored, std::byte *user) const override;
  void releaseValue(std::byte *stored) override;

private:
  /// The shared ownership behind the raw Map* the elements store, counted per inner map.
  std::mutex referencesMutex;
  std::unordered_map<const Map *, std::pair<std::shared_ptr<Map>, std::size_t>> references;
};

} // namespace bpfcheck::runtime
