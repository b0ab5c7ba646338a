// The inverse of Decoder.cpp: every valid instruction maps back to its unique encoding.
#include "bpfcheck/ir/Encoder.h"

#include "bpfcheck/ir/Visit.h"

namespace bpfcheck {
namespace {

using namespace encoding;

std::uint8_t sizeBits(Width width) {
  switch (width) {
  case Width::B:
    return SizeB;
  case Width::H:
    return SizeH;
  case Width::W:
    return SizeW;
  case Width::DW:
    return SizeDW;
  }
  return SizeDW;
}

std::uint8_t aluOperation(AluOp op) {
  switch (op) {
  case AluOp::Add:
    return AluAdd;
  case AluOp::Sub:
    return AluSub;
  case AluOp::Mul:
    return AluMul;
  case AluOp::Div:
  case AluOp::SDiv:
    return AluDiv;
  case AluOp::Or:
    return AluOr;
  case AluOp::And:
    return AluAnd;
  case AluOp::Lsh:
    return AluLsh;
  case AluOp::Rsh:
    return AluRsh;
  case AluOp::Neg:
    return AluNeg;
  case AluOp::Mod:
  case AluOp::SMod:
    return AluMod;
  case AluOp::Xor:
    return AluXor;
  case AluOp::Arsh:
    return AluArsh;
  }
  return AluAdd;
}

std::uint8_t jumpOperation(Condition condition) {
  switch (condition) {
  case Condition::Eq:
    return JmpJeq;
  case Condition::Ne:
    return JmpJne;
  case Condition::Set:
    return JmpJset;
  case Condition::Gt:
    return JmpJgt;
  case Condition::Ge:
    return JmpJge;
  case Condition::Lt:
    return JmpJlt;
  case Condition::Le:
    return JmpJle;
  case Condition::SGt:
    return JmpJsgt;
  case Condition::SGe:
    return JmpJsge;
  case Condition::SLt:
    return JmpJslt;
  case Condition::SLe:
    return JmpJsle;
  }
  return JmpJeq;
}

std::int32_t atomicImm(const Atomic &atomic) {
  switch (atomic.op) {
  case AtomicOp::Add:
    return AluAdd | (atomic.fetch ? AtomicFetch : 0);
  case AtomicOp::Or:
    return AluOr | (atomic.fetch ? AtomicFetch : 0);
  case AtomicOp::And:
    return AluAnd | (atomic.fetch ? AtomicFetch : 0);
  case AtomicOp::Xor:
    return AluXor | (atomic.fetch ? AtomicFetch : 0);
  case AtomicOp::Exchange:
    return AtomicXchg;
  case AtomicOp::CompareExchange:
    return AtomicCmpXchg;
  }
  return 0;
}

/// The source bit, src field and imm field of an Operand.
struct OperandFields {
  std::uint8_t sourceBit;
  std::uint8_t src;
  std::int32_t imm;
};
OperandFields fieldsOf(const Operand &operand) {
  if (const Reg *reg = std::get_if<Reg>(&operand))
    return {SourceX, reg->index, 0};
  return {SourceK, 0, std::get<Imm>(operand).value};
}

RawInstruction encodeOne(const Instruction &insn, RawInstruction *second) {
  return visit(
      insn,
      [](const Alu &alu) {
        const OperandFields fields = fieldsOf(alu.src);
        const std::uint8_t cls = alu.is64 ? ClassAlu64 : ClassAlu;
        const bool isSigned = alu.op == AluOp::SDiv || alu.op == AluOp::SMod;
        if (alu.op == AluOp::Neg)
          return RawInstruction::make(cls | AluNeg, alu.dst.index, 0, 0, 0);
        return RawInstruction::make(cls | fields.sourceBit | aluOperation(alu.op), alu.dst.index,
                                    fields.src, isSigned ? 1 : 0, fields.imm);
      },
      [](const Move &move) {
        const OperandFields fields = fieldsOf(move.src);
        return RawInstruction::make((move.is64 ? ClassAlu64 : ClassAlu) | fields.sourceBit | AluMov,
                                    move.dst.index, fields.src, move.signExtendFrom, fields.imm);
      },
      [](const AddressSpaceCast &cast) {
        return RawInstruction::make(
            ClassAlu64 | SourceX | AluMov, cast.dst.index, cast.src.index, 1,
            std::int32_t((std::uint32_t(cast.dstAddressSpace) << 16) | cast.srcAddressSpace));
      },
      [](const ByteSwap &swap) {
        std::uint8_t opcode = AluEnd;
        switch (swap.kind) {
        case ByteSwap::Kind::ToLittleEndian:
          opcode |= ClassAlu | SourceK;
          break;
        case ByteSwap::Kind::ToBigEndian:
          opcode |= ClassAlu | SourceX;
          break;
        case ByteSwap::Kind::Swap:
          opcode |= ClassAlu64 | SourceK;
          break;
        }
        return RawInstruction::make(opcode, swap.dst.index, 0, 0, swap.bitWidth);
      },
      [](const Load &load) {
        return RawInstruction::make(ClassLdx | (load.signExtend ? ModeMemSx : ModeMem) |
                                        sizeBits(load.width),
                                    load.dst.index, load.base.index, load.offset, 0);
      },
      [](const Store &store) {
        const OperandFields fields = fieldsOf(store.value);
        const std::uint8_t cls = fields.sourceBit == SourceX ? ClassStx : ClassSt;
        return RawInstruction::make(cls | ModeMem | sizeBits(store.width), store.base.index,
                                    fields.src, store.offset, fields.imm);
      },
      [](const Atomic &atomic) {
        return RawInstruction::make(ClassStx | ModeAtomic | sizeBits(atomic.width),
                                    atomic.base.index, atomic.src.index, atomic.offset,
                                    atomicImm(atomic));
      },
      [second](const LoadImmediate64 &load) {
        *second = RawInstruction::make(0, 0, 0, 0, load.nextImm);
        return RawInstruction::make(ClassLd | ModeImm | SizeDW, load.dst.index,
                                    std::uint8_t(load.kind), 0, load.imm);
      },
      [](const LoadPacket &load) {
        return RawInstruction::make(ClassLd | (load.indirect ? ModeInd : ModeAbs) |
                                        sizeBits(load.width),
                                    0, load.src.index, 0, load.imm);
      },
      [](const Jump &jump) {
        if (jump.isLong)
          return RawInstruction::make(ClassJmp32 | JmpJa, 0, 0, 0, jump.offset);
        return RawInstruction::make(ClassJmp | JmpJa, 0, 0, std::int16_t(jump.offset), 0);
      },
      [](const ConditionalJump &branch) {
        const OperandFields fields = fieldsOf(branch.src);
        return RawInstruction::make((branch.is64 ? ClassJmp : ClassJmp32) | fields.sourceBit |
                                        jumpOperation(branch.condition),
                                    branch.dst.index, fields.src, branch.offset, fields.imm);
      },
      [](const MayGoto &mayGoto) {
        return RawInstruction::make(ClassJmp | JmpJcond, 0, JcondMayGoto, mayGoto.offset, 0);
      },
      [](const Call &call) {
        const std::uint8_t kind = call.kind == Call::Kind::Helper  ? 0
                                  : call.kind == Call::Kind::Local ? PseudoCall
                                                                   : PseudoKfuncCall;
        return RawInstruction::make(ClassJmp | JmpCall, 0, kind, call.offset, call.imm);
      },
      [](const CallIndirect &call) {
        return RawInstruction::make(ClassJmp | SourceX | JmpCall, call.target.index, 0, 0, 0);
      },
      [](const Exit &) { return RawInstruction::make(ClassJmp | JmpExit, 0, 0, 0, 0); });
}

} // namespace

void encodeInstruction(const Instruction &insn, std::vector<RawInstruction> &out) {
  RawInstruction second{};
  out.push_back(encodeOne(insn, &second));
  if (slotCount(insn) == 2)
    out.push_back(second);
}

std::vector<RawInstruction> encodeProgram(std::span<const PlacedInstruction> code) {
  std::vector<RawInstruction> out;
  out.reserve(code.size() + 4);
  for (const PlacedInstruction &placed : code)
    encodeInstruction(placed.insn, out);
  return out;
}

} // namespace bpfcheck
