// The decoded form of one eBPF instruction: a std::variant of small structs, one per kind
// of operation (PREVAIL's shape). Every field of the encoding that carries meaning is kept,
// so that encode(decode(x)) == x for every valid instruction.
#pragma once

#include <cstdint>
#include <variant>

namespace bpfcheck {

/// A register number, r0 .. r10.
struct Reg {
  std::uint8_t index = 0;
  friend bool operator==(Reg, Reg) = default;
};

/// A 32-bit immediate, sign-extended to 64 bits where the operation is 64-bit.
struct Imm {
  std::int32_t value = 0;
  friend bool operator==(Imm, Imm) = default;
};

/// The second operand of arithmetic and conditional jumps.
using Operand = std::variant<Reg, Imm>;

/// Width of a memory access or of an arithmetic operation, in bytes.
enum class Width : std::uint8_t { B = 1, H = 2, W = 4, DW = 8 };
inline constexpr unsigned bytes(Width width) {
  return static_cast<unsigned>(width);
}
inline constexpr unsigned bits(Width width) {
  return 8 * bytes(width);
}

enum class AluOp : std::uint8_t {
  Add,
  Sub,
  Mul,
  Div,
  SDiv,
  Or,
  And,
  Lsh,
  Rsh,
  Neg,
  Mod,
  SMod,
  Xor,
  Arsh,
};

/// `dst = dst OP src` (or `dst = -dst`), on 64 bits (ALU64) or on the low 32 bits with the
/// result zero-extended (ALU).
struct Alu {
  AluOp op;
  bool is64;
  Reg dst;
  Operand src; ///< Imm{0} for Neg
  friend bool operator==(const Alu &, const Alu &) = default;
};

/// `dst = src`, optionally sign-extending the low 8, 16 or 32 bits of src (cpu v4 movsx).
struct Move {
  bool is64;
  Reg dst;
  Operand src;
  std::uint8_t signExtendFrom = 0; ///< 0, or 8 / 16 / 32 (movsx; register source only)
  friend bool operator==(const Move &, const Move &) = default;
};

/// Arena address-space cast (`dst = addr_space_cast(src, dstSpace, srcSpace)`).
struct AddressSpaceCast {
  Reg dst;
  Reg src;
  std::uint16_t dstAddressSpace;
  std::uint16_t srcAddressSpace;
  friend bool operator==(const AddressSpaceCast &, const AddressSpaceCast &) = default;
};

/// Byte order conversion: to little or big endian (ALU class) or an unconditional swap
/// (ALU64 class, cpu v4), of the low 16, 32 or 64 bits.
struct ByteSwap {
  enum class Kind : std::uint8_t { ToLittleEndian, ToBigEndian, Swap };
  Kind kind;
  Reg dst;
  std::uint8_t bitWidth; ///< 16, 32 or 64
  friend bool operator==(const ByteSwap &, const ByteSwap &) = default;
};

/// `dst = *(size *)(base + offset)`, zero- or sign-extended (MEM / MEMSX).
struct Load {
  Width width;
  bool signExtend;
  Reg dst;
  Reg base;
  std::int16_t offset;
  friend bool operator==(const Load &, const Load &) = default;
};

/// `*(size *)(base + offset) = value` from a register (STX) or an immediate (ST).
struct Store {
  Width width;
  Reg base;
  std::int16_t offset;
  Operand value;
  friend bool operator==(const Store &, const Store &) = default;
};

enum class AtomicOp : std::uint8_t { Add, Or, And, Xor, Exchange, CompareExchange };

/// An atomic read-modify-write of 32 or 64 bits at base + offset. With `fetch`, src receives
/// the old value (always for Exchange; CompareExchange compares with and writes back r0).
struct Atomic {
  AtomicOp op;
  bool fetch;
  Width width; ///< W or DW
  Reg base;
  std::int16_t offset;
  Reg src;
  friend bool operator==(const Atomic &, const Atomic &) = default;
};

/// What the 64-bit immediate of a two-slot load means (the src field of its first slot).
enum class ImmediateKind : std::uint8_t {
  Value = 0,         ///< a plain 64-bit constant
  MapFd = 1,         ///< imm is a map file descriptor
  MapValue = 2,      ///< imm is a map fd, next imm an offset into its value
  BtfId = 3,         ///< imm is a kernel BTF type id of a variable
  Function = 4,      ///< imm is a pc-relative subprogram address
  MapIndex = 5,      ///< imm indexes the program's map array
  MapIndexValue = 6, ///< as MapIndex, next imm an offset into the value
};

/// `dst = imm64` occupying two slots (LD | IMM | DW).
struct LoadImmediate64 {
  Reg dst;
  ImmediateKind kind;
  std::int32_t imm;     ///< low 32 bits (or the map fd / index / BTF id)
  std::int32_t nextImm; ///< high 32 bits (or the offset into a map value)

