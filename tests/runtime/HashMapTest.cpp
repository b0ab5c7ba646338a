// Hash, per-CPU hash and LRU hash maps: the update flags and their errors, E2BIG when full,
// get_next_key visiting every key once, in-place per-CPU updates, LRU eviction, retired
// memory staying valid until the run ends, bucket-wise batches, concurrent updates.
#include "RuntimeTestSupport.h"

#include "bpfcheck/runtime/HashMap.h"

#include <linux/bpf.h>

#include <algorithm>
#include <set>
#include <thread>

using namespace bpfcheck;
using namespace bpfcheck::runtime;
using namespace bpfcheck::runtime::test;

TEST_CASE("hash: BPF_ANY / BPF_NOEXIST / BPF_EXIST and delete") {
  auto env = makeEnvironment();
  auto map = mustCreate(specOf(MapType::Hash, 4, 8, 8), env);
  int code = 0;
  lookupOf<std::uint64_t>(*map, std::uint32_t(5), &code);
  CHECK(code == ENOENT);
  CHECK(updateOf(*map, std::uint32_t(5), std::uint64_t(50), BPF_EXIST) == ENOENT);
  CHECK(updateOf(*map, std::uint32_t(5), std::uint64_t(50), BPF_NOEXIST) == 0);
  CHECK(updateOf(*map, std::uint32_t(5), std::uint64_t(51), BPF_NOEXIST) == EEXIST);
  CHECK(updateOf(*map, std::uint32_t(5), std::uint64_t(52), BPF_EXIST) == 0);
  CHECK(lookupOf<std::uint64_t>(*map, std::uint32_t(5)) == 52);
  CHECK(updateOf(*map, std::uint32_t(5), std::uint64_t(53), 4 | 8) == EINVAL);
  CHECK(removeOf(*map, std::uint32_t(5)) == 0);
  CHECK(removeOf(*map, std::uint32_t(5)) == ENOENT);
  std::uint64_t value = 0;
  CHECK(map->lookupAndDelete(bytesOf(std::uint32_t(5)), mutableBytesOf(value)).code() == ENOENT);
  REQUIRE(updateOf(*map, std::uint32_t(6), std::uint64_t(60)) == 0);
  REQUIRE(map->lookupAndDelete(bytesOf(std::uint32_t(6)), mutableBytesOf(value)));
  CHECK(value == 60);
  CHECK(mapAs<HashMap>(map)->elementCount() == 0);
}

TEST_CASE("hash: a full map refuses new keys with E2BIG but replaces existing ones") {
  auto env = makeEnvironment();
  for (std::uint32_t flags : {0u, std::uint32_t(BPF_F_NO_PREALLOC)}) {
    auto map = mustCreate(specOf(MapType::Hash, 4, 4, 3, flags), env);
    for (std::uint32_t key = 0; key < 3; ++key)
      REQUIRE(updateOf(*map, key, key) == 0);
    CHECK(updateOf(*map, std::uint32_t(3), std::uint32_t(3)) == E2BIG);
    CHECK(updateOf(*map, std::uint32_t(1), std::uint32_t(100)) == 0);
    CHECK(lookupOf<std::uint32_t>(*map, std::uint32_t(1)) == 100);
    const std::uint32_t key = 7, value = 7;
    CHECK(map->programUpdate(&key, &value, BPF_ANY, 0) == -E2BIG);
  }
}

TEST_CASE("hash: get_next_key visits each key once and an absent key starts over") {
  auto env = makeEnvironment();
  auto map = mustCreate(specOf(MapType::Hash, 4, 4, 100), env);
  for (std::uint32_t key = 0; key < 60; ++key)
    REQUIRE(updateOf(*map, key * 7919, key) == 0);
  auto keys = walkKeys<std::uint32_t>(*map);
  CHECK(keys.size() == 60);
  CHECK(std::set<std::uint32_t>(keys.begin(), keys.end()).size() == 60);
  std::uint32_t first = 0, restart = 0;
  REQUIRE(map->nextKey(nullptr, mutableBytesOf(first)));
  const std::uint32_t absent = 123456;
  REQUIRE(map->nextKey(bytesOf(absent).data(), mutableBytesOf(restart)));
  CHECK(restart == first);
  // An empty map has no first key.
  auto empty = mustCreate(specOf(MapType::Hash, 4, 4, 4), env);
  CHECK(empty->nextKey(nullptr, mutableBytesOf(first)).code() == ENOENT);
}

