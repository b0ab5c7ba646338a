// Intervals of machine words, unsigned or signed: the kernel verifier's umin/umax and
// smin/smax (and their 32-bit versions). As with tnums, the operators are templates over
// the word type, branch-free (select instead of if), so that smt/ can prove them sound
// from this code; on concrete words they are as cheap as the kernel's.
#pragma once

#include "bpfcheck/absint/BitWord.h"

namespace bpfcheck::absint {

/// Unsigned interval [minimum, maximum], minimum <= maximum (unsigned).
template <typename Word> struct UnsignedRange {
  Word minimum;
  Word maximum;

  static UnsignedRange constant(Word v) { return {v, v}; }
  static UnsignedRange full(Word any) {
    const Word zero = any ^ any;
    return {zero, ~zero};
  }
};

/// Signed interval [minimum, maximum], minimum <= maximum (signed, two's complement).
template <typename Word> struct SignedRange {
  Word minimum;
  Word maximum;

  static SignedRange constant(Word v) { return {v, v}; }
  static SignedRange full(Word any) {
    const Word signBit = shiftLeft(wordConstant(any, 1), Word::width - 1);
    return {signBit, ~signBit};
  }
};

template <typename Word> auto rangeContains(const UnsignedRange<Word> &r, Word x) {
  return unsignedLessOrEqual(r.minimum, x) && unsignedLessOrEqual(x, r.maximum);
}
template <typename Word> auto rangeContains(const SignedRange<Word> &r, Word x) {
  return signedLessOrEqual(r.minimum, x) && signedLessOrEqual(x, r.maximum);
}

/// The smallest interval holding both.
template <typename Word>
UnsignedRange<Word> rangeJoin(const UnsignedRange<Word> &a, const UnsignedRange<Word> &b) {
  return {select(unsignedLess(a.minimum, b.minimum), a.minimum, b.minimum),
          select(unsignedLess(a.maximum, b.maximum), b.maximum, a.maximum)};
}
template <typename Word>
SignedRange<Word> rangeJoin(const SignedRange<Word> &a, const SignedRange<Word> &b) {
  return {select(signedLess(a.minimum, b.minimum), a.minimum, b.minimum),
          select(signedLess(a.maximum, b.maximum), b.maximum, a.maximum)};
}

/// The values in both; empty (minimum > maximum) when they do not overlap.
template <typename Word>
UnsignedRange<Word> rangeMeet(const UnsignedRange<Word> &a, const UnsignedRange<Word> &b) {
  return {select(unsignedLess(a.minimum, b.minimum), b.minimum, a.minimum),
          select(unsignedLess(a.maximum, b.maximum), a.maximum, b.maximum)};
}
template <typename Word>
SignedRange<Word> rangeMeet(const SignedRange<Word> &a, const SignedRange<Word> &b) {
  return {select(signedLess(a.minimum, b.minimum), b.minimum, a.minimum),
          select(signedLess(a.maximum, b.maximum), a.maximum, b.maximum)};
}

/// x + y for x in a, y in b. The true (unbounded) sums form one interval; it maps to one
/// interval of words exactly when both of its ends wrap around the same number of times.
template <typename Word>
UnsignedRange<Word> rangeAdd(const UnsignedRange<Word> &a, const UnsignedRange<Word> &b) {
  const Word low = a.minimum + b.minimum;
  const Word high = a.maximum + b.maximum;
  const auto lowWrapped = unsignedLess(low, a.minimum);
  const auto highWrapped = unsignedLess(high, a.maximum);
  const UnsignedRange<Word> all = UnsignedRange<Word>::full(low);
  const auto exact = lowWrapped == highWrapped;
  return {select(exact, low, all.minimum), select(exact, high, all.maximum)};
}

template <typename Word>
UnsignedRange<Word> rangeSub(const UnsignedRange<Word> &a, const UnsignedRange<Word> &b) {
  const Word low = a.minimum - b.maximum;
  const Word high = a.maximum - b.minimum;
  const auto lowWrapped = unsignedLess(a.minimum, b.maximum);
  const auto highWrapped = unsignedLess(a.maximum, b.minimum);
  const UnsignedRange<Word> all = UnsignedRange<Word>::full(low);
  const auto exact = lowWrapped == highWrapped;
  return {select(exact, low, all.minimum), select(exact, high, all.maximum)};
}

/// Signed addition wraps upwards when two non-negative operands give a negative sum and
/// downwards when two negative ones give a non-negative sum.
template <typename Word>
SignedRange<Word> rangeAdd(const SignedRange<Word> &a, const SignedRange<Word> &b) {
  const Word zero = a.minimum ^ a.minimum;
  const Word low = a.minimum + b.minimum;
  const Word high = a.maximum + b.maximum;
  auto wrapsUp = [&](Word x, Word y, Word sum) {
    return !signedLess(x, zero) && !signedLess(y, zero) && signedLess(sum, zero);
  };
  auto wrapsDown = [&](Word x, Word y, Word sum) {
    return signedLess(x, zero) && signedLess(y, zero) && !signedLess(sum, zero);
  };
  const auto exact =
      (wrapsUp(a.minimum, b.minimum, low) == wrapsUp(a.maximum, b.maximum, high)) &&
      (wrapsDown(a.minimum, b.minimum, low) == wrapsDown(a.maximum, b.maximum, high));
  const SignedRange<Word> all = SignedRange<Word>::full(low);
  return {select(exact, low, all.minimum), select(exact, high, all.maximum)};
}

/// Signed subtraction x - y wraps upwards when x >= 0 > y and the difference is negative,
/// downwards when x < 0 <= y and the difference is non-negative.
template <typename Word>
SignedRange<Word> rangeSub(const SignedRange<Word> &a, const SignedRange<Word> &b) {
  const Word zero = a.minimum ^ a.minimum;
  const Word low = a.minimum - b.maximum;
  const Word high = a.maximum - b.minimum;
  auto wrapsUp = [&](Word x, Word y, Word difference) {
    return !signedLess(x, zero) && signedLess(y, zero) && signedLess(difference, zero);
  };
  auto wrapsDown = [&](Word x, Word y, Word difference) {
    return signedLess(x, zero) && !signedLess(y, zero) && !signedLess(difference, zero);
  };
  const auto exact =
      (wrapsUp(a.minimum, b.maximum, low) == wrapsUp(a.maximum, b.minimum, high)) &&
      (wrapsDown(a.minimum, b.maximum, low) == wrapsDown(a.maximum, b.minimum, high));
  const SignedRange<Word> all = SignedRange<Word>::full(low);
  return {select(exact, low, all.minimum), select(exact, high, all.maximum)};
}

using UnsignedRange64 = UnsignedRange<BitWord<64>>;
using SignedRange64 = SignedRange<BitWord<64>>;
using UnsignedRange32 = UnsignedRange<BitWord<32>>;
using SignedRange32 = SignedRange<BitWord<32>>;

} // namespace bpfcheck::absint
