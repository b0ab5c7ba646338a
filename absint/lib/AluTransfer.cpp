// Arithmetic, moves, byte swaps and 64-bit immediate loads: scalars through the domain's
// operators, pointers through the kernel's pointer arithmetic rules (adjust_ptr_min_max_vals,
// check_reg_sane_offset).

#include "Analysis.h"

#include "bpfcheck/absint/ScalarArithmetic.h"
#include "bpfcheck/absint/ScalarConversions.h"
#include "bpfcheck/ir/Printer.h"

#include <limits>

namespace bpfcheck::absint::detail {

namespace {

/// The C spelling of an operator, as the kernel's log uses it.
const char *operatorText(AluOp op) {
  return op == AluOp::Neg ? "neg" : aluOperatorText(op);
}

std::string regionText(const PointerValue &pointer) {
  return std::string(kernelNameOf(pointer.region));
}

} // namespace

/// Why an offset (the scalar added, or the pointer's own offsets) would make a pointer
/// unusable (check_reg_sane_offset), or nothing.
static std::optional<std::string> insaneOffset(const Scalar &offset, std::int64_t fixed,
                                               const PointerValue &pointer) {
  const std::string region = regionText(pointer);
  const std::int64_t value = static_cast<std::int64_t>(offset.bits.value.bits);
  if (isConstant(offset) && (value >= maximumVariableOffset || value <= -maximumVariableOffset))
    return "math between " + region + " pointer and " + std::to_string(value) +
           " is not allowed: offsets must stay within ±2^29";
  if (fixed >= maximumVariableOffset || fixed <= -maximumVariableOffset)
    return region + " pointer offset " + std::to_string(fixed) + " is not allowed";
  const std::int64_t smin = asSigned(offset.signed64.minimum);
  if (smin == std::numeric_limits<std::int64_t>::min())
    return "math between " + region +
           " pointer and register with unbounded min value is not allowed";
  if (smin >= maximumVariableOffset || smin <= -maximumVariableOffset)
    return "value " + std::to_string(smin) + " makes " + region + " pointer be out of bounds";
  return std::nullopt;
}

Check Analysis::pointerArithmetic(AbstractState &state, const Alu &alu) {
  const unsigned dst = alu.dst.index;
  RegisterValue &target = state.reg(dst);
  const RegisterValue source = operandValue(state, alu.src);
  const bool dstIsPointer = target.isPointer();
  if (dstIsPointer && source.isPointer()) {
    if (alu.op == AluOp::Sub && options.privileged) {
      target = RegisterValue::unknown();
      return std::nullopt;
    }
    return violation(Rule::PointerArithmetic,
                     "r" + std::to_string(dst) + " pointer " + operatorText(alu.op) +
                         " pointer prohibited",
                     state, {dst});
  }
  const PointerValue pointer = dstIsPointer ? target.pointer : source.pointer;
  const Scalar offset = dstIsPointer ? source.scalar : target.scalar;
  if (!alu.is64) {
    if (alu.op == AluOp::Sub && options.privileged) {
      target = RegisterValue::unknown();
      return std::nullopt;
    }
    return violation(Rule::PointerArithmetic,
                     "r" + std::to_string(dst) + " 32-bit pointer arithmetic prohibited", state,
                     {dst});
  }
  if (pointer.maybeNull)
    return violation(Rule::PointerArithmetic,
                     "r" + std::to_string(dst) + " pointer arithmetic on " +
                         typeName(RegisterValue::ofPointer(pointer)) +
                         " prohibited, null-check it first",
                     state, {dst});
  const bool knownZero = isConstant(offset) && offset.bits.value.bits == 0;
  bool allowed = false;
  switch (arithmeticOn(pointer.region)) {
  case PointerArithmetic::Any:
    allowed = true;
    break;
  case PointerArithmetic::ConstantOnly:
    allowed = isConstant(offset);
    break;
  case PointerArithmetic::ZeroOnly:
    allowed = knownZero && alu.op == AluOp::Add;
    break;
  case PointerArithmetic::None:
    break;
  }
  if (!allowed)
    return violation(Rule::PointerArithmetic,
                     "r" + std::to_string(dst) + " pointer arithmetic on " +
                         typeName(RegisterValue::ofPointer(pointer)) + " prohibited",
                     state, {dst});
  // Without CAP_BPF, adding a register to a pointer is masked against speculation, which
  // the kernel can do only for some regions (sanitize_ptr_alu).
  const bool registerOperand = std::holds_alternative<Reg>(alu.src);
  if (!options.privileged && registerOperand && (alu.op == AluOp::Add || alu.op == AluOp::Sub) &&
      !speculationMasked(pointer.region)) {
    const unsigned pointerRegister = dstIsPointer ? dst : std::get<Reg>(alu.src).index;
    return violation(Rule::PointerArithmetic,
                     registerName(pointerRegister) +
                         " has pointer with unsupported alu operation, pointer arithmetic with "
                         "it prohibited for !root",
                     state, {pointerRegister});
  }
  if (auto why = insaneOffset(offset, 0, pointer))
    return violation(Rule::PointerArithmetic, *why, state, {dst});
  if (auto why = insaneOffset(pointer.variableOffset, pointer.fixedOffset, pointer))
    return violation(Rule::PointerArithmetic, *why, state, {dst});
  PointerValue result = pointer;
  switch (alu.op) {
  case AluOp::Add:
  case AluOp::Sub: {
    if (alu.op == AluOp::Sub && !dstIsPointer)
      return violation(Rule::PointerArithmetic,
                       "r" + std::to_string(dst) + " tried to subtract pointer from scalar", state,
                       {dst});
    // JITs may not handle a frame pointer moved by subtraction (the kernel refuses it).
    if (alu.op == AluOp::Sub && pointer.region == RegionKind::Stack)
      return violation(Rule::PointerArithmetic,
                       "r" + std::to_string(dst) +
                           " subtraction from stack pointer prohibited: add a negative offset "
                           "instead",
                       state, {dst});
    if (isConstant(offset)) {
      const auto value = static_cast<std::int64_t>(offset.bits.value.bits);
      result.fixedOffset += alu.op == AluOp::Add ? value : -value;
    } else {
      result.variableOffset = scalarAlu(alu.op, true, result.variableOffset, offset);
      if (result.region == RegionKind::Packet || result.region == RegionKind::PacketMeta) {
        result.id = freshId();
        result.packetRange = 0;
      }
    }
    break;
  }
  case AluOp::And:
  case AluOp::Or:
  case AluOp::Xor:
    return violation(Rule::PointerArithmetic,
                     "r" + std::to_string(dst) + " bitwise operator " + operatorText(alu.op) +
                         " on pointer prohibited",
                     state, {dst});
  default:
    return violation(Rule::PointerArithmetic,
                     "r" + std::to_string(dst) + " pointer arithmetic with " +
                         operatorText(alu.op) + " operator prohibited",
                     state, {dst});
  }
  if (auto why = insaneOffset(result.variableOffset, result.fixedOffset, result))
    return violation(Rule::PointerArithmetic, *why, state, {dst});
  if (!options.privileged)
    if (auto why = outsideForUnprivileged(result))
      return violation(Rule::PointerArithmetic, registerName(dst) + " " + *why, state, {dst});
  target = RegisterValue::ofPointer(result);
  return std::nullopt;
}

std::optional<std::string> Analysis::outsideForUnprivileged(const PointerValue &pointer) const {
  // Without CAP_BPF the kernel masks later accesses against speculation, which needs the
  // pointer itself in bounds after every step (sanitize_check_bounds).
  if (pointer.region == RegionKind::Stack) {
    if (!isConstant(pointer.variableOffset))
      return "variable stack access prohibited for !root";
    const std::int64_t offset =
        pointer.fixedOffset + static_cast<std::int64_t>(pointer.variableOffset.bits.value.bits);
    if (offset >= 0 || offset < -StackFrame::size)
      return "stack pointer arithmetic goes out of range, prohibited for !root (offset " +
             std::to_string(offset) + ")";
  }
  if (pointer.region == RegionKind::MapValue) {
    const std::int64_t lowest =
        pointer.fixedOffset + asSigned(pointer.variableOffset.signed64.minimum);
    const std::uint64_t highest = static_cast<std::uint64_t>(pointer.fixedOffset) +
                                  pointer.variableOffset.unsigned64.maximum.bits;
    if (lowest < 0 || asSigned(pointer.variableOffset.signed64.minimum) < 0 ||
        highest >= input.maps[pointer.map].valueSize)
      return "pointer arithmetic of map value goes out of range, prohibited for !root";
  }
  return std::nullopt;
}

Check Analysis::executeAlu(AbstractState &state, const Alu &alu) {
  const unsigned dst = alu.dst.index;
  if (const Reg *src = std::get_if<Reg>(&alu.src); src && alu.op != AluOp::Neg)
    if (auto failed = readable(state, src->index))
      return failed;
  if (auto failed = readable(state, dst))
    return failed;
  if (auto failed = writable(dst))
    return failed;
  if (const Imm *imm = std::get_if<Imm>(&alu.src)) {
    const int width = alu.is64 ? 64 : 32;
    const bool isShift = alu.op == AluOp::Lsh || alu.op == AluOp::Rsh || alu.op == AluOp::Arsh;
    if (isShift && (imm->value < 0 || imm->value >= width))
      return violation(Rule::InvalidInstruction,
                       "invalid shift " + std::to_string(imm->value) +
                           ": a constant shift must be less than the operand's " +
                           std::to_string(width) + " bits",
                       state);
    const bool isDivision = alu.op == AluOp::Div || alu.op == AluOp::Mod || alu.op == AluOp::SDiv ||
                            alu.op == AluOp::SMod;
    if (isDivision && imm->value == 0)
      return violation(Rule::InvalidInstruction, "division by the constant zero", state);
  }
  RegisterValue &target = state.reg(dst);
  if (alu.op == AluOp::Neg) {
    if (target.isPointer()) {
      if (!options.privileged)
        return violation(Rule::PointerArithmetic,
                         "r" + std::to_string(dst) + " pointer arithmetic prohibited", state,
                         {dst});
      target = RegisterValue::unknown();
      return std::nullopt;
    }
    target = RegisterValue::ofScalar(scalarAlu(AluOp::Neg, alu.is64, target.scalar, target.scalar));
    return std::nullopt;
  }
  const RegisterValue source = operandValue(state, alu.src);
  if (target.isPointer() || source.isPointer())
    return pointerArithmetic(state, alu);
  const bool isShift = alu.op == AluOp::Lsh || alu.op == AluOp::Rsh || alu.op == AluOp::Arsh;
  const std::uint64_t largestAmount =
      alu.is64 ? source.scalar.unsigned64.maximum.bits : source.scalar.unsigned32.maximum.bits;
  if (isShift && largestAmount >= (alu.is64 ? 64u : 32u)) {
    // The ISA masks the amount, but the kernel treats a shift by the width or more as
    // undefined (not every JIT masks): the result is unknown.
    target = RegisterValue::ofScalar(alu.is64 ? unknownScalar() : scalarOfBytes(4));
    return std::nullopt;
  }
  // Adding a constant keeps a copy linked to its identity, with the constant as delta.
  const bool linked = target.id != 0 && alu.is64 &&
                      (alu.op == AluOp::Add || alu.op == AluOp::Sub) &&
                      std::holds_alternative<Imm>(alu.src);
  const std::uint32_t id = linked ? target.id : 0;
  std::int64_t delta = 0;
  if (linked) {
    const auto constant =
        static_cast<std::uint64_t>(static_cast<std::int64_t>(std::get<Imm>(alu.src).value));
    const auto previous = static_cast<std::uint64_t>(target.idDelta);
    delta =
        static_cast<std::int64_t>(alu.op == AluOp::Add ? previous + constant : previous - constant);
  }
  target = RegisterValue::ofScalar(scalarAlu(alu.op, alu.is64, target.scalar, source.scalar), id);
  target.idDelta = delta;
  return std::nullopt;
}

Check Analysis::executeMove(AbstractState &state, const Move &move) {
  const unsigned dst = move.dst.index;
  if (auto failed = writable(dst))
    return failed;
  if (const Imm *imm = std::get_if<Imm>(&move.src)) {
    const auto value = static_cast<std::uint64_t>(static_cast<std::int64_t>(imm->value));
    state.reg(dst) = RegisterValue::constant(move.is64 ? value : value & 0xffffffffu);
    return std::nullopt;
  }
  const unsigned src = std::get<Reg>(move.src).index;
  if (auto failed = readable(state, src))
    return failed;
  RegisterValue &source = state.reg(src);
  if (source.isPointer()) {
    if (move.is64 && move.signExtendFrom == 0) {
      state.reg(dst) = source;
      return std::nullopt;
    }
    if (!options.privileged)
      return violation(Rule::PointerLeak, "r" + std::to_string(src) + " partial copy of a pointer",
                       state, {src});
    state.reg(dst) = RegisterValue::unknown();
    if (!move.is64)
      state.reg(dst).scalar = scalarOfBytes(4);
    return std::nullopt;
  }
  if (move.signExtendFrom != 0) {
    state.reg(dst) =
        RegisterValue::ofScalar(scalarSignExtend(source.scalar, move.signExtendFrom, move.is64));
    return std::nullopt;
  }
  // A copy shares the source's identity, so that what a branch learns about one holds for
  // both (a 32-bit copy only when it is the same value).
  const bool fits32 = source.scalar.unsigned64.maximum.bits <= 0xffffffffu;
  if (!isConstant(source.scalar) && (move.is64 || (fits32 && source.idDelta == 0))) {
    if (source.id == 0)
      source.id = freshId();
    RegisterValue copy = source;
    if (!move.is64)
      copy.scalar = scalarTruncate(source.scalar, 32);
    state.reg(dst) = copy;
    return std::nullopt;
  }
  state.reg(dst) =
      RegisterValue::ofScalar(move.is64 ? source.scalar : scalarTruncate(source.scalar, 32));
  return std::nullopt;
}

Check Analysis::executeByteSwap(AbstractState &state, const ByteSwap &swap) {
  const unsigned dst = swap.dst.index;
  if (auto failed = readable(state, dst))
    return failed;
  if (auto failed = writable(dst))
    return failed;
  RegisterValue &target = state.reg(dst);
  if (target.isPointer()) {
    if (!options.privileged)
      return violation(Rule::PointerArithmetic,
                       "r" + std::to_string(dst) + " byte swap of a pointer prohibited", state,
                       {dst});
    target = RegisterValue::unknown();
    return std::nullopt;
  }
  // The machine is little-endian: "to little endian" only truncates.
  const Scalar result = swap.kind == ByteSwap::Kind::ToLittleEndian
                            ? scalarTruncate(target.scalar, swap.bitWidth)
                            : scalarByteSwap(target.scalar, swap.bitWidth);
  target = RegisterValue::ofScalar(result);
  return std::nullopt;
}

Check Analysis::executeLoadImmediate(AbstractState &state, const LoadImmediate64 &load) {
  const unsigned dst = load.dst.index;
  if (auto failed = writable(dst))
    return failed;
  PointerValue pointer;
  switch (load.kind) {
  case ImmediateKind::Value:
    state.reg(dst) = RegisterValue::constant(load.value());
    return std::nullopt;
  case ImmediateKind::MapIndex:
  case ImmediateKind::MapIndexValue: {
    const auto map = static_cast<std::uint32_t>(load.imm);
    if (map >= input.maps.size())
      return violation(Rule::MalformedProgram,
                       "ld_imm64 refers to map index " + std::to_string(map) +
                           ", but the program has " + std::to_string(input.maps.size()) + " maps",
                       state);
    pointer.map = map;
    if (load.kind == ImmediateKind::MapIndex) {
      pointer.region = RegionKind::MapPointer;
    } else {
      const MapDescriptor &descriptor = input.maps[map];
      pointer.region = RegionKind::MapValue;
      pointer.fixedOffset = load.nextImm;
      if (load.nextImm < 0 || static_cast<std::uint32_t>(load.nextImm) >= descriptor.valueSize)
        return violation(Rule::MapValueBounds,
                         "ld_imm64 points at offset " + std::to_string(load.nextImm) + " of map '" +
                             descriptor.name + "', whose value has " +
                             std::to_string(descriptor.valueSize) + " bytes",
                         state);
    }
    state.reg(dst) = RegisterValue::ofPointer(pointer);
    return std::nullopt;
  }
  case ImmediateKind::Function: {
    const auto target = input.code->targetIndexOf(instruction(currentIndex));
    if (!target)
      return violation(Rule::MalformedProgram, "function address points between instructions",
                       state);
    pointer.region = RegionKind::Function;
    pointer.function = *target;
    state.reg(dst) = RegisterValue::ofPointer(pointer);
    return std::nullopt;
  }
  case ImmediateKind::MapFd:
  case ImmediateKind::MapValue:
    return violation(Rule::Unsupported,
                     "ld_imm64 of a map file descriptor: bpfcheck verifies objects whose maps "
                     "are known, not raw file descriptors",
                     state);
  case ImmediateKind::BtfId:
    return violation(Rule::Unsupported,
                     "typed __ksym variables (ld_imm64 of a kernel BTF id) are not supported yet",
                     state);
  }
  return std::nullopt;
}

} // namespace bpfcheck::absint::detail
