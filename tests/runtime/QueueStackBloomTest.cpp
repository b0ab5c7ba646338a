// Queue, stack and bloom filter maps: FIFO / LIFO order, BPF_EXIST overwriting the oldest
// value when full, E2BIG and ENOENT, the user-space commands they map to; bloom filter push
// and peek (no false negatives), and its refusals.
#include "RuntimeTestSupport.h"

#include "bpfcheck/runtime/BloomFilterMap.h"
#include "bpfcheck/runtime/QueueStackMap.h"

#include <linux/bpf.h>

using namespace bpfcheck;
using namespace bpfcheck::runtime;
using namespace bpfcheck::runtime::test;

namespace {

int push(Map &map, std::uint32_t value, std::uint64_t flags = BPF_ANY) {
  return map.update({}, bytesOf(value), flags).code();
}
std::uint32_t pop(Map &map, int *code) {
  std::uint32_t value = 0;
  *code = map.lookupAndDelete({}, mutableBytesOf(value)).code();
  return value;
}

} // namespace

TEST_CASE("queue: first in, first out, BPF_EXIST drops the oldest when full") {
  auto env = makeEnvironment();
  auto queue = mustCreate(specOf(MapType::Queue, 0, 4, 3), env);
  int code = 0;
  pop(*queue, &code);
  CHECK(code == ENOENT);
  for (std::uint32_t v : {1u, 2u, 3u})
    CHECK(push(*queue, v) == 0);
  CHECK(push(*queue, 4) == E2BIG);
  CHECK(push(*queue, 4, BPF_NOEXIST) == EINVAL);
  CHECK(push(*queue, 4, BPF_EXIST) == 0); // 1 is gone
  std::uint32_t peeked = 0;
  REQUIRE(queue->lookup({}, mutableBytesOf(peeked)));
  CHECK(peeked == 2);
  CHECK(pop(*queue, &code) == 2);
  CHECK(pop(*queue, &code) == 3);
  CHECK(pop(*queue, &code) == 4);
  pop(*queue, &code);
  CHECK(code == ENOENT);
  CHECK(queue->remove({}).code() == EINVAL);
  std::uint32_t next = 0;
  CHECK(queue->nextKey(nullptr, MutableByteView(reinterpret_cast<std::byte *>(&next), 0)).code() ==
        EINVAL);
}

TEST_CASE("stack: last in, first out, through the program-side helpers") {
  auto env = makeEnvironment();
  auto stack = mustCreate(specOf(MapType::Stack, 0, 4, 2), env);
  const std::uint32_t a = 10, b = 20, c = 30;
  std::uint32_t out = 0;
  CHECK(stack->programPeek(&out, 0) == -ENOENT);
  CHECK(stack->programPush(&a, BPF_ANY, 0) == 0);
  CHECK(stack->programPush(&b, BPF_ANY, 1) == 0);
  CHECK(stack->programPush(&c, BPF_ANY, 0) == -E2BIG);
  CHECK(stack->programPush(&c, BPF_EXIST, 0) == 0); // the oldest (10) goes
  CHECK(stack->programPeek(&out, 0) == 0);
  CHECK(out == 30);
  CHECK(stack->programPop(&out, 0) == 0);
  CHECK(out == 30);
  CHECK(stack->programPop(&out, 0) == 0);
  CHECK(out == 20);
  CHECK(stack->programPop(&out, 0) == -ENOENT);
  CHECK(mapAs<QueueStackMap>(stack)->size() == 0);
}

TEST_CASE("bloom_filter: pushed values are always found, flags must be BPF_ANY") {
  auto env = makeEnvironment();
  MapSpec spec = specOf(MapType::BloomFilter, 0, 8, 1000);
  spec.mapExtra = 3;
  auto bloom = mustCreate(spec, env);
  auto *filter = mapAs<BloomFilterMap>(bloom);
  CHECK(filter->hashFunctions() == 3);
  // 1000 × 3 × 7/5 = 4200 bits, rounded up to 8192.
  CHECK(filter->bitCount() == 8192);
  for (std::uint64_t v = 0; v < 1000; v += 2)
    REQUIRE(bloom->update({}, bytesOf(v)).code() == 0);
  int absent = 0;
  for (std::uint64_t v = 0; v < 1000; ++v) {
    const int code = bloom->lookup({}, mutableBytesOf(v)).code();
    if (v % 2 == 0)
      CHECK(code == 0);
    else
      absent += code == ENOENT;
  }
  CHECK(absent > 400); // most absent values are known absent
  const std::uint64_t value = 3;
  CHECK(bloom->update({}, bytesOf(value), BPF_EXIST).code() == EINVAL);
  CHECK(bloom->programPush(&value, BPF_NOEXIST, 0) == -EINVAL);
  CHECK(bloom->programPush(&value, BPF_ANY, 0) == 0);
  std::uint64_t probe = 3;
  CHECK(bloom->programPeek(&probe, 0) == 0);
  CHECK(bloom->remove({}).code() == EOPNOTSUPP);
  MapSpec tiny = specOf(MapType::BloomFilter, 0, 3, 1);
  CHECK(mapAs<BloomFilterMap>(mustCreate(tiny, env))->bitCount() == 64); // at least 64 bits
  CHECK(mapAs<BloomFilterMap>(mustCreate(tiny, env))->hashFunctions() == 5);
}
