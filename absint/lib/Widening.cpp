// Widening: what makes the joins at a loop head or a busy merge point stop growing. A bound
// that moved since the previous state jumps out, to the next threshold (a constant the
// program compares with, or a neighbour of one) at summarised loop heads, to the end of its
// range elsewhere; the tnum only ever loses known bits, so it stabilises by itself. A
// narrowing hint (the states that reached the head in an earlier analysis) may stop a bound
// sooner; since the hints of one analysis are fixed, the joins still stop growing.

#include "Explorer.h"

#include <limits>

namespace bpfcheck::absint::detail {
namespace {

/// The threshold nearest to `x` on the side it moved to (`upward`), in the order of T (the
/// thresholds converted to T), or that order's end when no threshold lies beyond.
template <typename T>
T nextThreshold(const std::vector<std::uint64_t> &thresholds, T x, bool upward) {
  T best = upward ? std::numeric_limits<T>::max() : std::numeric_limits<T>::min();
  for (std::uint64_t raw : thresholds) {
    const auto t = static_cast<T>(raw);
    if (upward ? (t >= x && t < best) : (t <= x && t > best))
      best = t;
  }
  return best;
}

template <typename T, typename Range, typename Word>
void widenRange(Range &widened, const Range &before, const std::vector<std::uint64_t> *thresholds) {
  const auto value = [](Word w) { return static_cast<T>(w.bits); };
  const auto word = [](T t) { return Word(static_cast<std::uint64_t>(t)); };
  if (value(widened.minimum) < value(before.minimum))
    widened.minimum = word(thresholds ? nextThreshold<T>(*thresholds, value(widened.minimum), false)
                                      : std::numeric_limits<T>::min());
  if (value(widened.maximum) > value(before.maximum))
    widened.maximum = word(thresholds ? nextThreshold<T>(*thresholds, value(widened.maximum), true)
                                      : std::numeric_limits<T>::max());
}

/// `joined` (an upper bound of `before` and a newer value) with every bound that moved
/// since `before` pushed out.
Scalar widenScalar(const Scalar &before, Scalar joined,
                   const std::vector<std::uint64_t> *thresholds) {
  if (includes(before, joined))
    return joined;
  if (!thresholds)
    return unknownScalar();
  using W64 = BitWord<64>;
  using W32 = BitWord<32>;
  widenRange<std::uint64_t, UnsignedRange<W64>, W64>(joined.unsigned64, before.unsigned64,
                                                     thresholds);
  widenRange<std::int64_t, SignedRange<W64>, W64>(joined.signed64, before.signed64, thresholds);
  widenRange<std::uint32_t, UnsignedRange<W32>, W32>(joined.unsigned32, before.unsigned32,
                                                     thresholds);
  widenRange<std::int32_t, SignedRange<W32>, W32>(joined.signed32, before.signed32, thresholds);
  return scalarReduce(joined);
}

/// `widened` (the widening of `joined`), cut down to `hint` where the hint covers `joined`:
/// a narrowing step, which the exploration from it then checks. Both cover `joined`, and so
/// does what they have in common; since the hint is fixed, repeated widenings still stop.
Scalar stopAtHint(const Scalar &joined, const Scalar &widened, const Scalar *hint) {
  if (hint && includes(*hint, joined))
    return meet(widened, *hint);
  return widened;
}

/// The hint's variable offset for a pointer of the same region and constant offset.
const Scalar *offsetHint(const RegisterValue &joined, const RegisterValue *hint) {
  if (!hint || !hint->isPointer() || hint->pointer.region != joined.pointer.region ||
      hint->pointer.fixedOffset != joined.pointer.fixedOffset)
    return nullptr;
  return &hint->pointer.variableOffset;
}

void widenValue(const RegisterValue &before, RegisterValue &joined,
                const std::vector<std::uint64_t> *thresholds, const RegisterValue *hint) {
  if (joined.isScalar()) {
    if (!before.isScalar()) {
      joined = RegisterValue::unknown();
      return;
    }
    const Scalar widened =
        stopAtHint(joined.scalar, widenScalar(before.scalar, joined.scalar, thresholds),
                   hint && hint->isScalar() ? &hint->scalar : nullptr);
    if (!includes(joined.scalar, widened) || !includes(widened, joined.scalar)) {
      joined.scalar = widened;
      joined.id = 0;
      joined.idDelta = 0;
    }
    return;
  }
  // A pointer whose variable offset keeps growing (a cursor moved each iteration); at
  // merge points the joins of pointers are bounded by the paths, and kept as they are.
  if (thresholds && joined.isPointer() && before.isPointer() &&
      before.pointer.fixedOffset == joined.pointer.fixedOffset)
    joined.pointer.variableOffset = stopAtHint(
        joined.pointer.variableOffset,
        widenScalar(before.pointer.variableOffset, joined.pointer.variableOffset, thresholds),
        offsetHint(joined, hint));
}

} // namespace

void widenChangedValues(const AbstractState &previous, AbstractState &joined,
                        const std::vector<std::uint64_t> *thresholds, const AbstractState *hint) {
  if (hint && hint->frames.size() != joined.frames.size())
    hint = nullptr;
  for (std::size_t f = 0; f < joined.frames.size(); ++f) {
    Frame &frame = joined.frames[f];
    const Frame &before = previous.frames[f];
    const Frame *hinted = hint ? &hint->frames[f] : nullptr;
    for (unsigned r = 0; r < registerCount; ++r)
      widenValue(before.registers[r], frame.registers[r], thresholds,
                 hinted ? &hinted->registers[r] : nullptr);
    auto &slots = frame.stack.allSlots();
    const auto &beforeSlots = before.stack.allSlots();
    static const StackSlot unwritten{};
    for (std::size_t k = 0; k < slots.size(); ++k) {
      if (slots[k].spillSize != 8)
        continue;
      const StackSlot &old = k < beforeSlots.size() ? beforeSlots[k] : unwritten;
      const StackSlot *hintSlot = hinted && k < hinted->stack.allSlots().size() &&
                                          hinted->stack.allSlots()[k].spillSize == 8
                                      ? &hinted->stack.allSlots()[k]
                                      : nullptr;
      if (old.spillSize == 8)
        widenValue(old.spilled, slots[k].spilled, thresholds,
                   hintSlot ? &hintSlot->spilled : nullptr);
      else if (slots[k].spilled.isScalar())
        slots[k].spilled = RegisterValue::unknown();
    }
  }
}

} // namespace bpfcheck::absint::detail
