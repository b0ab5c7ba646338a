// Refining two scalars by the outcome of a conditional jump (JMP / JMP32, every
// condition, taken or not): what the kernel's reg_set_min_max learns, and a contradiction
// (scalarIsEmpty) when the outcome is impossible, so that the dead edge is pruned. Written
// as templates over the word types, like the other operators, for the proofs in smt/.
#pragma once

#include "bpfcheck/absint/ScalarValue.h"
#include "bpfcheck/ir/Instruction.h"

#include <type_traits>
#include <utility>

namespace bpfcheck::absint {

namespace branch {

/// a < b (unsigned): a below b's maximum, b above a's minimum; empty if impossible.
template <typename Word> void lessUnsigned(UnsignedRange<Word> &a, UnsignedRange<Word> &b) {
  const Word zero = a.minimum ^ a.minimum, one = wordConstant(zero, 1), all = ~zero;
  const auto impossible = (b.maximum == zero) || (a.minimum == all);
  const Word aMaximum =
      select(unsignedLess(a.maximum, b.maximum - one), a.maximum, b.maximum - one);
  const Word bMinimum =
      select(unsignedLess(b.minimum, a.minimum + one), a.minimum + one, b.minimum);
  a = {select(impossible, all, a.minimum), select(impossible, zero, aMaximum)};
  b = {select(impossible, all, bMinimum), select(impossible, zero, b.maximum)};
}

/// a <= b (unsigned).
template <typename Word> void lessOrEqualUnsigned(UnsignedRange<Word> &a, UnsignedRange<Word> &b) {
  a.maximum = select(unsignedLess(b.maximum, a.maximum), b.maximum, a.maximum);
  b.minimum = select(unsignedLess(b.minimum, a.minimum), a.minimum, b.minimum);
}

/// a < b (signed).
template <typename Word> void lessSigned(SignedRange<Word> &a, SignedRange<Word> &b) {
  const SignedRange<Word> all = SignedRange<Word>::full(a.minimum);
  const Word one = wordConstant(a.minimum, 1);
  const auto impossible = (b.maximum == all.minimum) || (a.minimum == all.maximum);
  const Word aMaximum = select(signedLess(a.maximum, b.maximum - one), a.maximum, b.maximum - one);
  const Word bMinimum = select(signedLess(b.minimum, a.minimum + one), a.minimum + one, b.minimum);
  a = {select(impossible, all.maximum, a.minimum), select(impossible, all.minimum, aMaximum)};
  b = {select(impossible, all.maximum, bMinimum), select(impossible, all.minimum, b.maximum)};
}

/// a <= b (signed).
template <typename Word> void lessOrEqualSigned(SignedRange<Word> &a, SignedRange<Word> &b) {
  a.maximum = select(signedLess(b.maximum, a.maximum), b.maximum, a.maximum);
  b.minimum = select(signedLess(b.minimum, a.minimum), a.minimum, b.minimum);
}

/// a == b: both become their meet; non-overlapping tnums make the ranges empty.
template <typename Words> void equal(ScalarValue<Words> &a, ScalarValue<Words> &b, bool is64) {
  using Word64 = typename Words::Word64;
  using Word32 = typename Words::Word32;
  if (is64) {
    const auto overlap = tnumOverlap(a.bits, b.bits);
    const Tnum<Word64> met = tnumIntersect(a.bits, b.bits);
    a.bits = met;
    a.unsigned64 = rangeMeet(a.unsigned64, b.unsigned64);
    a.signed64 = rangeMeet(a.signed64, b.signed64);
    a.unsigned32 = rangeMeet(a.unsigned32, b.unsigned32);
    a.signed32 = rangeMeet(a.signed32, b.signed32);
    const Word64 zero = met.value ^ met.value;
    a.unsigned64 = {select(overlap, a.unsigned64.minimum, ~zero),
                    select(overlap, a.unsigned64.maximum, zero)};
    b = a;
    return;
  }
  const Tnum<Word32> lowA{lowHalf(a.bits.value), lowHalf(a.bits.mask)};
  const Tnum<Word32> lowB{lowHalf(b.bits.value), lowHalf(b.bits.mask)};
  const auto overlap = tnumOverlap(lowA, lowB);
  const Tnum<Word32> met = tnumIntersect(lowA, lowB);
  const Word32 zero = met.value ^ met.value;
  const UnsignedRange<Word32> unsignedMet = rangeMeet(a.unsigned32, b.unsigned32);
  const SignedRange<Word32> signedMet = rangeMeet(a.signed32, b.signed32);
  const UnsignedRange<Word32> unsignedLow{select(overlap, unsignedMet.minimum, ~zero),
                                          select(overlap, unsignedMet.maximum, zero)};
  for (ScalarValue<Words> *s : {&a, &b}) {
    const Word64 upperMask = ~zeroExtend(~zero);
    s->bits = {(s->bits.value & upperMask) | zeroExtend(met.value),
               (s->bits.mask & upperMask) | zeroExtend(met.mask)};
    s->unsigned32 = unsignedLow;
    s->signed32 = signedMet;
  }
}

/// a != b: a constant b cuts an end off a's ranges equal to it (and the other way round).
template <typename Word, typename Range>
Range excludeEnd(Range range, const Range &other, bool isSigned) {
  (void)isSigned;
  const Word one = wordConstant(range.minimum, 1);
  const auto otherIsConstant = other.minimum == other.maximum;
  const auto atMinimum = otherIsConstant && (range.minimum == other.minimum);
  const auto atMaximum = otherIsConstant && (range.maximum == other.minimum);
  return {select(atMinimum, range.minimum + one, range.minimum),
          select(atMaximum, range.maximum - one, range.maximum)};
}

template <typename Words> void notEqual(ScalarValue<Words> &a, ScalarValue<Words> &b, bool is64) {
  using Word64 = typename Words::Word64;
  using Word32 = typename Words::Word32;
  const ScalarValue<Words> oldA = a, oldB = b;
  if (is64) {
    a.unsigned64 = excludeEnd<Word64>(a.unsigned64, oldB.unsigned64, false);
    a.signed64 = excludeEnd<Word64>(a.signed64, oldB.signed64, true);
    b.unsigned64 = excludeEnd<Word64>(b.unsigned64, oldA.unsigned64, false);
    b.signed64 = excludeEnd<Word64>(b.signed64, oldA.signed64, true);
  } else {
    a.unsigned32 = excludeEnd<Word32>(a.unsigned32, oldB.unsigned32, false);
    a.signed32 = excludeEnd<Word32>(a.signed32, oldB.signed32, true);
    b.unsigned32 = excludeEnd<Word32>(b.unsigned32, oldA.unsigned32, false);
    b.signed32 = excludeEnd<Word32>(b.signed32, oldA.signed32, true);
  }
}

/// (a & b) == 0: bits known one in one operand are zero in the other.
template <typename Words>
void noCommonBits(ScalarValue<Words> &a, ScalarValue<Words> &b, bool is64) {
  using Word64 = typename Words::Word64;
  const Word64 zero = a.bits.value ^ a.bits.value;
  const Word64 consider = is64 ? ~zero : zeroExtend(~lowHalf(zero));
  const Word64 onesInA = a.bits.value & consider, onesInB = b.bits.value & consider;
  a.bits = {a.bits.value & ~onesInB, a.bits.mask & ~onesInB};
  b.bits = {b.bits.value & ~onesInA, b.bits.mask & ~onesInA};
  // Contradiction when a bit known one in both.
  const auto clash = (onesInA & onesInB) != zero;
  a.unsigned64 = {select(clash, ~zero, a.unsigned64.minimum),
                  select(clash, zero, a.unsigned64.maximum)};
}

/// (a & b) != 0: impossible when the tnums show the AND is always zero.
template <typename Words>
void someCommonBits(ScalarValue<Words> &a, ScalarValue<Words> &b, bool is64) {
  using Word64 = typename Words::Word64;
  const Word64 zero = a.bits.value ^ a.bits.value;
  const Word64 consider = is64 ? ~zero : zeroExtend(~lowHalf(zero));
  const Tnum<Word64> both = tnumAnd(a.bits, b.bits);
  const auto alwaysZero = ((both.value | both.mask) & consider) == zero;
  a.unsigned64 = {select(alwaysZero, ~zero, a.unsigned64.minimum),
                  select(alwaysZero, zero, a.unsigned64.maximum)};
}

} // namespace branch

/// The refinement of (dst, src) by the edge, before the reduction relates the components
/// (refineBranch below reduces; the proofs check the two steps separately).
template <typename Words>
std::pair<ScalarValue<Words>, ScalarValue<Words>>
refineBranchUnreduced(Condition condition, bool is64, bool taken, ScalarValue<Words> a,
                      ScalarValue<Words> b) {
  // The not-taken edge of a condition is the taken edge of its negation.
  if (!taken) {
    switch (condition) {
    case Condition::Eq:
      condition = Condition::Ne;
      break;
    case Condition::Ne:
      condition = Condition::Eq;
      break;
    case Condition::Gt:
      condition = Condition::Le;
      break;
    case Condition::Ge:
      condition = Condition::Lt;
      break;
    case Condition::Lt:
      condition = Condition::Ge;
      break;
    case Condition::Le:
      condition = Condition::Gt;
      break;
    case Condition::SGt:
      condition = Condition::SLe;
      break;
    case Condition::SGe:
      condition = Condition::SLt;
      break;
    case Condition::SLt:
      condition = Condition::SGe;
      break;
    case Condition::SLe:
      condition = Condition::SGt;
      break;
    case Condition::Set:
      branch::noCommonBits(a, b, is64);
      return {a, b};
    }
  }
  auto onUnsigned = [&](auto refine, bool swap) {
    auto &x = swap ? b : a;
    auto &y = swap ? a : b;
    if (is64)
      refine(x.unsigned64, y.unsigned64);
    else
      refine(x.unsigned32, y.unsigned32);
  };
  auto onSigned = [&](auto refine, bool swap) {
    auto &x = swap ? b : a;
    auto &y = swap ? a : b;
    if (is64)
      refine(x.signed64, y.signed64);
    else
      refine(x.signed32, y.signed32);
  };
  auto less = [](auto &x, auto &y) {
    using Word = std::decay_t<decltype(x.minimum)>;
    if constexpr (std::is_same_v<std::decay_t<decltype(x)>, UnsignedRange<Word>>)
      branch::lessUnsigned(x, y);
    else
      branch::lessSigned(x, y);
  };
  auto lessOrEqual = [](auto &x, auto &y) {
    using Word = std::decay_t<decltype(x.minimum)>;
    if constexpr (std::is_same_v<std::decay_t<decltype(x)>, UnsignedRange<Word>>)
      branch::lessOrEqualUnsigned(x, y);
    else
      branch::lessOrEqualSigned(x, y);
  };
  switch (condition) {
  case Condition::Eq:
    branch::equal(a, b, is64);
    break;
  case Condition::Ne:
    branch::notEqual(a, b, is64);
    break;
  case Condition::Set:
    branch::someCommonBits(a, b, is64);
    break;
  case Condition::Lt:
    onUnsigned(less, false);
    break;
  case Condition::Le:
    onUnsigned(lessOrEqual, false);
    break;
  case Condition::Gt:
    onUnsigned(less, true);
    break;
  case Condition::Ge:
    onUnsigned(lessOrEqual, true);
    break;
  case Condition::SLt:
    onSigned(less, false);
    break;
  case Condition::SLe:
    onSigned(lessOrEqual, false);
    break;
  case Condition::SGt:
    onSigned(less, true);
    break;
  case Condition::SGe:
    onSigned(lessOrEqual, true);
    break;
  }
  return {a, b};
}

/// The values of (dst, src) on the edge where `dst COND src` is `taken` (true) or not.
/// Either result may be empty (scalarIsEmpty): then that edge cannot be taken.
template <typename Words>
std::pair<ScalarValue<Words>, ScalarValue<Words>>
refineBranch(Condition condition, bool is64, bool taken, const ScalarValue<Words> &a,
             const ScalarValue<Words> &b) {
  auto [refinedA, refinedB] = refineBranchUnreduced(condition, is64, taken, a, b);
  return {scalarReduce(refinedA), scalarReduce(refinedB)};
}

} // namespace bpfcheck::absint
