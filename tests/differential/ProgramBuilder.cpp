// How the builder keeps its facts: merging them where paths meet, encoding instructions,
// and recording what stores, spills and branches teach about registers and the stack.
#include "ProgramBuilder.h"

#include <cassert>
#include <limits>

namespace bpfcheck::differential {
namespace {

Role mergeRoles(Role a, Role b) {
  if (a == b)
    return a;
  const auto isValue = [](Role role) { return role == Role::Value || role == Role::ValueOrNull; };
  return isValue(a) && isValue(b) ? Role::ValueOrNull : Role::Unusable;
}

} // namespace

Facts merge(const Facts &a, const Facts &b) {
  if (!a.reachable)
    return b;
  if (!b.reachable)
    return a;
  Facts merged;
  for (std::size_t r = 0; r < merged.roles.size(); ++r)
    merged.roles[r] = mergeRoles(a.roles[r], b.roles[r]);
  merged.imprecise = a.imprecise | b.imprecise;
  merged.onlyBits = a.onlyBits & b.onlyBits;
  merged.plain = a.plain & b.plain;
  merged.stackWritten = a.stackWritten & b.stackWritten;
  for (std::size_t slot = 0; slot < merged.spills.size(); ++slot)
    if (a.spills[slot] == b.spills[slot])
      merged.spills[slot] = a.spills[slot];
  merged.pointerSlots = a.pointerSlots | b.pointerSlots;
  return merged;
}

std::uint8_t sizeCode(unsigned bytes) {
  switch (bytes) {
  case 1:
    return enc::SizeB;
  case 2:
    return enc::SizeH;
  case 4:
    return enc::SizeW;
  default:
    return enc::SizeDW;
  }
}

std::uint8_t aluClass(bool is64) {
  return is64 ? enc::ClassAlu64 : enc::ClassAlu;
}

RawInstruction aluImm(bool is64, std::uint8_t operation, std::uint8_t dst, std::int32_t imm,
                      std::int16_t offset) {
  return RawInstruction::make(aluClass(is64) | operation | enc::SourceK, dst, 0, offset, imm);
}

RawInstruction aluReg(bool is64, std::uint8_t operation, std::uint8_t dst, std::uint8_t src,
                      std::int16_t offset) {
  return RawInstruction::make(aluClass(is64) | operation | enc::SourceX, dst, src, offset, 0);
}

RawInstruction load(unsigned size, std::uint8_t dst, std::uint8_t base, std::int16_t offset,
                    bool signExtend) {
  const std::uint8_t mode = signExtend && size < 8 ? enc::ModeMemSx : enc::ModeMem;
  return RawInstruction::make(enc::ClassLdx | mode | sizeCode(size), dst, base, offset, 0);
}

RawInstruction storeImm(unsigned size, std::uint8_t base, std::int16_t offset, std::int32_t imm) {
  return RawInstruction::make(enc::ClassSt | enc::ModeMem | sizeCode(size), base, 0, offset, imm);
}

RawInstruction storeReg(unsigned size, std::uint8_t base, std::int16_t offset, std::uint8_t src) {
  return RawInstruction::make(enc::ClassStx | enc::ModeMem | sizeCode(size), base, src, offset, 0);
}

RawInstruction call(std::int32_t helper) {
  return RawInstruction::make(enc::ClassJmp | enc::JmpCall, 0, 0, 0, helper);
}

RawInstruction exitInstruction() {
  return RawInstruction::make(enc::ClassJmp | enc::JmpExit, 0, 0, 0, 0);
}

std::int32_t ProgramBuilder::interestingImmediate() {
  switch (below(7)) {
  case 0:
    return std::int32_t(below(17));
  case 1:
    return -std::int32_t(1 + below(16));
  case 2:
    return std::int32_t(1u << below(31));
  case 3:
    return std::int32_t((1u << below(31)) - 1);
  case 4:
    return pick<std::int32_t>({std::numeric_limits<std::int32_t>::max(),
                               std::numeric_limits<std::int32_t>::min(), -1, 0xffff, 0x8000,
                               -0x8000, 0x7f, -0x80});
  default:
    return std::int32_t(below(256));
  }
}

std::uint64_t ProgramBuilder::interestingWide() {
  switch (below(4)) {
  case 0:
    return engine();
  case 1:
    return std::uint64_t(1) << below(64);
  case 2:
    return (std::uint64_t(1) << below(64)) - 1;
  default:
    return pick<std::uint64_t>({0x8000000000000000ull, 0xffffffff00000000ull, 0x100000000ull,
                                0xffffffffull, 0x7fffffffffffffffull});
  }
}

std::int32_t ProgramBuilder::returnValue() {
  switch (program.type) {
  case ProgramType::Xdp:
    return std::int32_t(below(5)); // XDP_ABORTED .. XDP_REDIRECT
  case ProgramType::SocketFilter:
    return pick<std::int32_t>({0, 1, 64, 0xffff});
  default:
    return std::int32_t(below(2));
  }
}

bool ProgramBuilder::isExcluded(std::uint8_t reg,
                                std::initializer_list<std::uint8_t> excluded) const {
  for (std::uint8_t other : excluded)
    if (other == reg)
      return true;
  return false;
}

std::optional<std::uint8_t>
ProgramBuilder::registerWith(Role role, std::initializer_list<std::uint8_t> excluded) {
  std::vector<std::uint8_t> candidates;
  for (std::uint8_t reg = 0; reg < enc::RegisterCount; ++reg)
    if (facts.roles[reg] == role && !reserved[reg] && !isExcluded(reg, excluded))
      candidates.push_back(reg);
  if (candidates.empty())
    return std::nullopt;
  return candidates[below(candidates.size())];
}

std::optional<std::uint8_t> ProgramBuilder::scalar(std::initializer_list<std::uint8_t> excluded) {
  return registerWith(Role::Scalar, excluded);
}

std::optional<std::uint8_t>
ProgramBuilder::preciseScalar(std::initializer_list<std::uint8_t> excluded, bool plain) {
  std::vector<std::uint8_t> candidates;
  for (std::uint8_t reg = 0; reg < enc::RegisterCount; ++reg)
    if (facts.roles[reg] == Role::Scalar && !facts.imprecise[reg] && (!plain || facts.plain[reg]) &&
        !reserved[reg] && !isExcluded(reg, excluded))
      candidates.push_back(reg);
  if (candidates.empty())
    return std::nullopt;
  return candidates[below(candidates.size())];
}

void ProgramBuilder::refined(std::uint8_t reg) {
  facts.onlyBits.reset(reg);
  facts.plain.reset(reg);
}

void ProgramBuilder::defineScalar(std::uint8_t reg, bool imprecise, bool onlyBits, bool plain) {
  facts.roles[reg] = Role::Scalar;
  facts.imprecise[reg] = imprecise;
  facts.onlyBits[reg] = onlyBits;
  facts.plain[reg] = plain || onlyBits;
}

std::uint8_t ProgramBuilder::destination(std::initializer_list<std::uint8_t> excluded) {
  if (percent(70))
    if (auto reg = scalar(excluded); reg && *reg != ValueRegister && *reg != ContextRegister)
      return *reg;
  std::vector<std::uint8_t> candidates;
  for (std::uint8_t reg : WorkRegisters)
    if (!reserved[reg] && !isExcluded(reg, excluded))
      candidates.push_back(reg);
  return candidates[below(candidates.size())];
}

void ProgramBuilder::markValueNonNull(Facts &state) const {
  for (Role &role : state.roles)
    if (role == Role::ValueOrNull)
      role = Role::Value;
}

void ProgramBuilder::emit(RawInstruction insn) {
  assert(facts.reachable && "an instruction after an exit must be a branch target");
  program.slots.push_back(insn);
}

void ProgramBuilder::emitWide(std::uint8_t dst, std::uint8_t src, std::uint64_t value) {
  emit(RawInstruction::make(enc::ClassLd | enc::ModeImm | enc::SizeDW, dst, src, 0,
                            std::int32_t(std::uint32_t(value))));
  emit(RawInstruction::make(0, 0, 0, 0, std::int32_t(std::uint32_t(value >> 32))));
}

std::size_t ProgramBuilder::newLabel() {
  labels.emplace_back();
  return labels.size() - 1;
}

void ProgramBuilder::jump(bool is32, std::uint8_t operation, std::uint8_t dst,
                          std::optional<std::uint8_t> src, std::int32_t imm, std::size_t label) {
  jumpWith(is32, operation, dst, src, imm, label, facts);
}

void ProgramBuilder::jumpWith(bool is32, std::uint8_t operation, std::uint8_t dst,
                              std::optional<std::uint8_t> src, std::int32_t imm, std::size_t label,
                              const Facts &taken) {
  const std::uint8_t opcode =
      (is32 ? enc::ClassJmp32 : enc::ClassJmp) | operation | (src ? enc::SourceX : enc::SourceK);
  labels[label].jumps.push_back(program.slots.size());
  labels[label].incoming = merge(labels[label].incoming, taken);
  emit(RawInstruction::make(opcode, dst, src.value_or(0), 0, src ? 0 : imm));
}

void ProgramBuilder::bind(std::size_t label) {
  labels[label].slot = program.slots.size();
  facts = merge(facts, labels[label].incoming);
}

void ProgramBuilder::resolveJumps() {
  for (const Label &label : labels) {
    for (std::size_t jumpSlot : label.jumps) {
      assert(label.slot && *label.slot > jumpSlot);
      program.slots[jumpSlot].offset = std::int16_t(*label.slot - jumpSlot - 1);
    }
  }
}

void ProgramBuilder::writeEarlyExit() {
  emit(aluImm(true, enc::AluMov, 0, program.type == ProgramType::Xdp ? XdpDrop : 0));
  emit(exitInstruction());
  facts.reachable = false;
}

void ProgramBuilder::clobberCallerSaved(Role result) {
  for (std::uint8_t reg = 1; reg <= 5; ++reg)
    facts.roles[reg] = Role::Unusable;
  facts.roles[0] = result;
  facts.imprecise[0] = false;
}

void ProgramBuilder::markStack(std::int32_t offset, unsigned size) {
  for (unsigned i = 0; i < size; ++i) {
    const std::int32_t byte = offset + std::int32_t(i) + StackBytes;
    if (byte >= 0 && byte < StackBytes)
      facts.stackWritten.set(std::size_t(byte));
  }
}

bool ProgramBuilder::stackWritten(std::int32_t offset, unsigned size) const {
  for (unsigned i = 0; i < size; ++i) {
    const std::int32_t byte = offset + std::int32_t(i) + StackBytes;
    if (byte < 0 || byte >= StackBytes || !facts.stackWritten.test(std::size_t(byte)))
      return false;
  }
  return true;
}

void ProgramBuilder::storeToStack(unsigned size, std::int16_t offset,
                                  std::optional<std::uint8_t> source, std::int32_t imm) {
  if (source)
    emit(storeReg(size, FramePointer, offset, *source));
  else
    emit(storeImm(size, FramePointer, offset, imm));
  markStack(offset, size);
  if (offset >= 0 || offset < -StackBytes)
    return;
  const std::size_t first = std::size_t(offset + StackBytes) / 8;
  const std::size_t last = std::size_t(offset + StackBytes + int(size) - 1) / 8;
  for (std::size_t slot = first; slot <= last && slot < facts.spills.size(); ++slot)
    facts.spills[slot].reset();
  if (offset % 8 == 0)
    facts.spills[first] = Spill{size, source && facts.imprecise[*source]};
  if (offset % 8 == 0 && size == 8)
    facts.pointerSlots.reset(first); // a pointer there is gone; a part of one would remain
}

bool ProgramBuilder::stackReadIsPrecise(std::int16_t offset, unsigned size) const {
  if (offset >= 0 || offset < -StackBytes || offset % 8 != 0)
    return false;
  const auto &spill = facts.spills[std::size_t(offset + StackBytes) / 8];
  return spill && spill->size >= size && !spill->imprecise;
}

std::optional<std::int16_t> ProgramBuilder::pointerSlotUnder(std::int16_t offset,
                                                             unsigned size) const {
  if (offset >= 0 || offset < -StackBytes)
    return std::nullopt;
  const std::size_t first = std::size_t(offset + StackBytes) / 8;
  const std::size_t last = std::size_t(offset + StackBytes + int(size) - 1) / 8;
  for (std::size_t slot = first; slot <= last && slot < facts.pointerSlots.size(); ++slot)
    if (facts.pointerSlots.test(slot))
      return std::int16_t(int(slot) * 8 - StackBytes);
  return std::nullopt;
}

} // namespace bpfcheck::differential
