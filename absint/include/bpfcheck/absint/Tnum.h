// Tristate numbers (tnums): a value whose bits are each 0, 1 or unknown, written as a
// (value, mask) pair where a set mask bit means "unknown" and value has 0 there. This is
// the kernel verifier's bit-level domain; the operators below compute the same (or more
// precise) results, written once as templates over the word type so that smt/ can prove
// each of them sound from this very code.
#pragma once

#include "bpfcheck/absint/BitWord.h"

namespace bpfcheck::absint {

template <typename Word> struct Tnum {
  Word value; ///< the known bits (0 where unknown)
  Word mask;  ///< the unknown bits

  /// Every bit known: exactly `v`.
  static Tnum constant(Word v) { return {v, v ^ v}; }
  /// Nothing known.
  static Tnum unknown(Word any) {
    const Word zero = any ^ any;
    return {zero, ~zero};
  }
};

/// Whether the concrete word `x` is one of the values `t` stands for.
template <typename Word> auto tnumContains(const Tnum<Word> &t, Word x) {
  return (x & ~t.mask) == t.value;
}

/// Whether every value of `inner` is a value of `outer`.
template <typename Word> auto tnumIncludes(const Tnum<Word> &outer, const Tnum<Word> &inner) {
  return ((inner.mask & ~outer.mask) == (inner.mask ^ inner.mask)) &&
         ((inner.value & ~outer.mask) == outer.value);
}

/// The smallest tnum holding every value of [minimum, maximum] (unsigned): the bits
/// above the highest bit where the bounds differ are known.
template <typename Word> Tnum<Word> tnumRange(Word minimum, Word maximum) {
  // Smear the highest differing bit rightwards: all bits at and below it become unknown.
  Word differing = minimum ^ maximum;
  for (unsigned shift = 1; shift < Word::width; shift *= 2)
    differing = differing | shiftRight(differing, shift);
  return {minimum & ~differing, differing};
}

template <typename Word> Tnum<Word> tnumAdd(const Tnum<Word> &a, const Tnum<Word> &b) {
  const Word maskSum = a.mask + b.mask;
  const Word valueSum = a.value + b.value;
  const Word carriesMayDiffer = (maskSum + valueSum) ^ valueSum;
  const Word unknown = carriesMayDiffer | a.mask | b.mask;
  return {valueSum & ~unknown, unknown};
}

template <typename Word> Tnum<Word> tnumSub(const Tnum<Word> &a, const Tnum<Word> &b) {
  const Word difference = a.value - b.value;
  const Word borrowsMayDiffer = (difference + a.mask) ^ (difference - b.mask);
  const Word unknown = borrowsMayDiffer | a.mask | b.mask;
  return {difference & ~unknown, unknown};
}

template <typename Word> Tnum<Word> tnumNeg(const Tnum<Word> &a) {
  return tnumSub(Tnum<Word>::constant(a.value ^ a.value), a);
}

template <typename Word> Tnum<Word> tnumAnd(const Tnum<Word> &a, const Tnum<Word> &b) {
  const Word mayBeOneA = a.value | a.mask;
  const Word mayBeOneB = b.value | b.mask;
  const Word known = a.value & b.value;
  return {known, mayBeOneA & mayBeOneB & ~known};
}

template <typename Word> Tnum<Word> tnumOr(const Tnum<Word> &a, const Tnum<Word> &b) {
  const Word known = a.value | b.value;
  return {known, (a.mask | b.mask) & ~known};
}

template <typename Word> Tnum<Word> tnumXor(const Tnum<Word> &a, const Tnum<Word> &b) {
  const Word unknown = a.mask | b.mask;
  return {(a.value ^ b.value) & ~unknown, unknown};
}

/// Shifts by a known amount (below the width).
template <typename Word> Tnum<Word> tnumShiftLeft(const Tnum<Word> &a, unsigned amount) {
  return {shiftLeft(a.value, amount), shiftLeft(a.mask, amount)};
}
template <typename Word> Tnum<Word> tnumShiftRight(const Tnum<Word> &a, unsigned amount) {
  return {shiftRight(a.value, amount), shiftRight(a.mask, amount)};
}
template <typename Word> Tnum<Word> tnumShiftRightArithmetic(const Tnum<Word> &a, unsigned amount) {
  // An unknown sign bit spreads as unknown; a known one as itself.
  return {shiftRightArithmetic(a.value, amount), shiftRightArithmetic(a.mask, amount)};
}

/// Multiplication by partial products (the algorithm of Vishwanathan et al., CGO 2022,
/// which the kernel uses): the product of the known values, plus, for every bit of `a`
/// that is 1 or unknown, `b` shifted there as an unknown-valued summand.
template <typename Word> Tnum<Word> tnumMul(Tnum<Word> a, Tnum<Word> b) {
  const Word zero = a.value ^ a.value;
  const Word knownProduct = a.value * b.value;
  Tnum<Word> uncertainty = Tnum<Word>::constant(zero);
  for (unsigned bit = 0; bit < Word::width; ++bit) {
    const Word lowValue = a.value & wordConstant(zero, 1);
    const Word lowMask = a.mask & wordConstant(zero, 1);
    // bit of a is 1: b's unknown bits are uncertain; bit of a is unknown: all of b is.
    const Word summandMask =
        select(lowValue != zero, b.mask, select(lowMask != zero, b.value | b.mask, zero));
    uncertainty = tnumAdd(uncertainty, Tnum<Word>{zero, summandMask});
    a = tnumShiftRight(a, 1);
    b = tnumShiftLeft(b, 1);
  }
  return tnumAdd(Tnum<Word>::constant(knownProduct), uncertainty);
}

/// The values both stand for (the meet), assuming they overlap.
template <typename Word> Tnum<Word> tnumIntersect(const Tnum<Word> &a, const Tnum<Word> &b) {
  const Word known = a.value | b.value;
  const Word unknown = a.mask & b.mask;
  return {known & ~unknown, unknown};
}

/// The values either stands for (the join): bits known and equal in both stay known.
template <typename Word> Tnum<Word> tnumUnion(const Tnum<Word> &a, const Tnum<Word> &b) {
  const Word unknown = a.mask | b.mask | (a.value ^ b.value);
  return {a.value & ~unknown, unknown};
}

/// Whether some value is in both (their known bits agree where both are known).
template <typename Word> auto tnumOverlap(const Tnum<Word> &a, const Tnum<Word> &b) {
  const Word knownInBoth = ~(a.mask | b.mask);
  return ((a.value ^ b.value) & knownInBoth) == (a.value ^ a.value);
}

using Tnum64 = Tnum<BitWord<64>>;

} // namespace bpfcheck::absint
