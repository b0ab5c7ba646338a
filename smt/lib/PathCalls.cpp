// Calls and returns on the symbolic machine, and the bounds of the obligation's access
// (PathEncoder.h). A call absint did not enter is a step outside the program: its result is
// what absint knew of it, and what it may write is forgotten.

#include "PathEncoder.h"

#include "bpfcheck/platform/Helpers.h"

namespace bpfcheck::smt::detail {

using absint::PathStep;
using absint::RegionKind;

namespace {

/// Whether the helper only reads the stack memory an argument of this kind points to. Keys,
/// values, strings and plain memory say so in their flags (bpf_map_pop_elem writes its value
/// argument); other kinds (a dynptr, a callback's context) may have it written.
bool onlyRead(const HelperArg &argument) {
  switch (argument.kind) {
  case ArgKind::MapKey:
  case ArgKind::MapValue:
  case ArgKind::ConstString:
  case ArgKind::Memory:
    return !argument.writesMemory();
  default:
    return false;
  }
}

} // namespace

std::optional<std::uint32_t> PathEncoder::executeCall(const Call &call, std::uint32_t index) {
  // Stack memory each argument lets the callee write: (register, bytes; none: all of it).
  std::vector<std::pair<unsigned, std::optional<z3::expr>>> writes;
  auto stackArgument = [&](unsigned r) {
    const SymbolicValue &value = reg(r);
    return value.isPointer() && value.region == RegionKind::Stack;
  };
  switch (call.kind) {
  case Call::Kind::Helper: {
    const HelperPrototype *helper = findHelper(static_cast<std::uint32_t>(call.imm));
    if (!helper)
      gap(index, "calls a helper smt does not know");
    if (helper->callback != HelperCallback::None)
      gap(index, "calls a helper with a callback, which smt does not follow yet");
    const PathStep *result = nextStep(PathStep::Kind::Result, index);
    if (!result)
      gap(index, "has no result on the trail");
    for (unsigned a = 0; a < 5; ++a) {
      const unsigned r = a + 1;
      if (!stackArgument(r) || onlyRead(helper->args[a]))
        continue;
      std::optional<z3::expr> length;
      const HelperArg &argument = helper->args[a];
      if (argument.kind == ArgKind::Memory && (argument.flags & FixedSize))
        length = machine.constant(argument.size);
      else if (argument.kind == ArgKind::Memory && a + 1 < 5 &&
               (helper->args[a + 1].kind == ArgKind::ConstSize ||
                helper->args[a + 1].kind == ArgKind::ConstSizeOrZero) &&
               reg(r + 1).kind != SymbolicValue::Kind::Uninitialized)
        length = reg(r + 1).bits;
      writes.emplace_back(r, length);
    }
    callOutside(index, *result, helper->changesPacketData, writes);
    return index + 1;
  }
  case Call::Kind::Kfunc: {
    const PathStep *result = nextStep(PathStep::Kind::Result, index);
    if (!result)
      gap(index, "has no result on the trail");
    for (unsigned r = 1; r <= 5; ++r)
      if (stackArgument(r))
        writes.emplace_back(r, std::nullopt);
    callOutside(index, *result, true, writes);
    return index + 1;
  }
  case Call::Kind::Local:
    break;
  }
  // A global function is verified on its own: absint did not enter it.
  if (const PathStep *result = nextStep(PathStep::Kind::Result, index)) {
    for (unsigned r = 1; r <= 5; ++r)
      if (stackArgument(r))
        writes.emplace_back(r, std::nullopt);
    callOutside(index, *result, true, writes);
    return index + 1;
  }
  const std::optional<std::uint32_t> entry =
      input.code->targetIndexOf(input.code->instructions[index]);
  if (!entry)
    gap(index, "calls outside the program");
  SymbolicFrame callee = machine.newFrame(index + 1);
  for (unsigned r = 1; r <= 5; ++r)
    callee.registers[r] = reg(r);
  machine.frames.push_back(std::move(callee));
  return *entry;
}

void PathEncoder::callOutside(
    std::uint32_t index, const PathStep &result, bool packetMoved,
    const std::vector<std::pair<unsigned, std::optional<z3::expr>>> &writes) {
  for (const auto &[r, length] : writes) {
    const SymbolicValue &pointer = reg(r);
    SymbolicFrame &frame = machine.frames.at(pointer.frame);
    const std::string name = "insn" + std::to_string(index) + ".writes";
    if (length) {
      frame.stack = machine.havoc(frame.stack, pointer.bits, *length, name);
      // Spills the write may reach are gone.
      std::uint64_t bytes = 0;
      const std::optional<std::int64_t> at = stackOffset(pointer, pointer.bits);
      if (!at || !length->simplify().is_numeral_u64(bytes)) {
        frame.spills.clear();
        continue;
      }
      for (auto spill = frame.spills.begin(); spill != frame.spills.end();)
        spill = spill->first < *at + static_cast<std::int64_t>(bytes) && *at < spill->first + 8
                    ? frame.spills.erase(spill)
                    : std::next(spill);
    } else {
      frame.stack = machine.havoc(frame.stack, frame.top - machine.constant(512),
                                  machine.constant(512), name);
      frame.spills.clear();
    }
  }
  machine.havocHeap(packetMoved);
  SymbolicValue value = machine.fromAbstract(result.result, "insn" + std::to_string(index));
  externalResults.push_back({index, value.bits, value.isPointer()});
  reg(0) = std::move(value);
  for (unsigned r = 1; r <= 5; ++r)
    reg(r) = machine.uninitialized();
}

std::optional<std::uint32_t> PathEncoder::executeExit(std::uint32_t index) {
  if (machine.frames.size() == 1)
    return std::nullopt;
  const SymbolicValue returned = readRegister(0, index);
  const std::uint32_t returnTo = machine.frames.back().returnTo;
  machine.frames.pop_back();
  reg(0) = returned;
  for (unsigned r = 1; r <= 5; ++r)
    reg(r) = machine.uninitialized();
  return returnTo;
}

z3::expr PathEncoder::accessOutside(std::uint32_t index) {
  const Instruction &insn = input.code->instructions[index].insn;
  unsigned base = 0;
  std::int16_t offset = 0;
  unsigned bytes = 0;
  if (const auto *load = std::get_if<Load>(&insn))
    std::tie(base, offset, bytes) =
        std::tuple(load->base.index, load->offset, unsigned(load->width));
  else if (const auto *store = std::get_if<Store>(&insn))
    std::tie(base, offset, bytes) =
        std::tuple(store->base.index, store->offset, unsigned(store->width));
  else if (const auto *atomic = std::get_if<Atomic>(&insn))
    std::tie(base, offset, bytes) =
        std::tuple(atomic->base.index, atomic->offset, unsigned(atomic->width));
  else
    gap(index, "is not a memory access");
  const SymbolicValue &pointer = pointerIn(base, index);
  touchesPacket = touchesPacket || absint::isPacketPointer(pointer.region);
  const auto extent = machine.bounds(pointer);
  if (!extent)
    gap(index, "accesses memory whose extent smt does not know");
  // In 66 bits, so that nothing wraps.
  auto wide = [](const z3::expr &e) { return z3::zext(e, 2); };
  const z3::expr first =
      wide(pointer.bits) + z3::sext(machine.constant(static_cast<std::uint64_t>(offset)), 2);
  const z3::expr last = first + machine.c.bv_val(bytes, 66);
  return z3::ult(first, wide(extent->first)) || z3::ugt(last, wide(extent->second));
}

} // namespace bpfcheck::smt::detail
