// Bob Jenkins' lookup3 hash as the kernel uses it (include/linux/jhash.h): jhash over bytes,
// jhash2 over 32-bit words. Hash maps, bloom filters and stack maps pick buckets and bits with
// it, so that with the same seed the runtime places keys where the kernel does.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bpfcheck::runtime {

/// jhash(key, length, initval).
std::uint32_t jhashBytes(const void *key, std::size_t length, std::uint32_t seed);
/// jhash2(words, count, initval): `key` holds `count` 32-bit words in host order.
std::uint32_t jhashWords(const void *key, std::size_t count, std::uint32_t seed);
/// htab_map_hash: jhash2 when the length is a multiple of 4, jhash otherwise.
inline std::uint32_t kernelKeyHash(const void *key, std::size_t length, std::uint32_t seed) {
  return length % 4 == 0 ? jhashWords(key, length / 4, seed) : jhashBytes(key, length, seed);
}

} // namespace bpfcheck::runtime
