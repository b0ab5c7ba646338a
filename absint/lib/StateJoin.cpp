// Upper bounds of abstract values and states (for the invariants shown to users, and the
// join at merge points), and the textual form of a state.

#include "bpfcheck/absint/AbstractState.h"

#include "bpfcheck/absint/ScalarArithmetic.h"

#include <algorithm>

namespace bpfcheck::absint {

Scalar join(const Scalar &a, const Scalar &b) {
  return scalarReduce(Scalar{tnumUnion(a.bits, b.bits), rangeJoin(a.unsigned64, b.unsigned64),
                             rangeJoin(a.signed64, b.signed64),
                             rangeJoin(a.unsigned32, b.unsigned32),
                             rangeJoin(a.signed32, b.signed32)});
}

Scalar meet(const Scalar &a, const Scalar &b) {
  return scalarReduce(Scalar{tnumIntersect(a.bits, b.bits), rangeMeet(a.unsigned64, b.unsigned64),
                             rangeMeet(a.signed64, b.signed64),
                             rangeMeet(a.unsigned32, b.unsigned32),
                             rangeMeet(a.signed32, b.signed32)});
}

RegisterValue join(const RegisterValue &a, const RegisterValue &b) {
  if (a.kind != b.kind)
    return RegisterValue::uninitialized();
  switch (a.kind) {
  case ValueKind::Uninitialized:
    return a;
  case ValueKind::Scalar: {
    const bool linked = a.id == b.id && a.idDelta == b.idDelta;
    RegisterValue joined = RegisterValue::ofScalar(join(a.scalar, b.scalar), linked ? a.id : 0);
    joined.idDelta = linked ? a.idDelta : 0;
    return joined;
  }
  case ValueKind::Pointer:
    break;
  }
  const PointerValue &p = a.pointer;
  const PointerValue &q = b.pointer;
  if (p.region != q.region || p.frame != q.frame || p.map != q.map || p.size != q.size ||
      p.function != q.function || p.btfType != q.btfType || p.trust != q.trust ||
      p.readOnly != q.readOnly || p.referenceId != q.referenceId)
    return RegisterValue::uninitialized();
  PointerValue joined = p;
  joined.maybeNull = p.maybeNull || q.maybeNull;
  joined.id = p.id == q.id ? p.id : 0;
  joined.packetRange = std::min(p.packetRange, q.packetRange);
  if (p.fixedOffset == q.fixedOffset) {
    joined.variableOffset = join(p.variableOffset, q.variableOffset);
  } else {
    // Different constant parts: the difference moves into the variable part.
    joined.fixedOffset = std::min(p.fixedOffset, q.fixedOffset);
    auto shifted = [&](const PointerValue &pointer) {
      return scalarAlu(
          AluOp::Add, true, pointer.variableOffset,
          constantScalar(static_cast<std::uint64_t>(pointer.fixedOffset - joined.fixedOffset)));
    };
    joined.variableOffset = join(shifted(p), shifted(q));
    if (joined.region == RegionKind::Packet || joined.region == RegionKind::PacketMeta)
      joined.packetRange = 0;
  }
  return RegisterValue::ofPointer(joined);
}

namespace {

StackFrame joinStacks(const StackFrame &a, const StackFrame &b) {
  StackFrame joined;
  const auto &left = a.allSlots();
  const auto &right = b.allSlots();
  auto &slots = joined.allSlots();
  slots.resize(std::max(left.size(), right.size()));
  static const StackSlot unwritten{};
  for (std::size_t k = 0; k < slots.size(); ++k) {
    const StackSlot &l = k < left.size() ? left[k] : unwritten;
    const StackSlot &r = k < right.size() ? right[k] : unwritten;
    if (l.spillSize != 0 && l.spillSize == r.spillSize && l.bytes == r.bytes) {
      const RegisterValue value = join(l.spilled, r.spilled);
      if (value.kind != ValueKind::Uninitialized) {
        slots[k] = l;
        slots[k].spilled = value;
        continue;
      }
    }
    auto readsAsData = [](const StackSlot &slot, unsigned i) {
      const StackByte byte = slot.bytes[i];
      return byte == StackByte::Misc || byte == StackByte::Zero ||
             (byte == StackByte::Spill && slot.spilled.isScalar());
    };
    for (unsigned i = 0; i < 8; ++i) {
      if (l.bytes[i] == r.bytes[i] && l.bytes[i] != StackByte::Spill)
        slots[k].bytes[i] = l.bytes[i];
      else if (readsAsData(l, i) && readsAsData(r, i))
        slots[k].bytes[i] = StackByte::Misc;
      else
        slots[k].bytes[i] = StackByte::Uninitialized;
    }
  }
  return joined;
}

} // namespace

std::optional<AbstractState> join(const AbstractState &a, const AbstractState &b) {
  if (a.frames.size() != b.frames.size() || a.references.size() != b.references.size() ||
      a.lock.has_value() != b.lock.has_value())
    return std::nullopt;
  AbstractState joined = a;
  for (std::size_t f = 0; f < a.frames.size(); ++f) {
    const Frame &l = a.frames[f];
    const Frame &r = b.frames[f];
    if (l.function != r.function || l.returnTo != r.returnTo || l.isCallback != r.isCallback)
      return std::nullopt;
    for (unsigned reg = 0; reg < registerCount; ++reg)
      joined.frames[f].registers[reg] = join(l.registers[reg], r.registers[reg]);
    joined.frames[f].stack = joinStacks(l.stack, r.stack);
    joined.frames[f].callbackCalls = std::min(l.callbackCalls, r.callbackCalls);
  }
  joined.callbackIterations = std::min(a.callbackIterations, b.callbackIterations);
  return joined;
}

std::vector<std::string> describeState(const AbstractState &state) {
  std::vector<std::string> lines;
  const Frame &frame = state.current();
  std::string registers;
  for (unsigned r = 0; r < registerCount; ++r) {
    const RegisterValue &value = frame.registers[r];
    if (value.kind == ValueKind::Uninitialized)
      continue;
    if (!registers.empty())
      registers += ' ';
    registers += "r" + std::to_string(r) + "=" + describe(value);
  }
  lines.push_back(registers);
  const auto &slots = frame.stack.allSlots();
  std::string stack;
  for (std::size_t k = 0; k < slots.size(); ++k) {
    const StackSlot &slot = slots[k];
    const std::string at = "fp-" + std::to_string(8 * (k + 1));
    std::string text;
    if (slot.spillSize == 8) {
      text = describe(slot.spilled);
    } else {
      bool any = false;
      for (unsigned i = 0; i < 8; ++i) {
        static constexpr char letters[] = {'?', 'm', '0', 's'};
        text += letters[static_cast<unsigned>(slot.bytes[i])];
        any = any || slot.bytes[i] != StackByte::Uninitialized;
      }
      if (!any)
        continue;
      if (slot.spillSize != 0)
        text += "(" + describe(slot.spilled) + ")";
    }
    if (!stack.empty())
      stack += ' ';
    stack += at + "=" + text;
  }
  if (!stack.empty())
    lines.push_back(stack);
  if (state.frames.size() > 1)
    lines.push_back("in frame " + std::to_string(state.frames.size() - 1) + " of a call");
  return lines;
}

} // namespace bpfcheck::absint
