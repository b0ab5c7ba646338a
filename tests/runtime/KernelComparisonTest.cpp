// The runtime against the running kernel (bpf() through libbpf): the same creations must be
// refused with the same errno, and the same operations on the same maps must give the same
// errno and leave the same contents; with BPF_F_ZERO_SEED, hash maps must walk keys in the
// kernel's order and bloom filters must give the kernel's answers, false positives included.
// Prints "SKIPPED: why" where bpf() is not permitted.
#include "RuntimeTestSupport.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <optional>

using namespace bpfcheck;
using namespace bpfcheck::runtime;
using namespace bpfcheck::runtime::test;

namespace {

/// A kernel map fd, closed at the end.
struct KernelMap {
  int fd = -1;
  int error = 0; ///< the errno of the creation, 0 when created
  ~KernelMap() {
    if (fd >= 0)
      close(fd);
  }
};

std::unique_ptr<KernelMap> createInKernel(const MapSpec &spec, int innerFd = -1) {
  bpf_map_create_opts options{};
  options.sz = sizeof options;
  options.map_flags = spec.flags;
  options.map_extra = spec.mapExtra;
  if (innerFd >= 0)
    options.inner_map_fd = static_cast<__u32>(innerFd);
  auto map = std::make_unique<KernelMap>();
  map->fd = bpf_map_create(static_cast<bpf_map_type>(spec.type), nullptr, spec.keySize,
                           spec.valueSize, spec.maxEntries, &options);
  if (map->fd < 0)
    map->error = errno;
  return map;
}

/// Why the kernel comparison cannot run here, or nothing.
std::optional<std::string> kernelUnavailable() {
  auto probe = createInKernel(specOf(MapType::Array, 4, 4, 1));
  if (probe->fd >= 0)
    return std::nullopt;
  return "bpf(BPF_MAP_CREATE) failed with errno " + std::to_string(probe->error) +
         (probe->error == EPERM ? " (not permitted)" : "");
}

#define SKIP_WITHOUT_KERNEL()                                                                      \
  if (auto why = kernelUnavailable()) {                                                            \
    std::cout << "SKIPPED: " << *why << "\n";                                                      \
    return;                                                                                        \
  }

int errnoOf(int result) {
  return result < 0 ? -result : 0;
}

} // namespace

TEST_CASE("kernel: creation errno agrees") {
  SKIP_WITHOUT_KERNEL();
  const unsigned cpus = static_cast<unsigned>(libbpf_num_possible_cpus());
  auto env = makeEnvironment(cpus);
  std::vector<MapSpec> specs = {
      specOf(MapType::Array, 4, 8, 4),
      specOf(MapType::Array, 8, 8, 4),
      specOf(MapType::Array, 4, 0, 4),
      specOf(MapType::Array, 4, 8, 0),
      specOf(MapType::Array, 4, 8, 4, BPF_F_NO_PREALLOC),
      specOf(MapType::Array, 4, 8, 4, BPF_F_RDONLY | BPF_F_WRONLY),
      specOf(MapType::Array, 4, 8, 4, BPF_F_MMAPABLE | BPF_F_INNER_MAP),
      specOf(MapType::PercpuArray, 4, 32769, 1),
      specOf(MapType::PercpuArray, 4, 8, 1, BPF_F_MMAPABLE),
      specOf(MapType::Hash, 4, 8, 4),
      specOf(MapType::Hash, 0, 8, 4),
      specOf(MapType::Hash, 4, 8, 0),
      specOf(MapType::Hash, 4, (1u << 22) - 48 - 4, 1),
      specOf(MapType::Hash, 4, 8, (1u << 27) + 1),
      specOf(MapType::Hash, 4, 8, 4, BPF_F_NO_COMMON_LRU),
      specOf(MapType::PercpuHash, 4, 32769, 1),
      specOf(MapType::PercpuHash, 4, 8, 1, BPF_F_NUMA_NODE),
      specOf(MapType::LruHash, 4, 8, 4, BPF_F_NO_PREALLOC),
      specOf(MapType::LruHash, 4, 8, 4, BPF_F_NO_COMMON_LRU),
      specOf(MapType::LruPercpuHash, 4, 8, 4),
      specOf(MapType::Queue, 0, 8, 4),
      specOf(MapType::Queue, 4, 8, 4),
      specOf(MapType::Stack, 0, (1u << 22) + 1, 4),
      specOf(MapType::Ringbuf, 0, 0, 4096),
      specOf(MapType::Ringbuf, 0, 0, 4096 * 3),
      specOf(MapType::Ringbuf, 4, 0, 4096),
      specOf(MapType::BloomFilter, 0, 8, 100),
      specOf(MapType::BloomFilter, 4, 8, 100),
      specOf(MapType::StackTrace, 4, 8 * 127, 4),
      specOf(MapType::StackTrace, 4, 12, 4),
      specOf(MapType::ProgArray, 4, 4, 4),
      specOf(MapType::ProgArray, 4, 8, 4),
      specOf(MapType::PerfEventArray, 4, 4, 4),
  };
  MapSpec bloomExtra = specOf(MapType::BloomFilter, 0, 8, 100);
  bloomExtra.mapExtra = 16;
  specs.push_back(bloomExtra);
  for (const MapSpec &spec : specs) {
    auto kernel = createInKernel(spec);
    const int ours = createMap(spec, env).code();
    INFO(describeMap(spec) << " key " << spec.keySize << " value " << spec.valueSize << " entries "
                           << spec.maxEntries << " flags " << spec.flags);
    CHECK(ours == kernel->error);
  }
  // Map-in-map: the inner template is a real map in the kernel.
  const MapSpec innerSpecs[] = {specOf(MapType::Array, 4, 4, 2),
                                specOf(MapType::ProgArray, 4, 4, 2)};
  for (const MapSpec &innerSpec : innerSpecs) {
    auto inner = createInKernel(innerSpec);
    REQUIRE(inner->fd >= 0);
    MapSpec outer = specOf(MapType::ArrayOfMaps, 4, 4, 2);
    outer.innerMap = std::make_shared<MapSpec>(innerSpec);
    auto kernel = createInKernel(outer, inner->fd);
    INFO("array_of_maps of " << describeMap(innerSpec));
    CHECK(createMap(outer, env).code() == kernel->error);
  }
}

