// The small model the scalar-domain tests check exhaustively: an 8-bit register with a
// 4-bit sub-register, instantiating the same operator templates as the real 64/32-bit
// domain. Scalars are built as the analysis would hold them: joins of concrete values.
#pragma once

#include "bpfcheck/absint/ScalarValue.h"

#include <random>
#include <vector>

namespace bpfcheck::absint::test {

struct SmallWords {
  using Word64 = BitWord<8>;
  using Word32 = BitWord<4>;
};
using SmallScalar = ScalarValue<SmallWords>;
using W8 = BitWord<8>;

/// The reduced join of the constants `values` (not empty).
inline SmallScalar scalarOf(const std::vector<W8> &values) {
  SmallScalar s = SmallScalar::constant(values.front());
  for (W8 v : values) {
    const SmallScalar c = SmallScalar::constant(v);
    s.bits = tnumUnion(s.bits, c.bits);
    s.unsigned64 = rangeJoin(s.unsigned64, c.unsigned64);
    s.signed64 = rangeJoin(s.signed64, c.signed64);
    s.unsigned32 = rangeJoin(s.unsigned32, c.unsigned32);
    s.signed32 = rangeJoin(s.signed32, c.signed32);
  }
  return scalarReduce(s);
}

/// A scalar from one to six values near a random base (close together or spread out).
inline SmallScalar randomSmallScalar(std::mt19937_64 &random) {
  const std::uint64_t base = random() % 256, spread = 1 + random() % (random() % 2 ? 8 : 256);
  std::vector<W8> values{W8(base)};
  for (int i = 0; i < 1 + int(random() % 5); ++i)
    values.push_back(W8(base + random() % spread));
  return scalarOf(values);
}

/// Every 8-bit word the scalar stands for.
inline std::vector<W8> membersOf(const SmallScalar &s) {
  std::vector<W8> values;
  for (std::uint64_t x = 0; x < 256; ++x)
    if (scalarContains(s, W8(x)))
      values.push_back(W8(x));
  return values;
}

} // namespace bpfcheck::absint::test
