// One constructor per implemented map type, after the kernel's creation checks.
#include "bpfcheck/runtime/MapFactory.h"

#include "bpfcheck/runtime/ArrayMap.h"
#include "bpfcheck/runtime/BloomFilterMap.h"
#include "bpfcheck/runtime/HashMap.h"
#include "bpfcheck/runtime/MapInMap.h"
#include "bpfcheck/runtime/PerfEventArray.h"
#include "bpfcheck/runtime/ProgArrayMap.h"
#include "bpfcheck/runtime/QueueStackMap.h"
#include "bpfcheck/runtime/RingBuffer.h"
#include "bpfcheck/runtime/SocketMap.h"
#include "bpfcheck/runtime/StackTraceMap.h"

#include <cerrno>

namespace bpfcheck::runtime {
namespace {

/// The memory a map allocates when it is created (the kernel preallocates arrays, queues,
/// rings and filters; hash elements are counted as they come).
std::uint64_t preallocatedBytes(const MapSpec &spec, unsigned cpus) {
  const std::uint64_t value = roundUpTo8(spec.valueSize);
  switch (spec.type) {
  case MapType::Array:
    return spec.maxEntries * value;
  case MapType::PercpuArray:
    return spec.maxEntries * value * cpus;
  case MapType::Queue:
  case MapType::Stack:
    return (std::uint64_t(spec.maxEntries) + 1) * spec.valueSize;
  case MapType::Ringbuf:
    return 2 * std::uint64_t(spec.maxEntries);
  case MapType::StackTrace:
    return std::uint64_t(spec.maxEntries) * (spec.valueSize + 16);
  case MapType::BloomFilter:
    return BloomFilterMap::bitArrayBytes(spec);
  default:
    return 0;
  }
}

std::shared_ptr<Map> construct(const MapSpec &spec,
                               const std::shared_ptr<MapEnvironment> &environment) {
  switch (spec.type) {
  case MapType::Array:
  case MapType::PercpuArray:
    return std::make_shared<ArrayMap>(spec, environment);
  case MapType::Hash:
  case MapType::PercpuHash:
  case MapType::LruHash:
  case MapType::LruPercpuHash:
    return std::make_shared<HashMap>(spec, environment);
  case MapType::ProgArray:
    return std::make_shared<ProgArrayMap>(spec, environment);
  case MapType::PerfEventArray:
    return std::make_shared<PerfEventArray>(spec, environment);
  case MapType::StackTrace:
    return std::make_shared<StackTraceMap>(spec, environment);
  case MapType::ArrayOfMaps:
    return std::make_shared<ArrayOfMaps>(spec, environment);
  case MapType::HashOfMaps:
    return std::make_shared<HashOfMaps>(spec, environment);
  case MapType::Sockmap:
    return std::make_shared<SockMap>(spec, environment);
  case MapType::Sockhash:
    return std::make_shared<SockHash>(spec, environment);
  case MapType::Queue:
  case MapType::Stack:
    return std::make_shared<QueueStackMap>(spec, environment);
  case MapType::Ringbuf: {
    auto ring = std::make_shared<RingBuffer>(spec, environment);
    return ring->isMapped() ? ring : nullptr;
  }
  case MapType::BloomFilter:
    return std::make_shared<BloomFilterMap>(spec, environment);
  default:
    return nullptr;
  }
}

} // namespace

MapResult<std::shared_ptr<Map>> createMap(const MapSpec &spec,
                                          const std::shared_ptr<MapEnvironment> &environment) {
  if (!environment)
    return mapError(EINVAL, describeMap(spec) + ": no map environment");
  if (MapStatus valid = validateMapSpec(spec); !valid)
    return valid.error();
  if (preallocatedBytes(spec, environment->possibleCpus()) > environment->memoryLimitBytes())
    return mapError(ENOMEM, describeMap(spec) + ": more memory than the environment allows");
  std::shared_ptr<Map> map = construct(spec, environment);
  if (!map && spec.type == MapType::Ringbuf)
    return mapError(ENOMEM, describeMap(spec) + ": cannot map the ring's memory");
  if (!map)
    return mapError(EOPNOTSUPP, describeMap(spec) + ": not implemented by bpfcheck's runtime");
  map->mapId = environment->registerMap(map);
  return map;
}

} // namespace bpfcheck::runtime
