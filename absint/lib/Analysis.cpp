// The instruction dispatcher and the small checks every transfer function shares.

#include "Analysis.h"

#include "bpfcheck/ir/Decoder.h"

#include <algorithm>

namespace bpfcheck::absint::detail {

Analysis::Analysis(const ProgramInput &input, const VerifyOptions &options)
    : input(input), options(options), stackDepth(input.code->functions.size(), 0) {}

const GlobalFunctionSignature *Analysis::globalFunctionAt(std::uint32_t entry) const {
  for (const GlobalFunctionSignature &function : input.globalFunctions)
    if (function.entry == entry)
      return &function;
  return nullptr;
}

std::uint32_t functionStartingAt(const ProgramCode &code, std::uint32_t entry) {
  for (std::uint32_t f = 0; f < code.functions.size(); ++f)
    if (code.functions[f].firstInstruction == entry)
      return f;
  return 0;
}

bool Analysis::mayChangePacketData(std::uint32_t function) {
  if (changesPacketData.empty()) {
    // Once per program: which functions call a helper that moves packet data (a tail call
    // counts in a subprogram), then which reach one of them through their calls.
    const ProgramCode &code = *input.code;
    const std::size_t count = code.functions.size();
    changesPacketData.assign(count, false);
    std::vector<std::vector<std::uint32_t>> callees(count);
    for (std::uint32_t f = 0; f < count; ++f)
      for (std::uint32_t i = code.functions[f].firstInstruction;
           i < code.functions[f].endInstruction; ++i) {
        const Call *call = std::get_if<Call>(&code.instructions[i].insn);
        if (!call)
          continue;
        if (call->kind == Call::Kind::Helper) {
          const HelperPrototype *helper = findHelper(static_cast<std::uint32_t>(call->imm));
          changesPacketData[f] = changesPacketData[f] || (helper && helper->changesPacketData);
        } else if (auto target = code.targetIndexOf(code.instructions[i])) {
          const std::uint32_t callee = functionStartingAt(code, *target);
          if (code.functions[callee].firstInstruction == *target)
            callees[f].push_back(callee);
        }
      }
    for (bool changed = true; changed;) {
      changed = false;
      for (std::uint32_t f = 0; f < count; ++f)
        for (std::uint32_t callee : callees[f])
          if (changesPacketData[callee] && !changesPacketData[f])
            changesPacketData[f] = changed = true;
    }
  }
  return changesPacketData[function];
}

AbstractState Analysis::initialState(const GlobalFunctionSignature *entry) {
  AbstractState state;
  Frame main;
  PointerValue context;
  context.region = RegionKind::Context;
  if (!entry) {
    main.registers[1] = RegisterValue::ofPointer(context);
  } else {
    // A global function assumes only what its prototype says about its arguments.
    main.function = functionStartingAt(*input.code, entry->entry);
    for (std::size_t i = 0; i < entry->arguments.size() && i < 5; ++i) {
      const GlobalFunctionSignature::Argument &argument = entry->arguments[i];
      RegisterValue &reg = main.registers[i + 1];
      switch (argument.kind) {
      case GlobalFunctionSignature::ArgumentKind::Scalar:
      case GlobalFunctionSignature::ArgumentKind::Unsupported:
        reg = RegisterValue::unknown();
        break;
      case GlobalFunctionSignature::ArgumentKind::Context:
        reg = RegisterValue::ofPointer(context);
        break;
      case GlobalFunctionSignature::ArgumentKind::Memory:
      case GlobalFunctionSignature::ArgumentKind::KernelObject: {
        PointerValue pointer;
        if (argument.kind == GlobalFunctionSignature::ArgumentKind::Memory) {
          pointer.region = RegionKind::Memory;
          pointer.size = argument.size;
        } else {
          pointer.region = RegionKind::BtfObject;
          pointer.trust = Trust::Trusted;
          pointer.btfType = argument.structName;
        }
        // NULL unless declared otherwise; a NULL check then refines every copy.
        pointer.maybeNull = !argument.nonNull;
        if (pointer.maybeNull)
          pointer.id = freshId();
        reg = RegisterValue::ofPointer(pointer);
        break;
      }
      }
    }
  }
  PointerValue stack;
  stack.region = RegionKind::Stack;
  main.registers[framePointer] = RegisterValue::ofPointer(stack);
  state.frames.push_back(std::move(main));
  return state;
}

Diagnostic Analysis::violation(Rule rule, std::string message, const AbstractState &state,
                               std::initializer_list<unsigned> registers) const {
  Diagnostic diagnostic;
  diagnostic.rule = rule;
  diagnostic.message = std::move(message);
  for (unsigned r : registers)
    diagnostic.registers.push_back("r" + std::to_string(r) + " = " + describe(state.reg(r)));
  return diagnostic;
}

Check Analysis::readable(const AbstractState &state, unsigned reg) const {
  if (state.reg(reg).kind != ValueKind::Uninitialized)
    return std::nullopt;
  return violation(Rule::UninitializedRegister,
                   "R" + std::to_string(reg) + " !read_ok: r" + std::to_string(reg) +
                       " is read before anything was written to it",
                   state);
}

Check Analysis::writable(unsigned reg) const {
  if (reg != framePointer)
    return std::nullopt;
  Diagnostic diagnostic;
  diagnostic.rule = Rule::FramePointerWrite;
  diagnostic.message = "frame pointer is read only: r10 may not be written";
  return diagnostic;
}

RegisterValue Analysis::operandValue(const AbstractState &state, const Operand &operand) const {
  if (const Reg *reg = std::get_if<Reg>(&operand))
    return state.reg(reg->index);
  const auto imm = static_cast<std::int64_t>(std::get<Imm>(operand).value);
  return RegisterValue::constant(static_cast<std::uint64_t>(imm));
}

void Analysis::invalidatePacketPointers(AbstractState &state) {
  state.forEachValue([&](RegisterValue &value) {
    if (value.isPointer() && isPacketPointer(value.pointer.region))
      value = options.privileged ? RegisterValue::unknown() : RegisterValue::uninitialized();
  });
}

void Analysis::touchStack(const AbstractState &state, std::uint32_t frame, std::int64_t offset) {
  // The bytes belong to the function running in that frame.
  std::uint32_t &depth = stackDepth[state.frames[frame].function];
  depth = std::max(depth, static_cast<std::uint32_t>(-offset));
}

StepOutcome Analysis::step(AbstractState state, std::uint32_t index) {
  currentIndex = index;
  const PlacedInstruction &placed = instruction(index);
  StepOutcome outcome;
  auto simple = [&](Check failed) {
    if (failed)
      outcome.violation = std::move(failed);
    else
      outcome.successors.push_back({std::move(state), index + 1});
    return std::move(outcome);
  };
  auto access = [&](Check failed) {
    if (failed && questionOf(failed->rule) == RuleQuestion::Bounds)
      outcome.accessState = std::move(state);
    return simple(std::move(failed));
  };
  const std::optional<std::uint32_t> target = input.code->targetIndexOf(placed);
  return std::visit(
      [&](const auto &insn) -> StepOutcome {
        using T = std::decay_t<decltype(insn)>;
        if constexpr (std::is_same_v<T, Alu>) {
          return simple(executeAlu(state, insn));
        } else if constexpr (std::is_same_v<T, Move>) {
          return simple(executeMove(state, insn));
        } else if constexpr (std::is_same_v<T, ByteSwap>) {
          return simple(executeByteSwap(state, insn));
        } else if constexpr (std::is_same_v<T, LoadImmediate64>) {
          return simple(executeLoadImmediate(state, insn));
        } else if constexpr (std::is_same_v<T, Load>) {
          return access(executeLoad(state, insn));
        } else if constexpr (std::is_same_v<T, Store>) {
          return access(executeStore(state, insn));
        } else if constexpr (std::is_same_v<T, Atomic>) {
          return access(executeAtomic(state, insn));
        } else if constexpr (std::is_same_v<T, LoadPacket>) {
          return executeLoadPacket(std::move(state), insn, index);
        } else if constexpr (std::is_same_v<T, Jump>) {
          outcome.successors.push_back({std::move(state), *target});
          return std::move(outcome);
        } else if constexpr (std::is_same_v<T, MayGoto>) {
          outcome.successors.push_back({state, *target});
          outcome.successors.push_back({std::move(state), index + 1});
          return std::move(outcome);
        } else if constexpr (std::is_same_v<T, ConditionalJump>) {
          StepOutcome branched = executeBranch(std::move(state), insn, index);
          if (branched.successors.size() == 2) // a decision, not a forced edge
            for (Successor &successor : branched.successors)
              successor.state.trail.record(index, successor.index != index + 1);
          return branched;
        } else if constexpr (std::is_same_v<T, Call>) {
          return executeCall(std::move(state), insn, index);
        } else if constexpr (std::is_same_v<T, Exit>) {
          return executeExit(std::move(state), index);
        } else if constexpr (std::is_same_v<T, AddressSpaceCast>) {
          outcome.violation =
              violation(Rule::Unsupported,
                        "arena address-space casts are not checked by bpfcheck yet", state);
          return std::move(outcome);
        } else {
          static_assert(std::is_same_v<T, CallIndirect>);
          outcome.violation = violation(
              Rule::Unsupported, "indirect calls (callx) are not checked by bpfcheck yet", state);
          return std::move(outcome);
        }
      },
      placed.insn);
}

} // namespace bpfcheck::absint::detail
