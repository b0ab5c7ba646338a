// The inclusion test between abstract states (the kernel's states_equal with range_within,
// tnum_in and check_ids).

#include "bpfcheck/absint/AbstractState.h"

#include <algorithm>
#include <utility>

namespace bpfcheck::absint {

const AcquiredReference *AbstractState::findReference(std::uint32_t id) const {
  for (const AcquiredReference &reference : references)
    if (reference.id == id)
      return &reference;
  return nullptr;
}

std::vector<BranchTrail::Decision> BranchTrail::since(std::uint32_t first) const {
  std::vector<Decision> decisions;
  const std::uint32_t oldest = count > capacity ? count - capacity : 0;
  for (std::uint32_t n = std::max(first, oldest); n < count; ++n)
    decisions.push_back(recent[n % capacity]);
  return decisions;
}

bool includes(const Scalar &outer, const Scalar &inner) {
  auto within = [](const auto &o, const auto &i, auto lessOrEqual) {
    return lessOrEqual(o.minimum, i.minimum) && lessOrEqual(i.maximum, o.maximum);
  };
  auto unsignedOrder = [](auto a, auto b) { return unsignedLessOrEqual(a, b); };
  auto signedOrder = [](auto a, auto b) { return signedLessOrEqual(a, b); };
  return tnumIncludes(outer.bits, inner.bits) &&
         within(outer.unsigned64, inner.unsigned64, unsignedOrder) &&
         within(outer.signed64, inner.signed64, signedOrder) &&
         within(outer.unsigned32, inner.unsigned32, unsignedOrder) &&
         within(outer.signed32, inner.signed32, signedOrder);
}

namespace {

/// A one-to-one correspondence between the identities of two states, built while they are
/// compared. An identity of the candidate that is 0 ("no copies") stands for a fresh one.
class IdCorrespondence {
public:
  explicit IdCorrespondence(PinnedIds pinned = {}) : pinned(pinned) {}

