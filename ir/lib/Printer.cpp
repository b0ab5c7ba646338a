// The spellings below are LLVM 19's BPF assembly syntax as printed by llvm-objdump-19
// (tests/ir/ObjdumpSyntaxTest.cpp compares them with llvm-objdump on the corpus).
#include "bpfcheck/ir/Printer.h"

#include "bpfcheck/ir/Visit.h"

#include <cstdio>
#include <string>

namespace bpfcheck {
namespace {

/// `0x1f`, `-0x1`: llvm-objdump prints immediates as signed hexadecimal.
std::string signedHex(std::int64_t value) {
  char buffer[32];
  if (value < 0)
    std::snprintf(buffer, sizeof buffer, "-0x%llx",
                  static_cast<unsigned long long>(-static_cast<unsigned long long>(value)));
  else
    std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(value));
  return buffer;
}

/// `+0x3`, `-0x2`, `+0x0`: jump offsets always carry a sign.
std::string jumpOffset(std::int64_t value) {
  return value < 0 ? signedHex(value) : "+" + signedHex(value);
}

std::string reg(Reg r, bool is64) {
  return (is64 ? "r" : "w") + std::to_string(r.index);
}

std::string operand(const Operand &op, bool is64) {
  if (const Reg *r = std::get_if<Reg>(&op))
    return reg(*r, is64);
  return signedHex(std::get<Imm>(op).value);
}

/// `r1 + 0x4`, `r10 - 0x8`
std::string baseAndOffset(Reg base, std::int16_t offset) {
  const std::string sign = offset < 0 ? " - " : " + ";
  const std::int64_t magnitude = offset < 0 ? -std::int64_t(offset) : offset;
  return "r" + std::to_string(base.index) + sign + signedHex(magnitude);
}

/// `(r1 + 0x4)`
std::string address(Reg base, std::int16_t offset) {
  return "(" + baseAndOffset(base, offset) + ")";
}

std::string sizeName(Width width, bool isSigned = false) {
  return (isSigned ? "s" : "u") + std::to_string(bits(width));
}

} // namespace

const char *aluOperatorText(AluOp op) {
  switch (op) {
  case AluOp::Add:
    return "+=";
  case AluOp::Sub:
    return "-=";
  case AluOp::Mul:
    return "*=";
  case AluOp::Div:
    return "/=";
  case AluOp::SDiv:
    return "s/=";
  case AluOp::Or:
    return "|=";
  case AluOp::And:
    return "&=";
  case AluOp::Lsh:
    return "<<=";
  case AluOp::Rsh:
    return ">>=";
  case AluOp::Neg:
    return "= -";
  case AluOp::Mod:
    return "%=";
  case AluOp::SMod:
    return "s%=";
  case AluOp::Xor:
    return "^=";
  case AluOp::Arsh:
    return "s>>=";
  }
  return "?";
}

namespace {

const char *conditionOperator(Condition condition) {
  switch (condition) {
  case Condition::Eq:
    return "==";
  case Condition::Ne:
    return "!=";
  case Condition::Set:
    return "&";
  case Condition::Gt:
    return ">";
  case Condition::Ge:
    return ">=";
  case Condition::Lt:
    return "<";
  case Condition::Le:
    return "<=";
  case Condition::SGt:
    return "s>";
  case Condition::SGe:
    return "s>=";
  case Condition::SLt:
    return "s<";
  case Condition::SLe:
    return "s<=";
  }
  return "?";
}

const char *atomicName(AtomicOp op) {
  switch (op) {
  case AtomicOp::Add:
    return "add";
  case AtomicOp::Or:
    return "or";
  case AtomicOp::And:
    return "and";
  case AtomicOp::Xor:
    return "xor";
  case AtomicOp::Exchange:
    return "xchg";
  case AtomicOp::CompareExchange:
    return "cmpxchg";
  }
  return "?";
}

const char *atomicOperator(AtomicOp op) {
  switch (op) {
  case AtomicOp::Add:
    return "+=";
  case AtomicOp::Or:
    return "|=";
  case AtomicOp::And:
    return "&=";
  case AtomicOp::Xor:
    return "^=";
  default:
    return "?";
  }
}

std::string printAtomic(const Atomic &atomic, RegisterStyle style) {
  const bool is64 = atomic.width == Width::DW;
  const std::string where = address(atomic.base, atomic.offset);
  const std::string value = reg(atomic.src, is64 || style == RegisterStyle::Plain);
  if (!atomic.fetch)
    return "lock *(" + sizeName(atomic.width) + " *)" + where + " " + atomicOperator(atomic.op) +
           " " + value;
  // Fetching 32-bit atomics always use sub-registers: llvm-objdump's plain output cannot
  // tell them apart from the non-fetching forms.
  const std::string target = reg(atomic.src, is64);
  const std::string place = baseAndOffset(atomic.base, atomic.offset);
  const std::string suffix = is64 ? "_64" : "32_32";
  switch (atomic.op) {
  case AtomicOp::Exchange:
    return target + " = xchg" + suffix + "(" + place + ", " + target + ")";
  case AtomicOp::CompareExchange:
    return reg(Reg{0}, is64) + " = cmpxchg" + suffix + "(" + place + ", " + reg(Reg{0}, is64) +
           ", " + target + ")";
  default:
    return target + " = atomic_fetch_" + atomicName(atomic.op) + "((" + sizeName(atomic.width) +
           " *)" + where + ", " + target + ")";
  }
}

std::string printLoadImmediate64(const LoadImmediate64 &load) {
  if (load.kind == ImmediateKind::Value)
    return reg(load.dst, true) + " = " + signedHex(std::int64_t(load.value())) + " ll";
  // llvm-objdump's spelling of a pseudo load, which has no place for the second immediate
  // (a map value offset): it follows as an assembler comment.
  std::string text = "ld_pseudo\t" + reg(load.dst, true) + ", " +
                     signedHex(std::int64_t(load.kind)) + ", " + signedHex(load.imm);
  if (load.nextImm != 0)
    text += "\t# " + signedHex(load.nextImm);
  return text;
}

} // namespace

