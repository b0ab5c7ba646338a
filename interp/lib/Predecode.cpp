// From the IR's instruction variant to the interpreter's fixed-size records: each
// instruction's operation is chosen once here, so that execution never looks at the
// encoding again.
#include "bpfcheck/interp/DecodedProgram.h"

#include "bpfcheck/interp/Limits.h"
#include "bpfcheck/ir/Decoder.h"
#include "bpfcheck/ir/Visit.h"

#include <algorithm>
#include <string>

namespace bpfcheck::interp {
namespace {

using Op = Operation;

std::string at(std::uint32_t pc) {
  return "insn " + std::to_string(pc) + ": ";
}

/// Picks the operation of a four-way family laid out as 64Reg, 64Imm, 32Reg, 32Imm.
Op familyMember(Op first, bool is64, bool fromRegister) {
  return Op(std::uint8_t(first) + (is64 ? 0 : 2) + (fromRegister ? 0 : 1));
}

Op aluFamily(AluOp op) {
  switch (op) {
  case AluOp::Add:
    return Op::Add64Reg;
  case AluOp::Sub:
    return Op::Sub64Reg;
  case AluOp::Mul:
    return Op::Mul64Reg;
  case AluOp::Div:
    return Op::Div64Reg;
  case AluOp::SDiv:
    return Op::SDiv64Reg;
  case AluOp::Mod:
    return Op::Mod64Reg;
  case AluOp::SMod:
    return Op::SMod64Reg;
  case AluOp::Or:
    return Op::Or64Reg;
  case AluOp::And:
    return Op::And64Reg;
  case AluOp::Xor:
    return Op::Xor64Reg;
  case AluOp::Lsh:
    return Op::Lsh64Reg;
  case AluOp::Rsh:
    return Op::Rsh64Reg;
  case AluOp::Arsh:
    return Op::Arsh64Reg;
  case AluOp::Neg:
    break;
  }
  return Op::Neg64;
}

Op conditionFamily(Condition condition) {
  switch (condition) {
  case Condition::Eq:
    return Op::JumpEq64Reg;
  case Condition::Ne:
    return Op::JumpNe64Reg;
  case Condition::Set:
    return Op::JumpSet64Reg;
  case Condition::Gt:
    return Op::JumpGt64Reg;
  case Condition::Ge:
    return Op::JumpGe64Reg;
  case Condition::Lt:
    return Op::JumpLt64Reg;
  case Condition::Le:
    return Op::JumpLe64Reg;
  case Condition::SGt:
    return Op::JumpSGt64Reg;
  case Condition::SGe:
    return Op::JumpSGe64Reg;
  case Condition::SLt:
    return Op::JumpSLt64Reg;
  case Condition::SLe:
    return Op::JumpSLe64Reg;
  }
  return Op::JumpEq64Reg;
}

/// log2 of an access width, to index the Load8 / Load16 / Load32 / Load64 runs.
unsigned widthIndex(Width width) {
  switch (width) {
  case Width::B:
    return 0;
  case Width::H:
    return 1;
  case Width::W:
    return 2;
  case Width::DW:
    return 3;
  }
  return 0;
}

Op offsetBy(Op first, unsigned steps) {
  return Op(std::uint8_t(first) + steps);
}

class Predecoder {
public:
  Predecoder(const ProgramCode &program, const ReferenceResolver *resolver)
      : program(program), resolver(resolver) {}

  Expected<DecodedProgram> build() {
    DecodedProgram decoded;
    decoded.name = program.functions.empty() ? "main" : program.functions.front().name;
    decoded.code.reserve(program.instructions.size());
    decoded.pcs.reserve(program.instructions.size());
    for (std::uint32_t index = 0; index < program.instructions.size(); ++index) {
      const PlacedInstruction &placed = program.instructions[index];
      auto record = decodeOne(placed, index);
      if (!record)
        return record.takeError();
      decoded.code.push_back(*record);
      decoded.pcs.push_back(placed.pc);
    }
    for (const Function &function : program.functions)
      decoded.functionEntries.push_back(function.firstInstruction);
    if (decoded.functionEntries.empty() && !decoded.code.empty())
      decoded.functionEntries.push_back(0);
    std::sort(decoded.functionEntries.begin(), decoded.functionEntries.end());
    return decoded;
  }

private:
  const ProgramCode &program;
  const ReferenceResolver *resolver;

  /// The distance in instructions from `index` to the target of a jump, call or function
  /// address.
  Expected<std::int32_t> distanceToTarget(const PlacedInstruction &placed, std::uint32_t index) {
    const auto targetIndex = program.targetIndexOf(placed);
    if (!targetIndex)
      return Error(at(placed.pc) + "target is not the start of an instruction");
    return std::int32_t(std::int64_t(*targetIndex) - std::int64_t(index));
  }