TEST_CASE("hash: batch lookup returns every element once, lookup-and-delete empties") {
  auto env = makeEnvironment();
  auto map = mustCreate(specOf(MapType::Hash, 4, 4, 64), env);
  for (std::uint32_t key = 0; key < 40; ++key)
    REQUIRE(updateOf(*map, key, key + 1000) == 0);
  std::set<std::uint32_t> seen;
  std::vector<std::byte> token;
  bool finished = false;
  for (int calls = 0; !finished && calls < 100; ++calls) {
    auto batch = map->lookupBatch(token, 8);
    REQUIRE(batch);
    for (std::uint32_t i = 0; i < batch->count; ++i) {
      std::uint32_t key, value;
      std::memcpy(&key, batch->keys.data() + 4 * i, 4);
      std::memcpy(&value, batch->values.data() + 4 * i, 4);
      CHECK(value == key + 1000);
      CHECK(seen.insert(key).second);
    }
    CHECK(batch->count <= 8);
    token = batch->nextBatch;
    finished = batch->finished;
  }
  CHECK(finished);
  CHECK(seen.size() == 40);
  auto all = map->lookupAndDeleteBatch({}, 1000);
  REQUIRE(all);
  CHECK(all->count == 40);
  CHECK(all->finished);
  CHECK(mapAs<HashMap>(map)->elementCount() == 0);
  // A bucket index past the table: ENOENT at once.
  const std::uint32_t past = 64;
  auto beyond = map->lookupBatch(bytesOf(past), 8);
  REQUIRE(beyond);
  CHECK(beyond->count == 0);
  CHECK(beyond->finished);
}

TEST_CASE("hash: deleted elements stay readable by programs until their run ends") {
  auto env = makeEnvironment();
  auto map = mustCreate(specOf(MapType::Hash, 4, 8, 4), env);
  REQUIRE(updateOf(*map, std::uint32_t(1), std::uint64_t(0xabcdef)) == 0);
  const std::uint32_t key = 1;
  RunGuard run = env->beginRun();
  auto *value = static_cast<std::uint64_t *>(map->programLookup(&key, 0));
  REQUIRE(value != nullptr);
  CHECK(map->programDelete(&key, 0) == 0);
  CHECK(map->programLookup(&key, 0) == nullptr);
  CHECK(env->reclaimer().pendingCount() == 1);
  CHECK(*value == 0xabcdef); // still the element's memory (ASan would object otherwise)
  // Replacing an element retires the old one too.
  REQUIRE(updateOf(*map, std::uint32_t(2), std::uint64_t(1)) == 0);
  REQUIRE(updateOf(*map, std::uint32_t(2), std::uint64_t(2)) == 0);
  CHECK(env->reclaimer().pendingCount() == 2);
  run.end();
  CHECK(env->reclaimer().pendingCount() == 0);
}

TEST_CASE("percpu_hash: user space writes every CPU, programs their own CPU") {
  auto env = makeEnvironment(2);
  auto map = mustCreate(specOf(MapType::PercpuHash, 4, 4, 4), env);
  CHECK(map->userValueSize() == 16);
  const std::uint32_t key = 9, fresh = 5;
  // A new element from a program: its CPU gets the value, the others zero (pcpu_init_value).
  CHECK(map->programUpdate(&key, &fresh, BPF_NOEXIST, 1) == 0);
  std::uint32_t seen[4] = {1, 1, 1, 1};
  REQUIRE(map->lookup(bytesOf(key), mutableBytesOf(seen)));
  CHECK(seen[0] == 0);
  CHECK(seen[2] == 5);
  const std::uint32_t perCpu[4] = {7, 0, 8, 0};
  REQUIRE(map->update(bytesOf(key), bytesOf(perCpu)));
  auto *cpu0 = static_cast<std::uint32_t *>(map->programLookup(&key, 0));
  REQUIRE(cpu0 != nullptr);
  CHECK(*cpu0 == 7);
  // An existing per-CPU element is updated in place: the program's pointer sees it.
  const std::uint32_t later = 70;
  CHECK(map->programUpdate(&key, &later, BPF_EXIST, 0) == 0);
  CHECK(*cpu0 == 70);
  CHECK(*static_cast<std::uint32_t *>(map->programLookupPercpu(&key, 1)) == 8);
}

