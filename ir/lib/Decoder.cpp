// Decoding follows RFC 9669 and the Linux extensions; the reserved-field rules are the
// kernel's (what its verifier refuses as "reserved fields" or "unknown opcode").
#include "bpfcheck/ir/Decoder.h"
#include "bpfcheck/ir/Hex.h"

#include <optional>
#include <string>

namespace bpfcheck {
namespace {

using namespace encoding;

/// Decodes one slot; the error text is completed with the pc by the caller.
class SlotDecoder {
public:
  SlotDecoder(std::span<const RawInstruction> code, std::uint32_t pc)
      : code(code), pc(pc), raw(code[pc]) {}

  Expected<Instruction> decode() {
    if (raw.dst() >= RegisterCount)
      return fail("bad register r" + std::to_string(raw.dst()) + " in dst field");
    if (raw.src() >= RegisterCount && !usesSourceFieldAsKind())
      return fail("bad register r" + std::to_string(raw.src()) + " in src field");
    switch (classOf(raw.opcode)) {
    case ClassAlu:
    case ClassAlu64:
      return decodeAlu();
    case ClassLdx:
      return decodeLoad();
    case ClassSt:
    case ClassStx:
      return decodeStore();
    case ClassLd:
      return decodeLd();
    default:
      return decodeJump();
    }
  }

private:
  std::span<const RawInstruction> code;
  std::uint32_t pc;
  RawInstruction raw;

  bool usesSourceFieldAsKind() const {
    std::uint8_t cls = classOf(raw.opcode);
    return (cls == ClassLd && modeOf(raw.opcode) == ModeImm) ||
           (cls == ClassJmp && operationOf(raw.opcode) == JmpCall) ||
           (cls == ClassJmp && operationOf(raw.opcode) == JmpJcond);
  }

  Error fail(const std::string &problem) const {
    return Error("insn " + std::to_string(pc) + ": " + problem + " (opcode " +
                 hexNumber(raw.opcode) + ")");
  }
  Error unknownOpcode() const {
    return Error("insn " + std::to_string(pc) + ": unknown opcode " + hexNumber(raw.opcode));
  }
  Error reserved(const char *field) const {
    return fail(std::string("reserved field '") + field + "' is not zero");
  }

  Reg dst() const { return Reg{raw.dst()}; }
  Reg src() const { return Reg{raw.src()}; }

  /// The operand selected by the source bit, with the unused field required to be zero.
  Expected<Operand> operand() const {
    if (sourceOf(raw.opcode) == SourceX) {
      if (raw.imm != 0)
        return reserved("imm");
      return Operand{src()};
    }
    if (raw.src() != 0)
      return reserved("src");
    return Operand{Imm{raw.imm}};
  }

  Expected<Instruction> decodeAlu() {
    const bool is64 = classOf(raw.opcode) == ClassAlu64;
    const std::uint8_t op = operationOf(raw.opcode);
    switch (op) {
    case AluNeg:
      if (sourceOf(raw.opcode) != SourceK)
        return unknownOpcode();
      if (raw.src() != 0 || raw.imm != 0 || raw.offset != 0)
        return reserved(raw.src() != 0 ? "src" : raw.imm != 0 ? "imm" : "offset");
      return Instruction{Alu{AluOp::Neg, is64, dst(), Imm{0}}};
    case AluEnd:
      return decodeByteSwap(is64);
    case AluMov:
      return decodeMove(is64);
    default:
      break;
    }

    std::optional<AluOp> aluOp;
    bool signedAllowed = false;
    switch (op) {
    case AluAdd:
      aluOp = AluOp::Add;
      break;
    case AluSub:
      aluOp = AluOp::Sub;
      break;
    case AluMul:
      aluOp = AluOp::Mul;
      break;
    case AluDiv:
      aluOp = AluOp::Div;
      signedAllowed = true;
      break;
    case AluOr:
      aluOp = AluOp::Or;
      break;
    case AluAnd:
      aluOp = AluOp::And;
      break;
    case AluLsh:
      aluOp = AluOp::Lsh;
      break;
    case AluRsh:
      aluOp = AluOp::Rsh;
      break;
    case AluMod:
      aluOp = AluOp::Mod;
      signedAllowed = true;
      break;
    case AluXor:
      aluOp = AluOp::Xor;
      break;
    case AluArsh:
      aluOp = AluOp::Arsh;
      break;
    default:
      return unknownOpcode();
    }
    if (raw.offset == 1 && signedAllowed)
      aluOp = *aluOp == AluOp::Div ? AluOp::SDiv : AluOp::SMod;
    else if (raw.offset != 0)
      return reserved("offset");
    auto source = operand();
    if (!source)
      return source.takeError();
    return Instruction{Alu{*aluOp, is64, dst(), *source}};
  }