TEST_CASE("kernel: the same operations on array, hash and queue maps agree") {
  SKIP_WITHOUT_KERNEL();
  auto env = makeEnvironment(static_cast<unsigned>(libbpf_num_possible_cpus()));
  struct Step {
    std::uint32_t key;
    std::uint64_t value;
    std::uint64_t flags;
    bool remove;
  };
  const Step steps[] = {
      {1, 10, BPF_ANY, false},
      {1, 11, BPF_NOEXIST, false},
      {2, 20, BPF_EXIST, false},
      {2, 21, BPF_NOEXIST, false},
      {2, 22, BPF_EXIST, false},
      {3, 30, 5, false},
      {7, 70, BPF_ANY, false},
      {9, 90, BPF_ANY, false},
      {3, 0, 0, true},
      {1, 0, 0, true},
      {1, 0, 0, true},
      {5, 50, BPF_F_LOCK, false},
      {4, 40, BPF_ANY, false},
      {6, 60, BPF_ANY, false},
      {8, 80, BPF_NOEXIST, false},
  };
  for (MapType type : {MapType::Array, MapType::Hash, MapType::LruHash}) {
    const MapSpec spec = specOf(type, 4, 8, 5, type == MapType::Array ? 0 : BPF_F_ZERO_SEED);
    auto kernel = createInKernel(spec);
    REQUIRE(kernel->fd >= 0);
    auto ours = mustCreate(spec, env);
    for (const Step &step : steps) {
      INFO(describeMap(spec) << " key " << step.key << " flags " << step.flags
                             << (step.remove ? " delete" : " update"));
      if (step.remove) {
        const int expected = errnoOf(bpf_map_delete_elem(kernel->fd, &step.key));
        const int got = removeOf(*ours, step.key);
        if (type != MapType::LruHash) // an LRU key may already be evicted in one of them
          CHECK(got == expected);
      } else {
        const int expected =
            errnoOf(bpf_map_update_elem(kernel->fd, &step.key, &step.value, step.flags));
        const int got = updateOf(*ours, step.key, step.value, step.flags);
        if (type != MapType::LruHash) {
          CHECK(got == expected);
        } else {
          // The kernel's LRU may evict earlier than the runtime's (documented), so only the
          // outcomes that do not depend on eviction are compared: flag errors, and never E2BIG.
          CHECK(got != E2BIG);
          CHECK((got == EINVAL) == (expected == EINVAL));
        }
      }
    }
    if (type == MapType::LruHash)
      continue;
    // The same keys, in the same get_next_key order, with the same values.
    std::vector<std::uint32_t> kernelKeys;
    std::uint32_t key = 0, next = 0;
    const void *previous = nullptr;
    while (bpf_map_get_next_key(kernel->fd, previous, &next) == 0) {
      kernelKeys.push_back(next);
      key = next;
      previous = &key;
    }
    const std::vector<std::uint32_t> ourKeys = walkKeys<std::uint32_t>(*ours);
    CHECK(ourKeys == kernelKeys);
    for (std::uint32_t k : kernelKeys) {
      std::uint64_t kernelValue = 0;
      REQUIRE(bpf_map_lookup_elem(kernel->fd, &k, &kernelValue) == 0);
      CHECK(lookupOf<std::uint64_t>(*ours, k) == kernelValue);
    }
    // An absent key restarts the walk at the kernel's first key too.
    const std::uint32_t absent = 12345;
    std::uint32_t kernelNext = 0, ourNext = 0;
    REQUIRE(bpf_map_get_next_key(kernel->fd, &absent, &kernelNext) == 0);
    REQUIRE(ours->nextKey(bytesOf(absent).data(), mutableBytesOf(ourNext)));
    CHECK(ourNext == kernelNext);
  }

  for (MapType type : {MapType::Queue, MapType::Stack}) {
    const MapSpec spec = specOf(type, 0, 4, 3);
    auto kernel = createInKernel(spec);
    REQUIRE(kernel->fd >= 0);
    auto ours = mustCreate(spec, env);
    const std::pair<std::uint32_t, std::uint64_t> pushes[] = {
        {1, BPF_ANY}, {2, BPF_ANY}, {3, BPF_ANY}, {4, BPF_ANY}, {5, BPF_EXIST}, {6, BPF_NOEXIST}};
    for (auto [value, flags] : pushes)
      CHECK(ours->update({}, bytesOf(value), flags).code() ==
            errnoOf(bpf_map_update_elem(kernel->fd, nullptr, &value, flags)));
    for (int pop = 0; pop < 4; ++pop) {
      std::uint32_t kernelValue = 0, ourValue = 0;
      const int expected =
          errnoOf(bpf_map_lookup_and_delete_elem(kernel->fd, nullptr, &kernelValue));
      CHECK(ours->lookupAndDelete({}, mutableBytesOf(ourValue)).code() == expected);
      if (expected == 0)
        CHECK(ourValue == kernelValue);
    }
  }
}

