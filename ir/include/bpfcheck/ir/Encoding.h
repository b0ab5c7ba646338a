// The eBPF instruction encoding (RFC 9669 and the Linux extensions): field layout of one
// 64-bit slot and the numeric values of classes, sizes, modes and operation codes.
#pragma once

#include <cstdint>

namespace bpfcheck::encoding {

/// One 64-bit instruction slot exactly as it is stored in an object file (little endian):
/// the same layout as the kernel's `struct bpf_insn`.
struct RawInstruction {
  std::uint8_t opcode = 0;
  std::uint8_t registers = 0; ///< dst in the low nibble, src in the high nibble
  std::int16_t offset = 0;
  std::int32_t imm = 0;

  std::uint8_t dst() const { return registers & 0x0f; }
  std::uint8_t src() const { return registers >> 4; }
  static RawInstruction make(std::uint8_t opcode, std::uint8_t dst, std::uint8_t src,
                             std::int16_t offset, std::int32_t imm) {
    return {opcode, static_cast<std::uint8_t>((src << 4) | (dst & 0x0f)), offset, imm};
  }
  friend bool operator==(const RawInstruction &, const RawInstruction &) = default;
};
static_assert(sizeof(RawInstruction) == 8);

// Instruction classes (the low three bits of the opcode).
inline constexpr std::uint8_t ClassLd = 0x00, ClassLdx = 0x01, ClassSt = 0x02, ClassStx = 0x03,
                              ClassAlu = 0x04, ClassJmp = 0x05, ClassJmp32 = 0x06,
                              ClassAlu64 = 0x07;
inline constexpr std::uint8_t classOf(std::uint8_t opcode) {
  return opcode & 0x07;
}

// Load and store: size (bits 3-4) and mode (bits 5-7).
inline constexpr std::uint8_t SizeW = 0x00, SizeH = 0x08, SizeB = 0x10, SizeDW = 0x18;
inline constexpr std::uint8_t ModeImm = 0x00, ModeAbs = 0x20, ModeInd = 0x40, ModeMem = 0x60,
                              ModeMemSx = 0x80, ModeAtomic = 0xc0;
inline constexpr std::uint8_t sizeOf(std::uint8_t opcode) {
  return opcode & 0x18;
}
inline constexpr std::uint8_t modeOf(std::uint8_t opcode) {
  return opcode & 0xe0;
}

// Arithmetic and jumps: source (bit 3) and operation (bits 4-7).
inline constexpr std::uint8_t SourceK = 0x00, SourceX = 0x08;
inline constexpr std::uint8_t sourceOf(std::uint8_t opcode) {
  return opcode & 0x08;
}
inline constexpr std::uint8_t operationOf(std::uint8_t opcode) {
  return opcode & 0xf0;
}

inline constexpr std::uint8_t AluAdd = 0x00, AluSub = 0x10, AluMul = 0x20, AluDiv = 0x30,
                              AluOr = 0x40, AluAnd = 0x50, AluLsh = 0x60, AluRsh = 0x70,
                              AluNeg = 0x80, AluMod = 0x90, AluXor = 0xa0, AluMov = 0xb0,
                              AluArsh = 0xc0, AluEnd = 0xd0;
inline constexpr std::uint8_t JmpJa = 0x00, JmpJeq = 0x10, JmpJgt = 0x20, JmpJge = 0x30,
                              JmpJset = 0x40, JmpJne = 0x50, JmpJsgt = 0x60, JmpJsge = 0x70,
                              JmpCall = 0x80, JmpExit = 0x90, JmpJlt = 0xa0, JmpJle = 0xb0,
                              JmpJslt = 0xc0, JmpJsle = 0xd0, JmpJcond = 0xe0;

// Atomic operations (in imm), optionally or-ed with AtomicFetch.
inline constexpr std::int32_t AtomicFetch = 0x01, AtomicXchg = 0xe0 | AtomicFetch,
                              AtomicCmpXchg = 0xf0 | AtomicFetch;

// Source-register values with a special meaning.
inline constexpr std::uint8_t PseudoMapFd = 1, PseudoMapValue = 2, PseudoBtfId = 3, PseudoFunc = 4,
                              PseudoMapIdx = 5, PseudoMapIdxValue = 6;
inline constexpr std::uint8_t PseudoCall = 1, PseudoKfuncCall = 2;
inline constexpr std::uint8_t JcondMayGoto = 0;

inline constexpr std::uint8_t RegisterCount = 11; ///< r0 .. r10
inline constexpr std::uint8_t FramePointer = 10;

} // namespace bpfcheck::encoding
