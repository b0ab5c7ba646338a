// The byte-granular stack of one frame.

#include "bpfcheck/absint/StackFrame.h"

#include "bpfcheck/absint/ScalarConversions.h"

namespace bpfcheck::absint {

namespace {

/// A spill is kept only while all of it is intact; a write to part of it leaves the rest as
/// unknown data.
void forgetSpill(StackSlot &slot) {
  for (StackByte &byte : slot.bytes)
    if (byte == StackByte::Spill)
      byte = StackByte::Misc;
  slot.spilled = RegisterValue::uninitialized();
  slot.spillSize = 0;
}

} // namespace

StackByte StackFrame::byteAt(std::int64_t offset) const {
  const StackSlot *slot = slotAt(offset);
  return slot ? slot->bytes[byteInSlot(offset)] : StackByte::Uninitialized;
}

const StackSlot *StackFrame::slotAt(std::int64_t offset) const {
  const std::size_t index = slotIndex(offset);
  return index < slots.size() ? &slots[index] : nullptr;
}

StackSlot &StackFrame::slotFor(std::int64_t offset) {
  const std::size_t index = slotIndex(offset);
  if (index >= slots.size())
    slots.resize(index + 1);
  return slots[index];
}

void StackFrame::store(std::int64_t offset, unsigned bytes, const RegisterValue &value) {
  for (std::int64_t at = offset; at < offset + bytes; ++at) {
    StackSlot &slot = slotFor(at);
    if (slot.spillSize != 0)
      forgetSpill(slot);
  }
  const bool aligned = byteInSlot(offset) == 0;
  if (aligned && bytes == 8 && (value.isScalar() || value.isPointer())) {
    StackSlot &slot = slotFor(offset);
    slot.bytes.fill(StackByte::Spill);
    slot.spilled = value;
    slot.spillSize = 8;
    return;
  }
  if (aligned && value.isScalar()) {
    // A narrow spill keeps the stored bytes' value: the scalar truncated to them (with its
    // identity when nothing was cut off).
    StackSlot &slot = slotFor(offset);
    for (unsigned i = 0; i < bytes; ++i)
      slot.bytes[i] = StackByte::Spill;
    const bool fits = value.scalar.unsigned64.maximum.bits < (std::uint64_t(1) << (8 * bytes));
    slot.spilled = fits ? value : RegisterValue::ofScalar(scalarTruncate(value.scalar, 8 * bytes));
    slot.spillSize = static_cast<std::uint8_t>(bytes);
    return;
  }
  const StackByte written = value.isNull() ? StackByte::Zero : StackByte::Misc;
  for (std::int64_t at = offset; at < offset + bytes; ++at)
    slotFor(at).bytes[byteInSlot(at)] = written;
}

void StackFrame::clobber(std::int64_t first, std::int64_t last) {
  for (std::int64_t at = first; at < last; ++at) {
    StackSlot &slot = slotFor(at);
    if (slot.spillSize != 0)
      forgetSpill(slot);
    slot.bytes[byteInSlot(at)] = StackByte::Misc;
  }
}

bool StackFrame::initialized(std::int64_t first, std::int64_t last) const {
  for (std::int64_t at = first; at < last; ++at)
    if (byteAt(at) == StackByte::Uninitialized)
      return false;
  return true;
}

bool StackFrame::holdsPointer(std::int64_t first, std::int64_t last) const {
  for (std::int64_t at = first; at < last; ++at) {
    const StackSlot *slot = slotAt(at);
    if (slot && slot->bytes[byteInSlot(at)] == StackByte::Spill && slot->spilled.isPointer())
      return true;
  }
  return false;
}

RegisterValue StackFrame::load(std::int64_t offset, unsigned bytes, bool signExtend) const {
  auto widen = [&](const Scalar &narrow) {
    if (bytes == 8)
      return narrow;
    return signExtend ? scalarSignExtend(narrow, 8 * bytes, true) : narrow;
  };
  const StackSlot *slot = slotAt(offset);
  if (slot && byteInSlot(offset) == 0 && slot->spillSize >= bytes) {
    bool intact = true;
    for (unsigned i = 0; i < bytes; ++i)
      intact = intact && slot->bytes[i] == StackByte::Spill;
    if (intact) {
      if (slot->spilled.isPointer())
        return bytes == 8 ? slot->spilled : RegisterValue::ofScalar(widen(scalarOfBytes(bytes)));
      const bool fits = bytes == 8 || slot->spilled.scalar.unsigned64.maximum.bits <
                                          (std::uint64_t(1) << (8 * bytes));
      if ((bytes == slot->spillSize || fits) && !signExtend)
        return slot->spilled; // the same value, with its identity
      return RegisterValue::ofScalar(widen(scalarTruncate(slot->spilled.scalar, 8 * bytes)));
    }
  }
  // Bytes of a spilled constant are known wherever they are read from.
  if (slot && slot->spillSize != 0 && slot->spilled.isScalar() &&
      isConstant(slot->spilled.scalar) && byteInSlot(offset) + bytes <= slot->spillSize) {
    const std::uint64_t whole = slot->spilled.scalar.bits.value.bits;
    const unsigned shift = 8 * byteInSlot(offset);
    const std::uint64_t mask =
        bytes == 8 ? ~std::uint64_t(0) : (std::uint64_t(1) << (8 * bytes)) - 1;
    return RegisterValue::ofScalar(widen(constantScalar((whole >> shift) & mask)));
  }
  bool allZero = true;
  for (std::int64_t at = offset; at < offset + bytes; ++at)
    allZero = allZero && byteAt(at) == StackByte::Zero;
  if (allZero)
    return RegisterValue::constant(0);
  return RegisterValue::ofScalar(widen(scalarOfBytes(bytes)));
}

} // namespace bpfcheck::absint
