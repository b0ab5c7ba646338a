// What the maps of one runtime share: the number of possible CPUs, the memory reclaimer that
// keeps retired elements alive until program runs end, the map ids (the kernel's map ids and
// fds in one: map-in-map values name inner maps by id), and the source of hash seeds.
// One per runtime; no global state.
#pragma once

#include "bpfcheck/runtime/MemoryReclaimer.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <unordered_map>

namespace bpfcheck::runtime {

class Map;

/// How the maps of an environment are set up.
struct MapEnvironmentOptions {
  /// num_possible_cpus(): per-CPU maps hold this many values; CPU numbers passed to the
  /// program-side operations are below it.
  unsigned possibleCpus = 4;
  /// Maps whose memory would exceed this are refused with ENOMEM (the kernel's memcg charge).
  std::uint64_t memoryLimitBytes = std::uint64_t(1) << 30;
  /// Seeds hash maps and bloom filters without BPF_F_ZERO_SEED; 0: from std::random_device.
  std::uint64_t randomSeed = 0;
};

/// The state maps of one runtime share; pass it (shared) to createMap.
class MapEnvironment {
public:
  explicit MapEnvironment(MapEnvironmentOptions options = {});
  MapEnvironment(const MapEnvironment &) = delete;
  MapEnvironment &operator=(const MapEnvironment &) = delete;

  unsigned possibleCpus() const { return settings.possibleCpus; }
  std::uint64_t memoryLimitBytes() const { return settings.memoryLimitBytes; }
  MemoryReclaimer &reclaimer() { return memory; }

  /// Starts a program run: pointers programs obtained from maps stay valid until it ends.
  [[nodiscard]] RunGuard beginRun() { return memory.beginRun(); }

  /// Gives a new map its id (ids start at 1 and are never reused).
  std::uint32_t registerMap(const std::shared_ptr<Map> &map);
  /// The live map with this id, or null.
  std::shared_ptr<Map> findMap(std::uint32_t id) const;

  /// A random 32-bit value (the kernel's get_random_u32 for hash seeds). Thread-safe.
  std::uint32_t randomU32();

private:
  MapEnvironmentOptions settings;
  MemoryReclaimer memory;
  mutable std::mutex mutex;
  std::uint32_t nextMapId = 1;
  std::unordered_map<std::uint32_t, std::weak_ptr<Map>> maps;
  std::mt19937_64 random;
};

} // namespace bpfcheck::runtime