  Expected<Instruction> decodeMove(bool is64) {
    if (sourceOf(raw.opcode) == SourceK) {
      if (raw.src() != 0 || raw.offset != 0)
        return reserved(raw.src() != 0 ? "src" : "offset");
      return Instruction{Move{is64, dst(), Imm{raw.imm}, 0}};
    }
    if (is64 && raw.offset == 1) // arena address space cast
      return Instruction{AddressSpaceCast{dst(), src(), std::uint16_t(std::uint32_t(raw.imm) >> 16),
                                          std::uint16_t(raw.imm & 0xffff)}};
    if (raw.imm != 0)
      return reserved("imm");
    const bool validExtension =
        raw.offset == 0 || raw.offset == 8 || raw.offset == 16 || (is64 && raw.offset == 32);
    if (!validExtension)
      return fail("invalid sign-extension width " + std::to_string(raw.offset) + " in offset");
    return Instruction{Move{is64, dst(), src(), std::uint8_t(raw.offset)}};
  }

  Expected<Instruction> decodeByteSwap(bool is64) {
    if (raw.src() != 0 || raw.offset != 0)
      return reserved(raw.src() != 0 ? "src" : "offset");
    if (raw.imm != 16 && raw.imm != 32 && raw.imm != 64)
      return fail("invalid byte swap width " + std::to_string(raw.imm));
    ByteSwap::Kind kind;
    if (is64) {
      if (sourceOf(raw.opcode) != SourceK)
        return unknownOpcode();
      kind = ByteSwap::Kind::Swap;
    } else {
      kind = sourceOf(raw.opcode) == SourceX ? ByteSwap::Kind::ToBigEndian
                                             : ByteSwap::Kind::ToLittleEndian;
    }
    return Instruction{ByteSwap{kind, dst(), std::uint8_t(raw.imm)}};
  }

  static Width widthOf(std::uint8_t opcode) {
    switch (sizeOf(opcode)) {
    case SizeB:
      return Width::B;
    case SizeH:
      return Width::H;
    case SizeW:
      return Width::W;
    default:
      return Width::DW;
    }
  }

  Expected<Instruction> decodeLoad() {
    const std::uint8_t mode = modeOf(raw.opcode);
    if (mode != ModeMem && mode != ModeMemSx)
      return unknownOpcode();
    if (mode == ModeMemSx && sizeOf(raw.opcode) == SizeDW)
      return unknownOpcode();
    if (raw.imm != 0)
      return reserved("imm");
    return Instruction{Load{widthOf(raw.opcode), mode == ModeMemSx, dst(), src(), raw.offset}};
  }

  Expected<Instruction> decodeStore() {
    const std::uint8_t mode = modeOf(raw.opcode);
    const bool fromRegister = classOf(raw.opcode) == ClassStx;
    if (fromRegister && mode == ModeAtomic)
      return decodeAtomic();
    if (mode != ModeMem)
      return unknownOpcode();
    if (fromRegister) {
      if (raw.imm != 0)
        return reserved("imm");
      return Instruction{Store{widthOf(raw.opcode), dst(), raw.offset, Operand{src()}}};
    }
    if (raw.src() != 0)
      return reserved("src");
    return Instruction{Store{widthOf(raw.opcode), dst(), raw.offset, Operand{Imm{raw.imm}}}};
  }

  Expected<Instruction> decodeAtomic() {
    const std::uint8_t size = sizeOf(raw.opcode);
    if (size != SizeW && size != SizeDW)
      return fail("atomic operations exist only on 32 and 64 bits");
    struct AtomicEncoding {
      std::int32_t imm;
      AtomicOp op;
      bool fetch;
    };
    static constexpr AtomicEncoding encodings[] = {
        {AluAdd, AtomicOp::Add, false},
        {AluOr, AtomicOp::Or, false},
        {AluAnd, AtomicOp::And, false},
        {AluXor, AtomicOp::Xor, false},
        {AluAdd | AtomicFetch, AtomicOp::Add, true},
        {AluOr | AtomicFetch, AtomicOp::Or, true},
        {AluAnd | AtomicFetch, AtomicOp::And, true},
        {AluXor | AtomicFetch, AtomicOp::Xor, true},
        {AtomicXchg, AtomicOp::Exchange, true},
        {AtomicCmpXchg, AtomicOp::CompareExchange, true},
    };
    for (const AtomicEncoding &entry : encodings)
      if (entry.imm == raw.imm)
        return Instruction{
            Atomic{entry.op, entry.fetch, widthOf(raw.opcode), dst(), raw.offset, src()}};
    return fail("unknown atomic operation " + hexNumber(std::uint32_t(raw.imm)) + " in imm");
  }

