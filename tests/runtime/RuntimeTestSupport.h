// Helpers shared by the runtime tests: maps from a few numbers, typed views of keys and
// values, and the test environment (4 possible CPUs unless a test asks otherwise).
#pragma once

#include "bpfcheck/runtime/MapFactory.h"

#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace bpfcheck::runtime::test {

template <typename T> ByteView bytesOf(const T &value) {
  return ByteView(reinterpret_cast<const std::byte *>(&value), sizeof value);
}
template <typename T> MutableByteView mutableBytesOf(T &value) {
  return MutableByteView(reinterpret_cast<std::byte *>(&value), sizeof value);
}

inline std::shared_ptr<MapEnvironment> makeEnvironment(unsigned cpus = 4) {
  MapEnvironmentOptions options;
  options.possibleCpus = cpus;
  return std::make_shared<MapEnvironment>(options);
}

inline MapSpec specOf(MapType type, std::uint32_t key, std::uint32_t value, std::uint32_t entries,
                      std::uint32_t flags = 0) {
  MapSpec spec;
  spec.type = type;
  spec.keySize = key;
  spec.valueSize = value;
  spec.maxEntries = entries;
  spec.flags = flags;
  spec.name = "test";
  return spec;
}

/// A map that must be created; fails the test otherwise.
inline std::shared_ptr<Map> mustCreate(const MapSpec &spec,
                                       const std::shared_ptr<MapEnvironment> &environment) {
  auto created = createMap(spec, environment);
  if (!created)
    FAIL("createMap failed: " << created.error().message);
  return *created;
}

/// The errno of creating `spec` (0 when it is created).
inline int creationErrno(const MapSpec &spec) {
  return createMap(spec, makeEnvironment()).code();
}

/// user-space update of a scalar key and value; returns the errno (0: success).
template <typename K, typename V>
int updateOf(Map &map, const K &key, const V &value, std::uint64_t flags = 0) {
  return map.update(bytesOf(key), bytesOf(value), flags).code();
}

/// user-space lookup of a scalar key; the value, or nothing with the errno in `code`.
template <typename V, typename K> V lookupOf(const Map &map, const K &key, int *code = nullptr) {
  V value{};
  MapStatus status = map.lookup(bytesOf(key), mutableBytesOf(value));
  if (code)
    *code = status.code();
  return value;
}

template <typename K> int removeOf(Map &map, const K &key) {
  return map.remove(bytesOf(key)).code();
}

/// Every key get_next_key yields, starting from NULL, until ENOENT.
template <typename K> std::vector<K> walkKeys(const Map &map) {
  std::vector<K> keys;
  K key{};
  bool first = true;
  while (true) {
    K next{};
    MapStatus status = map.nextKey(first ? nullptr : reinterpret_cast<const std::byte *>(&key),
                                   mutableBytesOf(next));
    if (!status) {
      CHECK(status.code() == ENOENT);
      break;
    }
    keys.push_back(next);
    key = next;
    first = false;
    if (keys.size() > 100000)
      break;
  }
  return keys;
}

} // namespace bpfcheck::runtime::test
