// Transfer functions of the ALU operations on scalars, 64-bit (ALU64) and 32-bit (ALU,
// result zero-extended), with the ISA's semantics: division by zero gives 0, modulo by
// zero the dividend, shift amounts are masked to the width. Each operator computes the
// tnum and both intervals of each width it can, then the reduction relates them. Written
// as templates over the word types (see ScalarValue.h) for the proofs in smt/.
#pragma once

#include "bpfcheck/absint/ScalarValue.h"

#include <type_traits>
#include <utility>

namespace bpfcheck::absint {

/// A value of one width: the tnum and both intervals (the 64-bit or the 32-bit part of a
/// scalar).
template <typename Word> struct WidthValue {
  Tnum<Word> bits;
  UnsignedRange<Word> unsignedRange;
  SignedRange<Word> signedRange;
};

template <typename Words>
WidthValue<typename Words::Word64> upperView(const ScalarValue<Words> &s) {
  return {s.bits, s.unsigned64, s.signed64};
}
template <typename Words>
WidthValue<typename Words::Word32> lowerView(const ScalarValue<Words> &s) {
  return {{lowHalf(s.bits.value), lowHalf(s.bits.mask)}, s.unsigned32, s.signed32};
}

template <typename Word> WidthValue<Word> widthUnknown(Word any) {
  return {Tnum<Word>::unknown(any), UnsignedRange<Word>::full(any), SignedRange<Word>::full(any)};
}

template <typename Word>
WidthValue<Word> widthJoin(const WidthValue<Word> &a, const WidthValue<Word> &b) {
  return {tnumUnion(a.bits, b.bits), rangeJoin(a.unsignedRange, b.unsignedRange),
          rangeJoin(a.signedRange, b.signedRange)};
}

namespace arithmetic {

template <typename Word> Word unsignedMinimum(Word a, Word b) {
  return select(unsignedLess(a, b), a, b);
}
template <typename Word> Word unsignedMaximum(Word a, Word b) {
  return select(unsignedLess(a, b), b, a);
}
template <typename Word> Word signedMinimum(Word a, Word b) {
  return select(signedLess(a, b), a, b);
}
template <typename Word> Word signedMaximum(Word a, Word b) {
  return select(signedLess(a, b), b, a);
}

template <typename Word>
WidthValue<Word> add(const WidthValue<Word> &a, const WidthValue<Word> &b) {
  return {tnumAdd(a.bits, b.bits), rangeAdd(a.unsignedRange, b.unsignedRange),
          rangeAdd(a.signedRange, b.signedRange)};
}

template <typename Word>
WidthValue<Word> sub(const WidthValue<Word> &a, const WidthValue<Word> &b) {
  return {tnumSub(a.bits, b.bits), rangeSub(a.unsignedRange, b.unsignedRange),
          rangeSub(a.signedRange, b.signedRange)};
}

/// Products: unsigned, [min * min, max * max] unless the largest overflows; signed, the
/// extremes of the four corner products unless one overflows.
template <typename Word>
WidthValue<Word> mul(const WidthValue<Word> &a, const WidthValue<Word> &b) {
  const UnsignedRange<Word> unsignedAll = UnsignedRange<Word>::full(a.bits.value);
  const auto unsignedOverflow =
      unsignedMultiplyOverflows(a.unsignedRange.maximum, b.unsignedRange.maximum);
  const UnsignedRange<Word> unsignedResult{
      select(unsignedOverflow, unsignedAll.minimum,
             a.unsignedRange.minimum * b.unsignedRange.minimum),
      select(unsignedOverflow, unsignedAll.maximum,
             a.unsignedRange.maximum * b.unsignedRange.maximum)};

  const Word corners[4] = {
      a.signedRange.minimum * b.signedRange.minimum, a.signedRange.minimum * b.signedRange.maximum,
      a.signedRange.maximum * b.signedRange.minimum, a.signedRange.maximum * b.signedRange.maximum};
  const auto signedOverflow =
      signedMultiplyOverflows(a.signedRange.minimum, b.signedRange.minimum) ||
      signedMultiplyOverflows(a.signedRange.minimum, b.signedRange.maximum) ||
      signedMultiplyOverflows(a.signedRange.maximum, b.signedRange.minimum) ||
      signedMultiplyOverflows(a.signedRange.maximum, b.signedRange.maximum);
  const Word low =
      signedMinimum(signedMinimum(corners[0], corners[1]), signedMinimum(corners[2], corners[3]));
  const Word high =
      signedMaximum(signedMaximum(corners[0], corners[1]), signedMaximum(corners[2], corners[3]));
  const SignedRange<Word> signedAll = SignedRange<Word>::full(low);
  return {tnumMul(a.bits, b.bits),
          unsignedResult,
          {select(signedOverflow, signedAll.minimum, low),
           select(signedOverflow, signedAll.maximum, high)}};
}

/// x & y is at most min(x, y); x | y at least max(x, y); the tnums carry the rest.
template <typename Word>
WidthValue<Word> bitAnd(const WidthValue<Word> &a, const WidthValue<Word> &b) {
  const Word zero = a.bits.value ^ a.bits.value;
  return {tnumAnd(a.bits, b.bits),
          {zero, unsignedMinimum(a.unsignedRange.maximum, b.unsignedRange.maximum)},
          SignedRange<Word>::full(zero)};
}
template <typename Word>
WidthValue<Word> bitOr(const WidthValue<Word> &a, const WidthValue<Word> &b) {
  return {tnumOr(a.bits, b.bits),
          {unsignedMaximum(a.unsignedRange.minimum, b.unsignedRange.minimum),
           UnsignedRange<Word>::full(a.bits.value).maximum},
          SignedRange<Word>::full(a.bits.value)};
}
template <typename Word>
WidthValue<Word> bitXor(const WidthValue<Word> &a, const WidthValue<Word> &b) {
  return {tnumXor(a.bits, b.bits), UnsignedRange<Word>::full(a.bits.value),
          SignedRange<Word>::full(a.bits.value)};
}

/// Shifts by a known amount below the width.
template <typename Word> WidthValue<Word> shiftLeftBy(const WidthValue<Word> &a, unsigned amount) {
  const Word zero = a.bits.value ^ a.bits.value;
  const auto overflows =
      amount != 0 && shiftRight(a.unsignedRange.maximum, Word::width - amount) != zero;
  const UnsignedRange<Word> all = UnsignedRange<Word>::full(zero);
  return {tnumShiftLeft(a.bits, amount),
          {select(overflows, all.minimum, shiftLeft(a.unsignedRange.minimum, amount)),
           select(overflows, all.maximum, shiftLeft(a.unsignedRange.maximum, amount))},
          SignedRange<Word>::full(zero)};
}
/// x << 32 (half the width) is the low half times 2^32: as a signed number, the low half's
/// signed value times 2^32, whatever its sign.
template <typename Word32>
SignedRange<decltype(signExtend(std::declval<Word32>()))>
signedShiftLeftByHalf(const SignedRange<Word32> &low) {
  return {shiftLeft(signExtend(low.minimum), Word32::width),
          shiftLeft(signExtend(low.maximum), Word32::width)};
}
template <typename Word> WidthValue<Word> shiftRightBy(const WidthValue<Word> &a, unsigned amount) {
  return {
      tnumShiftRight(a.bits, amount),
      {shiftRight(a.unsignedRange.minimum, amount), shiftRight(a.unsignedRange.maximum, amount)},
      SignedRange<Word>::full(a.bits.value)};
}
template <typename Word>
WidthValue<Word> shiftRightArithmeticBy(const WidthValue<Word> &a, unsigned amount) {
  return {tnumShiftRightArithmetic(a.bits, amount),
          UnsignedRange<Word>::full(a.bits.value),
          {shiftRightArithmetic(a.signedRange.minimum, amount),
           shiftRightArithmetic(a.signedRange.maximum, amount)}};
}

/// Shifts by an amount known only abstractly: the amount is masked to the width (as the
/// ISA defines), and the result is the join over every amount the mask allows.
template <typename Word, typename ShiftBy>
WidthValue<Word> shiftByAny(const WidthValue<Word> &a, const WidthValue<Word> &amount,
                            ShiftBy shiftBy) {
  const Word mask = wordConstant(a.bits.value, Word::width - 1);
  const Tnum<Word> masked = tnumAnd(amount.bits, Tnum<Word>::constant(mask));
  WidthValue<Word> result = shiftBy(a, 0u);
  auto possible = tnumContains(masked, wordConstant(a.bits.value, 0));
  for (unsigned k = 1; k < Word::width; ++k) {
    const WidthValue<Word> shifted = shiftBy(a, k);
    const auto allowed = tnumContains(masked, wordConstant(a.bits.value, k));
    // Join in the amounts that are possible; the first possible amount seeds the result.
    const WidthValue<Word> joined = widthJoin(result, shifted);
    auto pick = [&](Word ifJoined, Word ifShifted, Word ifKept) {
      return select(allowed, select(possible, ifJoined, ifShifted), ifKept);
    };
    result = {
        {pick(joined.bits.value, shifted.bits.value, result.bits.value),
         pick(joined.bits.mask, shifted.bits.mask, result.bits.mask)},
        {pick(joined.unsignedRange.minimum, shifted.unsignedRange.minimum,
              result.unsignedRange.minimum),
         pick(joined.unsignedRange.maximum, shifted.unsignedRange.maximum,
              result.unsignedRange.maximum)},
        {pick(joined.signedRange.minimum, shifted.signedRange.minimum, result.signedRange.minimum),
         pick(joined.signedRange.maximum, shifted.signedRange.maximum,
              result.signedRange.maximum)}};
    possible = possible || allowed;
  }
  return result;
}

/// Unsigned division: x / 0 is 0, so a divisor that may be 0 adds 0 to the result.
template <typename Word>
WidthValue<Word> divide(const WidthValue<Word> &a, const WidthValue<Word> &b) {
  const Word zero = a.bits.value ^ a.bits.value;
  const Word one = wordConstant(zero, 1);
  const auto mayBeZero = b.unsignedRange.minimum == zero;
  const auto isZero = b.unsignedRange.maximum == zero;
  const Word smallestDivisor = select(mayBeZero, one, b.unsignedRange.minimum);
  const Word low =
      select(mayBeZero, zero, bpfDivide(a.unsignedRange.minimum, b.unsignedRange.maximum));
  const Word high = select(isZero, zero, bpfDivide(a.unsignedRange.maximum, smallestDivisor));
  return {Tnum<Word>::unknown(zero), {low, high}, SignedRange<Word>::full(zero)};
}

/// Unsigned modulo: below the divisor, and at most the dividend; the dividend itself when
/// every divisor exceeds it or is 0; exact for constants.
template <typename Word>
WidthValue<Word> modulo(const WidthValue<Word> &a, const WidthValue<Word> &b) {
  const Word zero = a.bits.value ^ a.bits.value;
  const Word one = wordConstant(zero, 1);
  const auto mayBeZero = b.unsignedRange.minimum == zero;
  const auto dividendUnchanged = (b.unsignedRange.maximum == zero) ||
                                 unsignedLess(a.unsignedRange.maximum, b.unsignedRange.minimum);
  const auto constants = (a.unsignedRange.minimum == a.unsignedRange.maximum) &&
                         (b.unsignedRange.minimum == b.unsignedRange.maximum);
  const Word folded = bpfModulo(a.unsignedRange.minimum, b.unsignedRange.minimum);
  const Word belowDivisor = unsignedMinimum(a.unsignedRange.maximum, b.unsignedRange.maximum - one);
  const Word generalHigh = select(mayBeZero, a.unsignedRange.maximum, belowDivisor);
  const UnsignedRange<Word> remainder{
      select(constants, folded, select(dividendUnchanged, a.unsignedRange.minimum, zero)),
      select(constants, folded, select(dividendUnchanged, a.unsignedRange.maximum, generalHigh))};
  return {Tnum<Word>::unknown(zero), remainder, SignedRange<Word>::full(zero)};
}

} // namespace arithmetic

/// A 64-bit result (ALU64) from the results of both widths; `lowHalfIsExact` says whether
/// the 32-bit components of the result follow from the 32-bit parts of the operands (true
/// for add, sub, mul, bitwise operations and left shifts, whose low bits depend only on
/// low bits), else they come from the reduction only.
template <typename Words>
ScalarValue<Words> fromWidths(const WidthValue<typename Words::Word64> &upper,
                              const WidthValue<typename Words::Word32> &lower,
                              bool lowHalfIsExact) {
  ScalarValue<Words> s = ScalarValue<Words>::unknown(upper.bits.value);
  s.bits = upper.bits;
  s.unsigned64 = upper.unsignedRange;
  s.signed64 = upper.signedRange;
  if (lowHalfIsExact) {
    s.unsigned32 = lower.unsignedRange;
    s.signed32 = lower.signedRange;
    const auto lowBits = lower.bits;
    const typename Words::Word64 upperMask = ~zeroExtend(~(lowBits.mask ^ lowBits.mask));
    const Tnum<typename Words::Word64> lowerAsWide{
        zeroExtend(lowBits.value) | (s.bits.value & upperMask),
        zeroExtend(lowBits.mask) | (s.bits.mask & upperMask)};
    s.bits = tnumIntersect(s.bits, lowerAsWide);
  }
  return scalarReduce(s);
}

/// A 32-bit result (ALU): the low half, zero-extended.
template <typename Words>
ScalarValue<Words> fromLowHalf(const WidthValue<typename Words::Word32> &lower) {
  using Word64 = typename Words::Word64;
  const UnsignedRange<Word64> widened{zeroExtend(lower.unsignedRange.minimum),
                                      zeroExtend(lower.unsignedRange.maximum)};
  return scalarReduce(
      ScalarValue<Words>{{zeroExtend(lower.bits.value), zeroExtend(lower.bits.mask)},
                         widened,
                         SignedRange<Word64>{widened.minimum, widened.maximum},
                         lower.unsignedRange,
                         lower.signedRange});
}

} // namespace bpfcheck::absint

