// Array and per-CPU array maps: the kernel's rules of kernel/bpf/arraymap.c (index checks,
// flags, no delete, index-order get_next_key, generic batch lookup, per-CPU layout).
#include "RuntimeTestSupport.h"

#include "bpfcheck/runtime/ArrayMap.h"

#include <linux/bpf.h>

#include <atomic>
#include <thread>

using namespace bpfcheck;
using namespace bpfcheck::runtime;
using namespace bpfcheck::runtime::test;

TEST_CASE("array: elements exist zeroed, NOEXIST is EEXIST, delete is EINVAL") {
  auto env = makeEnvironment();
  auto map = mustCreate(specOf(MapType::Array, 4, 8, 4), env);
  int code = -1;
  CHECK(lookupOf<std::uint64_t>(*map, std::uint32_t(3), &code) == 0);
  CHECK(code == 0);
  CHECK(updateOf(*map, std::uint32_t(1), std::uint64_t(42)) == 0);
  CHECK(lookupOf<std::uint64_t>(*map, std::uint32_t(1)) == 42);
  CHECK(updateOf(*map, std::uint32_t(1), std::uint64_t(7), BPF_EXIST) == 0);
  CHECK(lookupOf<std::uint64_t>(*map, std::uint32_t(1)) == 7);
  CHECK(updateOf(*map, std::uint32_t(1), std::uint64_t(9), BPF_NOEXIST) == EEXIST);
  CHECK(updateOf(*map, std::uint32_t(1), std::uint64_t(9), 3) == EINVAL);
  CHECK(updateOf(*map, std::uint32_t(1), std::uint64_t(9), BPF_F_LOCK) == EINVAL);
  CHECK(updateOf(*map, std::uint32_t(4), std::uint64_t(9)) == E2BIG);
  lookupOf<std::uint64_t>(*map, std::uint32_t(4), &code);
  CHECK(code == ENOENT);
  CHECK(removeOf(*map, std::uint32_t(1)) == EINVAL);
  // Wrong buffer sizes are refused before the map sees them.
  CHECK(map->update(bytesOf(std::uint64_t(1)), bytesOf(std::uint64_t(1))).code() == EINVAL);
}

TEST_CASE("array: get_next_key walks indexes in order and restarts from out-of-range keys") {
  auto env = makeEnvironment();
  auto map = mustCreate(specOf(MapType::Array, 4, 4, 3), env);
  CHECK(walkKeys<std::uint32_t>(*map) == std::vector<std::uint32_t>{0, 1, 2});
  std::uint32_t next = 99;
  const std::uint32_t outOfRange = 17;
  REQUIRE(map->nextKey(bytesOf(outOfRange).data(), mutableBytesOf(next)));
  CHECK(next == 0);
  const std::uint32_t last = 2;
  CHECK(map->nextKey(bytesOf(last).data(), mutableBytesOf(next)).code() == ENOENT);
}

TEST_CASE("array: batch lookup continues after in_batch and ends with ENOENT") {
  auto env = makeEnvironment();
  auto map = mustCreate(specOf(MapType::Array, 4, 4, 5), env);
  for (std::uint32_t i = 0; i < 5; ++i)
    REQUIRE(updateOf(*map, i, i * 10) == 0);
  auto first = map->lookupBatch({}, 2);
  REQUIRE(first);
  CHECK(first->count == 2);
  CHECK_FALSE(first->finished);
  std::uint32_t values[2];
  std::memcpy(values, first->values.data(), sizeof values);
  CHECK(values[0] == 0);
  CHECK(values[1] == 10);
  auto second = map->lookupBatch(first->nextBatch, 2);
  REQUIRE(second);
  std::uint32_t keys[2];
  std::memcpy(keys, second->keys.data(), sizeof keys);
  CHECK(keys[0] == 2);
  CHECK(keys[1] == 3);
  auto third = map->lookupBatch(second->nextBatch, 2);
  REQUIRE(third);
  CHECK(third->count == 1);
  CHECK(third->finished);
  // Arrays have no lookup-and-delete batch (the kernel's ENOTSUPP).
  CHECK(map->lookupAndDeleteBatch({}, 2).code() == KernelENOTSUPP);
}

