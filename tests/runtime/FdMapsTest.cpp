// Maps of references: prog arrays (tail call targets), array_of_maps and hash_of_maps (inner
// map compatibility as bpf_map_meta_equal judges it, ids for user space, Map* for programs),
// perf event arrays (per-CPU output), sockmap/sockhash (cookies) and stack trace maps.
#include "RuntimeTestSupport.h"

#include "bpfcheck/runtime/MapInMap.h"
#include "bpfcheck/runtime/PerfEventArray.h"
#include "bpfcheck/runtime/ProgArrayMap.h"
#include "bpfcheck/runtime/StackTraceMap.h"

#include <linux/bpf.h>

#include <thread>

using namespace bpfcheck;
using namespace bpfcheck::runtime;
using namespace bpfcheck::runtime::test;

TEST_CASE("prog_array: BPF_ANY only, E2BIG past the end, ENOENT for empty slots") {
  auto env = makeEnvironment();
  auto map = mustCreate(specOf(MapType::ProgArray, 4, 4, 4), env);
  auto *progs = mapAs<ProgArrayMap>(map);
  CHECK(updateOf(*map, std::uint32_t(1), std::uint32_t(77)) == 0);
  CHECK(updateOf(*map, std::uint32_t(1), std::uint32_t(77), BPF_NOEXIST) == EINVAL);
  CHECK(updateOf(*map, std::uint32_t(4), std::uint32_t(77)) == E2BIG);
  CHECK(progs->tailCallTarget(1) == 77u);
  CHECK_FALSE(progs->tailCallTarget(0).has_value());
  CHECK_FALSE(progs->tailCallTarget(9).has_value());
  CHECK(lookupOf<std::uint32_t>(*map, std::uint32_t(1)) == 77);
  CHECK(removeOf(*map, std::uint32_t(0)) == ENOENT);
  CHECK(removeOf(*map, std::uint32_t(4)) == E2BIG);
  CHECK(removeOf(*map, std::uint32_t(1)) == 0);
  CHECK_FALSE(progs->tailCallTarget(1).has_value());
  // get_next_key walks every index, empty or not.
  CHECK(walkKeys<std::uint32_t>(*map) == std::vector<std::uint32_t>{0, 1, 2, 3});
  progs->setProgramCheck([](std::uint32_t handle) { return handle == 5 ? 0 : EBADF; });
  CHECK(updateOf(*map, std::uint32_t(2), std::uint32_t(6)) == EBADF);
  CHECK(updateOf(*map, std::uint32_t(2), std::uint32_t(5)) == 0);
}

