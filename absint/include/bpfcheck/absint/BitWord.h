// A concrete machine word of N bits (N <= 64) with the operations the abstract domain's
// operators are written against. The same operator templates run on BitWord<64> in the
// verifier, on BitWord<8> in exhaustive tests, and on Z3 bit-vectors in the soundness
// proofs (smt/), which provide the same free functions.
#pragma once

#include <cstdint>

namespace bpfcheck::absint {

template <unsigned N> struct BitWord {
  static_assert(N >= 1 && N <= 64);
  static constexpr unsigned width = N;
  static constexpr std::uint64_t fullMask =
      N == 64 ? ~std::uint64_t(0) : (std::uint64_t(1) << N) - 1;

  std::uint64_t bits = 0; ///< always within fullMask

  constexpr BitWord() = default;
  constexpr explicit BitWord(std::uint64_t value) : bits(value & fullMask) {}

  friend constexpr BitWord operator+(BitWord a, BitWord b) { return BitWord(a.bits + b.bits); }
  friend constexpr BitWord operator-(BitWord a, BitWord b) { return BitWord(a.bits - b.bits); }
  friend constexpr BitWord operator*(BitWord a, BitWord b) { return BitWord(a.bits * b.bits); }
  friend constexpr BitWord operator&(BitWord a, BitWord b) { return BitWord(a.bits & b.bits); }
  friend constexpr BitWord operator|(BitWord a, BitWord b) { return BitWord(a.bits | b.bits); }
  friend constexpr BitWord operator^(BitWord a, BitWord b) { return BitWord(a.bits ^ b.bits); }
  friend constexpr BitWord operator~(BitWord a) { return BitWord(~a.bits); }
  friend constexpr BitWord operator-(BitWord a) { return BitWord(0 - a.bits); }
  friend constexpr bool operator==(BitWord a, BitWord b) { return a.bits == b.bits; }
  friend constexpr bool operator!=(BitWord a, BitWord b) { return a.bits != b.bits; }
};

/// Word-level operations, found by argument-dependent lookup (Z3 words define the same).
template <unsigned N> constexpr BitWord<N> wordConstant(BitWord<N>, std::uint64_t value) {
  return BitWord<N>(value);
}
template <unsigned N> constexpr BitWord<N> select(bool condition, BitWord<N> a, BitWord<N> b) {
  return condition ? a : b;
}
template <unsigned N> constexpr bool unsignedLess(BitWord<N> a, BitWord<N> b) {
  return a.bits < b.bits;
}
template <unsigned N> constexpr bool unsignedLessOrEqual(BitWord<N> a, BitWord<N> b) {
  return a.bits <= b.bits;
}
template <unsigned N> constexpr std::int64_t asSigned(BitWord<N> a) {
  // Sign-extend bit N-1.
  const std::uint64_t sign = std::uint64_t(1) << (N - 1);
  return std::int64_t((a.bits ^ sign) - sign);
}
template <unsigned N> constexpr bool signedLess(BitWord<N> a, BitWord<N> b) {
  return asSigned(a) < asSigned(b);
}
template <unsigned N> constexpr bool signedLessOrEqual(BitWord<N> a, BitWord<N> b) {
  return asSigned(a) <= asSigned(b);
}
/// Shifts by a constant amount below N.
template <unsigned N> constexpr BitWord<N> shiftLeft(BitWord<N> a, unsigned amount) {
  return BitWord<N>(amount >= N ? 0 : a.bits << amount);
}
template <unsigned N> constexpr BitWord<N> shiftRight(BitWord<N> a, unsigned amount) {
  return BitWord<N>(amount >= N ? 0 : a.bits >> amount);
}
template <unsigned N> constexpr BitWord<N> shiftRightArithmetic(BitWord<N> a, unsigned amount) {
  const std::int64_t value = asSigned(a);
  return BitWord<N>(std::uint64_t(value >> (amount >= N ? N - 1 : amount)));
}
/// Whether the unsigned product of a and b needs more than N bits.
template <unsigned N> constexpr bool unsignedMultiplyOverflows(BitWord<N> a, BitWord<N> b) {
  std::uint64_t product = 0;
  const bool overflows64 = __builtin_mul_overflow(a.bits, b.bits, &product);
  return overflows64 || (N < 64 && (product & ~BitWord<N>::fullMask) != 0);
}
/// Whether the signed product of a and b is outside the signed N-bit range.
template <unsigned N> constexpr bool signedMultiplyOverflows(BitWord<N> a, BitWord<N> b) {
  std::int64_t product = 0;
  const bool overflows64 = __builtin_mul_overflow(asSigned(a), asSigned(b), &product);
  if constexpr (N == 64) {
    return overflows64;
  } else {
    const std::int64_t limit = std::int64_t(1) << (N - 1);
    return overflows64 || product < -limit || product >= limit;
  }
}
/// BPF division and modulo (RFC 9669): x / 0 = 0, x % 0 = x.
template <unsigned N> constexpr BitWord<N> bpfDivide(BitWord<N> a, BitWord<N> b) {
  return BitWord<N>(b.bits == 0 ? 0 : a.bits / b.bits);
}
template <unsigned N> constexpr BitWord<N> bpfModulo(BitWord<N> a, BitWord<N> b) {
  return BitWord<N>(b.bits == 0 ? a.bits : a.bits % b.bits);
}
/// Bit `index` as a truth value.
template <unsigned N> constexpr bool bitIsSet(BitWord<N> a, unsigned index) {
  return (a.bits >> index) & 1;
}

} // namespace bpfcheck::absint

namespace bpfcheck::absint {

/// The halves of a word and back: the scalar domain relates a 64-bit register to its
/// 32-bit sub-register (and, in exhaustive tests, an 8-bit word to its 4-bit half).
template <unsigned N> constexpr BitWord<N / 2> lowHalf(BitWord<N> a) {
  return BitWord<N / 2>(a.bits);
}
template <unsigned N> constexpr BitWord<N / 2> upperHalf(BitWord<N> a) {
  return BitWord<N / 2>(a.bits >> (N / 2));
}
template <unsigned N> constexpr BitWord<2 * N> concatenate(BitWord<N> upper, BitWord<N> lower) {
  return BitWord<2 * N>((upper.bits << N) | lower.bits);
}
template <unsigned N> constexpr BitWord<2 * N> zeroExtend(BitWord<N> a) {
  return BitWord<2 * N>(a.bits);
}
template <unsigned N> constexpr BitWord<2 * N> signExtend(BitWord<N> a) {
  return BitWord<2 * N>(std::uint64_t(asSigned(a)));
}

} // namespace bpfcheck::absint
