// Conditional jumps: each edge refines the operands (and every copy of them), null checks
// settle or-null pointers, comparisons with packet_end prove packet ranges, and an edge the
// operands make impossible is not followed.

#include "Analysis.h"

#include "bpfcheck/absint/ScalarArithmetic.h"
#include "bpfcheck/absint/ScalarBranch.h"

#include <algorithm>

namespace bpfcheck::absint::detail {

namespace {

/// The condition with its operands swapped (a < b  <=>  b > a).
Condition swapped(Condition condition) {
  switch (condition) {
  case Condition::Gt:
    return Condition::Lt;
  case Condition::Ge:
    return Condition::Le;
  case Condition::Lt:
    return Condition::Gt;
  case Condition::Le:
    return Condition::Ge;
  case Condition::SGt:
    return Condition::SLt;
  case Condition::SGe:
    return Condition::SLe;
  case Condition::SLt:
    return Condition::SGt;
  case Condition::SLe:
    return Condition::SGe;
  default:
    return condition;
  }
}

/// For `lower COND upper` holding (taken) or not: how many bytes past `lower` are proven
/// below `upper` (0: `lower <= upper`, 1: `lower < upper`), or nothing if the edge proves
/// no such bound.
std::optional<unsigned> provenGap(Condition condition, bool holds) {
  switch (condition) {
  case Condition::Gt: // lower > upper; false: lower <= upper
    return holds ? std::nullopt : std::optional<unsigned>(0);
  case Condition::Ge: // false: lower < upper
    return holds ? std::nullopt : std::optional<unsigned>(1);
  case Condition::Lt:
    return holds ? std::optional<unsigned>(1) : std::nullopt;
  case Condition::Le:
    return holds ? std::optional<unsigned>(0) : std::nullopt;
  default:
    return std::nullopt;
  }
}

/// Maximum packet offset the kernel tracks (MAX_PACKET_OFF).
constexpr std::uint64_t maximumPacketOffset = 0xffff;

} // namespace

StepOutcome Analysis::executeBranch(AbstractState state, const ConditionalJump &jump,
                                    std::uint32_t index) {
  StepOutcome outcome;
  const unsigned dst = jump.dst.index;
  if (auto failed = readable(state, dst)) {
    outcome.violation = failed;
    return outcome;
  }
  const Reg *srcReg = std::get_if<Reg>(&jump.src);
  if (srcReg)
    if (auto failed = readable(state, srcReg->index)) {
      outcome.violation = failed;
      return outcome;
    }
  const auto takenIndex = input.code->targetIndexOf(instruction(index));
  const std::uint32_t fallIndex = index + 1;
  RegisterValue left = state.reg(dst);
  RegisterValue right = operandValue(state, jump.src);
  if (!jump.is64 && std::holds_alternative<Imm>(jump.src))
    right = RegisterValue::constant(static_cast<std::uint32_t>(std::get<Imm>(jump.src).value));

  auto follow = [&](AbstractState edgeState, bool taken) {
    outcome.successors.push_back({std::move(edgeState), taken ? *takenIndex : fallIndex});
  };

  // Two scalars: refine both operands, and their copies, on each edge.
  if (left.isScalar() && right.isScalar()) {
    for (bool taken : {true, false}) {
      auto [refinedLeft, refinedRight] =
          refineBranch(jump.condition, jump.is64, taken, left.scalar, right.scalar);
      if (scalarIsEmpty(refinedLeft) || scalarIsEmpty(refinedRight))
        continue;
      AbstractState edge = taken ? AbstractState(state) : std::move(state);
      bool feasible = true;
      auto update = [&](unsigned reg, const RegisterValue &before, const Scalar &refined) {
        if (before.id != 0)
          forEachWithId(edge, before.id, [&](RegisterValue &value) {
            if (value.idDelta == before.idDelta) {
              value.scalar = refined;
              return;
            }
            // A linked copy: the same base, another constant added.
            const auto shift = static_cast<std::uint64_t>(value.idDelta) -
                               static_cast<std::uint64_t>(before.idDelta);
            value.scalar =
                meet(value.scalar, scalarAlu(AluOp::Add, true, refined, constantScalar(shift)));
            feasible = feasible && !scalarIsEmpty(value.scalar);
          });
        edge.reg(reg).scalar = refined;
      };
      update(dst, left, refinedLeft);
      if (srcReg)
        update(srcReg->index, right, refinedRight);
      if (feasible)
        follow(std::move(edge), taken);
    }
    return outcome;
  }

  if (!options.privileged) {
    // Without CAP_PERFMON a comparison may not reveal an address (check_cond_jmp_op): only
    // packet pointers against each other, and a maybe-NULL pointer against the constant 0.
    const auto isPacketAny = [](const RegisterValue &value) {
      return value.isPointer() && isPacketPointer(value.pointer.region);
    };
    const bool packetCompare = srcReg && isPacketAny(left) && isPacketAny(right);
    const bool againstZero =
        right.isNull() && (jump.condition == Condition::Eq || jump.condition == Condition::Ne);
    const bool nullCheck =
        !srcReg && againstZero && jump.is64 && left.isPointer() && left.pointer.maybeNull;
    // A pointer the kernel knows is not NULL (reg_not_null) decides a test against 0.
    const bool decided = againstZero && left.isPointer() && kernelKnowsNotNull(left.pointer);
    std::optional<unsigned> revealed;
    if (srcReg && right.isPointer() && !packetCompare)
      revealed = srcReg->index;
    else if (left.isPointer() && !packetCompare && !nullCheck && !decided)
      revealed = dst;
    if (revealed) {
      outcome.violation =
          violation(Rule::PointerLeak,
                    registerName(*revealed) +
                        " pointer comparison prohibited: without CAP_PERFMON a comparison "
                        "may not reveal an address",
                    state, {*revealed});
      return outcome;
    }
  }

  // A pointer against NULL.
  const bool equality = jump.condition == Condition::Eq || jump.condition == Condition::Ne;
  if ((left.isPointer() && right.isNull()) || (right.isPointer() && left.isNull())) {
    const PointerValue pointer = left.isPointer() ? left.pointer : right.pointer;
    if (equality && !pointer.maybeNull) {
      // A pointer that is known not to be NULL: only one edge.
      follow(std::move(state), jump.condition == Condition::Ne);
      return outcome;
    }
    if (equality && jump.is64 && pointer.maybeNull) {
      for (bool isNull : {true, false}) {
        AbstractState edge = isNull ? AbstractState(state) : std::move(state);
        forEachWithId(edge, pointer.id, [&](RegisterValue &value) {
          if (!value.isPointer())
            return;
          if (isNull)
            value = RegisterValue::constant(0);
          else
            value.pointer.maybeNull = false;
        });
        // NULL from an acquiring call means nothing was acquired. A pointer derived from a
        // referenced one (bpf_skc_to_tcp_sock's) being NULL says nothing of its parent.
        if (isNull && pointer.referenceId != 0 && pointer.referenceId == pointer.id)
          std::erase_if(edge.references, [&](const AcquiredReference &reference) {
            return reference.id == pointer.referenceId;
          });
        const bool taken = (jump.condition == Condition::Eq) == isNull;
        follow(std::move(edge), taken);
      }
      return outcome;
    }
  }

  // Two pointers found equal: if one cannot be NULL, neither can the other.
  if (left.isPointer() && right.isPointer() && equality && jump.is64 &&
      left.pointer.maybeNull != right.pointer.maybeNull &&
      left.pointer.region == right.pointer.region &&
      (left.pointer.maybeNull ? left.pointer.id : right.pointer.id) != 0) {
    const PointerValue &maybeNull = left.pointer.maybeNull ? left.pointer : right.pointer;
    for (bool taken : {true, false}) {
      AbstractState edge = taken ? AbstractState(state) : std::move(state);
      const bool equal = (jump.condition == Condition::Eq) == taken;
      if (equal)
        forEachWithId(edge, maybeNull.id, [](RegisterValue &value) {
          if (value.isPointer())
            value.pointer.maybeNull = false;
        });
      follow(std::move(edge), taken);
    }
    return outcome;
  }

  // Packet pointers against packet_end (or metadata pointers against packet data).
  if (left.isPointer() && right.isPointer() && jump.is64) {
    const bool leftLower = (left.pointer.region == RegionKind::Packet &&
                            right.pointer.region == RegionKind::PacketEnd) ||
                           (left.pointer.region == RegionKind::PacketMeta &&
                            right.pointer.region == RegionKind::Packet);
    const bool rightLower = (right.pointer.region == RegionKind::Packet &&
                             left.pointer.region == RegionKind::PacketEnd) ||
                            (right.pointer.region == RegionKind::PacketMeta &&
                             left.pointer.region == RegionKind::Packet);
    // Metadata pointers are bounded only by the unmodified start of packet data
    // (reg_is_init_pkt_pointer): `meta + 8 <= data + 8` says nothing.
    const PointerValue &upper = leftLower ? right.pointer : left.pointer;
    const bool upperIsDataStart =
        upper.region != RegionKind::Packet ||
        (upper.fixedOffset == 0 && upper.id == 0 && isConstant(upper.variableOffset) &&
         upper.variableOffset.bits.value.bits == 0);
    if ((leftLower || rightLower) && upperIsDataStart) {
      const PointerValue lower = leftLower ? left.pointer : right.pointer;
      const Condition condition = leftLower ? jump.condition : swapped(jump.condition);
      for (bool taken : {true, false}) {
        AbstractState edge = taken ? AbstractState(state) : std::move(state);
        const auto gap = provenGap(condition, taken);
        const std::uint64_t reach = lower.variableOffset.unsigned64.maximum.bits +
                                    static_cast<std::uint64_t>(lower.fixedOffset);
        if (gap && lower.fixedOffset >= 0 && !(lower.fixedOffset == 0 && *gap == 0) &&
            lower.variableOffset.unsigned64.maximum.bits <= maximumPacketOffset &&
            reach <= maximumPacketOffset) {
          const auto range = static_cast<std::uint32_t>(lower.fixedOffset + *gap);
          edge.forEachValue([&](RegisterValue &value) {
            if (value.isPointerTo(lower.region) && value.pointer.id == lower.id)
              value.pointer.packetRange = std::max(value.pointer.packetRange, range);
          });
        }
        follow(std::move(edge), taken);
      }
      return outcome;
    }
  }

  // Any other comparison involving a pointer: nothing is learnt.
  follow(state, true);
  follow(std::move(state), false);
  return outcome;
}

} // namespace bpfcheck::absint::detail