TEST_CASE("kernel: per-CPU values and batch walks agree") {
  SKIP_WITHOUT_KERNEL();
  const unsigned cpus = static_cast<unsigned>(libbpf_num_possible_cpus());
  auto env = makeEnvironment(cpus);
  const MapSpec spec = specOf(MapType::PercpuHash, 4, 4, 8, BPF_F_ZERO_SEED);
  auto kernel = createInKernel(spec);
  REQUIRE(kernel->fd >= 0);
  auto ours = mustCreate(spec, env);
  REQUIRE(ours->userValueSize() == cpus * 8);
  for (std::uint32_t key = 0; key < 6; ++key) {
    std::vector<std::uint64_t> values(cpus);
    for (unsigned cpu = 0; cpu < cpus; ++cpu)
      values[cpu] = key * 100 + cpu;
    REQUIRE(bpf_map_update_elem(kernel->fd, &key, values.data(), BPF_ANY) == 0);
    REQUIRE(ours->update(
        bytesOf(key), ByteView(reinterpret_cast<std::byte *>(values.data()), values.size() * 8)));
  }
  // Batches of 2: bucket-wise, the same keys per call.
  std::uint32_t kernelToken = 0;
  std::vector<std::byte> ourToken;
  bool kernelDone = false, first = true;
  for (int call = 0; call < 10 && !kernelDone; ++call) {
    std::uint32_t keys[2], count = 2;
    std::vector<std::uint64_t> values(2 * cpus);
    std::uint32_t outToken = 0;
    const int result = bpf_map_lookup_batch(kernel->fd, first ? nullptr : &kernelToken, &outToken,
                                            keys, values.data(), &count, nullptr);
    const int expected = errnoOf(result);
    auto batch = ours->lookupBatch(ourToken, 2);
    if (expected == ENOSPC) {
      CHECK(batch.code() == ENOSPC);
      break;
    }
    REQUIRE(batch);
    kernelDone = expected == ENOENT;
    CHECK(batch->finished == kernelDone);
    REQUIRE(batch->count == count);
    for (std::uint32_t i = 0; i < count; ++i) {
      std::uint32_t ourKey;
      std::memcpy(&ourKey, batch->keys.data() + 4 * i, 4);
      CHECK(ourKey == keys[i]);
      std::uint64_t ourValue;
      std::memcpy(&ourValue, batch->values.data() + 8 * i * cpus + 8 * (cpus - 1), 8);
      CHECK(ourValue == values[i * cpus + cpus - 1]);
    }
    kernelToken = outToken;
    ourToken = batch->nextBatch;
    first = false;
  }
}

TEST_CASE("kernel: zero-seed bloom filters answer exactly as the kernel's") {
  SKIP_WITHOUT_KERNEL();
  auto env = makeEnvironment();
  for (std::uint32_t valueSize : {4u, 6u}) {
    MapSpec spec = specOf(MapType::BloomFilter, 0, valueSize, 20, BPF_F_ZERO_SEED);
    spec.mapExtra = 2;
    auto kernel = createInKernel(spec);
    REQUIRE(kernel->fd >= 0);
    auto ours = mustCreate(spec, env);
    for (std::uint64_t v = 0; v < 40; v += 3) {
      REQUIRE(bpf_map_update_elem(kernel->fd, nullptr, &v, BPF_ANY) == 0);
      REQUIRE(ours->update({}, ByteView(reinterpret_cast<const std::byte *>(&v), valueSize)));
    }
    int falsePositives = 0;
    for (std::uint64_t v = 0; v < 2000; ++v) {
      std::uint64_t probe = v;
      const int expected = errnoOf(bpf_map_lookup_elem(kernel->fd, nullptr, &probe));
      const int got =
          ours->lookup({}, MutableByteView(reinterpret_cast<std::byte *>(&probe), valueSize))
              .code();
      INFO("value " << v << " size " << valueSize);
      CHECK(got == expected);
      falsePositives += v % 3 != 0 && v < 40 && expected == 0;
    }
    (void)falsePositives;
  }
}
