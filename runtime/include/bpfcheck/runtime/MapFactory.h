// Creating maps: BPF_MAP_CREATE for the runtime. Validates the spec as the kernel does
// (validateMapSpec), builds the implementation of its type, and gives it an id in the
// environment.
#pragma once

#include "bpfcheck/runtime/Map.h"

#include <memory>

namespace bpfcheck::runtime {

/// A new, empty map; the errno and message of the kernel's refusal otherwise (EOPNOTSUPP for
/// types the runtime does not implement, ENOMEM beyond the environment's memory limit).
MapResult<std::shared_ptr<Map>> createMap(const MapSpec &spec,
                                          const std::shared_ptr<MapEnvironment> &environment);

/// The map as its concrete class (ArrayMap, HashMap, RingBuffer, …), or null.
template <typename T> T *mapAs(Map &map) {
  return dynamic_cast<T *>(&map);
}
template <typename T> T *mapAs(const std::shared_ptr<Map> &map) {
  return dynamic_cast<T *>(map.get());
}

} // namespace bpfcheck::runtime