  std::uint64_t value() const {
    return static_cast<std::uint32_t>(imm) | (std::uint64_t(std::uint32_t(nextImm)) << 32);
  }
  friend bool operator==(const LoadImmediate64 &, const LoadImmediate64 &) = default;
};

/// Legacy packet access: `r0 = ntoh(*(size *)(skb->data + imm [+ src]))` (LD | ABS / IND).
struct LoadPacket {
  Width width; ///< B, H or W
  bool indirect;
  Reg src; ///< meaningful only when indirect
  std::int32_t imm;
  friend bool operator==(const LoadPacket &, const LoadPacket &) = default;
};

enum class Condition : std::uint8_t {
  Eq,
  Ne,
  Set,
  Gt,
  Ge,
  Lt,
  Le,
  SGt,
  SGe,
  SLt,
  SLe,
};

/// `goto pc + 1 + offset`. `isLong` is the cpu v4 `gotol` (JMP32 | JA, offset in imm).
struct Jump {
  std::int32_t offset;
  bool isLong = false;
  friend bool operator==(const Jump &, const Jump &) = default;
};

/// `if dst COND src goto pc + 1 + offset`, comparing 64 bits (JMP) or the low 32 (JMP32).
struct ConditionalJump {
  Condition condition;
  bool is64;
  Reg dst;
  Operand src;
  std::int16_t offset;
  friend bool operator==(const ConditionalJump &, const ConditionalJump &) = default;
};

/// `may_goto +offset`: the kernel's bounded-loop escape (JMP | JCOND).
struct MayGoto {
  std::int16_t offset;
  friend bool operator==(const MayGoto &, const MayGoto &) = default;
};

/// Call of a helper (by id), a local subprogram (pc-relative) or a kernel function (BTF id,
/// with `offset` selecting the module BTF; 0 = vmlinux).
struct Call {
  enum class Kind : std::uint8_t { Helper, Local, Kfunc };
  Kind kind;
  std::int32_t imm;
  std::int16_t offset = 0;
  friend bool operator==(const Call &, const Call &) = default;
};

/// Indirect call through a register (LLVM's `callx`).
struct CallIndirect {
  Reg target;
  friend bool operator==(const CallIndirect &, const CallIndirect &) = default;
};

/// Return r0 to the caller (or end the program).
struct Exit {
  friend bool operator==(const Exit &, const Exit &) = default;
};

using Instruction =
    std::variant<Alu, Move, AddressSpaceCast, ByteSwap, Load, Store, Atomic, LoadImmediate64,
                 LoadPacket, Jump, ConditionalJump, MayGoto, Call, CallIndirect, Exit>;

/// How many 64-bit slots an instruction occupies (2 for LoadImmediate64, else 1).
inline unsigned slotCount(const Instruction &insn) {
  return std::holds_alternative<LoadImmediate64>(insn) ? 2 : 1;
}

/// An instruction together with its position (in slots) in the program.
struct PlacedInstruction {
  std::uint32_t pc;
  Instruction insn;
  friend bool operator==(const PlacedInstruction &, const PlacedInstruction &) = default;
};

} // namespace bpfcheck