  Expected<DecodedInstruction> decodeOne(const PlacedInstruction &placed, std::uint32_t index) {
    DecodedInstruction out;
    std::optional<Error> failure;
    auto withTarget = [&](Op op) {
      out.operation = op;
      auto distance = distanceToTarget(placed, index);
      if (!distance)
        failure = distance.takeError();
      else
        out.offset = *distance;
    };
    auto setOperand = [&](const Operand &operand) {
      if (const Reg *reg = std::get_if<Reg>(&operand))
        out.src = reg->index;
      else
        out.imm = std::uint64_t(std::int64_t(std::get<Imm>(operand).value));
      return std::holds_alternative<Reg>(operand);
    };
    visit(
        placed.insn,
        [&](const Alu &alu) {
          out.dst = alu.dst.index;
          if (alu.op == AluOp::Neg) {
            out.operation = alu.is64 ? Op::Neg64 : Op::Neg32;
            return;
          }
          const bool fromRegister = setOperand(alu.src);
          out.operation = familyMember(aluFamily(alu.op), alu.is64, fromRegister);
          const bool isShift =
              alu.op == AluOp::Lsh || alu.op == AluOp::Rsh || alu.op == AluOp::Arsh;
          if (isShift && !fromRegister)
            out.imm &= alu.is64 ? 63 : 31;
        },
        [&](const Move &move) {
          out.dst = move.dst.index;
          const bool fromRegister = setOperand(move.src);
          if (move.signExtendFrom == 0) {
            out.operation = familyMember(Op::Mov64Reg, move.is64, fromRegister);
            return;
          }
          switch (move.signExtendFrom) {
          case 8:
            out.operation = move.is64 ? Op::MovSx8To64 : Op::MovSx8To32;
            break;
          case 16:
            out.operation = move.is64 ? Op::MovSx16To64 : Op::MovSx16To32;
            break;
          default:
            out.operation = Op::MovSx32To64;
            break;
          }
        },
        [&](const AddressSpaceCast &) {
          failure = Error(at(placed.pc) +
                          "arena address-space casts are not supported by the interpreter");
        },
        [&](const ByteSwap &swap) {
          out.dst = swap.dst.index;
          const unsigned step = swap.bitWidth == 16 ? 0 : swap.bitWidth == 32 ? 1 : 2;
          out.operation = offsetBy(
              swap.kind == ByteSwap::Kind::ToLittleEndian ? Op::ToLittleEndian16 : Op::ByteSwap16,
              step);
        },
        [&](const Load &load) {
          out.dst = load.dst.index;
          out.src = load.base.index;
          out.offset = load.offset;
          out.operation =
              offsetBy(load.signExtend ? Op::LoadSx8 : Op::Load8, widthIndex(load.width));
        },
        [&](const Store &store) {
          out.dst = store.base.index;
          out.offset = store.offset;
          const bool fromRegister = setOperand(store.value);
          out.operation =
              offsetBy(fromRegister ? Op::Store8 : Op::StoreImm8, widthIndex(store.width));
        },
        [&](const Atomic &atomic) {
          out.dst = atomic.base.index;
          out.src = atomic.src.index;
          out.offset = atomic.offset;
          const Op first = atomic.width == Width::W ? Op::AtomicAdd32 : Op::AtomicAdd64;
          unsigned step = 0;
          switch (atomic.op) {
          case AtomicOp::Add:
          case AtomicOp::Or:
          case AtomicOp::And:
          case AtomicOp::Xor:
            step = unsigned(atomic.op) + (atomic.fetch ? 4 : 0);
            break;
          case AtomicOp::Exchange:
            step = 8;
            break;
          case AtomicOp::CompareExchange:
            step = 9;
            break;
          }
          out.operation = offsetBy(first, step);
        },
        [&](const LoadImmediate64 &load) {
          out.dst = load.dst.index;
          if (load.kind == ImmediateKind::Value) {
            out.operation = Op::LoadImm64;
            out.imm = load.value();
          } else if (load.kind == ImmediateKind::Function) {
            withTarget(Op::LoadFunctionAddress);
          } else if (!resolver) {
            failure =
                Error(at(placed.pc) + "ld_imm64 with src=" + std::to_string(unsigned(load.kind)) +
                      " names a map or kernel object; running it needs a resolver");
          } else {
            auto value = resolver->resolve(load, placed.pc);
            if (!value)
              failure = value.takeError();
            else {
              out.operation = Op::LoadImm64;
              out.imm = *value;
            }
          }
        },
        [&](const LoadPacket &load) {
          out.operation = load.indirect ? Op::LoadPacketIndirect : Op::LoadPacketAbsolute;
          out.src = load.src.index;
          out.size = std::uint8_t(bytes(load.width));
          out.imm = std::uint64_t(std::int64_t(load.imm));
        },
        [&](const Jump &) { withTarget(Op::Jump); },
        [&](const ConditionalJump &jump) {
          out.dst = jump.dst.index;
          const bool fromRegister = setOperand(jump.src);
          withTarget(familyMember(conditionFamily(jump.condition), jump.is64, fromRegister));
        },
        [&](const MayGoto &) { withTarget(Op::MayGoto); },
        [&](const Call &call) {
          switch (call.kind) {
          case Call::Kind::Helper:
            out.operation = call.imm == TailCallHelperId ? Op::CallTail : Op::CallHelper;
            out.imm = std::uint64_t(std::int64_t(call.imm));
            break;
          case Call::Kind::Local:
            withTarget(Op::CallLocal);
            break;
          case Call::Kind::Kfunc:
            out.operation = Op::CallKernelFunction;
            out.imm = std::uint64_t(std::int64_t(call.imm));
            out.offset = call.offset;
            break;
          }
        },
        [&](const CallIndirect &call) {
          out.operation = Op::CallIndirect;
          out.src = call.target.index;
        },
        [&](const Exit &) { out.operation = Op::Exit; });
    if (failure)
      return std::move(*failure);
    return out;
  }
};

} // namespace

bool DecodedProgram::isFunctionEntry(std::uint32_t index) const {
  return std::binary_search(functionEntries.begin(), functionEntries.end(), index);
}

Expected<DecodedProgram> predecode(const ProgramCode &program, const ReferenceResolver *resolver) {
  if (program.instructions.empty())
    return Error("the program is empty: it has no instructions");
  return Predecoder(program, resolver).build();
}

} // namespace bpfcheck::interp
