// BPF_MAP_TYPE_BLOOM_FILTER (kernel/bpf/bloom_filter.c): keyless; push sets the value's bits
// for each of the map_extra & 0xf (default 5) hash functions, peek answers 0 when all are set
// (maybe present) and -ENOENT otherwise (certainly absent). Bit array size and hashing follow
// bloom_map_alloc (max_entries × hashes × 7/5 bits rounded up to a power of two, at least 64)
// and jhash seeded with seed + function index. User space: update = push (BPF_ANY only),
// lookup = peek. Thread-safe (atomic bit sets).
#pragma once

#include "bpfcheck/runtime/Map.h"

#include <vector>

namespace bpfcheck::runtime {

/// bloom_filter.
class BloomFilterMap final : public Map {
public:
  BloomFilterMap(MapSpec spec, std::shared_ptr<MapEnvironment> environment);

  /// The bytes of the bit array a spec asks for (for the factory's memory check).
  static std::uint64_t bitArrayBytes(const MapSpec &spec);
  std::uint32_t hashFunctions() const { return functions; }
  std::uint64_t bitCount() const { return std::uint64_t(mask) + 1; }

  long programPush(const void *value, std::uint64_t flags, unsigned cpu) override;
  long programPeek(void *value, unsigned cpu) override;

  MapResult<std::vector<std::byte>> saveContents() const override;
  MapStatus restoreContents(ByteView contents) override;

protected:
  MapStatus doLookup(ByteView key, MutableByteView value) const override;
  MapStatus doUpdate(ByteView key, ByteView value, std::uint64_t flags) override;
  MapStatus doDelete(ByteView key) override;
  MapStatus doNextKey(const std::byte *key, MutableByteView next) const override;

private:
  std::uint32_t bitFor(const void *value, std::uint32_t function) const;
  int push(const void *value, std::uint64_t flags);
  bool mayContain(const void *value) const;

  std::uint32_t functions;
  std::uint32_t mask;
  std::uint32_t seed;
  mutable std::vector<std::uint64_t> words;
};

} // namespace bpfcheck::runtime
