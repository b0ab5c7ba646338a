// lookup3's mixing and final steps, with the kernel's initial value 0xdeadbeef.
#include "Jhash.h"

#include <bit>
#include <cstring>

namespace bpfcheck::runtime {
namespace {

constexpr std::uint32_t InitialValue = 0xdeadbeef;

/// lookup3's three 32-bit lanes.
struct State {
  std::uint32_t a, b, c;

  void mix() {
    a -= c, a ^= std::rotl(c, 4), c += b;
    b -= a, b ^= std::rotl(a, 6), a += c;
    c -= b, c ^= std::rotl(b, 8), b += a;
    a -= c, a ^= std::rotl(c, 16), c += b;
    b -= a, b ^= std::rotl(a, 19), a += c;
    c -= b, c ^= std::rotl(b, 4), b += a;
  }
  void finish() {
    c ^= b, c -= std::rotl(b, 14);
    a ^= c, a -= std::rotl(c, 11);
    b ^= a, b -= std::rotl(a, 25);
    c ^= b, c -= std::rotl(b, 16);
    a ^= c, a -= std::rotl(c, 4);
    b ^= a, b -= std::rotl(a, 14);
    c ^= b, c -= std::rotl(b, 24);
  }
};

std::uint32_t word(const unsigned char *bytes) {
  std::uint32_t value;
  std::memcpy(&value, bytes, sizeof value);
  return value;
}

} // namespace

std::uint32_t jhashBytes(const void *key, std::size_t length, std::uint32_t seed) {
  const auto *bytes = static_cast<const unsigned char *>(key);
  const std::uint32_t start = InitialValue + static_cast<std::uint32_t>(length) + seed;
  State state{start, start, start};
  while (length > 12) {
    state.a += word(bytes);
    state.b += word(bytes + 4);
    state.c += word(bytes + 8);
    state.mix();
    length -= 12;
    bytes += 12;
  }
  if (length == 0)
    return state.c;
  // The last 1..12 bytes, little-endian within each of a, b, c.
  std::uint32_t tail[3] = {0, 0, 0};
  for (std::size_t i = 0; i < length; ++i)
    tail[i / 4] += std::uint32_t(bytes[i]) << (8 * (i % 4));
  state.a += tail[0];
  state.b += tail[1];
  state.c += tail[2];
  state.finish();
  return state.c;
}

std::uint32_t jhashWords(const void *key, std::size_t count, std::uint32_t seed) {
  const auto *bytes = static_cast<const unsigned char *>(key);
  const std::uint32_t start = InitialValue + (static_cast<std::uint32_t>(count) << 2) + seed;
  State state{start, start, start};
  while (count > 3) {
    state.a += word(bytes);
    state.b += word(bytes + 4);
    state.c += word(bytes + 8);
    state.mix();
    count -= 3;
    bytes += 12;
  }
  if (count == 0)
    return state.c;
  state.a += word(bytes);
  if (count > 1)
    state.b += word(bytes + 4);
  if (count > 2)
    state.c += word(bytes + 8);
  state.finish();
  return state.c;
}

} // namespace bpfcheck::runtime