TEST_CASE("array_of_maps: inner maps must match the template") {
  auto env = makeEnvironment();
  MapSpec outerSpec = specOf(MapType::ArrayOfMaps, 4, 4, 2);
  outerSpec.innerMap = std::make_shared<MapSpec>(specOf(MapType::Array, 4, 8, 16));
  auto outer = mustCreate(outerSpec, env);
  auto fits = mustCreate(specOf(MapType::Array, 4, 8, 16), env);
  auto otherEntries = mustCreate(specOf(MapType::Array, 4, 8, 32), env);
  auto otherValue = mustCreate(specOf(MapType::Array, 4, 4, 16), env);
  auto otherType = mustCreate(specOf(MapType::Hash, 4, 8, 16), env);
  auto otherFlags = mustCreate(specOf(MapType::Array, 4, 8, 16, BPF_F_RDONLY_PROG), env);
  CHECK(updateOf(*outer, std::uint32_t(0), fits->id()) == 0);
  CHECK(updateOf(*outer, std::uint32_t(1), otherEntries->id()) == EINVAL);
  CHECK(updateOf(*outer, std::uint32_t(1), otherValue->id()) == EINVAL);
  CHECK(updateOf(*outer, std::uint32_t(1), otherType->id()) == EINVAL);
  CHECK(updateOf(*outer, std::uint32_t(1), otherFlags->id()) == EINVAL);
  CHECK(updateOf(*outer, std::uint32_t(1), std::uint32_t(9999)) == EBADF);
  CHECK(updateOf(*outer, std::uint32_t(2), fits->id()) == E2BIG);
  CHECK(updateOf(*outer, std::uint32_t(1), fits->id(), BPF_EXIST) == EINVAL);
  CHECK(lookupOf<std::uint32_t>(*outer, std::uint32_t(0)) == fits->id());
  // Programs get the inner map and use it.
  const std::uint32_t slot = 0, innerKey = 3;
  RunGuard run = env->beginRun();
  auto *inner = static_cast<Map *>(outer->programLookup(&slot, 0));
  REQUIRE(inner == fits.get());
  const std::uint64_t value = 1234;
  CHECK(inner->programUpdate(&innerKey, &value, BPF_ANY, 0) == 0);
  CHECK(lookupOf<std::uint64_t>(*fits, innerKey) == 1234);
  // Deleting it from the outer map: the program's inner map lives on until the run ends.
  const std::uint32_t innerId = fits->id();
  fits.reset();
  CHECK(removeOf(*outer, slot) == 0);
  CHECK(removeOf(*outer, slot) == ENOENT);
  CHECK(*static_cast<std::uint64_t *>(inner->programLookup(&innerKey, 0)) == 1234);
  run.end();
  CHECK(env->findMap(innerId) == nullptr); // freed once the run ended
  // With BPF_F_INNER_MAP in the template, max_entries may differ.
  MapSpec flexible = specOf(MapType::ArrayOfMaps, 4, 4, 1);
  flexible.innerMap = std::make_shared<MapSpec>(specOf(MapType::Array, 4, 8, 16, BPF_F_INNER_MAP));
  auto flexibleOuter = mustCreate(flexible, env);
  auto bigger = mustCreate(specOf(MapType::Array, 4, 8, 64, BPF_F_INNER_MAP), env);
  CHECK(updateOf(*flexibleOuter, std::uint32_t(0), bigger->id()) == 0);
}

TEST_CASE("hash_of_maps: hash flags, ids out, inner maps for programs") {
  auto env = makeEnvironment();
  MapSpec outerSpec = specOf(MapType::HashOfMaps, 8, 4, 2);
  outerSpec.innerMap = std::make_shared<MapSpec>(specOf(MapType::Hash, 4, 4, 8));
  auto outer = mustCreate(outerSpec, env);
  auto a = mustCreate(specOf(MapType::Hash, 4, 4, 8), env);
  auto b = mustCreate(specOf(MapType::Hash, 4, 4, 100), env); // hashes: max_entries may differ
  CHECK(updateOf(*outer, std::uint64_t(1), a->id(), BPF_NOEXIST) == 0);
  CHECK(updateOf(*outer, std::uint64_t(1), b->id(), BPF_NOEXIST) == EEXIST);
  CHECK(updateOf(*outer, std::uint64_t(2), b->id(), BPF_EXIST) == ENOENT);
  CHECK(updateOf(*outer, std::uint64_t(2), b->id()) == 0);
  CHECK(updateOf(*outer, std::uint64_t(3), b->id()) == E2BIG);
  CHECK(lookupOf<std::uint32_t>(*outer, std::uint64_t(2)) == b->id());
  const std::uint64_t key = 1;
  CHECK(outer->programLookup(&key, 0) == a.get());
  // Replacing a's only reference keeps it alive until no run can see it.
  std::weak_ptr<Map> watch = a;
  a.reset();
  {
    RunGuard run = env->beginRun();
    CHECK(updateOf(*outer, std::uint64_t(1), b->id()) == 0);
    CHECK_FALSE(watch.expired());
  }
  CHECK(watch.expired());
  CHECK(outer->programLookup(&key, 0) == b.get());
}

