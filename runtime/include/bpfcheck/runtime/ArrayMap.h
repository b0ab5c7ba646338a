// BPF_MAP_TYPE_ARRAY and BPF_MAP_TYPE_PERCPU_ARRAY (kernel/bpf/arraymap.c): max_entries
// preallocated, zeroed elements indexed by a u32 key; elements always exist, so delete fails
// with EINVAL and BPF_NOEXIST with EEXIST. Element memory never moves: programs keep pointers.
#pragma once

#include "bpfcheck/runtime/Map.h"

#include <memory>

namespace bpfcheck::runtime {

/// array and percpu_array.
class ArrayMap final : public Map {
public:
  ArrayMap(MapSpec spec, std::shared_ptr<MapEnvironment> environment);

  /// The bytes of element `index` for `cpu` (cpu is ignored by plain arrays): the memory
  /// programs and a BPF_F_MMAPABLE mapping see. Null past max_entries.
  std::byte *elementData(std::uint32_t index, unsigned cpu = 0);
  bool isPercpu() const { return percpu; }

  void *programLookup(const void *key, unsigned cpu) override;
  void *programLookupPercpu(const void *key, unsigned targetCpu) override;
  long programUpdate(const void *key, const void *value, std::uint64_t flags,
                     unsigned cpu) override;
  long programDelete(const void *key, unsigned cpu) override;

  MapResult<std::vector<std::byte>> saveContents() const override { return saveKeyValuePairs(); }
  MapStatus restoreContents(ByteView contents) override { return restoreKeyValuePairs(contents); }

protected:
  MapStatus doLookup(ByteView key, MutableByteView value) const override;
  MapStatus doUpdate(ByteView key, ByteView value, std::uint64_t flags) override;
  MapStatus doDelete(ByteView key) override;
  MapStatus doNextKey(const std::byte *key, MutableByteView next) const override;
  MapResult<BatchLookup> doLookupBatch(ByteView inBatch, std::uint32_t count,
                                       bool deleteFound) override;

private:
  /// array_map_update_elem's checks, as a positive errno (0: allowed).
  int updateRefusal(std::uint32_t index, std::uint64_t flags) const;
  const std::byte *elementData(std::uint32_t index, unsigned cpu) const;

  bool percpu;
  std::uint32_t stride; ///< value_size rounded up to 8 (elem_size)
  std::unique_ptr<std::byte[]> storage;
};

} // namespace bpfcheck::runtime