  bool match(std::uint32_t covering, std::uint32_t candidate) {
    if (covering == 0)
      return true;
    if (pinned.contains(covering) || pinned.contains(candidate))
      return covering == candidate;
    if (candidate == 0)
      candidate = nextFresh++;
    for (const auto &[a, b] : pairs) {
      if (a == covering || b == candidate)
        return a == covering && b == candidate;
    }
    pairs.emplace_back(covering, candidate);
    return true;
  }

private:
  PinnedIds pinned;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  std::uint32_t nextFresh = 0x80000000u;
};

bool pointerIncludes(const PointerValue &outer, const PointerValue &inner, IdCorrespondence &ids) {
  if (outer.region != inner.region || outer.readOnly != inner.readOnly ||
      outer.trust != inner.trust || outer.fixedOffset != inner.fixedOffset ||
      outer.frame != inner.frame || outer.map != inner.map || outer.size != inner.size ||
      outer.function != inner.function || outer.btfType != inner.btfType)
    return false;
  if (inner.maybeNull && !outer.maybeNull)
    return false;
  if (outer.packetRange > inner.packetRange)
    return false;
  if (!includes(outer.variableOffset, inner.variableOffset))
    return false;
  if ((outer.referenceId == 0) != (inner.referenceId == 0) ||
      !ids.match(outer.referenceId, inner.referenceId))
    return false;
  const bool idMatters = outer.maybeNull || outer.region == RegionKind::Packet ||
                         outer.region == RegionKind::PacketMeta;
  return !idMatters || ids.match(outer.id, inner.id);
}

bool valueIncludes(const RegisterValue &outer, const RegisterValue &inner, IdCorrespondence &ids) {
  switch (outer.kind) {
  case ValueKind::Uninitialized:
    return true;
  case ValueKind::Scalar:
    return inner.isScalar() && includes(outer.scalar, inner.scalar) &&
           ids.match(outer.id, inner.id) && (outer.id == 0 || outer.idDelta == inner.idDelta);
  case ValueKind::Pointer:
    return inner.isPointer() && pointerIncludes(outer.pointer, inner.pointer, ids);
  }
  return false;
}

bool stackIncludes(const StackFrame &outer, const StackFrame &inner, IdCorrespondence &ids) {
  const auto &outerSlots = outer.allSlots();
  const auto &innerSlots = inner.allSlots();
  static const StackSlot unwritten{};
  for (std::size_t k = 0; k < outerSlots.size(); ++k) {
    const StackSlot &o = outerSlots[k];
    const StackSlot &i = k < innerSlots.size() ? innerSlots[k] : unwritten;
    if (o.spillSize != 0) {
      if (i.spillSize != o.spillSize || i.bytes != o.bytes ||
          !valueIncludes(o.spilled, i.spilled, ids))
        return false;
      continue;
    }
    for (unsigned b = 0; b < 8; ++b) {
      const StackByte ob = o.bytes[b];
      const StackByte ib = i.bytes[b];
      switch (ob) {
      case StackByte::Uninitialized:
        break;
      case StackByte::Misc:
        if (ib == StackByte::Uninitialized || (ib == StackByte::Spill && i.spilled.isPointer()))
          return false;
        break;
      case StackByte::Zero:
        if (ib != StackByte::Zero)
          return false;
        break;
      case StackByte::Spill:
        return false; // handled above: a spill byte always belongs to a spill
      }
    }
  }
  return true;
}

} // namespace

bool includes(const AbstractState &covering, const AbstractState &candidate,
              std::uint16_t liveInInnermostFrame) {
  return includes(covering, candidate, liveInInnermostFrame, PinnedIds{});
}

bool includes(const AbstractState &covering, const AbstractState &candidate,
              std::uint16_t liveInInnermostFrame, PinnedIds pinned) {
  if (covering.frames.size() != candidate.frames.size() ||
      covering.references.size() != candidate.references.size())
    return false;
  if (covering.lock.has_value() != candidate.lock.has_value())
    return false;
  if (covering.lock && covering.lock->map != candidate.lock->map)
    return false;
  IdCorrespondence ids(pinned);
  for (std::size_t f = 0; f < covering.frames.size(); ++f) {
    const Frame &o = covering.frames[f];
    const Frame &i = candidate.frames[f];
    if (o.function != i.function || o.returnTo != i.returnTo || o.callsite != i.callsite ||
        o.isCallback != i.isCallback)
      return false;
    // Fewer calls so far leave room for as many more: the covering state may have had fewer.
    if (o.callbackCalls > i.callbackCalls)
      return false;
    const bool innermost = f + 1 == covering.frames.size();
    for (unsigned r = 0; r < registerCount; ++r) {
      if (innermost && (liveInInnermostFrame & (1u << r)) == 0)
        continue;
      if (!valueIncludes(o.registers[r], i.registers[r], ids))
        return false;
    }
    if (!stackIncludes(o.stack, i.stack, ids))
      return false;
  }
  for (std::size_t k = 0; k < covering.references.size(); ++k)
    if (!ids.match(covering.references[k].id, candidate.references[k].id))
      return false;
  if (covering.lock && !ids.match(covering.lock->pointerId, candidate.lock->pointerId))
    return false;
  return true;
}

namespace {

struct Hasher {
  std::uint64_t value = 0xcbf29ce484222325ull;
  void add(std::uint64_t word) {
    value ^= word + 0x9e3779b97f4a7c15ull + (value << 6) + (value >> 2);
  }
  void add(const Scalar &s) {
    add(s.bits.value.bits);
    add(s.bits.mask.bits);
    add(s.unsigned64.minimum.bits);
    add(s.unsigned64.maximum.bits);
    add(s.signed64.minimum.bits);
    add(s.signed64.maximum.bits);
    add(s.unsigned32.minimum.bits ^ (s.unsigned32.maximum.bits << 32));
    add(s.signed32.minimum.bits ^ (s.signed32.maximum.bits << 32));
  }
  void add(const RegisterValue &v) {
    add(static_cast<std::uint64_t>(v.kind));
    if (v.isScalar())
      add(v.scalar);
    if (!v.isPointer())
      return;
    const PointerValue &p = v.pointer;
    add(static_cast<std::uint64_t>(p.region) | (std::uint64_t(p.maybeNull) << 8) |
        (std::uint64_t(p.readOnly) << 9) | (static_cast<std::uint64_t>(p.trust) << 10) |
        (std::uint64_t(p.referenceId != 0) << 12));
    add(static_cast<std::uint64_t>(p.fixedOffset));
    add(p.variableOffset);
    add(p.frame ^ (std::uint64_t(p.map) << 32));
    add(p.size ^ (std::uint64_t(p.packetRange) << 32));
    add(p.function);
  }
};

} // namespace

std::uint64_t stateHash(const AbstractState &state) {
  Hasher hasher;
  hasher.add(state.frames.size());
  hasher.add(state.references.size());
  hasher.add(state.lock ? state.lock->map + 1 : 0);
  hasher.add(state.callbackIterations);
  for (const Frame &frame : state.frames) {
    hasher.add(frame.function ^ (std::uint64_t(frame.returnTo) << 32));
    hasher.add(frame.callsite ^ (std::uint64_t(frame.isCallback) << 32));
    hasher.add(frame.callbackCalls);
    for (const RegisterValue &value : frame.registers)
      hasher.add(value);
    // Trailing unwritten slots do not change the state.
    const auto &slots = frame.stack.allSlots();
    std::size_t used = slots.size();
    while (used > 0 && slots[used - 1].spillSize == 0 && slots[used - 1].bytes == StackSlot{}.bytes)
      --used;
    for (std::size_t k = 0; k < used; ++k) {
      std::uint64_t bytes = 0;
      for (StackByte byte : slots[k].bytes)
        bytes = (bytes << 8) | static_cast<std::uint64_t>(byte);
      hasher.add(bytes ^ (std::uint64_t(slots[k].spillSize) << 56));
      if (slots[k].spillSize != 0)
        hasher.add(slots[k].spilled);
    }
  }
  return hasher.value;
}

} // namespace bpfcheck::absint
