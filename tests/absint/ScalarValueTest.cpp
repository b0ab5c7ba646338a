// The reduced product of tnum and the four intervals: reduction never drops a member
// (checked on every 8-bit word for random 8/4-bit scalars, the same template code as the
// 64/32-bit domain), and it makes the deductions the kernel makes.
#include "bpfcheck/absint/ScalarValue.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

using namespace bpfcheck::absint;

namespace {

/// A small model of the register: an 8-bit word with a 4-bit sub-register.
struct SmallWords {
  using Word64 = BitWord<8>;
  using Word32 = BitWord<4>;
};
using SmallScalar = ScalarValue<SmallWords>;

SmallScalar randomSmallScalar(std::mt19937_64 &random) {
  auto pair = [&](unsigned bits) {
    std::uint64_t a = random() % (1u << bits), b = random() % (1u << bits);
    return std::pair{std::min(a, b), std::max(a, b)};
  };
  const std::uint64_t mask = random() & 0xff;
  SmallScalar s;
  s.bits = {BitWord<8>(random() & ~mask), BitWord<8>(mask)};
  auto [ulo, uhi] = pair(8);
  s.unsigned64 = {BitWord<8>(ulo), BitWord<8>(uhi)};
  auto [slo, shi] = pair(8); // as signed: shift the pair into [-128, 127]
  s.signed64 = {BitWord<8>(std::uint64_t(std::int64_t(slo) - 128)),
                BitWord<8>(std::uint64_t(std::int64_t(shi) - 128))};
  auto [u32lo, u32hi] = pair(4);
  s.unsigned32 = {BitWord<4>(u32lo), BitWord<4>(u32hi)};
  auto [s32lo, s32hi] = pair(4);
  s.signed32 = {BitWord<4>(std::uint64_t(std::int64_t(s32lo) - 8)),
                BitWord<4>(std::uint64_t(std::int64_t(s32hi) - 8))};
  // Some samples with full components, so that deductions have room to act.
  if (random() % 2)
    s.signed64 = SignedRange<BitWord<8>>::full(BitWord<8>(0));
  if (random() % 2)
    s.unsigned32 = UnsignedRange<BitWord<4>>::full(BitWord<4>(0));
  if (random() % 2)
    s.signed32 = SignedRange<BitWord<4>>::full(BitWord<4>(0));
  return s;
}

} // namespace

TEST_CASE("reduction keeps every member of the scalar (all 8-bit words, random scalars)") {
  std::mt19937_64 random(7);
  std::size_t withMembers = 0, lost = 0, tightened = 0;
  for (int sample = 0; sample < 100000; ++sample) {
    const SmallScalar before = randomSmallScalar(random);
    const SmallScalar after = scalarReduce(before);
    bool any = false;
    for (std::uint64_t x = 0; x < 256; ++x) {
      if (!scalarContains(before, BitWord<8>(x)))
        continue;
      any = true;
      if (!scalarContains(after, BitWord<8>(x)))
        ++lost;
    }
    withMembers += any;
    if (any && (after.bits.mask != before.bits.mask ||
                after.unsigned64.minimum != before.unsigned64.minimum))
      ++tightened;
    if (any)
      CHECK_FALSE(scalarIsEmpty(after));
  }
  CHECK(lost == 0);
  CHECK(withMembers > 1000); // the sampling reaches non-empty scalars
  CHECK(tightened > 100);    // and reduction does act
}

TEST_CASE("a byte-sized unsigned range tells every other component") {
  Scalar s = Scalar::unknown(BitWord<64>(0));
  s.unsigned64 = {BitWord<64>(0), BitWord<64>(255)};
  s = scalarReduce(s);
  CHECK(s.bits.value.bits == 0);
  CHECK(s.bits.mask.bits == 0xff);
  CHECK(asSigned(s.signed64.minimum) == 0);
  CHECK(asSigned(s.signed64.maximum) == 255);
  CHECK(s.unsigned32.minimum.bits == 0);
  CHECK(s.unsigned32.maximum.bits == 255);
  CHECK(asSigned(s.signed32.maximum) == 255);
}

TEST_CASE("known upper bits carry 32-bit bounds to 64 bits, and a sign to the unsigned order") {
  // Upper half known zero (tnum) and low half in [16, 31]: u64 becomes [16, 31].
  Scalar s = Scalar::unknown(BitWord<64>(0));
  s.bits = {BitWord<64>(0), BitWord<64>(0xffffffff)};
  s.unsigned32 = {BitWord<32>(16), BitWord<32>(31)};
  s = scalarReduce(s);
  CHECK(s.unsigned64.minimum.bits == 16);
  CHECK(s.unsigned64.maximum.bits == 31);
  CHECK(s.bits.value.bits == 16);
  CHECK(s.bits.mask.bits == 0xf);

  // A negative signed range [-8, -1] is the unsigned range [2^64 - 8, 2^64 - 1].
  Scalar negative = Scalar::unknown(BitWord<64>(0));
  negative.signed64 = {BitWord<64>(std::uint64_t(-8)), BitWord<64>(std::uint64_t(-1))};
  negative = scalarReduce(negative);
  CHECK(negative.unsigned64.minimum.bits == std::uint64_t(-8));
  CHECK(negative.unsigned64.maximum.bits == std::uint64_t(-1));
  CHECK(negative.bits.mask.bits == 0x7);
}

TEST_CASE("contradictory components are empty") {
  Scalar s = Scalar::unknown(BitWord<64>(0));
  s.unsigned64 = {BitWord<64>(10), BitWord<64>(20)};
  s.signed64 = {BitWord<64>(30), BitWord<64>(40)};
  CHECK(scalarIsEmpty(scalarReduce(s)));
}