TEST_CASE("array: access flags BPF_F_RDONLY and BPF_F_WRONLY bind user space") {
  auto env = makeEnvironment();
  auto readOnly = mustCreate(specOf(MapType::Array, 4, 4, 2, BPF_F_RDONLY), env);
  CHECK(updateOf(*readOnly, std::uint32_t(0), std::uint32_t(1)) == EPERM);
  int code = -1;
  lookupOf<std::uint32_t>(*readOnly, std::uint32_t(0), &code);
  CHECK(code == 0);
  auto writeOnly = mustCreate(specOf(MapType::Array, 4, 4, 2, BPF_F_WRONLY), env);
  lookupOf<std::uint32_t>(*writeOnly, std::uint32_t(0), &code);
  CHECK(code == EPERM);
  // Programs are not bound by the user-space flags.
  const std::uint32_t key = 0, value = 5;
  CHECK(readOnly->programUpdate(&key, &value, BPF_ANY, 0) == 0);
}

TEST_CASE("array: programs get stable pointers into element memory") {
  auto env = makeEnvironment();
  auto map = mustCreate(specOf(MapType::Array, 4, 12, 3), env);
  const std::uint32_t key = 2;
  RunGuard run = env->beginRun();
  auto *value = static_cast<std::uint32_t *>(map->programLookup(&key, 0));
  REQUIRE(value != nullptr);
  CHECK(reinterpret_cast<std::uintptr_t>(value) % 8 == 0);
  value[1] = 77;
  CHECK(map->programLookup(&key, 1) == value);
  std::uint32_t seen[3] = {};
  REQUIRE(map->lookup(bytesOf(key), mutableBytesOf(seen)));
  CHECK(seen[1] == 77);
  const std::uint32_t past = 3;
  CHECK(map->programLookup(&past, 0) == nullptr);
  CHECK(map->programDelete(&key, 0) == -EINVAL);
  const std::uint32_t replacement[3] = {1, 2, 3};
  CHECK(map->programUpdate(&key, replacement, BPF_NOEXIST, 0) == -EEXIST);
  CHECK(map->programUpdate(&past, replacement, BPF_ANY, 0) == -E2BIG);
  CHECK(map->programUpdate(&key, replacement, BPF_ANY, 0) == 0);
  CHECK(value[2] == 3); // updated in place: the same memory
}

TEST_CASE("percpu_array: user space sees each CPU's value rounded up to 8 bytes") {
  auto env = makeEnvironment(3);
  auto map = mustCreate(specOf(MapType::PercpuArray, 4, 4, 2), env);
  CHECK(map->userValueSize() == 3 * 8);
  // One u32 per CPU at 8-byte strides.
  std::uint32_t perCpu[6] = {11, 0, 22, 0, 33, 0};
  const std::uint32_t key = 1;
  REQUIRE(map->update(bytesOf(key), bytesOf(perCpu)));
  for (unsigned cpu = 0; cpu < 3; ++cpu) {
    auto *value = static_cast<std::uint32_t *>(map->programLookup(&key, cpu));
    REQUIRE(value != nullptr);
    CHECK(*value == 11 * (cpu + 1));
  }
  // A program writes its own CPU's copy only.
  const std::uint32_t fresh = 99;
  CHECK(map->programUpdate(&key, &fresh, BPF_ANY, 1) == 0);
  std::uint32_t seen[6] = {};
  REQUIRE(map->lookup(bytesOf(key), mutableBytesOf(seen)));
  CHECK(seen[0] == 11);
  CHECK(seen[2] == 99);
  CHECK(seen[4] == 33);
  // bpf_map_lookup_percpu_elem reads another CPU; CPUs past the possible ones give NULL.
  CHECK(*static_cast<std::uint32_t *>(map->programLookupPercpu(&key, 2)) == 33);
  CHECK(map->programLookupPercpu(&key, 3) == nullptr);
}

TEST_CASE("array: concurrent program atomics and user updates from several threads") {
  auto env = makeEnvironment();
  auto map = mustCreate(specOf(MapType::Array, 4, 8, 64), env);
  constexpr int threads = 4, rounds = 5000;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      RunGuard run = env->beginRun();
      const std::uint32_t counter = 0;
      auto *value = static_cast<std::uint64_t *>(map->programLookup(&counter, t));
      for (int i = 0; i < rounds; ++i)
        std::atomic_ref<std::uint64_t>(*value).fetch_add(1); // a BPF atomic add
      for (std::uint32_t index = 1 + t; index < 64; index += threads)
        (void)map->update(bytesOf(index), bytesOf(std::uint64_t(index * 3)));
    });
  for (auto &worker : workers)
    worker.join();
  CHECK(lookupOf<std::uint64_t>(*map, std::uint32_t(0)) == threads * rounds);
  for (std::uint32_t index = 1; index < 64; ++index)
    CHECK(lookupOf<std::uint64_t>(*map, index) == index * 3);
}