#include "bpfcheck/ir/Instruction.h"

namespace bpfcheck::absint {

/// `dst = dst OP src` on scalars, 64-bit (ALU64) or 32-bit with the result zero-extended
/// (ALU). SDiv and SMod give an unknown value (sound; the kernel knows no more).
template <typename Words>
ScalarValue<Words> scalarAlu(AluOp op, bool is64, const ScalarValue<Words> &dst,
                             const ScalarValue<Words> &src) {
  using Word64 = typename Words::Word64;
  using Word32 = typename Words::Word32;
  auto compute = [op](const auto &a, const auto &b) {
    using Word = std::decay_t<decltype(a.bits.value)>;
    using Value = WidthValue<Word>;
    switch (op) {
    case AluOp::Add:
      return arithmetic::add(a, b);
    case AluOp::Sub:
      return arithmetic::sub(a, b);
    case AluOp::Mul:
      return arithmetic::mul(a, b);
    case AluOp::Div:
      return arithmetic::divide(a, b);
    case AluOp::Mod:
      return arithmetic::modulo(a, b);
    case AluOp::And:
      return arithmetic::bitAnd(a, b);
    case AluOp::Or:
      return arithmetic::bitOr(a, b);
    case AluOp::Xor:
      return arithmetic::bitXor(a, b);
    case AluOp::Lsh:
      return arithmetic::shiftByAny(
          a, b, [](const Value &v, unsigned k) { return arithmetic::shiftLeftBy(v, k); });
    case AluOp::Rsh:
      return arithmetic::shiftByAny(
          a, b, [](const Value &v, unsigned k) { return arithmetic::shiftRightBy(v, k); });
    case AluOp::Arsh:
      return arithmetic::shiftByAny(a, b, [](const Value &v, unsigned k) {
        return arithmetic::shiftRightArithmeticBy(v, k);
      });
    case AluOp::Neg:
      return arithmetic::sub(Value{Tnum<Word>::constant(a.bits.value ^ a.bits.value),
                                   UnsignedRange<Word>::constant(a.bits.value ^ a.bits.value),
                                   SignedRange<Word>::constant(a.bits.value ^ a.bits.value)},
                             a);
    case AluOp::SDiv:
    case AluOp::SMod:
      break;
    }
    return widthUnknown(a.bits.value);
  };
  const WidthValue<Word32> lower = compute(lowerView(dst), lowerView(src));
  if (!is64)
    return fromLowHalf<Words>(lower);
  WidthValue<Word64> upper = compute(upperView(dst), upperView(src));
  if (op == AluOp::Lsh) {
    // The kernel keeps this sign only for non-negative halves; it is what makes the
    // compilers' sign extension of a sub-register (`x << 32 s>> 32`) precise.
    const Word64 zero = upper.bits.value ^ upper.bits.value;
    const Tnum<Word64> amount =
        tnumAnd(src.bits, Tnum<Word64>::constant(wordConstant(zero, Word64::width - 1)));
    const auto byHalf =
        amount.mask == zero && amount.value == wordConstant(zero, Word64::width / 2);
    const SignedRange<Word64> exact = arithmetic::signedShiftLeftByHalf(dst.signed32);
    upper.signedRange = {select(byHalf, exact.minimum, upper.signedRange.minimum),
                         select(byHalf, exact.maximum, upper.signedRange.maximum)};
  }
  const bool lowHalfIsExact = op == AluOp::Add || op == AluOp::Sub || op == AluOp::Mul ||
                              op == AluOp::And || op == AluOp::Or || op == AluOp::Xor ||
                              op == AluOp::Neg;
  return fromWidths<Words>(upper, lower, lowHalfIsExact);
}

} // namespace bpfcheck::absint
