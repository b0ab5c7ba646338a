// The abstract value of a scalar register: a tnum and four intervals (u64, s64, u32 and
// s32 of the low half), the kernel verifier's domain, kept mutually reduced. Every
// deduction the kernel makes between them (reg_bounds_sync) is here, as branch-free
// templates over the 64- and 32-bit word types so that smt/ can prove each sound.
#pragma once

#include "bpfcheck/absint/Range.h"
#include "bpfcheck/absint/Tnum.h"

namespace bpfcheck::absint {

/// The word types a scalar is built from: concrete words here, Z3 words in smt/.
struct ConcreteWords {
  using Word64 = BitWord<64>;
  using Word32 = BitWord<32>;
};

template <typename Words> struct ScalarValue {
  using Word64 = typename Words::Word64;
  using Word32 = typename Words::Word32;

  Tnum<Word64> bits;
  UnsignedRange<Word64> unsigned64;
  SignedRange<Word64> signed64;
  UnsignedRange<Word32> unsigned32;
  SignedRange<Word32> signed32;

  static ScalarValue constant(Word64 v) {
    const Word32 low = lowHalf(v);
    return {Tnum<Word64>::constant(v), UnsignedRange<Word64>::constant(v),
            SignedRange<Word64>::constant(v), UnsignedRange<Word32>::constant(low),
            SignedRange<Word32>::constant(low)};
  }
  static ScalarValue unknown(Word64 any) {
    const Word32 any32 = lowHalf(any);
    return {Tnum<Word64>::unknown(any), UnsignedRange<Word64>::full(any),
            SignedRange<Word64>::full(any), UnsignedRange<Word32>::full(any32),
            SignedRange<Word32>::full(any32)};
  }
};

/// Whether the concrete word `x` is a value of `s` (in every component).
template <typename Words>
auto scalarContains(const ScalarValue<Words> &s, typename Words::Word64 x) {
  const auto low = lowHalf(x);
  return tnumContains(s.bits, x) && rangeContains(s.unsigned64, x) &&
         rangeContains(s.signed64, x) && rangeContains(s.unsigned32, low) &&
         rangeContains(s.signed32, low);
}

/// Whether no value satisfies every component (a contradiction: the path is impossible).
template <typename Words> auto scalarIsEmpty(const ScalarValue<Words> &s) {
  return unsignedLess(s.unsigned64.maximum, s.unsigned64.minimum) ||
         signedLess(s.signed64.maximum, s.signed64.minimum) ||
         unsignedLess(s.unsigned32.maximum, s.unsigned32.minimum) ||
         signedLess(s.signed32.maximum, s.signed32.minimum);
}

namespace detail {

/// Bounds implied by a tnum: unsigned [value, value | mask]; signed with an unknown sign
/// bit counted as set for the minimum and clear for the maximum.
template <typename Word> UnsignedRange<Word> unsignedBoundsOf(const Tnum<Word> &t) {
  return {t.value, t.value | t.mask};
}
template <typename Word> SignedRange<Word> signedBoundsOf(const Tnum<Word> &t) {
  const Word signBit = shiftLeft(wordConstant(t.value, 1), Word::width - 1);
  return {t.value | (t.mask & signBit), t.value | (t.mask & ~signBit)};
}

/// An unsigned range whose ends have the same sign bit is also a signed range (and the
/// other way round); otherwise it says nothing about the other order.
template <typename Word>
SignedRange<Word> signedFromUnsigned(const UnsignedRange<Word> &u, const SignedRange<Word> &s) {
  const Word zero = u.minimum ^ u.minimum;
  const auto sameSign = signedLess(u.minimum, zero) == signedLess(u.maximum, zero);
  const SignedRange<Word> met = rangeMeet(s, SignedRange<Word>{u.minimum, u.maximum});
  return {select(sameSign, met.minimum, s.minimum), select(sameSign, met.maximum, s.maximum)};
}
template <typename Word>
UnsignedRange<Word> unsignedFromSigned(const SignedRange<Word> &s, const UnsignedRange<Word> &u) {
  const Word zero = s.minimum ^ s.minimum;
  const auto sameSign = signedLess(s.minimum, zero) == signedLess(s.maximum, zero);
  const UnsignedRange<Word> met = rangeMeet(u, UnsignedRange<Word>{s.minimum, s.maximum});
  return {select(sameSign, met.minimum, u.minimum), select(sameSign, met.maximum, u.maximum)};
}

/// When the signed range crosses zero but the unsigned range excludes one side of it, the
/// values all lie on the other side: both ranges shrink to it (the kernel's 64-bit
/// deduction for ranges that overlap in two places, __reg64_deduce_bounds).
template <typename Word> void deduceAcrossSign(UnsignedRange<Word> &u, SignedRange<Word> &s) {
  const Word zero = u.minimum ^ u.minimum;
  const auto crossing = signedLess(s.minimum, zero) && !signedLess(s.maximum, zero);
  // Every value is at most umax < smin (as unsigned): none is negative.
  const auto allNonNegative = crossing && unsignedLess(u.maximum, s.minimum);
  // Every value is at least umin > smax (as unsigned): all are negative.
  const auto allNegative = crossing && unsignedLess(s.maximum, u.minimum);
  const Word nonNegativeMaximum = select(unsignedLess(u.maximum, s.maximum), u.maximum, s.maximum);
  const Word negativeMinimum = select(unsignedLess(u.minimum, s.minimum), s.minimum, u.minimum);
  const UnsignedRange<Word> unsignedResult{select(allNegative, negativeMinimum, u.minimum),
                                           select(allNonNegative, nonNegativeMaximum, u.maximum)};
  const SignedRange<Word> signedResult{
      select(allNonNegative, u.minimum, select(allNegative, negativeMinimum, s.minimum)),
      select(allNonNegative, nonNegativeMaximum, select(allNegative, u.maximum, s.maximum))};
  u = unsignedResult;
  s = signedResult;
}
} // namespace detail

/// One round of every deduction between the components (the kernel's __update_reg_bounds,
/// __reg_deduce_bounds and __reg_bound_offset). Sound: never removes a member. Call it
/// until nothing changes, or a fixed number of times (scalarReduce).
template <typename Words> ScalarValue<Words> scalarReduceOnce(ScalarValue<Words> s) {
  using Word64 = typename Words::Word64;
  using Word32 = typename Words::Word32;

  // tnum -> ranges (64 and 32 bits).
  s.unsigned64 = rangeMeet(s.unsigned64, detail::unsignedBoundsOf(s.bits));
  s.signed64 = rangeMeet(s.signed64, detail::signedBoundsOf(s.bits));
  const Tnum<Word32> low{lowHalf(s.bits.value), lowHalf(s.bits.mask)};
  s.unsigned32 = rangeMeet(s.unsigned32, detail::unsignedBoundsOf(low));
  s.signed32 = rangeMeet(s.signed32, detail::signedBoundsOf(low));

  // Between the orders of one width.
  detail::deduceAcrossSign(s.unsigned64, s.signed64);
  detail::deduceAcrossSign(s.unsigned32, s.signed32);
  s.signed64 = detail::signedFromUnsigned(s.unsigned64, s.signed64);
  s.unsigned64 = detail::unsignedFromSigned(s.signed64, s.unsigned64);
  s.signed32 = detail::signedFromUnsigned(s.unsigned32, s.signed32);
  s.unsigned32 = detail::unsignedFromSigned(s.signed32, s.unsigned32);

  // 64 -> 32: when the upper halves of the 64-bit bounds agree, the low halves of the
  // bounds bound the low half (unsigned and, through the same argument, signed 64).
  const auto sameUpperUnsigned = upperHalf(s.unsigned64.minimum) == upperHalf(s.unsigned64.maximum);
  const UnsignedRange<Word32> lowOfUnsigned{lowHalf(s.unsigned64.minimum),
                                            lowHalf(s.unsigned64.maximum)};
  const UnsignedRange<Word32> met32 = rangeMeet(s.unsigned32, lowOfUnsigned);
  s.unsigned32 = {select(sameUpperUnsigned, met32.minimum, s.unsigned32.minimum),
                  select(sameUpperUnsigned, met32.maximum, s.unsigned32.maximum)};
  const auto sameUpperSigned = upperHalf(s.signed64.minimum) == upperHalf(s.signed64.maximum);
  const UnsignedRange<Word32> lowOfSigned{lowHalf(s.signed64.minimum), lowHalf(s.signed64.maximum)};
  const UnsignedRange<Word32> metSigned32 = rangeMeet(s.unsigned32, lowOfSigned);
  s.unsigned32 = {select(sameUpperSigned, metSigned32.minimum, s.unsigned32.minimum),
                  select(sameUpperSigned, metSigned32.maximum, s.unsigned32.maximum)};
  s.signed32 = detail::signedFromUnsigned(s.unsigned32, s.signed32);

  // 32 -> 64: with the upper half fixed, the 64-bit bounds are that half over the 32-bit
  // bounds.
  const Word32 upper = upperHalf(s.unsigned64.minimum);
  const UnsignedRange<Word64> fromLow{concatenate(upper, s.unsigned32.minimum),
                                      concatenate(upper, s.unsigned32.maximum)};
  const UnsignedRange<Word64> met64 = rangeMeet(s.unsigned64, fromLow);
  s.unsigned64 = {select(sameUpperUnsigned, met64.minimum, s.unsigned64.minimum),
                  select(sameUpperUnsigned, met64.maximum, s.unsigned64.maximum)};
  s.signed64 = detail::signedFromUnsigned(s.unsigned64, s.signed64);

  // A signed 64-bit range inside the signed 32-bit one (possibly across zero): the value is
  // the sign extension of its low half, so the two signed ranges bound each other.
  const Word32 zero32 = lowHalf(s.bits.value ^ s.bits.value);
  const Word32 signBit32 = shiftLeft(wordConstant(zero32, 1), 31);
  const Word64 int32Minimum = signExtend(signBit32);
  const Word64 int32Maximum = signExtend(~signBit32);
  const auto withinInt32 = !signedLess(s.signed64.minimum, int32Minimum) &&
                           !signedLess(int32Maximum, s.signed64.maximum);
  const SignedRange<Word32> lowOfSigned64 = rangeMeet(
      s.signed32, SignedRange<Word32>{lowHalf(s.signed64.minimum), lowHalf(s.signed64.maximum)});
  s.signed32 = {select(withinInt32, lowOfSigned64.minimum, s.signed32.minimum),
                select(withinInt32, lowOfSigned64.maximum, s.signed32.maximum)};
  const SignedRange<Word64> extended32 =
      rangeMeet(s.signed64, SignedRange<Word64>{signExtend(s.signed32.minimum),
                                                signExtend(s.signed32.maximum)});
  s.signed64 = {select(withinInt32, extended32.minimum, s.signed64.minimum),
                select(withinInt32, extended32.maximum, s.signed64.maximum)};

  // ranges -> tnum.
  s.bits = tnumIntersect(s.bits, tnumRange(s.unsigned64.minimum, s.unsigned64.maximum));
  const Tnum<Word32> lowRange = tnumRange(s.unsigned32.minimum, s.unsigned32.maximum);
  const Tnum<Word32> lowMet = tnumIntersect(low, lowRange);
  const Word64 upperMask = ~zeroExtend(~(lowMet.mask ^ lowMet.mask));
  s.bits = {(s.bits.value & upperMask) | zeroExtend(lowMet.value),
            (s.bits.mask & upperMask) | zeroExtend(lowMet.mask)};
  return s;
}

/// The reduced product: deductions repeated until they settle (three rounds suffice for
/// every case the tests exercise; more rounds are harmless).
template <typename Words> ScalarValue<Words> scalarReduce(ScalarValue<Words> s) {
  for (int round = 0; round < 3; ++round)
    s = scalarReduceOnce(s);
  return s;
}

using Scalar = ScalarValue<ConcreteWords>;

} // namespace bpfcheck::absint
