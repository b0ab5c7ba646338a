// One function's 512-byte stack, byte by byte: each byte is uninitialised, holds some
// unknown data (misc), is known to be zero, or is part of a spilled register. A register
// spilled to an 8-byte aligned slot keeps its whole abstract value (pointers and bounds), so
// that it comes back intact when the slot is read with the spill's width.
#pragma once

#include "bpfcheck/absint/Value.h"

#include <array>
#include <cstdint>
#include <vector>

namespace bpfcheck::absint {

enum class StackByte : std::uint8_t { Uninitialized, Misc, Zero, Spill };

/// Eight bytes at offsets [-8(k+1), -8k) from the frame's top; bytes[0] is the lowest address.
struct StackSlot {
  std::array<StackByte, 8> bytes{};
  /// With Spill bytes: the register spilled there, `spillSize` bytes from the slot's start.
  RegisterValue spilled;
  std::uint8_t spillSize = 0;
};

class StackFrame {
public:
  static constexpr std::int64_t size = 512;

  /// Offsets are relative to the frame's top: [-512, 0).
  StackByte byteAt(std::int64_t offset) const;
  /// The slot containing the offset, if it was ever written.
  const StackSlot *slotAt(std::int64_t offset) const;

  /// Stores `bytes` bytes of `value` at a constant offset. A register spilled whole to an
  /// aligned slot (or a scalar narrower than the slot, at its start) is remembered.
  void store(std::int64_t offset, unsigned bytes, const RegisterValue &value);
  /// Bytes [first, last) may have been written with unknown data (variable-offset stores,
  /// helpers writing memory): they become misc, and spills there are forgotten.
  void clobber(std::int64_t first, std::int64_t last);
  /// Whether every byte of [first, last) was written.
  bool initialized(std::int64_t first, std::int64_t last) const;
  /// Whether some byte of [first, last) holds part of a spilled pointer.
  bool holdsPointer(std::int64_t first, std::int64_t last) const;

  /// The value a load of `bytes` bytes at a constant offset gives (uninitialised bytes read
  /// as unknown data: whether that is allowed is the caller's decision).
  RegisterValue load(std::int64_t offset, unsigned bytes, bool signExtend) const;

  /// The deepest byte ever written, as a positive depth (0: none).
  std::uint32_t depth() const { return static_cast<std::uint32_t>(slots.size() * 8); }

  /// Every slot, lowest index = nearest the top.
  const std::vector<StackSlot> &allSlots() const { return slots; }
  std::vector<StackSlot> &allSlots() { return slots; }

private:
  StackSlot &slotFor(std::int64_t offset);
  std::vector<StackSlot> slots;
};

/// Slot index and byte within the slot of a frame offset in [-512, 0).
inline std::size_t slotIndex(std::int64_t offset) {
  return static_cast<std::size_t>((-offset - 1) / 8);
}
inline unsigned byteInSlot(std::int64_t offset) {
  return static_cast<unsigned>(offset + 8 * (static_cast<std::int64_t>(slotIndex(offset)) + 1));
}

} // namespace bpfcheck::absint