TEST_CASE("perf_event_array: output goes to the CPU's buffer, with the kernel's errors") {
  auto env = makeEnvironment(2);
  auto map = mustCreate(specOf(MapType::PerfEventArray, 4, 4, 2), env);
  auto *array = mapAs<PerfEventArray>(map);
  const char data[] = "sample";
  CHECK(array->output(data, 6, BPF_F_CURRENT_CPU, 0) == -ENOENT);
  std::vector<std::pair<unsigned, std::string>> seen;
  std::uint64_t lost = 0;
  auto consumer = PerfBufferConsumer::open(
      map, 64,
      [&](unsigned cpu, const std::byte *bytes, std::uint32_t size) {
        seen.emplace_back(cpu, std::string(reinterpret_cast<const char *>(bytes), size));
      },
      [&](unsigned, std::uint64_t count) { lost += count; });
  REQUIRE(consumer);
  CHECK(array->output(data, 6, BPF_F_CURRENT_CPU, 1) == 0);
  CHECK(array->output(data, 3, 0, 0) == 0);
  CHECK(array->output(data, 3, 1, 0) == -EOPNOTSUPP); // slot 1's event is on CPU 1
  CHECK(array->output(data, 3, 2, 0) == -E2BIG);
  CHECK(array->output(data, 3, std::uint64_t(1) << 32, 0) == -EINVAL);
  // CPU 0's 64 bytes hold the 3-byte sample (16 bytes with the perf headers) and two 6-byte
  // ones (24 each); the next is lost.
  CHECK(array->output(data, 6, 0, 0) == 0);
  CHECK(array->output(data, 6, 0, 0) == 0);
  CHECK(array->output(data, 6, 0, 0) == -ENOSPC);
  CHECK((*consumer)->consume() == 4);
  CHECK(lost == 1);
  REQUIRE(seen.size() == 4);
  CHECK(seen[0] == std::make_pair(0u, std::string("sam")));
  CHECK(seen[3] == std::make_pair(1u, std::string("sample")));
  std::uint32_t none = 0;
  CHECK(map->lookup(bytesOf(std::uint32_t(0)), mutableBytesOf(none)).code() == KernelENOTSUPP);
  CHECK(removeOf(*map, std::uint32_t(0)) == 0);
  CHECK(removeOf(*map, std::uint32_t(0)) == ENOENT);
}

TEST_CASE("perf_event_array: poll wakes up for output on any CPU") {
  auto env = makeEnvironment(4);
  auto map = mustCreate(specOf(MapType::PerfEventArray, 4, 4, 4), env);
  unsigned seenCpu = 99;
  auto consumer = PerfBufferConsumer::open(
      map, 4096, [&](unsigned cpu, const std::byte *, std::uint32_t) { seenCpu = cpu; });
  REQUIRE(consumer);
  CHECK((*consumer)->poll(std::chrono::milliseconds(1)) == 0);
  std::thread producer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    (void)mapAs<PerfEventArray>(map)->output("x", 1, BPF_F_CURRENT_CPU, 3);
  });
  CHECK((*consumer)->poll(std::chrono::milliseconds(5000)) == 1);
  producer.join();
  CHECK(seenCpu == 3);
}

