// Bloom filter sizing (bloom_map_alloc), hashing (hash()), push and peek.
#include "bpfcheck/runtime/BloomFilterMap.h"

#include "Jhash.h"

#include <linux/bpf.h>

#include <atomic>
#include <bit>
#include <cerrno>
#include <cstring>

namespace bpfcheck::runtime {
namespace {

constexpr std::uint32_t DefaultHashFunctions = 5;

/// The bit array bloom_map_alloc sizes: its bytes and the mask applied to hashes.
struct BitArrayShape {
  std::uint64_t bytes;
  std::uint32_t mask;
};

std::uint32_t functionsOf(const MapSpec &spec) {
  const auto requested = static_cast<std::uint32_t>(spec.mapExtra & 0xf);
  return requested ? requested : DefaultHashFunctions;
}

BitArrayShape shapeOf(const MapSpec &spec) {
  // n × k / ln 2 bits, with 7/5 for 1/ln 2; past 2^31 bits, or on overflow, 2^32 bits.
  const std::uint64_t product = std::uint64_t(spec.maxEntries) * functionsOf(spec);
  std::uint64_t bits = product;
  bool huge = product > UINT32_MAX;
  if (!huge) {
    bits = (product / 5) * 7;
    huge = bits > UINT32_MAX || bits > (1ull << 31);
  }
  if (huge)
    return {(std::uint64_t(UINT32_MAX) + 8) / 8, UINT32_MAX};
  bits = bits <= 64 ? 64 : std::bit_ceil(bits);
  return {(bits / 8 + 7) & ~std::uint64_t(7), static_cast<std::uint32_t>(bits - 1)};
}

} // namespace

std::uint64_t BloomFilterMap::bitArrayBytes(const MapSpec &spec) {
  return shapeOf(spec).bytes;
}

BloomFilterMap::BloomFilterMap(MapSpec spec, std::shared_ptr<MapEnvironment> environment)
    : Map(std::move(spec), std::move(environment)), functions(functionsOf(this->spec())),
      mask(shapeOf(this->spec()).mask) {
  seed = (this->spec().flags & BPF_F_ZERO_SEED) ? 0 : env->randomU32();
  words.assign((shapeOf(this->spec()).bytes + 7) / 8, 0);
}

std::uint32_t BloomFilterMap::bitFor(const void *value, std::uint32_t function) const {
  const std::uint32_t functionSeed = seed + function;
  const std::uint32_t hash = valueSize() % 4 == 0 ? jhashWords(value, valueSize() / 4, functionSeed)
                                                  : jhashBytes(value, valueSize(), functionSeed);
  return hash & mask;
}

int BloomFilterMap::push(const void *value, std::uint64_t flags) {
  if (flags != BPF_ANY)
    return EINVAL;
  for (std::uint32_t function = 0; function < functions; ++function) {
    const std::uint32_t bit = bitFor(value, function);
    std::atomic_ref<std::uint64_t>(words[bit / 64]).fetch_or(std::uint64_t(1) << (bit % 64));
  }
  return 0;
}

bool BloomFilterMap::mayContain(const void *value) const {
  for (std::uint32_t function = 0; function < functions; ++function) {
    const std::uint32_t bit = bitFor(value, function);
    if (!(std::atomic_ref<std::uint64_t>(words[bit / 64]).load() &
          (std::uint64_t(1) << (bit % 64))))
      return false;
  }
  return true;
}

long BloomFilterMap::programPush(const void *value, std::uint64_t flags, unsigned) {
  return negative(push(value, flags));
}

long BloomFilterMap::programPeek(void *value, unsigned) {
  return mayContain(value) ? 0 : negative(ENOENT);
}

MapStatus BloomFilterMap::doLookup(ByteView, MutableByteView value) const {
  if (!mayContain(value.data()))
    return fail(ENOENT, "the value is not in the filter");
  return {};
}

MapStatus BloomFilterMap::doUpdate(ByteView, ByteView value, std::uint64_t flags) {
  if (push(value.data(), flags) != 0)
    return fail(EINVAL, "bloom filter pushes take BPF_ANY only");
  return {};
}

MapStatus BloomFilterMap::doDelete(ByteView) {
  return fail(EOPNOTSUPP, "values cannot be removed from a bloom filter");
}

MapStatus BloomFilterMap::doNextKey(const std::byte *, MutableByteView) const {
  return fail(EOPNOTSUPP, "bloom filters have no keys");
}

MapResult<std::vector<std::byte>> BloomFilterMap::saveContents() const {
  std::vector<std::byte> contents(sizeof seed + words.size() * 8);
  std::memcpy(contents.data(), &seed, sizeof seed);
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::uint64_t word = std::atomic_ref<std::uint64_t>(words[i]).load();
    std::memcpy(contents.data() + sizeof seed + i * 8, &word, 8);
  }
  return contents;
}

MapStatus BloomFilterMap::restoreContents(ByteView contents) {
  if (contents.size() != sizeof seed + words.size() * 8)
    return fail(EINVAL, "contents do not match the filter's size");
  std::memcpy(&seed, contents.data(), sizeof seed); // the bits only mean something with it
  std::memcpy(words.data(), contents.data() + sizeof seed, words.size() * 8);
  return {};
}

} // namespace bpfcheck::runtime
