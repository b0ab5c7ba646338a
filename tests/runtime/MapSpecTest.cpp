// Map creation: the kernel's refusals with their errno (array_map_alloc_check,
// htab_map_alloc_check / htab_map_alloc, queue_stack_map_alloc_check, ringbuf_map_alloc,
// bloom_map_alloc, bpf_map_meta_alloc), and the types the runtime does not implement.
#include "RuntimeTestSupport.h"

#include <linux/bpf.h>

using namespace bpfcheck;
using namespace bpfcheck::runtime;
using namespace bpfcheck::runtime::test;

TEST_CASE("creation: array and per-CPU array checks") {
  CHECK(creationErrno(specOf(MapType::Array, 4, 8, 1)) == 0);
  CHECK(creationErrno(specOf(MapType::Array, 8, 8, 1)) == EINVAL);
  CHECK(creationErrno(specOf(MapType::Array, 4, 0, 1)) == EINVAL);
  CHECK(creationErrno(specOf(MapType::Array, 4, 8, 0)) == EINVAL);
  CHECK(creationErrno(specOf(MapType::Array, 4, 8, 1, BPF_F_NO_PREALLOC)) == EINVAL);
  CHECK(creationErrno(specOf(MapType::Array, 4, 8, 1, BPF_F_RDONLY | BPF_F_WRONLY)) == EINVAL);
  // value_size above INT_MAX is E2BIG, unless something else is wrong as well.
  CHECK(creationErrno(specOf(MapType::Array, 4, 0x80000000u, 1)) == E2BIG);
  CHECK(creationErrno(specOf(MapType::Array, 8, 0x80000000u, 1)) == EINVAL);
  // Per-CPU values are bounded by PCPU_MIN_UNIT_SIZE (32 KiB) after rounding up to 8.
  CHECK(creationErrno(specOf(MapType::PercpuArray, 4, 32768, 1)) == 0);
  CHECK(creationErrno(specOf(MapType::PercpuArray, 4, 32769, 1)) == E2BIG);
  CHECK(creationErrno(specOf(MapType::PercpuArray, 4, 8, 1, BPF_F_MMAPABLE)) == EINVAL);
}

TEST_CASE("creation: hash checks, E2BIG limits and LRU without preallocation") {
  CHECK(creationErrno(specOf(MapType::Hash, 4, 8, 1)) == 0);
  CHECK(creationErrno(specOf(MapType::Hash, 0, 8, 1)) == EINVAL);
  CHECK(creationErrno(specOf(MapType::Hash, 4, 0, 1)) == EINVAL);
  CHECK(creationErrno(specOf(MapType::Hash, 4, 8, 0)) == EINVAL);
  CHECK(creationErrno(specOf(MapType::Hash, 4, 8, 1, BPF_F_NO_COMMON_LRU)) == EINVAL);
  CHECK(creationErrno(specOf(MapType::Hash, 4, 8, 1, BPF_F_MMAPABLE)) == EINVAL);
  // key + value must stay below KMALLOC_MAX_SIZE - sizeof(struct htab_elem).
  CHECK(creationErrno(specOf(MapType::Hash, 4, (1u << 22) - 48 - 4, 1)) == E2BIG);
  CHECK(creationErrno(specOf(MapType::Hash, 4, (1u << 22) - 48 - 5, 1)) == 0);
  // More than 2^27 entries overflow the 32-bit bucket array size.
  CHECK(creationErrno(specOf(MapType::Hash, 4, 8, (1u << 27) + 1)) == E2BIG);
  CHECK(creationErrno(specOf(MapType::PercpuHash, 4, 32769, 1)) == E2BIG);
  CHECK(creationErrno(specOf(MapType::LruHash, 4, 8, 1, BPF_F_NO_PREALLOC)) == KernelENOTSUPP);
  CHECK(creationErrno(specOf(MapType::LruHash, 4, 8, 1, BPF_F_NO_COMMON_LRU)) == 0);
  CHECK(creationErrno(specOf(MapType::LruPercpuHash, 4, 8, 1, BPF_F_NUMA_NODE)) == EINVAL);
  MapSpec extra = specOf(MapType::Hash, 4, 8, 1);
  extra.mapExtra = 1;
  CHECK(creationErrno(extra) == EINVAL);
}