TEST_CASE("sockmap and sockhash: cookies with the kernel's index and flag rules") {
  auto env = makeEnvironment();
  auto sockmap = mustCreate(specOf(MapType::Sockmap, 4, 8, 2), env);
  CHECK(updateOf(*sockmap, std::uint32_t(0), std::uint64_t(0xc00c1e), BPF_EXIST) == ENOENT);
  CHECK(updateOf(*sockmap, std::uint32_t(0), std::uint64_t(0xc00c1e)) == 0);
  CHECK(updateOf(*sockmap, std::uint32_t(0), std::uint64_t(1), BPF_NOEXIST) == EEXIST);
  CHECK(updateOf(*sockmap, std::uint32_t(2), std::uint64_t(1)) == E2BIG);
  CHECK(lookupOf<std::uint64_t>(*sockmap, std::uint32_t(0)) == 0xc00c1e);
  CHECK(removeOf(*sockmap, std::uint32_t(1)) == EINVAL); // empty slots: EINVAL, not ENOENT
  auto narrow = mustCreate(specOf(MapType::Sockmap, 4, 4, 2), env);
  CHECK(updateOf(*narrow, std::uint32_t(0), std::uint32_t(5)) == 0);
  int code = 0;
  lookupOf<std::uint32_t>(*narrow, std::uint32_t(0), &code);
  CHECK(code == ENOSPC); // cookies need 8-byte values
  auto sockhash = mustCreate(specOf(MapType::Sockhash, 4, 8, 1), env);
  CHECK(updateOf(*sockhash, std::uint32_t(7), std::uint64_t(99)) == 0);
  CHECK(updateOf(*sockhash, std::uint32_t(8), std::uint64_t(99)) == E2BIG);
  CHECK(lookupOf<std::uint64_t>(*sockhash, std::uint32_t(7)) == 99);
  CHECK(removeOf(*sockhash, std::uint32_t(8)) == ENOENT);
}

TEST_CASE("stack_trace: ids are jhash2 buckets, collisions are EEXIST unless reused") {
  auto env = makeEnvironment();
  // One bucket: every stack collides.
  auto map = mustCreate(specOf(MapType::StackTrace, 4, 8 * 4, 1), env);
  auto *stacks = mapAs<StackTraceMap>(map);
  const std::uint64_t first[] = {0x1000, 0x2000, 0x3000};
  const std::uint64_t second[] = {0x4000, 0x5000};
  CHECK(stacks->getStackId(first, 0) == 0);
  CHECK(stacks->getStackId(first, 0) == 0); // the same stack: the same id
  CHECK(stacks->getStackId(second, 0) == -EEXIST);
  CHECK(stacks->getStackId(second, BPF_F_REUSE_STACKID) == 0);
  std::uint64_t trace[4] = {9, 9, 9, 9};
  REQUIRE(map->lookup(bytesOf(std::uint32_t(0)), mutableBytesOf(trace)));
  CHECK(trace[0] == 0x4000);
  CHECK(trace[1] == 0x5000);
  CHECK(trace[2] == 0); // zero-padded to value_size
  // Skipping: the first frames are dropped; skipping everything is EFAULT.
  CHECK(stacks->getStackId(first, BPF_F_REUSE_STACKID | 1) == 0);
  REQUIRE(map->lookup(bytesOf(std::uint32_t(0)), mutableBytesOf(trace)));
  CHECK(trace[0] == 0x2000);
  CHECK(stacks->getStackId(first, 3) == -EFAULT);
  CHECK(stacks->getStackId(first, std::uint64_t(1) << 11) == -EINVAL);
  CHECK(updateOf(*map, std::uint32_t(0), trace) == EINVAL);
  CHECK(removeOf(*map, std::uint32_t(0)) == 0);
  CHECK(removeOf(*map, std::uint32_t(0)) == ENOENT);
  // Stacks deeper than value_size / 8 frames are cut.
  auto shallow = mustCreate(specOf(MapType::StackTrace, 4, 16, 8), env);
  const std::uint64_t deep[] = {1, 2, 3, 4, 5};
  const long id = mapAs<StackTraceMap>(shallow)->getStackId(deep, 0);
  REQUIRE(id >= 0);
  CHECK(id < 8);
  std::uint64_t kept[2] = {};
  REQUIRE(shallow->lookup(bytesOf(std::uint32_t(id)), mutableBytesOf(kept)));
  CHECK(kept[0] == 1);
  CHECK(kept[1] == 2);
  CHECK(walkKeys<std::uint32_t>(*shallow) == std::vector<std::uint32_t>{std::uint32_t(id)});
}
