// BPF_MAP_TYPE_HASH, PERCPU_HASH, LRU_HASH and LRU_PERCPU_HASH (kernel/bpf/hashtab.c): a
// table of max_entries rounded up to a power of two buckets, keys hashed with the kernel's
// jhash (seed 0 with BPF_F_ZERO_SEED, so keys then sit in the kernel's buckets and
// get_next_key walks them in the kernel's order), new elements at the head of their bucket.
//
// A full hash map refuses new keys with E2BIG. An LRU map never does: it evicts the least
// recently used element first (program lookups and updates count as uses, user-space lookups
// do not). The kernel approximates LRU with per-CPU free lists and evicts in batches, so it
// may evict earlier and several elements at once; this runtime evicts exactly one element,
// only when max_entries elements exist, and keeps one LRU list even with
// BPF_F_NO_COMMON_LRU (whose max_entries is still rounded up to a multiple of the CPUs).
//
// Deleted and replaced elements are retired to the environment's MemoryReclaimer, so a
// pointer a program obtained stays valid until its run ends. Thread-safe (one lock per map).
#pragma once

#include "bpfcheck/runtime/Map.h"

#include <mutex>
#include <vector>

namespace bpfcheck::runtime {

/// hash, percpu_hash, lru_hash and lru_percpu_hash; the base of hash_of_maps and sockhash.
class HashMap : public Map {
public:
  HashMap(MapSpec spec, std::shared_ptr<MapEnvironment> environment);
  ~HashMap() override;

  bool isPercpu() const { return percpu; }
  bool isLru() const { return lru; }
  std::uint32_t elementCount() const;
  std::uint32_t bucketCount() const { return static_cast<std::uint32_t>(buckets.size()); }
  std::uint32_t hashSeed() const { return seed; }

  void *programLookup(const void *key, unsigned cpu) override;
  void *programLookupPercpu(const void *key, unsigned targetCpu) override;
  long programUpdate(const void *key, const void *value, std::uint64_t flags,
                     unsigned cpu) override;
  long programDelete(const void *key, unsigned cpu) override;

  MapResult<std::vector<std::byte>> saveContents() const override { return saveKeyValuePairs(); }
  MapStatus restoreContents(ByteView contents) override { return restoreKeyValuePairs(contents); }

protected:
  /// For map types that store something else than the user's bytes (hash_of_maps stores
  /// inner map pointers): `storedValueSize` bytes per value.
  HashMap(MapSpec spec, std::shared_ptr<MapEnvironment> environment, std::uint32_t storedValueSize);

  MapStatus doLookup(ByteView key, MutableByteView value) const override;
  MapStatus doUpdate(ByteView key, ByteView value, std::uint64_t flags) override;
  MapStatus doDelete(ByteView key) override;
  MapStatus doNextKey(const std::byte *key, MutableByteView next) const override;
  MapStatus doLookupAndDelete(ByteView key, MutableByteView value) override;
  MapResult<BatchLookup> doLookupBatch(ByteView inBatch, std::uint32_t count,
                                       bool deleteFound) override;

  /// Where a stored value comes from: user space (every CPU's copy, 8-byte strides) or a
  /// program on `cpu` (that CPU's copy; a new per-CPU element is zero on the other CPUs).
  enum class ValueSource : std::uint8_t { User, Program };
  /// htab_map_update_elem and its per-CPU and LRU variants; a positive errno or 0.
  int storeElement(const std::byte *key, const std::byte *value, std::uint64_t flags,
                   ValueSource source, unsigned cpu);
  /// The stored value of `key` (this CPU's copy), or null. Touches the LRU when asked.
  std::byte *findValue(const std::byte *key, unsigned cpu, bool touch);
  /// Copies a stored value out in user-space layout (hash_of_maps turns pointers into ids).
  virtual void exportValue(const std::byte *stored, std::byte *user) const;
  /// An element leaves the map (deleted, replaced, evicted); called with the map locked.
  virtual void releaseValue(std::byte * /*stored*/) {}

  mutable std::mutex mutex;

private:
  struct Element;
  Element *newElement(const std::byte *key, std::uint32_t hash);
  std::byte *valueOf(Element *element, unsigned cpu) const;
  Element *findLocked(const std::byte *key, std::uint32_t hash) const;
  std::uint32_t hashOf(const std::byte *key) const;
  std::uint32_t bucketOf(std::uint32_t hash) const { return hash & (bucketCount() - 1); }
  void unlinkLocked(Element *element);
  void retireLocked(Element *element);
  void touchLocked(Element *element);
  void pushMostRecentLocked(Element *element);
  void evictLeastRecentLocked();
  int deleteLocked(const std::byte *key);
  void exportAllCopies(Element *element, std::byte *user) const;

  bool percpu;
  bool lru;
  std::uint32_t storedSize;  ///< bytes of one stored value
  std::uint32_t valueStride; ///< storedSize rounded up to 8
  std::uint32_t keyStride;   ///< key_size rounded up to 8
  std::uint32_t seed;
  std::uint32_t liveElements = 0;
  std::vector<Element *> buckets;
  Element *mostRecent = nullptr;
  Element *leastRecent = nullptr;
};

} // namespace bpfcheck::runtime