TEST_CASE("creation: keyless maps and ring buffers") {
  CHECK(creationErrno(specOf(MapType::Queue, 0, 8, 4)) == 0);
  CHECK(creationErrno(specOf(MapType::Queue, 4, 8, 4)) == EINVAL);
  CHECK(creationErrno(specOf(MapType::Stack, 0, 0, 4)) == EINVAL);
  CHECK(creationErrno(specOf(MapType::Stack, 0, (1u << 22) + 1, 4)) == E2BIG);
  CHECK(creationErrno(specOf(MapType::Ringbuf, 0, 0, 4096)) == 0);
  CHECK(creationErrno(specOf(MapType::Ringbuf, 0, 0, 4096 * 3)) == EINVAL);
  CHECK(creationErrno(specOf(MapType::Ringbuf, 0, 0, 2048)) == EINVAL);
  CHECK(creationErrno(specOf(MapType::Ringbuf, 4, 0, 4096)) == EINVAL);
  MapSpec bloom = specOf(MapType::BloomFilter, 0, 4, 100);
  bloom.mapExtra = 16; // only the low 4 bits (the number of hash functions)
  CHECK(creationErrno(bloom) == EINVAL);
  bloom.mapExtra = 3;
  CHECK(creationErrno(bloom) == 0);
  CHECK(creationErrno(specOf(MapType::StackTrace, 4, 12, 4)) == EINVAL);
  CHECK(creationErrno(specOf(MapType::StackTrace, 4, 8 * 128, 4)) == EINVAL);
  CHECK(creationErrno(specOf(MapType::StackTrace, 4, 8 * 127, 4)) == 0);
}

TEST_CASE("creation: map-in-map needs a fitting inner template") {
  MapSpec outer = specOf(MapType::ArrayOfMaps, 4, 4, 2);
  CHECK(creationErrno(outer) == EBADF);
  outer.innerMap = std::make_shared<MapSpec>(specOf(MapType::Hash, 4, 4, 8));
  CHECK(creationErrno(outer) == 0);
  outer.innerMap = std::make_shared<MapSpec>(specOf(MapType::ProgArray, 4, 4, 8));
  CHECK(creationErrno(outer) == KernelENOTSUPP);
  MapSpec nested = specOf(MapType::HashOfMaps, 4, 4, 2);
  nested.innerMap = std::make_shared<MapSpec>(specOf(MapType::Array, 4, 4, 1));
  outer.innerMap = std::make_shared<MapSpec>(nested);
  CHECK(creationErrno(outer) == EINVAL);
  MapSpec wrongValue = specOf(MapType::HashOfMaps, 4, 8, 2);
  wrongValue.innerMap = std::make_shared<MapSpec>(specOf(MapType::Array, 4, 4, 1));
  CHECK(creationErrno(wrongValue) == EINVAL);
}

TEST_CASE("creation: unimplemented types and the messages") {
  // A valid LPM trie: the kernel accepts it, the runtime does not implement it.
  auto lpm = createMap(specOf(MapType::LpmTrie, 8, 8, 1, BPF_F_NO_PREALLOC), makeEnvironment());
  REQUIRE_FALSE(lpm);
  CHECK(lpm.error().code == EOPNOTSUPP);
  auto bad = createMap(specOf(MapType::Array, 8, 8, 1), makeEnvironment());
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("array map 'test'") != std::string::npos);
  CHECK(bad.error().message.find("key_size") != std::string::npos);
  // Each map gets its own id in its environment.
  auto env = makeEnvironment();
  auto first = mustCreate(specOf(MapType::Array, 4, 4, 1), env);
  auto second = mustCreate(specOf(MapType::Array, 4, 4, 1), env);
  CHECK(first->id() != second->id());
  CHECK(env->findMap(second->id()) == second);
}
