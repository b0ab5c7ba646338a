// A BPF map with the kernel's semantics, seen from both sides: the user-space commands of
// bpf() (lookup, update with BPF_ANY / BPF_NOEXIST / BPF_EXIST, delete, get_next_key,
// lookup_and_delete, batch lookup) with the kernel's errno, and the program-side operations
// that helper implementations call (pointers into map memory, negative errno returns).
#pragma once

#include "bpfcheck/runtime/MapEnvironment.h"
#include "bpfcheck/runtime/MapError.h"
#include "bpfcheck/runtime/MapSpec.h"

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace bpfcheck::runtime {

using ByteView = std::span<const std::byte>;
using MutableByteView = std::span<std::byte>;

/// What one BPF_MAP_LOOKUP_BATCH (or LOOKUP_AND_DELETE_BATCH) call returns.
struct BatchLookup {
  std::uint32_t count = 0;
  std::vector<std::byte> keys;   ///< count × keySize()
  std::vector<std::byte> values; ///< count × userValueSize()
  /// out_batch: pass it as the next call's in_batch (hash maps: a 4-byte bucket index; arrays:
  /// the last key returned).
  std::vector<std::byte> nextBatch;
  /// The kernel's ENOENT: the walk is complete, nothing follows these elements.
  bool finished = false;
};

/// The base of every map type: the common checks of the user-space commands, and the
/// program-side operations with defaults for the types that lack them.
class Map {
public:
  Map(const Map &) = delete;
  Map &operator=(const Map &) = delete;
  virtual ~Map();

  const MapSpec &spec() const { return attributes; }
  MapType type() const { return attributes.type; }
  /// The map's id in its environment (map-in-map values name inner maps by it).
  std::uint32_t id() const { return mapId; }
  std::uint32_t keySize() const { return attributes.keySize; }
  std::uint32_t valueSize() const { return attributes.valueSize; }
  /// max_entries as the map has it (see effectiveMaxEntries).
  std::uint32_t maxEntries() const { return entries; }
  unsigned possibleCpus() const;
  /// Bytes of one value in user-space calls: valueSize(), or for per-CPU maps
  /// possibleCpus() × valueSize() rounded up to 8.
  std::uint32_t userValueSize() const;
  MapEnvironment &environment() const { return *env; }

  // ---- user space: the bpf() commands. Keys are keySize() bytes (none for queue, stack and
  // bloom filter), values userValueSize() bytes; wrong sizes fail with EINVAL.
  MapStatus lookup(ByteView key, MutableByteView value, std::uint64_t flags = 0) const;
  MapStatus update(ByteView key, ByteView value, std::uint64_t flags = 0);
  MapStatus remove(ByteView key);
  /// BPF_MAP_GET_NEXT_KEY; a null `key` asks for the first key.
  MapStatus nextKey(const std::byte *key, MutableByteView next) const;
  MapStatus lookupAndDelete(ByteView key, MutableByteView value, std::uint64_t flags = 0);
  /// BPF_MAP_LOOKUP_BATCH: up to `count` elements after `inBatch` (empty: from the start).
  MapResult<BatchLookup> lookupBatch(ByteView inBatch, std::uint32_t count,
                                     std::uint64_t elementFlags = 0) const;
  MapResult<BatchLookup> lookupAndDeleteBatch(ByteView inBatch, std::uint32_t count,
                                              std::uint64_t elementFlags = 0);

  // ---- program side: what helpers call. The caller holds a RunGuard of environment()
  // (beginRun) for the whole program run; `cpu` is the CPU the program runs on, below
  // possibleCpus(). Returns follow the helpers: null pointers, 0 or a negative errno.

  /// bpf_map_lookup_elem: the value's bytes for this CPU, valid until the run ends.
  /// Map-in-map: the inner Map* itself.
  virtual void *programLookup(const void *key, unsigned cpu);
  /// bpf_map_lookup_percpu_elem: the value of another CPU (null for other map types).
  virtual void *programLookupPercpu(const void *key, unsigned targetCpu);
  virtual long programUpdate(const void *key, const void *value, std::uint64_t flags, unsigned cpu);
  virtual long programDelete(const void *key, unsigned cpu);
  /// bpf_map_push_elem / pop / peek (queue, stack; bloom filter push and peek).
  virtual long programPush(const void *value, std::uint64_t flags, unsigned cpu);
  virtual long programPop(void *value, unsigned cpu);
  virtual long programPeek(void *value, unsigned cpu);

  // ---- pinning: the map's contents as bytes (Pinning.h writes them to a file).
  /// EOPNOTSUPP for maps whose contents mean nothing outside this process.
  virtual MapResult<std::vector<std::byte>> saveContents() const;
  /// Replaces the contents by what saveContents produced for a map of the same spec.
  virtual MapStatus restoreContents(ByteView contents);

  /// The 4-byte index (or id) at `bytes`, which need not be aligned.
  static std::uint32_t readU32(const void *bytes);

protected:
  Map(MapSpec spec, std::shared_ptr<MapEnvironment> environment);

  // The user-space commands after the common checks (access flags, sizes, BPF_F_LOCK).
  // Defaults fail as the kernel does for a type without the operation.
  virtual MapStatus doLookup(ByteView key, MutableByteView value) const;
  virtual MapStatus doUpdate(ByteView key, ByteView value, std::uint64_t flags);
  virtual MapStatus doDelete(ByteView key);
  virtual MapStatus doNextKey(const std::byte *key, MutableByteView next) const;
  virtual MapStatus doLookupAndDelete(ByteView key, MutableByteView value);
  virtual MapResult<BatchLookup> doLookupBatch(ByteView inBatch, std::uint32_t count,
                                               bool deleteFound);
  /// generic_map_lookup_batch: get_next_key then lookup, out_batch the last key.
  MapResult<BatchLookup> genericLookupBatch(ByteView inBatch, std::uint32_t count) const;
  /// array_map_get_next_key, which every array-like map shares: index order, a missing or
  /// out-of-range key starts at 0, the last index has no successor.
  MapStatus arrayNextKey(const std::byte *key, MutableByteView next) const;
  /// Contents as (key, user value) pairs in get_next_key order, and back through update.
  MapResult<std::vector<std::byte>> saveKeyValuePairs() const;
  MapStatus restoreKeyValuePairs(ByteView contents);

  /// An error whose message starts with the map's description.
  MapError fail(int code, const std::string &what) const;
  /// "index N is past max_entries", with the errno the operation gives for it.
  MapError indexPastEnd(std::uint32_t index, int code = E2BIG) const;
  /// The helper return for an errno: -code.
  static long negative(int code) { return -static_cast<long>(code); }

  std::uint32_t entries = 0;
  std::shared_ptr<MapEnvironment> env;

private:
  friend MapResult<std::shared_ptr<Map>> createMap(const MapSpec &,
                                                   const std::shared_ptr<MapEnvironment> &);
  MapStatus checkSizes(ByteView key, std::size_t valueBytes) const;

  MapSpec attributes;
  std::uint32_t mapId = 0;
};

/// Rounds a value size up to 8, the stride of per-CPU values and array elements.
constexpr std::uint32_t roundUpTo8(std::uint32_t size) {
  return (size + 7u) & ~7u;
}

} // namespace bpfcheck::runtime
