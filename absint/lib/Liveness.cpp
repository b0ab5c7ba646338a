// Backward register liveness over each function's CFG.

#include "Liveness.h"

#include "bpfcheck/ir/Visit.h"

namespace bpfcheck::absint::detail {

namespace {

constexpr std::uint16_t bit(Reg reg) {
  return static_cast<std::uint16_t>(1u << reg.index);
}
constexpr std::uint16_t argumentRegisters = 0b111110; // r1-r5
constexpr std::uint16_t callerSaved = 0b111111;       // r0-r5
constexpr std::uint16_t framePointerBit = 1u << 10;

struct UseDef {
  std::uint16_t uses = 0;
  std::uint16_t defs = 0;
};

std::uint16_t operandBits(const Operand &operand) {
  const Reg *reg = std::get_if<Reg>(&operand);
  return reg ? bit(*reg) : 0;
}

UseDef useDefOf(const Instruction &insn) {
  return visit(
      insn,
      [](const Alu &alu) {
        const std::uint16_t source = alu.op == AluOp::Neg ? 0 : operandBits(alu.src);
        return UseDef{static_cast<std::uint16_t>(bit(alu.dst) | source), bit(alu.dst)};
      },
      [](const Move &move) { return UseDef{operandBits(move.src), bit(move.dst)}; },
      [](const AddressSpaceCast &cast) { return UseDef{bit(cast.src), bit(cast.dst)}; },
      [](const ByteSwap &swap) { return UseDef{bit(swap.dst), bit(swap.dst)}; },
      [](const Load &load) { return UseDef{bit(load.base), bit(load.dst)}; },
      [](const Store &store) {
        return UseDef{static_cast<std::uint16_t>(bit(store.base) | operandBits(store.value)), 0};
      },
      [](const Atomic &atomic) {
        const bool compareExchange = atomic.op == AtomicOp::CompareExchange;
        const std::uint16_t uses = bit(atomic.base) | bit(atomic.src) | (compareExchange ? 1u : 0u);
        const std::uint16_t defs = compareExchange ? 1u
                                   : (atomic.fetch || atomic.op == AtomicOp::Exchange)
                                       ? bit(atomic.src)
                                       : 0u;
        return UseDef{static_cast<std::uint16_t>(uses), defs};
      },
      [](const LoadImmediate64 &load) { return UseDef{0, bit(load.dst)}; },
      [](const LoadPacket &load) {
        const std::uint16_t uses = (1u << 6) | (load.indirect ? bit(load.src) : 0u);
        return UseDef{uses, callerSaved};
      },
      [](const Jump &) { return UseDef{}; },
      [](const ConditionalJump &jump) {
        return UseDef{static_cast<std::uint16_t>(bit(jump.dst) | operandBits(jump.src)), 0};
      },
      [](const MayGoto &) { return UseDef{}; },
      [](const Call &) { return UseDef{argumentRegisters, callerSaved}; },
      [](const CallIndirect &call) {
        return UseDef{static_cast<std::uint16_t>(argumentRegisters | bit(call.target)),
                      callerSaved};
      },
      [](const Exit &) { return UseDef{1, 0}; });
}

} // namespace

std::vector<std::uint16_t> liveRegistersBefore(const ProgramCode &code) {
  std::vector<std::uint16_t> live(code.instructions.size(), 0xffff);
  for (const Function &function : code.functions) {
    std::vector<std::uint16_t> liveIn(function.blocks.size(), 0);
    bool changed = true;
    while (changed) {
      changed = false;
      for (std::size_t b = function.blocks.size(); b-- > 0;) {
        const BasicBlock &block = function.blocks[b];
        std::uint16_t current = 0;
        for (std::uint32_t successor : block.successors)
          current |= liveIn[successor];
        for (std::uint32_t i = block.last + 1; i-- > block.first;) {
          const UseDef useDef = useDefOf(code.instructions[i].insn);
          current =
              static_cast<std::uint16_t>((current & ~useDef.defs) | useDef.uses | framePointerBit);
          live[i] = current;
        }
        if (current != liveIn[b]) {
          liveIn[b] = current;
          changed = true;
        }
      }
    }
  }
  return live;
}

} // namespace bpfcheck::absint::detail
