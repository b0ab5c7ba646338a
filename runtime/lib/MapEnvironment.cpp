// Map ids and seeds of one runtime.
#include "bpfcheck/runtime/MapEnvironment.h"

namespace bpfcheck::runtime {

MapEnvironment::MapEnvironment(MapEnvironmentOptions options) : settings(options) {
  if (settings.possibleCpus == 0)
    settings.possibleCpus = 1;
  std::uint64_t seed = settings.randomSeed;
  if (seed == 0) {
    std::random_device device;
    seed = (std::uint64_t(device()) << 32) | device();
  }
  random.seed(seed);
}

std::uint32_t MapEnvironment::registerMap(const std::shared_ptr<Map> &map) {
  std::lock_guard lock(mutex);
  // Forget maps that are gone so the table does not grow without bound.
  for (auto it = maps.begin(); it != maps.end();)
    it = it->second.expired() ? maps.erase(it) : std::next(it);
  const std::uint32_t id = nextMapId++;
  maps.emplace(id, map);
  return id;
}

std::shared_ptr<Map> MapEnvironment::findMap(std::uint32_t id) const {
  std::lock_guard lock(mutex);
  auto found = maps.find(id);
  return found == maps.end() ? nullptr : found->second.lock();
}

std::uint32_t MapEnvironment::randomU32() {
  std::lock_guard lock(mutex);
  return static_cast<std::uint32_t>(random());
}

} // namespace bpfcheck::runtime