  Expected<Instruction> decodeLd() {
    const std::uint8_t mode = modeOf(raw.opcode);
    if (mode == ModeImm && sizeOf(raw.opcode) == SizeDW)
      return decodeLoadImmediate64();
    if ((mode != ModeAbs && mode != ModeInd) || sizeOf(raw.opcode) == SizeDW)
      return unknownOpcode();
    if (raw.dst() != 0)
      return reserved("dst");
    if (raw.offset != 0)
      return reserved("offset");
    if (mode == ModeAbs && raw.src() != 0)
      return reserved("src");
    return Instruction{LoadPacket{widthOf(raw.opcode), mode == ModeInd, src(), raw.imm}};
  }

  Expected<Instruction> decodeLoadImmediate64() {
    if (pc + 1 >= code.size())
      return fail("64-bit immediate load is truncated: its second slot is missing");
    const RawInstruction &next = code[pc + 1];
    if (next.opcode != 0 || next.registers != 0 || next.offset != 0)
      return fail("second slot of the 64-bit immediate load has non-zero opcode, registers "
                  "or offset");
    if (raw.offset != 0)
      return reserved("offset");
    if (raw.src() > PseudoMapIdxValue)
      return fail("unknown 64-bit immediate kind " + std::to_string(raw.src()) + " in src");
    return Instruction{LoadImmediate64{dst(), ImmediateKind(raw.src()), raw.imm, next.imm}};
  }

  Expected<Instruction> decodeJump() {
    const bool is64 = classOf(raw.opcode) == ClassJmp;
    const std::uint8_t op = operationOf(raw.opcode);
    switch (op) {
    case JmpJa:
      if (sourceOf(raw.opcode) != SourceK)
        return unknownOpcode();
      if (raw.registers != 0)
        return reserved(raw.dst() != 0 ? "dst" : "src");
      if (is64) {
        if (raw.imm != 0)
          return reserved("imm");
        return Instruction{Jump{raw.offset, false}};
      }
      if (raw.offset != 0)
        return reserved("offset");
      return Instruction{Jump{raw.imm, true}};
    case JmpCall:
      return decodeCall(is64);
    case JmpExit:
      if (!is64 || sourceOf(raw.opcode) != SourceK)
        return unknownOpcode();
      if (raw.registers != 0 || raw.offset != 0 || raw.imm != 0)
        return reserved(raw.registers != 0 ? "registers" : raw.offset != 0 ? "offset" : "imm");
      return Instruction{Exit{}};
    case JmpJcond:
      if (!is64 || sourceOf(raw.opcode) != SourceK)
        return unknownOpcode();
      if (raw.src() != JcondMayGoto)
        return fail("unknown conditional pseudo-jump " + std::to_string(raw.src()));
      if (raw.dst() != 0 || raw.imm != 0)
        return reserved(raw.dst() != 0 ? "dst" : "imm");
      return Instruction{MayGoto{raw.offset}};
    default:
      break;
    }
    std::optional<Condition> condition;
    switch (op) {
    case JmpJeq:
      condition = Condition::Eq;
      break;
    case JmpJne:
      condition = Condition::Ne;
      break;
    case JmpJset:
      condition = Condition::Set;
      break;
    case JmpJgt:
      condition = Condition::Gt;
      break;
    case JmpJge:
      condition = Condition::Ge;
      break;
    case JmpJlt:
      condition = Condition::Lt;
      break;
    case JmpJle:
      condition = Condition::Le;
      break;
    case JmpJsgt:
      condition = Condition::SGt;
      break;
    case JmpJsge:
      condition = Condition::SGe;
      break;
    case JmpJslt:
      condition = Condition::SLt;
      break;
    case JmpJsle:
      condition = Condition::SLe;
      break;
    default:
      return unknownOpcode();
    }
    auto source = operand();
    if (!source)
      return source.takeError();
    return Instruction{ConditionalJump{*condition, is64, dst(), *source, raw.offset}};
  }

