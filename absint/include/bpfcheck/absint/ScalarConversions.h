// Transfer functions that reshape a scalar: sign extension (movsx 8/16/32, ldsx), byte
// order conversions (le/be on a little-endian machine, bswap) and truncation to a width.
// Tnums follow exactly; the intervals come from the tnum through the reduction, except
// where the kernel keeps an interval (a value that already fits its sign-extended width).
#pragma once

#include "bpfcheck/absint/ScalarArithmetic.h"

namespace bpfcheck::absint {

namespace conversions {

/// The low `bits` bits of the word, as a mask.
template <typename Word> Word lowBits(Word any, unsigned bits) {
  const Word zero = any ^ any;
  return bits >= Word::width ? ~zero
                             : shiftLeft(wordConstant(zero, 1), bits) - wordConstant(zero, 1);
}

/// Keeps the low `bits` bits of the tnum (the upper ones become known zero).
template <typename Word> Tnum<Word> truncateTnum(const Tnum<Word> &t, unsigned bits) {
  const Word low = lowBits(t.value, bits);
  return {t.value & low, t.mask & low};
}

/// Sign-extends bit `bits - 1` of the tnum over the upper bits.
template <typename Word> Tnum<Word> signExtendTnum(const Tnum<Word> &t, unsigned bits) {
  const Word zero = t.value ^ t.value;
  const Word low = lowBits(zero, bits);
  const Word signBit = shiftLeft(wordConstant(zero, 1), bits - 1);
  const auto signIsOne = (t.value & signBit) != zero;
  const auto signIsUnknown = (t.mask & signBit) != zero;
  return {(t.value & low) | select(signIsOne, ~low, zero),
          (t.mask & low) | select(signIsUnknown, ~low, zero)};
}

/// Reverses the order of the low `bits / 8` bytes (the upper bytes become zero).
template <typename Word> Word swapBytes(Word w, unsigned bits) {
  const Word byteMask = wordConstant(w, 0xff);
  Word result = w ^ w;
  for (unsigned byte = 0; byte < bits / 8; ++byte) {
    const Word extracted = shiftRight(w, 8 * byte) & byteMask;
    result = result | shiftLeft(extracted, bits - 8 - 8 * byte);
  }
  return result;
}

/// Sign extension of one width's value: the tnum exactly; the value itself when its
/// signed range already fits the narrower signed range.
template <typename Word> WidthValue<Word> signExtend(const WidthValue<Word> &a, unsigned bits) {
  const Word zero = a.bits.value ^ a.bits.value;
  const Word halfRange = shiftLeft(wordConstant(zero, 1), bits - 1);
  const SignedRange<Word> narrow{zero - halfRange, halfRange - wordConstant(zero, 1)};
  const auto fits = signedLessOrEqual(narrow.minimum, a.signedRange.minimum) &&
                    signedLessOrEqual(a.signedRange.maximum, narrow.maximum);
  const UnsignedRange<Word> all = UnsignedRange<Word>::full(zero);
  const Tnum<Word> extended = signExtendTnum(a.bits, bits);
  return {{select(fits, a.bits.value, extended.value), select(fits, a.bits.mask, extended.mask)},
          {select(fits, a.unsignedRange.minimum, all.minimum),
           select(fits, a.unsignedRange.maximum, all.maximum)},
          {select(fits, a.signedRange.minimum, narrow.minimum),
           select(fits, a.signedRange.maximum, narrow.maximum)}};
}

} // namespace conversions

/// `dst = (sN)src` (movsx), 64-bit or 32-bit (then zero-extended); `fromBits` is 8, 16 or
/// 32 (32 only for the 64-bit form).
template <typename Words>
ScalarValue<Words> scalarSignExtend(const ScalarValue<Words> &src, unsigned fromBits, bool is64) {
  if (!is64)
    return fromLowHalf<Words>(conversions::signExtend(lowerView(src), fromBits));
  return fromWidths<Words>(conversions::signExtend(upperView(src), fromBits), lowerView(src),
                           false);
}

/// The low `bits` bits of a scalar, zero-extended (a narrow load's view, `le16`/`le32` on
/// a little-endian machine, a 32-bit move).
template <typename Words>
ScalarValue<Words> scalarTruncate(const ScalarValue<Words> &src, unsigned bits) {
  ScalarValue<Words> s = ScalarValue<Words>::unknown(src.bits.value);
  s.bits = conversions::truncateTnum(src.bits, bits);
  // A value already below 2^bits is unchanged.
  const auto zero = src.bits.value ^ src.bits.value;
  const auto limit = conversions::lowBits(zero, bits);
  const auto fits = unsignedLessOrEqual(src.unsigned64.maximum, limit);
  s.unsigned64 = {select(fits, src.unsigned64.minimum, zero),
                  select(fits, src.unsigned64.maximum, limit)};
  if (bits == Words::Word32::width) {
    // The low half is kept as it is: so are its ranges, and the result is their zero
    // extension.
    s.unsigned32 = src.unsigned32;
    s.signed32 = src.signed32;
    s.unsigned64 = rangeMeet(
        s.unsigned64, UnsignedRange<typename Words::Word64>{zeroExtend(src.unsigned32.minimum),
                                                            zeroExtend(src.unsigned32.maximum)});
  }
  return scalarReduce(s);
}

/// Byte swap of the low `bits` bits (be16/be32/be64 on a little-endian machine, bswap):
/// exact on the tnum.
template <typename Words>
ScalarValue<Words> scalarByteSwap(const ScalarValue<Words> &src, unsigned bits) {
  ScalarValue<Words> s = ScalarValue<Words>::unknown(src.bits.value);
  s.bits = {conversions::swapBytes(src.bits.value, bits),
            conversions::swapBytes(src.bits.mask, bits)};
  return scalarReduce(s);
}

} // namespace bpfcheck::absint
