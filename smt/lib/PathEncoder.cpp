// The path's instructions on the symbolic machine (PathEncoder.h).

#include "PathEncoder.h"

#include "bpfcheck/ir/Printer.h"
#include "bpfcheck/platform/Helpers.h"
#include "bpfcheck/smt/AluSemantics.h"

namespace bpfcheck::smt::detail {

using absint::PathStep;
using absint::RegionKind;

namespace {

/// Instructions one path may execute before the encoder gives up on it.
constexpr std::size_t maximumInstructions = 200'000;

unsigned bytesOf(Width width) {
  return static_cast<unsigned>(width);
}

z3::expr extendLoaded(const z3::expr &loaded, unsigned bytes, bool signExtend) {
  if (bytes == 8)
    return loaded;
  return signExtend ? z3::sext(loaded, 64 - 8 * bytes) : z3::zext(loaded, 64 - 8 * bytes);
}

} // namespace

PathEncoder::PathEncoder(SymbolicMachine &machine, const absint::ProgramInput &input,
                         std::chrono::steady_clock::time_point deadline)
    : machine(machine), input(input), deadline(deadline) {}

void PathEncoder::gap(std::uint32_t index, const std::string &what) const {
  throw EncodingGap{"the path's insn " + std::to_string(input.code->instructions[index].pc) + " (" +
                    printInstruction(input.code->instructions[index].insn) + ") " + what};
}

const PathStep *PathEncoder::nextStep(PathStep::Kind kind, std::uint32_t index) {
  if (cursor < steps->size() && (*steps)[cursor].kind == kind && (*steps)[cursor].index == index)
    return &(*steps)[cursor++];
  return nullptr;
}

void PathEncoder::follow(const absint::Obligation &obligation) {
  const absint::ObligationPath &path = obligation.path;
  if (!path.start)
    throw EncodingGap{"the path has no start state"};
  for (const absint::Frame &frame : path.start->frames)
    if (frame.isCallback)
      throw EncodingGap{"the path runs inside a callback, which smt does not follow yet"};
  machine.startFrom(*path.start);
  steps = &path.steps;
  cursor = 0;
  std::uint32_t index = path.startIndex;
  for (std::size_t executed = 0;; ++executed) {
    if (index == obligation.index && cursor == steps->size())
      return;
    if (executed % 256 == 255 && std::chrono::steady_clock::now() > deadline)
      throw EncodingGap{"encoding the path (" + std::to_string(executed) +
                        " instructions so far) took longer than the time for the question"};
    if (executed >= maximumInstructions)
      throw EncodingGap{"the path is longer than " + std::to_string(maximumInstructions) +
                        " instructions"};
    if (index >= input.code->instructions.size())
      throw EncodingGap{"the path leaves the program"};
    const std::optional<std::uint32_t> next = execute(index);
    if (!next)
      throw EncodingGap{"the path ends before its obligation (the trail does not match)"};
    index = *next;
  }
}

const SymbolicValue &PathEncoder::readRegister(unsigned r, std::uint32_t index) {
  const SymbolicValue &value = reg(r);
  if (value.kind == SymbolicValue::Kind::Uninitialized)
    gap(index, "reads r" + std::to_string(r) + ", which holds nothing the encoder knows");
  return value;
}

SymbolicValue PathEncoder::operand(const Operand &source, std::uint32_t index) {
  if (const auto *r = std::get_if<Reg>(&source))
    return readRegister(r->index, index);
  const auto imm = static_cast<std::int64_t>(std::get<Imm>(source).value);
  return machine.scalar(machine.constant(static_cast<std::uint64_t>(imm)));
}

const SymbolicValue &PathEncoder::pointerIn(unsigned r, std::uint32_t index) {
  const SymbolicValue &value = readRegister(r, index);
  if (!value.isPointer())
    gap(index, "uses r" + std::to_string(r) + " as a pointer, which the encoder sees as a number");
  return value;
}

std::optional<std::int64_t> PathEncoder::stackOffset(const SymbolicValue &pointer,
                                                     const z3::expr &address) {
  const z3::expr offset = (address - machine.frames.at(pointer.frame).top).simplify();
  std::uint64_t value = 0;
  if (offset.is_numeral_u64(value))
    return static_cast<std::int64_t>(value);
  return std::nullopt;
}

std::optional<std::uint32_t> PathEncoder::execute(std::uint32_t index) {
  const PlacedInstruction &placed = input.code->instructions[index];
  const std::uint32_t next = index + 1;
  return std::visit(
      [&](const auto &insn) -> std::optional<std::uint32_t> {
        using T = std::decay_t<decltype(insn)>;
        if constexpr (std::is_same_v<T, Alu>) {
          executeAlu(insn, index);
        } else if constexpr (std::is_same_v<T, Move>) {
          executeMove(insn, index);
        } else if constexpr (std::is_same_v<T, ByteSwap>) {
          executeByteSwap(insn, index);
        } else if constexpr (std::is_same_v<T, LoadImmediate64>) {
          executeLoadImmediate(insn, index);
        } else if constexpr (std::is_same_v<T, Load>) {
          executeLoad(insn, index);
        } else if constexpr (std::is_same_v<T, Store>) {
          executeStore(insn.base.index, insn.offset, operand(insn.value, index),
                       bytesOf(insn.width), index);
        } else if constexpr (std::is_same_v<T, Atomic>) {
          executeAtomic(insn, index);
        } else if constexpr (std::is_same_v<T, Jump>) {
          return input.code->targetIndexOf(placed);
        } else if constexpr (std::is_same_v<T, ConditionalJump> || std::is_same_v<T, MayGoto>) {
          const std::optional<std::uint32_t> target = input.code->targetIndexOf(placed);
          const PathStep *decision = nextStep(PathStep::Kind::Branch, index);
          if (!decision || !target)
            gap(index, "is a branch the trail does not decide");
          if constexpr (std::is_same_v<T, ConditionalJump>) {
            if (*target != next) {
              const z3::expr holds =
                  condition(insn.condition, insn.is64, readRegister(insn.dst.index, index).bits,
                            operand(insn.src, index).bits);
              machine.assumptions.push_back(decision->taken ? holds : !holds);
            }
          }
          return decision->taken ? *target : next;
        } else if constexpr (std::is_same_v<T, Call>) {
          return executeCall(insn, index);
        } else if constexpr (std::is_same_v<T, Exit>) {
          return executeExit(index);
        } else {
          gap(index, "is not modelled by smt yet");
        }
        return next;
      },
      placed.insn);
}

void PathEncoder::executeAlu(const Alu &alu, std::uint32_t index) {
  const SymbolicValue destination = readRegister(alu.dst.index, index);
  const SymbolicValue source = operand(alu.src, index);
  SymbolicValue result = machine.scalar(smt::alu(alu.op, alu.is64, destination.bits, source.bits));
  // A shift by the width or more: the ISA masks the amount, but the kernel leaves the result
  // to the machine (the verifier makes it unknown), so any value may come out.
  if (alu.op == AluOp::Lsh || alu.op == AluOp::Rsh || alu.op == AluOp::Arsh) {
    const unsigned width = alu.is64 ? 64 : 32;
    const z3::expr amount = alu.is64 ? source.bits : z3::zext(source.bits.extract(31, 0), 32);
    const z3::expr anything =
        alu.is64 ? machine.fresh("insn" + std::to_string(index) + ".shift")
                 : z3::zext(machine.fresh("insn" + std::to_string(index) + ".shift", 32), 32);
    result.bits = z3::ite(z3::ult(amount, machine.constant(width)), result.bits, anything);
  }
  // A pointer moved by a number stays a pointer into the same object.
  if (alu.is64 && (alu.op == AluOp::Add || alu.op == AluOp::Sub) && destination.isPointer() &&
      !source.isPointer()) {
    result = destination;
    result.bits = smt::alu(alu.op, true, destination.bits, source.bits);
  } else if (alu.is64 && alu.op == AluOp::Add && source.isPointer() && !destination.isPointer()) {
    result = source;
    result.bits = destination.bits + source.bits;
  }
  reg(alu.dst.index) = result;
}

void PathEncoder::executeMove(const Move &move, std::uint32_t index) {
  const SymbolicValue source = operand(move.src, index);
  if (move.is64 && move.signExtendFrom == 0) {
    reg(move.dst.index) = source;
    return;
  }
  z3::expr bits = source.bits;
  if (move.signExtendFrom != 0)
    bits = z3::sext(bits.extract(move.signExtendFrom - 1, 0), 64 - move.signExtendFrom);
  if (!move.is64)
    bits = z3::zext(bits.extract(31, 0), 32);
  reg(move.dst.index) = machine.scalar(bits);
}

void PathEncoder::executeByteSwap(const ByteSwap &swap, std::uint32_t index) {
  const z3::expr value = readRegister(swap.dst.index, index).bits;
  const unsigned width = swap.bitWidth;
  z3::expr low = value.extract(width - 1, 0);
  if (swap.kind != ByteSwap::Kind::ToLittleEndian) { // the machine is little endian
    z3::expr reversed = low.extract(7, 0);
    for (unsigned b = 1; b < width / 8; ++b)
      reversed = z3::concat(reversed, low.extract(8 * b + 7, 8 * b));
    low = reversed;
  }
  reg(swap.dst.index) = machine.scalar(width == 64 ? low : z3::zext(low, 64 - width));
}

void PathEncoder::executeLoadImmediate(const LoadImmediate64 &load, std::uint32_t index) {
  absint::RegisterValue abstract;
  abstract.kind = absint::ValueKind::Pointer;
  switch (load.kind) {
  case ImmediateKind::Value:
    reg(load.dst.index) = machine.scalar(machine.constant(load.value()));
    return;
  case ImmediateKind::Function:
    abstract.pointer.region = RegionKind::Function;
    break;
  case ImmediateKind::BtfId:
    abstract.pointer.region = RegionKind::BtfObject;
    break;
  case ImmediateKind::MapIndex:
  case ImmediateKind::MapIndexValue:
    abstract.pointer.map = static_cast<std::uint32_t>(load.imm);
    if (abstract.pointer.map >= input.maps.size())
      gap(index, "refers to a map the program does not have");
    abstract.pointer.region = RegionKind::MapPointer;
    break;
  default: // map file descriptors: the loader's, not yet resolved to the program's maps
    gap(index, "refers to a map by file descriptor");
  }
  reg(load.dst.index) =
      load.kind == ImmediateKind::MapIndexValue
          ? machine.globalData(abstract.pointer.map, static_cast<std::uint32_t>(load.nextImm))
          : machine.fromAbstract(abstract, "insn" + std::to_string(index));
}

void PathEncoder::executeLoad(const Load &load, std::uint32_t index) {
  const SymbolicValue base = pointerIn(load.base.index, index);
  const unsigned bytes = bytesOf(load.width);
  const z3::expr address = base.bits + machine.constant(static_cast<std::uint64_t>(load.offset));
  // A pointer the kernel gives the program (a context field, a kernel object's member);
  // one the program spilled itself comes back as it was.
  const PathStep *result = nextStep(PathStep::Kind::Result, index);
  if (base.region == RegionKind::Stack && bytes == 8)
    if (auto offset = stackOffset(base, address))
      if (auto spill = machine.frames[base.frame].spills.find(*offset);
          spill != machine.frames[base.frame].spills.end()) {
        reg(load.dst.index) = spill->second;
        return;
      }
  if (result) {
    reg(load.dst.index) = machine.fromAbstract(result->result, "insn" + std::to_string(index));
    return;
  }
  touchesPacket = touchesPacket || absint::isPacketPointer(base.region);
  if (base.region == RegionKind::Context)
    contextReads.push_back({address - machine.contextStart, bytes});
  const z3::expr loaded = machine.read(machine.memoryOf(base), address, bytes);
  reg(load.dst.index) = machine.scalar(extendLoaded(loaded, bytes, load.signExtend));
}

void PathEncoder::executeStore(unsigned baseRegister, std::int16_t offset,
                               const SymbolicValue &value, unsigned bytes, std::uint32_t index) {
  const SymbolicValue base = pointerIn(baseRegister, index);
  const z3::expr address = base.bits + machine.constant(static_cast<std::uint64_t>(offset));
  touchesPacket = touchesPacket || absint::isPacketPointer(base.region);
  z3::expr &memory = machine.memoryOf(base);
  memory = machine.write(memory, address, value.bits, bytes);
  if (base.region != RegionKind::Stack)
    return;
  // Spilled pointers the store overwrites are gone; a whole pointer stored is spilled.
  auto &spills = machine.frames[base.frame].spills;
  const std::optional<std::int64_t> at = stackOffset(base, address);
  if (!at) {
    spills.clear();
    return;
  }
  for (auto spill = spills.begin(); spill != spills.end();)
    spill = spill->first < *at + static_cast<std::int64_t>(bytes) && *at < spill->first + 8
                ? spills.erase(spill)
                : std::next(spill);
  if (value.isPointer() && bytes == 8)
    spills.emplace(*at, value);
}

void PathEncoder::executeAtomic(const Atomic &atomic, std::uint32_t index) {
  const SymbolicValue base = pointerIn(atomic.base.index, index);
  const unsigned bytes = bytesOf(atomic.width);
  const unsigned width = 8 * bytes;
  const z3::expr address = base.bits + machine.constant(static_cast<std::uint64_t>(atomic.offset));
  z3::expr &memory = machine.memoryOf(base);
  const z3::expr old = machine.read(memory, address, bytes);
  const z3::expr source = readRegister(atomic.src.index, index).bits.extract(width - 1, 0);
  auto widen = [&](const z3::expr &e) { return width == 64 ? e : z3::zext(e, 64 - width); };
  z3::expr updated = source;
  switch (atomic.op) {
  case AtomicOp::Add:
    updated = old + source;
    break;
  case AtomicOp::Or:
    updated = old | source;
    break;
  case AtomicOp::And:
    updated = old & source;
    break;
  case AtomicOp::Xor:
    updated = old ^ source;
    break;
  case AtomicOp::Exchange:
    break;
  case AtomicOp::CompareExchange: {
    const z3::expr expected = readRegister(0, index).bits.extract(width - 1, 0);
    updated = z3::ite(old == expected, source, old);
    break;
  }
  }
  memory = machine.write(memory, address, updated, bytes);
  if (base.region == RegionKind::Stack)
    machine.frames[base.frame].spills.clear();
  if (atomic.op == AtomicOp::CompareExchange)
    reg(0) = machine.scalar(widen(old));
  else if (atomic.fetch || atomic.op == AtomicOp::Exchange)
    reg(atomic.src.index) = machine.scalar(widen(old));
}

} // namespace bpfcheck::smt::detail
