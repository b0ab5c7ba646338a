// Widening: what makes the joins at a loop head or a busy merge point stop growing. A bound
// that moved since the previous state jumps out, to the next threshold (a constant the
// program compares with, or a neighbour of one) at summarised loop heads, to the end of its
// range elsewhere; the tnum only ever loses known bits, so it stabilises by itself.

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

void widenValue(const RegisterValue &before, RegisterValue &joined,
                const std::vector<std::uint64_t> *thresholds) {
  if (joined.isScalar()) {
    if (!before.isScalar()) {
      joined = RegisterValue::unknown();
      return;
    }
    const Scalar widened = widenScalar(before.scalar, joined.scalar, thresholds);
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
    joined.pointer.variableOffset =
        widenScalar(before.pointer.variableOffset, joined.pointer.variableOffset, thresholds);
}

} // namespace

void widenChangedValues(const AbstractState &previous, AbstractState &joined,
                        const std::vector<std::uint64_t> *thresholds) {
  for (std::size_t f = 0; f < joined.frames.size(); ++f) {
    Frame &frame = joined.frames[f];
    const Frame &before = previous.frames[f];
    for (unsigned r = 0; r < registerCount; ++r)
      widenValue(before.registers[r], frame.registers[r], thresholds);
    auto &slots = frame.stack.allSlots();
    const auto &beforeSlots = before.stack.allSlots();
    static const StackSlot unwritten{};
    for (std::size_t k = 0; k < slots.size(); ++k) {
      if (slots[k].spillSize != 8)
        continue;
      const StackSlot &old = k < beforeSlots.size() ? beforeSlots[k] : unwritten;
      if (old.spillSize == 8)
        widenValue(old.spilled, slots[k].spilled, thresholds);
      else if (slots[k].spilled.isScalar())
        slots[k].spilled = RegisterValue::unknown();
    }
  }
}

} // namespace bpfcheck::absint::detail