  Expected<Instruction> decodeCall(bool is64) {
    if (!is64)
      return unknownOpcode();
    if (sourceOf(raw.opcode) == SourceX) {
      if (raw.src() != 0 || raw.offset != 0 || raw.imm != 0)
        return reserved(raw.src() != 0 ? "src" : raw.offset != 0 ? "offset" : "imm");
      return Instruction{CallIndirect{dst()}};
    }
    if (raw.dst() != 0)
      return reserved("dst");
    switch (raw.src()) {
    case 0:
      if (raw.offset != 0)
        return reserved("offset");
      return Instruction{Call{Call::Kind::Helper, raw.imm, 0}};
    case PseudoCall:
      if (raw.offset != 0)
        return reserved("offset");
      return Instruction{Call{Call::Kind::Local, raw.imm, 0}};
    case PseudoKfuncCall:
      return Instruction{Call{Call::Kind::Kfunc, raw.imm, raw.offset}};
    default:
      return fail("unknown call kind " + std::to_string(raw.src()) + " in src");
    }
  }
};

std::string insnPrefix(std::uint32_t pc) {
  return "insn " + std::to_string(pc) + ": ";
}

/// Whether control can continue to the next slot after `insn`.
bool fallsThrough(const Instruction &insn) {
  return !std::holds_alternative<Exit>(insn) && !std::holds_alternative<Jump>(insn);
}

} // namespace

Expected<Instruction> decodeInstruction(std::span<const RawInstruction> code, std::uint32_t pc) {
  if (pc >= code.size())
    return Error(insnPrefix(pc) + "past the end of the program (" + std::to_string(code.size()) +
                 " instructions)");
  return SlotDecoder(code, pc).decode();
}

std::optional<std::int64_t> branchTarget(const PlacedInstruction &placed) {
  const std::int64_t next = std::int64_t(placed.pc) + 1;
  if (const auto *jump = std::get_if<Jump>(&placed.insn))
    return next + jump->offset;
  if (const auto *branch = std::get_if<ConditionalJump>(&placed.insn))
    return next + branch->offset;
  if (const auto *mayGoto = std::get_if<MayGoto>(&placed.insn))
    return next + mayGoto->offset;
  if (const auto *call = std::get_if<Call>(&placed.insn); call && call->kind == Call::Kind::Local)
    return next + call->imm;
  if (const auto *load = std::get_if<LoadImmediate64>(&placed.insn);
      load && load->kind == ImmediateKind::Function)
    return next + load->imm;
  return std::nullopt;
}

Expected<std::vector<PlacedInstruction>> decodeInstructions(std::span<const RawInstruction> code) {
  std::vector<PlacedInstruction> result;
  result.reserve(code.size());
  for (std::uint32_t pc = 0; pc < code.size();) {
    auto insn = decodeInstruction(code, pc);
    if (!insn)
      return insn.takeError();
    const unsigned slots = slotCount(*insn);
    result.push_back({pc, std::move(*insn)});
    pc += slots;
  }
  return result;
}

Expected<std::vector<PlacedInstruction>> decodeProgram(std::span<const RawInstruction> code) {
  if (code.empty())
    return Error("the program is empty: it has no instructions");
  auto decoded = decodeInstructions(code);
  if (!decoded)
    return decoded;

  // Slots where an instruction starts (the second half of a 64-bit load does not).
  std::vector<bool> isStart(code.size(), false);
  for (const PlacedInstruction &placed : *decoded)
    isStart[placed.pc] = true;

  for (const PlacedInstruction &placed : *decoded) {
    const auto target = branchTarget(placed);
    if (!target)
      continue;
    const char *what = std::holds_alternative<Call>(placed.insn)              ? "call"
                       : std::holds_alternative<LoadImmediate64>(placed.insn) ? "function address"
                                                                              : "jump";
    if (*target < 0 || *target >= std::int64_t(code.size()))
      return Error(insnPrefix(placed.pc) + what + " out of range: target " +
                   std::to_string(*target) + " is outside [0, " + std::to_string(code.size()) +
                   ")");
    if (!isStart[std::size_t(*target)])
      return Error(insnPrefix(placed.pc) + what +
                   " into the middle of the 64-bit immediate "
                   "load at insn " +
                   std::to_string(*target - 1));
  }
  const PlacedInstruction &last = decoded->back();
  if (fallsThrough(last.insn))
    return Error(insnPrefix(last.pc) +
                 "control falls off the end of the program: the last instruction is neither "
                 "exit nor an unconditional jump");
  return decoded;
}

} // namespace bpfcheck
