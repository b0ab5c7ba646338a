// Sign extension, truncation and byte swaps on scalars: sound for every member (small
// model for sign extension and truncation; random 64-bit scalars for byte swaps), exact
// for constants, and as precise as the kernel where it keeps ranges.
#include "SmallModel.h"

#include "bpfcheck/absint/ScalarConversions.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

using namespace bpfcheck::absint;

namespace {

using test::randomSmallScalar;
using test::SmallScalar;
using test::W8;

/// Sign-extends bit `bits - 1` of an N-bit word.
template <unsigned N> BitWord<N> signExtendConcrete(BitWord<N> x, unsigned bits) {
  const std::uint64_t low = x.bits & ((std::uint64_t(1) << bits) - 1);
  const std::uint64_t sign = std::uint64_t(1) << (bits - 1);
  return BitWord<N>((low ^ sign) - sign);
}

} // namespace

TEST_CASE("sign extension and truncation keep every member (small model)") {
  std::mt19937_64 random(3);
  std::size_t checks = 0, lost = 0;
  for (int sample = 0; sample < 20000; ++sample) {
    const SmallScalar a = randomSmallScalar(random);
    for (unsigned bits : {2u, 3u, 4u}) {
      const SmallScalar wide = scalarSignExtend(a, bits, true);
      const SmallScalar narrow = scalarSignExtend(a, std::min(bits, 3u), false);
      const SmallScalar truncated = scalarTruncate(a, bits);
      for (std::uint64_t v = 0; v < 256; ++v) {
        const W8 x(v);
        if (!scalarContains(a, x))
          continue;
        checks += 3;
        lost += !scalarContains(wide, signExtendConcrete(x, bits));
        lost +=
            !scalarContains(narrow, zeroExtend(signExtendConcrete(lowHalf(x), std::min(bits, 3u))));
        lost += !scalarContains(truncated, W8(v & ((1u << bits) - 1)));
      }
    }
  }
  CHECK(checks > 100000);
  CHECK(lost == 0);
}

TEST_CASE("byte swaps are exact on tnums and sound on random 64-bit scalars") {
  std::mt19937_64 random(11);
  for (int i = 0; i < 5000; ++i) {
    const std::uint64_t mask = random() & random();
    Scalar s = Scalar::unknown(BitWord<64>(0));
    s.bits = {BitWord<64>(random() & ~mask), BitWord<64>(mask)};
    s = scalarReduce(s);
    const BitWord<64> x = s.bits.value | (BitWord<64>(random()) & s.bits.mask);
    CHECK(scalarContains(scalarByteSwap(s, 64), BitWord<64>(__builtin_bswap64(x.bits))));
    CHECK(scalarContains(scalarByteSwap(s, 32),
                         BitWord<64>(__builtin_bswap32(std::uint32_t(x.bits)))));
    CHECK(scalarContains(scalarByteSwap(s, 16),
                         BitWord<64>(__builtin_bswap16(std::uint16_t(x.bits)))));
  }
  const Scalar c = Scalar::constant(BitWord<64>(0x1122334455667788ull));
  CHECK(scalarByteSwap(c, 16).bits.value.bits == 0x8877);
  CHECK(scalarByteSwap(c, 16).bits.mask.bits == 0);
  CHECK(scalarByteSwap(c, 64).bits.value.bits == 0x8877665544332211ull);
}

TEST_CASE("sign extension keeps a value that already fits, and bounds one that does not") {
  // [0, 100] fits in s8: (s8) keeps it.
  Scalar small = Scalar::unknown(BitWord<64>(0));
  small.unsigned64 = {BitWord<64>(0), BitWord<64>(100)};
  small = scalarReduce(small);
  const Scalar kept = scalarSignExtend(small, 8, true);
  CHECK(kept.unsigned64.maximum.bits == 100);
  CHECK(kept.unsigned64.minimum.bits == 0);
  // Anything else lands in [-128, 127].
  const Scalar any = scalarSignExtend(Scalar::unknown(BitWord<64>(0)), 8, true);
  CHECK(asSigned(any.signed64.minimum) == -128);
  CHECK(asSigned(any.signed64.maximum) == 127);
  // Constants: (s8)0xff is -1.
  const Scalar minusOne = scalarSignExtend(Scalar::constant(BitWord<64>(0xff)), 8, true);
  CHECK(minusOne.bits.mask.bits == 0);
  CHECK(minusOne.bits.value.bits == ~0ull);
}
