// Calls and returns: helpers through the prototype and availability tables (check_helper_call),
// bpf-to-bpf calls with a new frame, callbacks, and the checks at every exit (return value,
// references, locks).

#include "Analysis.h"

#include "bpfcheck/platform/Callbacks.h"
#include "bpfcheck/platform/HelperAvailability.h"

#include <algorithm>

namespace bpfcheck::absint::detail {

StepOutcome Analysis::executeCall(AbstractState state, const Call &call, std::uint32_t index) {
  switch (call.kind) {
  case Call::Kind::Helper:
    return executeHelper(std::move(state), call, index);
  case Call::Kind::Local: {
    const auto target = input.code->targetIndexOf(instruction(index));
    if (!target) {
      StepOutcome outcome;
      outcome.violation =
          violation(Rule::MalformedProgram, "call target is not an instruction", state);
      return outcome;
    }
    return executeLocalCall(std::move(state), *target, index);
  }
  case Call::Kind::Kfunc:
    break;
  }
  return executeKernelFunction(std::move(state), call, index);
}

StepOutcome Analysis::callGlobalFunction(AbstractState state,
                                         const GlobalFunctionSignature &function,
                                         std::uint32_t index) {
  StepOutcome outcome;
  auto fail = [&](Rule rule, std::string message, std::initializer_list<unsigned> registers) {
    outcome.violation = violation(rule, std::move(message), state, registers);
    return outcome;
  };
  if (state.lock)
    return fail(Rule::Lock, "function calls are not allowed while holding a lock", {});
  for (std::size_t i = 0; i < function.arguments.size() && i < 5; ++i) {
    const GlobalFunctionSignature::Argument &argument = function.arguments[i];
    const auto r = static_cast<unsigned>(i + 1);
    const std::string which =
        "argument " + std::to_string(r) + " of global function " + function.name;
    if (argument.kind == GlobalFunctionSignature::ArgumentKind::Unsupported)
      return fail(Rule::InvalidCall, "global function " + function.name + ": " + argument.reason,
                  {});
    if (auto failed = readable(state, r)) {
      outcome.violation = failed;
      return outcome;
    }
    const RegisterValue &value = state.reg(r);
    switch (argument.kind) {
    case GlobalFunctionSignature::ArgumentKind::Scalar:
      if (!value.isScalar())
        return fail(Rule::InvalidCall,
                    "R" + std::to_string(r) + " is not a scalar: " + which + " is an integer", {r});
      break;
    case GlobalFunctionSignature::ArgumentKind::Context:
      if (!value.isPointerTo(RegionKind::Context) || !pointsToStart(value.pointer))
        return fail(Rule::InvalidCall,
                    "arg#" + std::to_string(i) + " expects pointer to ctx: " + which +
                        " must be the unmodified context",
                    {r});
      break;
    case GlobalFunctionSignature::ArgumentKind::Memory:
      if (value.isNull()) {
        if (argument.nonNull)
          return fail(Rule::InvalidCall,
                      "R" + std::to_string(r) + " is NULL, but " + which + " is declared non-null",
                      {r});
        break;
      }
      if (!value.isPointer() || value.pointer.maybeNull ||
          !acceptsAsMemory(value.pointer.region, true))
        return fail(Rule::InvalidCall,
                    "R" + std::to_string(r) + " type=" + typeName(value) + ": " + which +
                        " must point to " + std::to_string(argument.size) + " bytes of memory",
                    {r});
      // The callee may read and write all of it.
      if (auto failed = checkHelperMemory(state, r, argument.size, argument.size, AccessKind::Write,
                                          which.c_str())) {
        outcome.violation = failed;
        return outcome;
      }
      break;
    case GlobalFunctionSignature::ArgumentKind::KernelObject: {
      // btf_check_func_arg_match: a plain, trusted or RCU pointer to the struct, at its
      // start; NULL (or maybe NULL) only where the argument is nullable.
      const std::string expected = "expected=ptr_, trusted_ptr_, rcu_ptr_: " + which +
                                   " is a trusted pointer to struct " + argument.structName;
      if (value.isNull() && !argument.nonNull)
        break;
      if (!value.isPointerTo(RegionKind::BtfObject) ||
          (value.pointer.maybeNull && argument.nonNull))
        return fail(Rule::InvalidCall,
                    "R" + std::to_string(r) + " type=" + typeName(value) + " " + expected, {r});
      if (value.pointer.trust == Trust::Untrusted || value.pointer.btfType != argument.structName)
        return fail(Rule::InvalidCall,
                    "R" + std::to_string(r) + " is of type " + typeName(value) +
                        " but trusted_ptr_" + argument.structName + " is expected: " + which +
                        " is a trusted pointer to struct " + argument.structName,
                    {r});
      if (!pointsToStart(value.pointer))
        return fail(Rule::InvalidCall,
                    "R" + std::to_string(r) + " must point to the start of the " +
                        argument.structName + ": " + which + " is a trusted pointer to it",
                    {r});
      break;
    }
    case GlobalFunctionSignature::ArgumentKind::Unsupported:
      break;
    }
  }
  for (unsigned r = 1; r <= 5; ++r)
    state.reg(r) = RegisterValue::uninitialized();
  state.reg(0) = function.returnsVoid ? RegisterValue::uninitialized() : RegisterValue::unknown();
  // The callee is not followed here: what it may do to packet data it does to the caller's.
  if (mayChangePacketData(functionStartingAt(*input.code, function.entry)))
    invalidatePacketPointers(state);
  outcome.successors.push_back({std::move(state), index + 1});
  return outcome;
}

StepOutcome Analysis::executeLocalCall(AbstractState state, std::uint32_t target,
                                       std::uint32_t index) {
  if (const GlobalFunctionSignature *global = globalFunctionAt(target))
    return callGlobalFunction(std::move(state), *global, index);
  StepOutcome outcome;
  if (state.lock) {
    outcome.violation =
        violation(Rule::Lock, "function calls are not allowed while holding a lock", state);
    return outcome;
  }
  if (state.frames.size() >= maximumCallFrames) {
    outcome.violation = violation(Rule::InvalidCall,
                                  "the call stack of " + std::to_string(state.frames.size() + 1) +
                                      " frames is too deep (at most 8)",
                                  state);
    return outcome;
  }
  const auto &functions = input.code->functions;
  const std::uint32_t function = functionStartingAt(*input.code, target);
  for (const Frame &frame : state.frames)
    if (frame.function == function) {
      outcome.violation =
          violation(Rule::InvalidCall, "recursive call of " + functions[function].name, state);
      return outcome;
    }
  Frame callee;
  callee.function = function;
  callee.returnTo = index + 1;
  callee.callsite = index;
  for (unsigned r = 1; r <= 5; ++r)
    callee.registers[r] = state.reg(r);
  PointerValue stackPointer;
  stackPointer.region = RegionKind::Stack;
  stackPointer.frame = static_cast<std::uint32_t>(state.frames.size());
  callee.registers[framePointer] = RegisterValue::ofPointer(stackPointer);
  // The caller's r0-r5 are clobbered by the call.
  for (unsigned r = 0; r <= 5; ++r)
    state.reg(r) = RegisterValue::uninitialized();
  state.frames.push_back(std::move(callee));
  outcome.successors.push_back({std::move(state), target});
  return outcome;
}

Check Analysis::checkReturnValue(const AbstractState &state) const {
  const RegisterValue &r0 = state.reg(0);
  const TargetReturn target =
      input.attachTarget ? input.attachTarget->returns : TargetReturn::Value;
  const auto range = allowedReturnRange(input.type, input.attach, target);
  if (!range) {
    if (r0.isPointer() && !options.privileged)
      return violation(Rule::PointerLeak, "r0 leaks addr as return value", state, {0});
    return std::nullopt;
  }
  if (!r0.isScalar())
    return violation(Rule::ReturnValue,
                     "At program exit the register R0 is not a known value (" + typeName(r0) +
                         "): " + std::string(nameOf(input.type)) + " programs return a number",
                     state, {0});
  std::int64_t smin = asSigned(r0.scalar.signed64.minimum);
  std::int64_t smax = asSigned(r0.scalar.signed64.maximum);
  if (range->lower32) {
    smin = asSigned(r0.scalar.signed32.minimum);
    smax = asSigned(r0.scalar.signed32.maximum);
  }
  if (smin < range->minimum || smax > range->maximum)
    return violation(Rule::ReturnValue,
                     "At program exit the register R0 has smin=" + std::to_string(smin) +
                         " smax=" + std::to_string(smax) + " should have been in [" +
                         std::to_string(range->minimum) + ", " + std::to_string(range->maximum) +
                         "]",
                     state, {0});
  return std::nullopt;
}

std::string Analysis::pathSince(const AbstractState &state,
                                const AcquiredReference &reference) const {
  const std::vector<BranchTrail::Decision> decisions = state.trail.since(reference.decisionsBefore);
  if (decisions.empty())
    return ", which has no branch after it";
  std::string text;
  if (state.trail.count - reference.decisionsBefore > decisions.size())
    text = ", whose last branches were: ";
  else
    text = ", which then branched: ";
  for (std::size_t i = 0; i < decisions.size(); ++i)
    text += (i ? ", " : "") + placeOf(decisions[i].index) +
            (decisions[i].taken ? " jumped" : " fell through");
  return text;
}

Check Analysis::checkCallbackReturn(const AbstractState &state, const Frame &callee,
                                    const char *what) const {
  const RegisterValue &result = callee.registers[0];
  if (!result.isScalar())
    return violation(Rule::ReturnValue,
                     "At " + std::string(what) + " return the register R0 is not a number", state);
  const auto helperId =
      static_cast<std::uint32_t>(std::get<Call>(instruction(callee.callsite).insn).imm);
  const CallbackConvention *convention = findCallbackConvention(static_cast<HelperId>(helperId));
  const std::int64_t smin = asSigned(result.scalar.signed64.minimum);
  const std::int64_t smax = asSigned(result.scalar.signed64.maximum);
  if (convention && (smin < convention->returnMinimum || smax > convention->returnMaximum))
    return violation(Rule::ReturnValue,
                     "At " + std::string(what) + " return the register R0 has smin=" +
                         std::to_string(smin) + " smax=" + std::to_string(smax) +
                         " should have been in [" + std::to_string(convention->returnMinimum) +
                         ", " + std::to_string(convention->returnMaximum) + "]",
                     state);
  return std::nullopt;
}

StepOutcome Analysis::executeExit(AbstractState state, std::uint32_t index) {
  (void)index;
  StepOutcome outcome;
  // The main function of a program attached to a void kernel function returns nothing.
  // A call chain of its own: the program, a global function verified alone, or an
  // asynchronous callback (which the kernel runs later, e.g. a timer's).
  const bool chainEnds = state.frames.size() == 1;
  const bool asynchronousCallback = chainEnds && state.current().isCallback;
  const bool returnsVoid =
      chainEnds && !asynchronousCallback &&
      ((entryFunction && entryFunction->returnsVoid) ||
       (!entryFunction && input.attachTarget && input.attachTarget->returns == TargetReturn::Void));
  // A subprogram may return nothing (its caller then may not read r0); the program and
  // callbacks must return a value.
  const bool subprogram = state.frames.size() > 1 && !state.current().isCallback;
  if (auto failed = readable(state, 0); failed && !returnsVoid && !subprogram) {
    outcome.violation = failed;
    return outcome;
  }
  if (chainEnds && entryFunction && !asynchronousCallback) {
    // The end of a global function verified on its own.
    if (state.lock || !state.references.empty()) {
      outcome.violation = violation(state.lock ? Rule::Lock : Rule::UnreleasedReference,
                                    state.lock ? "global function returns with a lock held"
                                               : "Unreleased reference: the global function "
                                                 "returns with a reference it acquired",
                                    state);
      return outcome;
    }
    if (!entryFunction->returnsVoid && !state.reg(0).isScalar())
      outcome.violation = violation(Rule::ReturnValue,
                                    "At subprogram exit the register R0 is not a scalar value (" +
                                        typeName(state.reg(0)) + ")",
                                    state, {0});
    return outcome;
  }
  if (state.frames.size() == 1) {
    if (state.lock) {
      outcome.violation = violation(
          Rule::Lock,
          "BPF_EXIT instruction in main prog cannot be used inside bpf_spin_lock-ed region: "
          "the lock taken at insn " +
              std::to_string(state.lock->lockedAt) + " is still held",
          state);
      return outcome;
    }
    if (!state.references.empty()) {
      const AcquiredReference &leaked = state.references.front();
      outcome.violation =
          violation(Rule::UnreleasedReference,
                    "Unreleased reference id=" + std::to_string(leaked.id) +
                        " alloc_insn=" + std::to_string(instruction(leaked.acquiredAt).pc) + ": " +
                        std::string(descriptionOf(leaked.region)) + " acquired at " +
                        placeOf(leaked.acquiredAt) + " is not released on this path" +
                        pathSince(state, leaked),
                    state);
      return outcome;
    }
    if (asynchronousCallback) {
      if (auto failed = checkCallbackReturn(state, state.current(), "async callback"))
        outcome.violation = failed;
      return outcome;
    }
    if (returnsVoid)
      return outcome;
    if (auto failed = checkReturnValue(state))
      outcome.violation = failed;
    return outcome;
  }
  Frame callee = std::move(state.frames.back());
  state.frames.pop_back();
  const RegisterValue result = callee.registers[0];
  if (result.isPointerTo(RegionKind::Stack) && result.pointer.frame >= state.frames.size()) {
    outcome.violation =
        violation(Rule::InvalidCall, "cannot return stack pointer to the caller frame", state);
    return outcome;
  }
  if (callee.isCallback) {
    if (auto failed = checkCallbackReturn(state, callee, "callback")) {
      outcome.violation = failed;
      return outcome;
    }
    // The helper may call the callback again: continue at the call.
    ++state.callbackIterations;
    ++state.current().callbackCalls;
    outcome.successors.push_back({std::move(state), callee.returnTo});
    return outcome;
  }
  state.reg(0) = result;
  for (unsigned r = 1; r <= 5; ++r)
    state.reg(r) = RegisterValue::uninitialized();
  outcome.successors.push_back({std::move(state), callee.returnTo});
  return outcome;
}

} // namespace bpfcheck::absint::detail
