// Branch refinement: on both edges of every condition (64- and 32-bit), every pair of
// members that takes the edge survives the refinement (small model, same templates as the
// real domain), impossible edges come out empty, and the refinements the kernel makes are
// made.
#include "SmallModel.h"

#include "bpfcheck/absint/ScalarBranch.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

using namespace bpfcheck;
using namespace bpfcheck::absint;

namespace {

using test::membersOf;
using test::randomSmallScalar;
using test::SmallScalar;
using test::W8;

template <typename Word> bool holds(Condition condition, Word x, Word y) {
  switch (condition) {
  case Condition::Eq:
    return x == y;
  case Condition::Ne:
    return x != y;
  case Condition::Set:
    return (x & y) != Word(0);
  case Condition::Gt:
    return y.bits < x.bits;
  case Condition::Ge:
    return y.bits <= x.bits;
  case Condition::Lt:
    return x.bits < y.bits;
  case Condition::Le:
    return x.bits <= y.bits;
  case Condition::SGt:
    return signedLess(y, x);
  case Condition::SGe:
    return signedLessOrEqual(y, x);
  case Condition::SLt:
    return signedLess(x, y);
  case Condition::SLe:
    return signedLessOrEqual(x, y);
  }
  return false;
}

bool concreteHolds(Condition condition, bool is64, W8 x, W8 y) {
  return is64 ? holds(condition, x, y) : holds(condition, lowHalf(x), lowHalf(y));
}

const Condition conditions[] = {Condition::Eq,  Condition::Ne,  Condition::Set, Condition::Gt,
                                Condition::Ge,  Condition::Lt,  Condition::Le,  Condition::SGt,
                                Condition::SGe, Condition::SLt, Condition::SLe};

} // namespace

TEST_CASE("refinement keeps every pair that takes the edge, and empties impossible edges") {
  std::mt19937_64 random(5);
  std::size_t checks = 0, lost = 0, emptyButPossible = 0, prunedEdges = 0;
  for (int sample = 0; sample < 3000; ++sample) {
    const SmallScalar a = randomSmallScalar(random), b = randomSmallScalar(random);
    const auto xs = membersOf(a), ys = membersOf(b);
    for (Condition condition : conditions)
      for (bool is64 : {true, false})
        for (bool taken : {true, false}) {
          const auto [ra, rb] = refineBranch(condition, is64, taken, a, b);
          const bool empty = scalarIsEmpty(ra) || scalarIsEmpty(rb);
          bool possible = false;
          for (W8 x : xs)
            for (W8 y : ys) {
              if (concreteHolds(condition, is64, x, y) != taken)
                continue;
              possible = true;
              ++checks;
              if (!scalarContains(ra, x) || !scalarContains(rb, y))
                ++lost;
            }
          if (possible && empty)
            ++emptyButPossible;
          if (!possible && empty)
            ++prunedEdges;
        }
  }
  CHECK(checks > 1000000);
  CHECK(lost == 0);
  CHECK(emptyButPossible == 0);
  CHECK(prunedEdges > 1000); // impossible edges are recognised
}

TEST_CASE("comparisons with constants bound the register as the kernel does") {
  const Scalar unknown = Scalar::unknown(BitWord<64>(0));
  const Scalar ten = Scalar::constant(BitWord<64>(10));
  // if r1 < 10: r1 in [0, 9] on the taken edge, [10, max] on the other.
  const auto [below, _] = refineBranch(Condition::Lt, true, true, unknown, ten);
  CHECK(below.unsigned64.maximum.bits == 9);
  CHECK(below.bits.mask.bits == 0xf);
  const auto [atLeast, __] = refineBranch(Condition::Lt, true, false, unknown, ten);
  CHECK(atLeast.unsigned64.minimum.bits == 10);
  // if r1 s> 10 on the taken edge: signed [11, max], so unsigned too.
  const auto [greater, ___] = refineBranch(Condition::SGt, true, true, unknown, ten);
  CHECK(asSigned(greater.signed64.minimum) == 11);
  CHECK(greater.unsigned64.minimum.bits == 11);
  // if w1 == 10 (32-bit) pins only the low half.
  const auto [low, ____] = refineBranch(Condition::Eq, false, true, unknown, ten);
  CHECK(low.unsigned32.minimum.bits == 10);
  CHECK(low.unsigned32.maximum.bits == 10);
  CHECK(low.unsigned64.maximum.bits == 0xffffffff0000000aull); // upper half still unknown
  CHECK(low.bits.mask.bits == 0xffffffff00000000ull);
  // A range [0, 9] can never be > 20: the taken edge is empty.
  const auto [impossible, _____] =
      refineBranch(Condition::Gt, true, true, below, Scalar::constant(BitWord<64>(20)));
  CHECK(scalarIsEmpty(impossible));
  // if r1 != 0 where r1 in [0, 9]: [1, 9].
  const auto [nonZero, ______] =
      refineBranch(Condition::Ne, true, true, below, Scalar::constant(BitWord<64>(0)));
  CHECK(nonZero.unsigned64.minimum.bits == 1);
  // (r1 & 0x80) == 0 clears bit 7.
  const auto [clear, _______] =
      refineBranch(Condition::Set, true, false, unknown, Scalar::constant(BitWord<64>(0x80)));
  CHECK((clear.bits.mask.bits & 0x80) == 0);
  CHECK((clear.bits.value.bits & 0x80) == 0);
}
