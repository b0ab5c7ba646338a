// The symbolic machine (SymbolicMachine.h): values built from absint's abstract ones, and
// memory as byte arrays.

#include "SymbolicMachine.h"

#include "bpfcheck/smt/SymbolicWord.h"

namespace bpfcheck::smt::detail {

using absint::RegionKind;
using absint::RegisterValue;

namespace {

/// The abstract scalar with its bounds as constant symbolic words, so that the domain's own
/// membership test (scalarContains) states what a member is.
absint::ScalarValue<SymbolicWords> lift(z3::context &c, const absint::Scalar &s) {
  auto w64 = [&](absint::BitWord<64> w) { return SymbolicWord<64>{c.bv_val(w.bits, 64)}; };
  auto w32 = [&](absint::BitWord<32> w) {
    return SymbolicWord<32>{c.bv_val(static_cast<std::uint64_t>(w.bits), 32)};
  };
  return {{w64(s.bits.value), w64(s.bits.mask)},
          {w64(s.unsigned64.minimum), w64(s.unsigned64.maximum)},
          {w64(s.signed64.minimum), w64(s.signed64.maximum)},
          {w32(s.unsigned32.minimum), w32(s.unsigned32.maximum)},
          {w32(s.signed32.minimum), w32(s.signed32.maximum)}};
}

z3::expr member(z3::context &c, const absint::Scalar &s, const z3::expr &x) {
  return absint::scalarContains(lift(c, s), SymbolicWord<64>{x}).e;
}

/// Where objects may start: never in the first page (no kernel object is there), and low
/// enough that an object of up to 4 GiB does not wrap past the top of the address space.
/// Nothing else is assumed: kernel addresses lie in the upper half on x86-64, so a bound
/// there would make paths that compare pointers with numbers look impossible.
constexpr std::uint64_t lowestObject = 4096;
constexpr std::uint64_t highestObject = ~std::uint64_t(0) - (std::uint64_t(1) << 32);

} // namespace

SymbolicMachine::SymbolicMachine(z3::context &context, const absint::ProgramInput &input)
    : c(context), input(input), packetMeta(fresh("packet_meta")), packetData(fresh("packet_data")),
      packetEnd(fresh("packet_end")), contextStart(fresh("ctx")),
      packetAtStart(c.constant("packet_bytes", c.array_sort(c.bv_sort(64), c.bv_sort(8)))),
      contextAtStart(c.constant("ctx_bytes", c.array_sort(c.bv_sort(64), c.bv_sort(8)))),
      packetDataAtStart(packetData), packetEndAtStart(packetEnd) {
  heap.emplace(MemorySpace::Packet, packetAtStart);
  heap.emplace(MemorySpace::Context, contextAtStart);
  for (const z3::expr &start : {packetMeta, contextStart})
    assumeObjectAddress(start);
  assumptions.push_back(z3::ule(packetMeta, packetData) && z3::ule(packetData, packetEnd) &&
                        z3::ule(packetEnd, constant(highestObject)));
}

SymbolicValue SymbolicMachine::scalar(const z3::expr &bits) const {
  SymbolicValue value(c);
  value.kind = SymbolicValue::Kind::Scalar;
  value.bits = bits;
  return value;
}

z3::expr SymbolicMachine::fresh(const std::string &name, unsigned width) {
  return c.bv_const((name + "!" + std::to_string(names++)).c_str(), width);
}

z3::expr SymbolicMachine::constant(std::uint64_t value, unsigned width) const {
  return c.bv_val(value, width);
}

void SymbolicMachine::assumeObjectAddress(const z3::expr &start) {
  assumptions.push_back(z3::uge(start, constant(lowestObject)) &&
                        z3::ule(start, constant(highestObject)));
}

z3::expr SymbolicMachine::objectFor(const absint::PointerValue &pointer, const std::string &name) {
  switch (pointer.region) {
  case RegionKind::Context:
    return contextStart;
  case RegionKind::Packet:
    return packetData;
  case RegionKind::PacketMeta:
    return packetMeta;
  case RegionKind::PacketEnd:
    return packetEnd;
  case RegionKind::Stack:
    return frames.at(pointer.frame).top - constant(absint::StackFrame::size);
  default:
    break;
  }
  if (pointer.id != 0)
    if (auto known = objectsById.find(pointer.id); known != objectsById.end())
      return known->second;
  z3::expr start = fresh(name + ".object");
  if (!absint::mayBeNullAtRun(pointer.region))
    assumeObjectAddress(start);
  if (pointer.id != 0)
    objectsById.emplace(pointer.id, start);
  return start;
}

SymbolicValue SymbolicMachine::fromAbstract(const RegisterValue &value, const std::string &name) {
  SymbolicValue symbolic(c);
  if (value.isScalar()) {
    symbolic.kind = SymbolicValue::Kind::Scalar;
    if (value.id != 0) {
      // Linked copies: each is the identity's common base plus its delta.
      auto [base, inserted] = scalarsById.try_emplace(value.id, c);
      if (inserted)
        base->second = fresh(name + ".base");
      symbolic.bits = base->second + constant(static_cast<std::uint64_t>(value.idDelta));
    } else {
      symbolic.bits = fresh(name);
    }
    assumptions.push_back(member(c, value.scalar, symbolic.bits));
    return symbolic;
  }
  if (!value.isPointer())
    return symbolic;
  const absint::PointerValue &pointer = value.pointer;
  symbolic.kind = SymbolicValue::Kind::Pointer;
  symbolic.region = pointer.region;
  symbolic.frame = pointer.frame;
  symbolic.map = pointer.map;
  const z3::expr start = objectFor(pointer, name);
  symbolic.objectStart = start;
  const z3::expr variable = fresh(name + ".var");
  assumptions.push_back(member(c, pointer.variableOffset, variable));
  // The object's start, the fixed offset, and the variable part.
  z3::expr origin = start;
  switch (pointer.region) {
  case RegionKind::Stack:
    origin = frames.at(pointer.frame).top;
    symbolic.objectSize = absint::StackFrame::size;
    break;
  case RegionKind::MapValue:
    symbolic.objectSize = input.maps.at(pointer.map).valueSize;
    break;
  case RegionKind::MapKey:
  case RegionKind::Memory:
  case RegionKind::RingbufRecord:
    symbolic.objectSize = pointer.size;
    break;
  default:
    break;
  }
  const z3::expr address =
      origin + constant(static_cast<std::uint64_t>(pointer.fixedOffset)) + variable;
  // The packet range proven from this pointer's variable part.
  if (pointer.region == RegionKind::Packet || pointer.region == RegionKind::PacketMeta) {
    const z3::expr limit = pointer.region == RegionKind::Packet ? packetEnd : packetData;
    const z3::expr reach = z3::zext(start, 2) + z3::zext(variable, 2) +
                           c.bv_val(static_cast<std::uint64_t>(pointer.packetRange), 66);
    if (pointer.packetRange != 0)
      assumptions.push_back(z3::ule(reach, z3::zext(limit, 2)));
  }
  if (pointer.maybeNull) {
    const z3::expr isNull = c.bool_const((name + ".null!" + std::to_string(names++)).c_str());
    symbolic.bits = z3::ite(isNull, constant(0), address);
  } else {
    symbolic.bits = address;
  }
  return symbolic;
}

SymbolicValue SymbolicMachine::globalData(std::uint32_t map, std::uint32_t offset) {
  auto [start, inserted] = mapData.try_emplace(map, c);
  if (inserted) {
    start->second = fresh("map" + std::to_string(map) + ".data");
    assumeObjectAddress(start->second);
  }
  SymbolicValue pointer = scalar(start->second + constant(offset));
  pointer.kind = SymbolicValue::Kind::Pointer;
  pointer.region = RegionKind::MapValue;
  pointer.map = map;
  pointer.objectStart = start->second;
  pointer.objectSize = input.maps.at(map).valueSize;
  return pointer;
}

SymbolicFrame SymbolicMachine::newFrame(std::uint32_t returnTo) {
  const std::string name = "frame" + std::to_string(frames.size());
  SymbolicFrame frame{std::vector<SymbolicValue>(absint::registerCount, uninitialized()),
                      fresh(name + ".top"),
                      c.constant((name + ".stack!" + std::to_string(names++)).c_str(),
                                 c.array_sort(c.bv_sort(64), c.bv_sort(8))),
                      {},
                      returnTo};
  assumeObjectAddress(frame.top - constant(absint::StackFrame::size));
  SymbolicValue framePointer = scalar(frame.top);
  framePointer.kind = SymbolicValue::Kind::Pointer;
  framePointer.region = RegionKind::Stack;
  framePointer.frame = static_cast<std::uint32_t>(frames.size());
  framePointer.objectStart = frame.top - constant(absint::StackFrame::size);
  framePointer.objectSize = absint::StackFrame::size;
  frame.registers[absint::framePointer] = framePointer;
  return frame;
}

void SymbolicMachine::startFrom(const absint::AbstractState &state) {
  // Frames first (stack pointers refer to them), then their contents.
  for (const absint::Frame &abstract : state.frames)
    frames.push_back(newFrame(abstract.returnTo));
  for (std::size_t f = 0; f < state.frames.size(); ++f) {
    const absint::Frame &abstract = state.frames[f];
    const std::string name = "frame" + std::to_string(f);
    for (unsigned r = 0; r < absint::framePointer; ++r)
      frames[f].registers[r] = fromAbstract(abstract.registers[r], name + ".r" + std::to_string(r));
    const auto &slots = abstract.stack.allSlots();
    for (std::size_t k = 0; k < slots.size(); ++k) {
      const absint::StackSlot &slot = slots[k];
      const std::int64_t slotStart = -8 * static_cast<std::int64_t>(k + 1);
      const z3::expr slotAddress = frames[f].top + constant(static_cast<std::uint64_t>(slotStart));
      std::optional<SymbolicValue> spilled;
      if (slot.spillSize != 0) {
        spilled = fromAbstract(slot.spilled, name + ".fp" + std::to_string(slotStart));
        if (spilled->isPointer() && slot.spillSize == 8)
          frames[f].spills.emplace(slotStart, *spilled);
      }
      for (unsigned b = 0; b < 8; ++b) {
        const z3::expr byte = z3::select(frames[f].stack, slotAddress + constant(b));
        if (slot.bytes[b] == absint::StackByte::Zero)
          assumptions.push_back(byte == c.bv_val(0, 8));
        else if (slot.bytes[b] == absint::StackByte::Spill && spilled && b < slot.spillSize)
          assumptions.push_back(byte == spilled->bits.extract(8 * b + 7, 8 * b));
      }
    }
  }
}

z3::expr &SymbolicMachine::memoryOf(const SymbolicValue &pointer) {
  const auto arrays = c.array_sort(c.bv_sort(64), c.bv_sort(8));
  switch (pointer.region) {
  case RegionKind::Stack:
    return frames.at(pointer.frame).stack;
  case RegionKind::MapValue: {
    auto [found, inserted] = mapValues.try_emplace(pointer.map, c);
    if (inserted)
      found->second = c.constant(
          ("map" + std::to_string(pointer.map) + ".values!" + std::to_string(names++)).c_str(),
          arrays);
    return found->second;
  }
  default:
    break;
  }
  const MemorySpace space = pointer.region == RegionKind::Context     ? MemorySpace::Context
                            : absint::isPacketPointer(pointer.region) ? MemorySpace::Packet
                            : pointer.region == RegionKind::MapKey    ? MemorySpace::MapKey
                                                                      : MemorySpace::Other;
  auto [found, inserted] = heap.try_emplace(space, c);
  if (inserted)
    found->second = c.constant(("memory!" + std::to_string(names++)).c_str(), arrays);
  return found->second;
}

z3::expr SymbolicMachine::read(const z3::expr &memory, const z3::expr &address,
                               unsigned bytes) const {
  z3::expr value = z3::select(memory, address);
  for (unsigned b = 1; b < bytes; ++b)
    value = z3::concat(z3::select(memory, address + constant(b)), value);
  return value;
}

z3::expr SymbolicMachine::write(const z3::expr &memory, const z3::expr &address,
                                const z3::expr &value, unsigned bytes) const {
  z3::expr updated = memory;
  for (unsigned b = 0; b < bytes; ++b)
    updated = z3::store(updated, address + constant(b), value.extract(8 * b + 7, 8 * b));
  return updated;
}

z3::expr SymbolicMachine::havoc(const z3::expr &memory, const z3::expr &first,
                                const z3::expr &length, const std::string &name) {
  const z3::expr unknown =
      c.constant((name + "!" + std::to_string(names++)).c_str(), memory.get_sort());
  const z3::expr at = c.bv_const("at", 64);
  const z3::expr inside = z3::ult(at - first, length);
  return z3::lambda(at, z3::ite(inside, z3::select(unknown, at), z3::select(memory, at)));
}

void SymbolicMachine::havocHeap(bool packetMoved) {
  const auto arrays = c.array_sort(c.bv_sort(64), c.bv_sort(8));
  for (auto &[space, memory] : heap)
    memory = c.constant(("memory!" + std::to_string(names++)).c_str(), arrays);
  for (auto &[map, memory] : mapValues)
    memory = c.constant(
        ("map" + std::to_string(map) + ".values!" + std::to_string(names++)).c_str(), arrays);
  if (packetMoved) {
    packetMeta = fresh("packet_meta");
    packetData = fresh("packet_data");
    packetEnd = fresh("packet_end");
    assumeObjectAddress(packetMeta);
    assumptions.push_back(z3::ule(packetMeta, packetData) && z3::ule(packetData, packetEnd) &&
                          z3::ule(packetEnd, constant(highestObject)));
  }
}

std::optional<std::pair<z3::expr, z3::expr>>
SymbolicMachine::bounds(const SymbolicValue &pointer) const {
  switch (pointer.region) {
  case RegionKind::Packet:
    return std::pair{packetData, packetEnd};
  case RegionKind::PacketMeta:
    return std::pair{packetMeta, packetData};
  default:
    break;
  }
  if (!pointer.objectStart || pointer.objectSize == 0)
    return std::nullopt;
  return std::pair{*pointer.objectStart, *pointer.objectStart + constant(pointer.objectSize)};
}

} // namespace bpfcheck::smt::detail