std::string printInstruction(const Instruction &insn, RegisterStyle style) {
  const bool subRegisterMemory = style == RegisterStyle::Alu32;
  return visit(
      insn,
      [](const Alu &alu) {
        if (alu.op == AluOp::Neg)
          return reg(alu.dst, alu.is64) + " = -" + reg(alu.dst, alu.is64);
        return reg(alu.dst, alu.is64) + " " + aluOperatorText(alu.op) + " " +
               operand(alu.src, alu.is64);
      },
      [](const Move &move) {
        std::string source = operand(move.src, move.is64);
        if (move.signExtendFrom != 0)
          source = "(s" + std::to_string(move.signExtendFrom) + ")" + source;
        return reg(move.dst, move.is64) + " = " + source;
      },
      [](const AddressSpaceCast &cast) {
        return reg(cast.dst, true) + " = addr_space_cast(" + reg(cast.src, true) + ", " +
               signedHex(cast.dstAddressSpace) + ", " + signedHex(cast.srcAddressSpace) + ")";
      },
      [](const ByteSwap &swap) {
        const char *name = swap.kind == ByteSwap::Kind::ToLittleEndian ? "le"
                           : swap.kind == ByteSwap::Kind::ToBigEndian  ? "be"
                                                                       : "bswap";
        return reg(swap.dst, true) + " = " + name + std::to_string(swap.bitWidth) + " " +
               reg(swap.dst, true);
      },
      [subRegisterMemory](const Load &load) {
        const bool is64 = load.signExtend || load.width == Width::DW || !subRegisterMemory;
        return reg(load.dst, is64) + " = *(" + sizeName(load.width, load.signExtend) + " *)" +
               address(load.base, load.offset);
      },
      [subRegisterMemory](const Store &store) {
        const bool is64 = store.width == Width::DW || !subRegisterMemory;
        return "*(" + sizeName(store.width) + " *)" + address(store.base, store.offset) + " = " +
               operand(store.value, is64);
      },
      [style](const Atomic &atomic) { return printAtomic(atomic, style); },
      [](const LoadImmediate64 &load) { return printLoadImmediate64(load); },
      [](const LoadPacket &load) {
        std::string index;
        if (load.indirect)
          index = reg(load.src, true) + (load.imm == 0 ? "" : " + " + signedHex(load.imm));
        else
          index = signedHex(load.imm);
        return "r0 = *(" + sizeName(load.width) + " *)skb[" + index + "]";
      },
      [](const Jump &jump) {
        return std::string(jump.isLong ? "gotol " : "goto ") + jumpOffset(jump.offset);
      },
      [](const ConditionalJump &branch) {
        return "if " + reg(branch.dst, branch.is64) + " " + conditionOperator(branch.condition) +
               " " + operand(branch.src, branch.is64) + " goto " + jumpOffset(branch.offset);
      },
      [](const MayGoto &mayGoto) { return "may_goto " + jumpOffset(mayGoto.offset); },
      [](const Call &call) { return "call " + signedHex(call.imm); },
      [](const CallIndirect &call) { return "callx " + reg(call.target, true); },
      [](const Exit &) { return std::string("exit"); });
}

} // namespace bpfcheck
