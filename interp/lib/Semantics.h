// The value semantics of the eBPF instructions, one short function each, written to be
// checked line by line against RFC 9669 (section 4) and the Linux extensions. Registers
// are 64-bit words; "32-bit" operations read the low halves and their result is
// zero-extended when written back (the caller stores the uint32_t into a uint64_t).
#pragma once

#include <bit>
#include <cstdint>

namespace bpfcheck::interp::semantics {

static_assert(std::endian::native == std::endian::little,
              "the interpreter's loads, stores and byte-order operations assume a little-endian "
              "host, like the BPF target it emulates");

using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;
using s8 = std::int8_t;
using s16 = std::int16_t;
using s32 = std::int32_t;
using s64 = std::int64_t;

// The operations with no corner case, named so that the dispatch loop reads uniformly.
inline u64 add64(u64 dst, u64 src) {
  return dst + src;
}
inline u32 add32(u32 dst, u32 src) {
  return dst + src;
}
inline u64 subtract64(u64 dst, u64 src) {
  return dst - src;
}
inline u32 subtract32(u32 dst, u32 src) {
  return dst - src;
}
inline u64 multiply64(u64 dst, u64 src) {
  return dst * src;
}
inline u32 multiply32(u32 dst, u32 src) {
  return dst * src;
}
inline u64 or64(u64 dst, u64 src) {
  return dst | src;
}
inline u32 or32(u32 dst, u32 src) {
  return dst | src;
}
inline u64 and64(u64 dst, u64 src) {
  return dst & src;
}
inline u32 and32(u32 dst, u32 src) {
  return dst & src;
}
inline u64 xor64(u64 dst, u64 src) {
  return dst ^ src;
}
inline u32 xor32(u32 dst, u32 src) {
  return dst ^ src;
}

// RFC 9669 4.1: "If execution would result in division by zero, the destination register
// is instead set to zero" (DIV, SDIV); "... for modulo by zero, the destination register is
// left unchanged" (MOD, SMOD; 32-bit: its low half, zero-extended).
inline u64 divide64(u64 dst, u64 src) {
  return src != 0 ? dst / src : 0;
}
inline u32 divide32(u32 dst, u32 src) {
  return src != 0 ? dst / src : 0;
}
inline u64 modulo64(u64 dst, u64 src) {
  return src != 0 ? dst % src : dst;
}
inline u32 modulo32(u32 dst, u32 src) {
  return src != 0 ? dst % src : dst;
}

// Signed division truncates toward zero; LLONG_MIN / -1 wraps to LLONG_MIN and
// LLONG_MIN % -1 is 0 (the kernel computes them as -dst and 0); the remainder takes the
// dividend's sign.
inline u64 signedDivide64(u64 dst, u64 src) {
  if (src == 0)
    return 0;
  if (s64(src) == -1)
    return 0 - dst;
  return u64(s64(dst) / s64(src));
}
inline u32 signedDivide32(u32 dst, u32 src) {
  if (src == 0)
    return 0;
  if (s32(src) == -1)
    return 0 - dst;
  return u32(s32(dst) / s32(src));
}
inline u64 signedModulo64(u64 dst, u64 src) {
  if (src == 0)
    return dst;
  if (s64(src) == -1)
    return 0;
  return u64(s64(dst) % s64(src));
}
inline u32 signedModulo32(u32 dst, u32 src) {
  if (src == 0)
    return dst;
  if (s32(src) == -1)
    return 0;
  return u32(s32(dst) % s32(src));
}

// Shifts use the amount modulo the width (RFC 9669 4.1: "masking the shift amount by 63 /
// 31"); ARSH shifts in copies of the sign bit.
inline u64 shiftLeft64(u64 dst, u64 amount) {
  return dst << (amount & 63);
}
inline u32 shiftLeft32(u32 dst, u64 amount) {
  return dst << (amount & 31);
}
inline u64 shiftRight64(u64 dst, u64 amount) {
  return dst >> (amount & 63);
}
inline u32 shiftRight32(u32 dst, u64 amount) {
  return dst >> (amount & 31);
}
inline u64 arithmeticShiftRight64(u64 dst, u64 amount) {
  return u64(s64(dst) >> (amount & 63));
}
inline u32 arithmeticShiftRight32(u32 dst, u64 amount) {
  return u32(s32(dst) >> (amount & 31));
}

// MOVSX: the low 8, 16 or 32 bits of src, sign-extended (to 64 bits, or to 32 bits and then
// zero-extended).
inline u64 signExtend8(u64 src) {
  return u64(s64(s8(src)));
}
inline u64 signExtend16(u64 src) {
  return u64(s64(s16(src)));
}
inline u64 signExtend32(u64 src) {
  return u64(s64(s32(src)));
}

// Byte order (RFC 9669 4.2): on a little-endian machine "to little endian" truncates to the
// width; "to big endian" and the unconditional BSWAP reverse the low 16, 32 or 64 bits.
inline u64 byteSwap16(u64 dst) {
  return __builtin_bswap16(u16(dst));
}
inline u64 byteSwap32(u64 dst) {
  return __builtin_bswap32(u32(dst));
}
inline u64 byteSwap64(u64 dst) {
  return __builtin_bswap64(dst);
}

// Conditional jumps (RFC 9669 4.3): unsigned and signed comparisons of 64 bits (JMP) or of
// the low 32 bits (JMP32); JSET tests dst & src != 0.
inline bool equal64(u64 dst, u64 src) {
  return dst == src;
}
inline bool equal32(u64 dst, u64 src) {
  return u32(dst) == u32(src);
}
inline bool notEqual64(u64 dst, u64 src) {
  return dst != src;
}
inline bool notEqual32(u64 dst, u64 src) {
  return u32(dst) != u32(src);
}
inline bool anyBitSet64(u64 dst, u64 src) {
  return (dst & src) != 0;
}
inline bool anyBitSet32(u64 dst, u64 src) {
  return u32(dst & src) != 0;
}
inline bool greater64(u64 dst, u64 src) {
  return dst > src;
}
inline bool greater32(u64 dst, u64 src) {
  return u32(dst) > u32(src);
}
inline bool greaterEqual64(u64 dst, u64 src) {
  return dst >= src;
}
inline bool greaterEqual32(u64 dst, u64 src) {
  return u32(dst) >= u32(src);
}
inline bool less64(u64 dst, u64 src) {
  return dst < src;
}
inline bool less32(u64 dst, u64 src) {
  return u32(dst) < u32(src);
}
inline bool lessEqual64(u64 dst, u64 src) {
  return dst <= src;
}
inline bool lessEqual32(u64 dst, u64 src) {
  return u32(dst) <= u32(src);
}
inline bool signedGreater64(u64 dst, u64 src) {
  return s64(dst) > s64(src);
}
inline bool signedGreaterEqual64(u64 dst, u64 src) {
  return s64(dst) >= s64(src);
}
inline bool signedLess64(u64 dst, u64 src) {
  return s64(dst) < s64(src);
}
inline bool signedLessEqual64(u64 dst, u64 src) {
  return s64(dst) <= s64(src);
}
inline bool signedGreater32(u64 dst, u64 src) {
  return s32(dst) > s32(src);
}
inline bool signedGreaterEqual32(u64 dst, u64 src) {
  return s32(dst) >= s32(src);
}
inline bool signedLess32(u64 dst, u64 src) {
  return s32(dst) < s32(src);
}
inline bool signedLessEqual32(u64 dst, u64 src) {
  return s32(dst) <= s32(src);
}

} // namespace bpfcheck::interp::semantics