TEST_CASE("lru_hash: evicts the least recently used element instead of failing") {
  auto env = makeEnvironment();
  auto map = mustCreate(specOf(MapType::LruHash, 4, 4, 4), env);
  for (std::uint32_t key = 0; key < 4; ++key)
    REQUIRE(updateOf(*map, key, key) == 0);
  // Programs use key 0; user-space lookups of key 1 are no use.
  const std::uint32_t zero = 0;
  REQUIRE(map->programLookup(&zero, 0) != nullptr);
  (void)lookupOf<std::uint32_t>(*map, std::uint32_t(1));
  CHECK(updateOf(*map, std::uint32_t(10), std::uint32_t(10)) == 0);
  int code = 0;
  lookupOf<std::uint32_t>(*map, std::uint32_t(1), &code);
  CHECK(code == ENOENT); // the oldest unused element went
  lookupOf<std::uint32_t>(*map, std::uint32_t(0), &code);
  CHECK(code == 0);
  // Never more than max_entries, never E2BIG.
  for (std::uint32_t key = 100; key < 200; ++key)
    CHECK(updateOf(*map, key, key) == 0);
  CHECK(mapAs<HashMap>(map)->elementCount() == 4);
  CHECK(walkKeys<std::uint32_t>(*map).size() == 4);
}

TEST_CASE("lru hashes: BPF_F_NO_COMMON_LRU rounds max_entries to the CPUs, EXIST never evicts") {
  auto env = makeEnvironment(4);
  auto common = mustCreate(specOf(MapType::LruHash, 4, 4, 5), env);
  CHECK(common->maxEntries() == 5);
  auto perCpuLists = mustCreate(specOf(MapType::LruHash, 4, 4, 5, BPF_F_NO_COMMON_LRU), env);
  CHECK(perCpuLists->maxEntries() == 8);
  auto percpu = mustCreate(specOf(MapType::LruPercpuHash, 4, 4, 2), env);
  const std::uint32_t values[8] = {};
  REQUIRE(percpu->update(bytesOf(std::uint32_t(1)), bytesOf(values)));
  REQUIRE(percpu->update(bytesOf(std::uint32_t(2)), bytesOf(values)));
  // __htab_lru_percpu_map_update_elem takes no free element for BPF_EXIST.
  CHECK(percpu->update(bytesOf(std::uint32_t(3)), bytesOf(values), BPF_EXIST).code() == ENOENT);
  CHECK(walkKeys<std::uint32_t>(*percpu).size() == 2);
}

TEST_CASE("hash: concurrent updates and deletes from several threads") {
  auto env = makeEnvironment();
  constexpr std::uint32_t threads = 4, perThread = 2000;
  auto map = mustCreate(specOf(MapType::Hash, 4, 8, threads * perThread), env);
  std::vector<std::thread> workers;
  for (std::uint32_t t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      RunGuard run = env->beginRun();
      for (std::uint32_t i = 0; i < perThread; ++i) {
        const std::uint32_t key = t * perThread + i;
        const std::uint64_t value = std::uint64_t(key) * 2;
        if (i % 2 == 0)
          CHECK(map->programUpdate(&key, &value, BPF_NOEXIST, t) == 0);
        else
          CHECK(updateOf(*map, key, value, BPF_NOEXIST) == 0);
      }
      // Every thread deletes its multiples of 10 again.
      for (std::uint32_t i = 0; i < perThread; i += 10) {
        const std::uint32_t key = t * perThread + i;
        CHECK(map->programDelete(&key, t) == 0);
      }
    });
  for (auto &worker : workers)
    worker.join();
  CHECK(mapAs<HashMap>(map)->elementCount() == threads * perThread * 9 / 10);
  for (std::uint32_t key = 0; key < threads * perThread; ++key) {
    int code = 0;
    const std::uint64_t value = lookupOf<std::uint64_t>(*map, key, &code);
    if (key % perThread % 10 == 0) {
      CHECK(code == ENOENT);
    } else {
      CHECK(code == 0);
      CHECK(value == std::uint64_t(key) * 2);
    }
  }
  CHECK(env->reclaimer().pendingCount() == 0);
}

TEST_CASE("lru_hash: concurrent inserts never exceed max_entries") {
  auto env = makeEnvironment();
  auto map = mustCreate(specOf(MapType::LruHash, 4, 4, 100), env);
  std::vector<std::thread> workers;
  for (std::uint32_t t = 0; t < 4; ++t)
    workers.emplace_back([&, t] {
      for (std::uint32_t i = 0; i < 3000; ++i) {
        const std::uint32_t key = t * 100000 + i;
        CHECK(map->programUpdate(&key, &key, BPF_ANY, t) == 0);
        CHECK(mapAs<HashMap>(map)->elementCount() <= 100);
      }
    });
  for (auto &worker : workers)
    worker.join();
  CHECK(mapAs<HashMap>(map)->elementCount() == 100);
}
