// The dispatch loop: one jump per pre-decoded instruction, registers in a local array,
// nothing allocated. Instantiated twice: Checked = false runs verified programs at full
// speed; Checked = true validates every load, store and atomic first (MemoryChecker) and
// pays for it only in that instantiation.
//
// Dispatch is direct threading: each operation ends by jumping straight to the next one's
// code through a table of label addresses (GNU computed goto, which clang and gcc both
// support). Measured with bpfcheck-interp-bench against the dense switch it replaces
// (BPFCHECK_INTERP_THREADED=0 still builds that): 0.82-0.98 ns per instruction against
// 0.92-1.24, the gain largest in checked mode. -Wpedantic rejects labels as values, so that
// one warning is disabled around this function only.
#include "ExecutionState.h"
#include "Semantics.h"
#include "bpfcheck/ir/Hex.h"

#include "bpfcheck/platform/Helpers.h"

#include <atomic>
#include <cstring>
#include <string>

#ifndef BPFCHECK_INTERP_THREADED
#define BPFCHECK_INTERP_THREADED 1
#endif

namespace bpfcheck::interp {
namespace {

using namespace semantics;

template <typename T> T loadValue(std::uint64_t address) {
  T value;
  std::memcpy(&value, reinterpret_cast<const void *>(address), sizeof value);
  return value;
}

template <typename T> void storeValue(std::uint64_t address, T value) {
  std::memcpy(reinterpret_cast<void *>(address), &value, sizeof value);
}

/// An atomic view of the (aligned: the verifier and checked mode require it) word at
/// `address`.
template <typename T> std::atomic_ref<T> atomicAt(std::uint64_t address) {
  return std::atomic_ref<T>(*reinterpret_cast<T *>(address));
}

std::string_view reasonText(ViolationReason reason) {
  switch (reason) {
  case ViolationReason::OutsideEveryRegion:
    return "is outside every region the program may access";
  case ViolationReason::PastRegionBounds:
    return "is not inside the region it reaches";
  case ViolationReason::ReadOnlyRegion:
    return "writes a read-only region";
  case ViolationReason::DeadStackFrame:
    return "is in the stack below the live frames";
  case ViolationReason::AcrossStackFrames:
    return "spans two stack frames";
  case ViolationReason::Misaligned:
    return "is a misaligned atomic access";
  }
  return "is refused";
}

/// Checked mode's report of the access `insn` was about to make.
[[gnu::noinline, gnu::cold]] void
refuseAccess(ExecutionState &state, const DecodedInstruction *insn, std::uint64_t address,
             std::uint32_t size, AccessKind access, std::uint8_t base, bool misaligned) {
  MemoryViolation violation = state.checker.diagnose(address, size, access);
  if (misaligned)
    violation.reason = ViolationReason::Misaligned;
  violation.baseRegister = base;
  violation.offset = insn->offset;
  std::string where = "r" + std::to_string(base);
  if (insn->offset != 0)
    where += (insn->offset > 0 ? "+" : "") + std::to_string(insn->offset);
  std::string what = std::string(accessKindName(access)) + " of " + std::to_string(size) +
                     (size == 1 ? " byte" : " bytes") + " at " + where + " (" + hexNumber(address) +
                     ") " + std::string(reasonText(violation.reason));
  if (!violation.region.empty())
    what += " (" + violation.region + ")";
  state.raise(insn, FaultKind::MemoryViolation, std::move(what), std::move(violation));
}

/// What a helper sees of the run while it executes.
template <bool Checked> class HelperCallContext final : public CallContext {
public:
  HelperCallContext(ExecutionState &state, const DecodedInstruction *call)
      : state(state), call(call) {}

  std::optional<std::uint64_t> invokeCallback(std::uint64_t functionAddress,
                                              std::span<const std::uint64_t> arguments) override {
    if (state.fault)
      return std::nullopt;
    const DecodedProgram &program = *state.program;
    const auto entry = functionAt(program, functionAddress);
    if (!entry) {
      state.raise(call, FaultKind::BadCallTarget,
                  "callback address " + hexNumber(functionAddress) +
                      " is not a function of program '" + program.name + "'");
      return std::nullopt;
    }
    if (arguments.size() > 5) {
      state.raise(call, FaultKind::HelperFailed, "a callback takes at most 5 arguments");
      return std::nullopt;
    }
    if (state.depth + 1 >= MaxCallFrames) {
      state.raise(call, FaultKind::CallDepthExceeded,
                  "the callback would be frame " + std::to_string(state.depth + 2) + ", past " +
                      std::to_string(MaxCallFrames) + " (MAX_CALL_FRAMES)");
      return std::nullopt;
    }
    std::array<std::uint64_t, 5> registers{};
    std::copy(arguments.begin(), arguments.end(), registers.begin());
    const std::uint32_t depth = ++state.depth;
    state.frames[depth] = CallFrame{nullptr, &program, {}, 0};
    state.mayGotoCounters[depth] = MayGotoBudget;
    if constexpr (Checked)
      state.checker.setDepth(depth);
    auto result = execute<Checked>(state, program.code.data() + *entry, registers);
    state.program = &program; // the callback may have tail-called elsewhere
    state.depth = depth - 1;
    if constexpr (Checked)
      state.checker.setDepth(state.depth);
    return result;
  }

  void registerRegion(MemoryRegion region) override {
    if constexpr (Checked)
      state.checker.add(std::move(region));
  }
  bool checksMemory() const override { return Checked; }
  std::uint32_t instructionIndex() const override {
    return std::uint32_t(call - state.program->code.data());
  }

private:
  ExecutionState &state;
  const DecodedInstruction *call;
};

/// "helper bpf_loop (181)".
std::string helperLabel(std::int32_t id) {
  const std::string_view name = id >= 0 ? helperName(std::uint32_t(id)) : std::string_view();
  return "helper " + (name.empty() ? std::string("#") + std::to_string(id)
                                   : std::string(name) + " (" + std::to_string(id) + ")");
}

/// Turns a declined or failed call into the run's fault; true if the call returned.
bool acceptOutcome(ExecutionState &state, const DecodedInstruction *insn,
                   const HelperOutcome &outcome, const std::string &callee) {
  if (state.fault)
    return false;
  switch (outcome.status) {
  case HelperOutcome::Status::Returned:
    return true;
  case HelperOutcome::Status::NotProvided:
    state.raise(insn, FaultKind::HelperNotProvided,
                callee + " is not provided by the environment" +
                    (outcome.message.empty() ? "" : ": " + outcome.message));
    return false;
  case HelperOutcome::Status::Failed:
    state.raise(insn, FaultKind::HelperFailed, callee + " failed: " + outcome.message);
    return false;
  }
  return false;
}

/// After a call r1..r5 hold nothing the program may rely on; checked mode makes that
/// visible by filling them with a recognisable value.
template <bool Checked> void clobberArgumentRegisters(std::uint64_t *reg) {
  if constexpr (Checked)
    for (int r = 1; r <= 5; ++r)
      reg[r] = 0xbadca11ed0000000u | std::uint64_t(r);
}

template <bool Checked>
[[gnu::noinline]] bool callHelper(ExecutionState &state, const DecodedInstruction *insn,
                                  std::uint64_t *reg) {
  const HelperCall call{std::int32_t(insn->imm), {reg[1], reg[2], reg[3], reg[4], reg[5]}};
  HelperCallContext<Checked> context(state, insn);
  const HelperOutcome outcome = state.environment.callHelper(call, context);
  if (!acceptOutcome(state, insn, outcome, helperLabel(call.id)))
    return false;
  reg[0] = outcome.value;
  clobberArgumentRegisters<Checked>(reg);
  return true;
}

template <bool Checked>
[[gnu::noinline]] bool callKernelFunction(ExecutionState &state, const DecodedInstruction *insn,
                                          std::uint64_t *reg) {
  const KernelFunctionCall call{std::int32_t(insn->imm),
                                std::int16_t(insn->offset),
                                {reg[1], reg[2], reg[3], reg[4], reg[5]}};
  HelperCallContext<Checked> context(state, insn);
  const HelperOutcome outcome = state.environment.callKernelFunction(call, context);
  const std::string callee =
      "kfunc with BTF id " + std::to_string(call.btfId) +
      (call.module != 0 ? " of module BTF " + std::to_string(call.module) : std::string());
  if (!acceptOutcome(state, insn, outcome, callee))
    return false;
  reg[0] = outcome.value;
  clobberArgumentRegisters<Checked>(reg);
  return true;
}

/// bpf_tail_call(ctx = r1, prog_array = r2, index = r3) as the kernel performs it: at most
/// MaxTailCalls per run, counted once the index is in range; the program to continue with,
/// or nullptr when the tail call fails and execution goes on after the call.
const DecodedProgram *takeTailCall(ExecutionState &state, const std::uint64_t *reg) {
  if (state.tailCalls >= MaxTailCalls)
    return nullptr;
  const TailCallTarget target = state.environment.resolveTailCall(reg[2], std::uint32_t(reg[3]));
  if (!target.indexInRange)
    return nullptr;
  ++state.tailCalls;
  if (target.program == nullptr || target.program->code.empty())
    return nullptr;
  return target.program;
}

[[gnu::noinline, gnu::cold]] void refuseCall(ExecutionState &state, const DecodedInstruction *insn,
                                             FaultKind kind, std::uint64_t target) {
  if (kind == FaultKind::CallDepthExceeded)
    state.raise(insn, kind,
                "the call would be frame " + std::to_string(state.depth + 2) + ", past " +
                    std::to_string(MaxCallFrames) + " (MAX_CALL_FRAMES)");
  else
    state.raise(insn, kind,
                "callx target " + hexNumber(target) + " is not a function of program '" +
                    state.program->name + "'");
}

} // namespace

template <bool Checked>
std::optional<std::uint64_t> execute(ExecutionState &state, const DecodedInstruction *entry,
                                     const std::array<std::uint64_t, 5> &arguments) {
  const std::uint32_t baseDepth = state.depth;
  const DecodedInstruction *insn = entry;
  std::uint64_t remaining = state.remaining;
  std::uint64_t reg[16] = {}; // r0..r10; the decoder never names r11..r15
  const DecodedInstruction *callee = nullptr;
  for (int r = 0; r < 5; ++r)
    reg[r + 1] = arguments[std::size_t(r)];
  reg[10] = state.framePointer(state.depth);

#define MEMORY_ACCESS(address, bytes, kind, base)                                                  \
  if constexpr (Checked) {                                                                         \
    if (!state.checker.allows(address, bytes, kind)) [[unlikely]] {                                \
      refuseAccess(state, insn, address, bytes, kind, base, false);                                \
      goto stopped;                                                                                \
    }                                                                                              \
  }
#define ATOMIC_ACCESS(address, bytes, base)                                                        \
  if constexpr (Checked) {                                                                         \
    if ((address) % (bytes) != 0 || !state.checker.allows(address, bytes, AccessKind::ReadWrite))  \
        [[unlikely]] {                                                                             \
      refuseAccess(state, insn, address, bytes, AccessKind::ReadWrite, base,                       \
                   (address) % (bytes) != 0);                                                      \
      goto stopped;                                                                                \
    }                                                                                              \
  }

#if BPFCHECK_INTERP_THREADED
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
  static const void *const dispatchTable[] = {
#define BPFCHECK_OPERATION(Name) &&Op_##Name,
#include "bpfcheck/interp/Operations.def"
#undef BPFCHECK_OPERATION
  };
#define OPERATION(Name) Op_##Name:
#define DISPATCH()                                                                                 \
  {                                                                                                \
    if (remaining-- == 0) [[unlikely]]                                                             \
      goto budgetExhausted;                                                                        \
    goto *dispatchTable[std::size_t(insn->operation)];                                             \
  }
  DISPATCH();
  {
#else
#define OPERATION(Name) case Operation::Name:
#define DISPATCH() continue
  for (;;) {
    if (remaining-- == 0) [[unlikely]]
      goto budgetExhausted;
    switch (insn->operation) {
#endif
#define NEXT()                                                                                     \
  {                                                                                                \
    ++insn;                                                                                        \
    DISPATCH();                                                                                    \
  }
#define JUMP()                                                                                     \
  {                                                                                                \
    insn += insn->offset;                                                                          \
    DISPATCH();                                                                                    \
  }
#define DST reg[insn->dst]
#define SRC reg[insn->src]
#define ALU_FAMILY(Name, Apply64, Apply32)                                                         \
  OPERATION(Name##64Reg) {                                                                         \
    DST = Apply64(DST, SRC);                                                                       \
    NEXT();                                                                                        \
  }                                                                                                \
  OPERATION(Name##64Imm) {                                                                         \
    DST = Apply64(DST, insn->imm);                                                                 \
    NEXT();                                                                                        \
  }                                                                                                \
  OPERATION(Name##32Reg) {                                                                         \
    DST = Apply32(u32(DST), u32(SRC));                                                             \
    NEXT();                                                                                        \
  }                                                                                                \
  OPERATION(Name##32Imm) {                                                                         \
    DST = Apply32(u32(DST), u32(insn->imm));                                                       \
    NEXT();                                                                                        \
  }
#define JUMP_FAMILY(Name, Test64, Test32)                                                          \
  OPERATION(Jump##Name##64Reg) {                                                                   \
    if (Test64(DST, SRC))                                                                          \
      JUMP();                                                                                      \
    NEXT();                                                                                        \
  }                                                                                                \
  OPERATION(Jump##Name##64Imm) {                                                                   \
    if (Test64(DST, insn->imm))                                                                    \
      JUMP();                                                                                      \
    NEXT();                                                                                        \
  }                                                                                                \
  OPERATION(Jump##Name##32Reg) {                                                                   \
    if (Test32(DST, SRC))                                                                          \
      JUMP();                                                                                      \
    NEXT();                                                                                        \
  }                                                                                                \
  OPERATION(Jump##Name##32Imm) {                                                                   \
    if (Test32(DST, insn->imm))                                                                    \
      JUMP();                                                                                      \
    NEXT();                                                                                        \
  }
#define LOAD(Name, Type, Extend)                                                                   \
  OPERATION(Name) {                                                                                \
    const std::uint64_t address = SRC + std::uint64_t(std::int64_t(insn->offset));                 \
    MEMORY_ACCESS(address, sizeof(Type), AccessKind::Read, insn->src)                              \
    DST = Extend(loadValue<Type>(address));                                                        \
    NEXT();                                                                                        \
  }
#define STORE(Name, Type, Value)                                                                   \
  OPERATION(Name) {                                                                                \
    const std::uint64_t address = DST + std::uint64_t(std::int64_t(insn->offset));                 \
    MEMORY_ACCESS(address, sizeof(Type), AccessKind::Write, insn->dst)                             \
    storeValue<Type>(address, Type(Value));                                                        \
    NEXT();                                                                                        \
  }
#define ATOMIC(Name, Type, Statement)                                                              \
  OPERATION(Name) {                                                                                \
    const std::uint64_t address = DST + std::uint64_t(std::int64_t(insn->offset));                 \
    ATOMIC_ACCESS(address, sizeof(Type), insn->dst)                                                \
    auto word = atomicAt<Type>(address);                                                           \
    Statement;                                                                                     \
    NEXT();                                                                                        \
  }
#define ZERO_EXTEND(value) std::uint64_t(value)

    // Arithmetic (Semantics.h holds each operation's definition).
    ALU_FAMILY(Add, add64, add32)
    ALU_FAMILY(Sub, subtract64, subtract32)
    ALU_FAMILY(Mul, multiply64, multiply32)
    ALU_FAMILY(Div, divide64, divide32)
    ALU_FAMILY(SDiv, signedDivide64, signedDivide32)
    ALU_FAMILY(Mod, modulo64, modulo32)
    ALU_FAMILY(SMod, signedModulo64, signedModulo32)
    ALU_FAMILY(Or, or64, or32)
    ALU_FAMILY(And, and64, and32)
    ALU_FAMILY(Xor, xor64, xor32)
    ALU_FAMILY(Lsh, shiftLeft64, shiftLeft32)
    ALU_FAMILY(Rsh, shiftRight64, shiftRight32)
    ALU_FAMILY(Arsh, arithmeticShiftRight64, arithmeticShiftRight32)
    OPERATION(Mov64Reg) {
      DST = SRC;
      NEXT();
    }
    OPERATION(Mov64Imm) {
      DST = insn->imm;
      NEXT();
    }
    OPERATION(Mov32Reg) {
      DST = u32(SRC);
      NEXT();
    }
    OPERATION(Mov32Imm) {
      DST = u32(insn->imm);
      NEXT();
    }
    OPERATION(Neg64) {
      DST = 0 - DST;
      NEXT();
    }
    OPERATION(Neg32) {
      DST = u32(0 - u32(DST));
      NEXT();
    }
    OPERATION(MovSx8To64) {
      DST = signExtend8(SRC);
      NEXT();
    }
    OPERATION(MovSx16To64) {
      DST = signExtend16(SRC);
      NEXT();
    }
    OPERATION(MovSx32To64) {
      DST = signExtend32(SRC);
      NEXT();
    }
    OPERATION(MovSx8To32) {
      DST = u32(signExtend8(SRC));
      NEXT();
    }
    OPERATION(MovSx16To32) {
      DST = u32(signExtend16(SRC));
      NEXT();
    }
    OPERATION(ToLittleEndian16) {
      DST = u16(DST);
      NEXT();
    }
    OPERATION(ToLittleEndian32) {
      DST = u32(DST);
      NEXT();
    }
    OPERATION(ToLittleEndian64) {
      NEXT();
    }
    OPERATION(ByteSwap16) {
      DST = byteSwap16(DST);
      NEXT();
    }
    OPERATION(ByteSwap32) {
      DST = byteSwap32(DST);
      NEXT();
    }
    OPERATION(ByteSwap64) {
      DST = byteSwap64(DST);
      NEXT();
    }

    // Memory.
    LOAD(Load8, u8, ZERO_EXTEND)
    LOAD(Load16, u16, ZERO_EXTEND)
    LOAD(Load32, u32, ZERO_EXTEND)
    LOAD(Load64, u64, ZERO_EXTEND)
    LOAD(LoadSx8, u8, signExtend8)
    LOAD(LoadSx16, u16, signExtend16)
    LOAD(LoadSx32, u32, signExtend32)
    STORE(Store8, u8, SRC)
    STORE(Store16, u16, SRC)
    STORE(Store32, u32, SRC)
    STORE(Store64, u64, SRC)
    STORE(StoreImm8, u8, insn->imm)
    STORE(StoreImm16, u16, insn->imm)
    STORE(StoreImm32, u32, insn->imm)
    STORE(StoreImm64, u64, insn->imm)

    // Atomics: 32-bit ones use the low half of src and zero-extend what they fetch.
    ATOMIC(AtomicAdd32, u32, word.fetch_add(u32(SRC)))
    ATOMIC(AtomicOr32, u32, word.fetch_or(u32(SRC)))
    ATOMIC(AtomicAnd32, u32, word.fetch_and(u32(SRC)))
    ATOMIC(AtomicXor32, u32, word.fetch_xor(u32(SRC)))
    ATOMIC(AtomicFetchAdd32, u32, SRC = word.fetch_add(u32(SRC)))
    ATOMIC(AtomicFetchOr32, u32, SRC = word.fetch_or(u32(SRC)))
    ATOMIC(AtomicFetchAnd32, u32, SRC = word.fetch_and(u32(SRC)))
    ATOMIC(AtomicFetchXor32, u32, SRC = word.fetch_xor(u32(SRC)))
    ATOMIC(AtomicExchange32, u32, SRC = word.exchange(u32(SRC)))
    ATOMIC(AtomicCompareExchange32, u32, u32 expected = u32(reg[0]);
           word.compare_exchange_strong(expected, u32(SRC)); reg[0] = expected)
    ATOMIC(AtomicAdd64, u64, word.fetch_add(SRC))
    ATOMIC(AtomicOr64, u64, word.fetch_or(SRC))
    ATOMIC(AtomicAnd64, u64, word.fetch_and(SRC))
    ATOMIC(AtomicXor64, u64, word.fetch_xor(SRC))
    ATOMIC(AtomicFetchAdd64, u64, SRC = word.fetch_add(SRC))
    ATOMIC(AtomicFetchOr64, u64, SRC = word.fetch_or(SRC))
    ATOMIC(AtomicFetchAnd64, u64, SRC = word.fetch_and(SRC))
    ATOMIC(AtomicFetchXor64, u64, SRC = word.fetch_xor(SRC))
    ATOMIC(AtomicExchange64, u64, SRC = word.exchange(SRC))
    ATOMIC(AtomicCompareExchange64, u64, u64 expected = reg[0];
           word.compare_exchange_strong(expected, SRC); reg[0] = expected)

    OPERATION(LoadImm64) {
      DST = insn->imm;
      NEXT();
    }
    OPERATION(LoadFunctionAddress) {
      DST = reinterpret_cast<std::uintptr_t>(insn + insn->offset);
      NEXT();
    }

    // LD_ABS / LD_IND: the kernel's bpf_skb_load_helper_{8,16,32}; when it fails the current
    // function returns 0 (the kernel rewrites the instruction to `if r0 s< 0 { r0 = 0; exit }`).
    OPERATION(LoadPacketAbsolute) {
      const auto value =
          loadFromSocketBuffer(state.input.packet, std::int32_t(insn->imm), insn->size);
      clobberArgumentRegisters<Checked>(reg);
      reg[0] = value.value_or(0);
      if (!value)
        goto exitFunction;
      NEXT();
    }
    OPERATION(LoadPacketIndirect) {
      const auto value =
          loadFromSocketBuffer(state.input.packet, std::int32_t(SRC + insn->imm), insn->size);
      clobberArgumentRegisters<Checked>(reg);
      reg[0] = value.value_or(0);
      if (!value)
        goto exitFunction;
      NEXT();
    }

    // Jumps.
    OPERATION(Jump) {
      JUMP();
    }
    OPERATION(MayGoto) {
      // The kernel's hidden per-frame counter: jump once it reaches 0, else count down.
      std::uint32_t &counter = state.mayGotoCounters[state.depth];
      if (counter == 0)
        JUMP();
      --counter;
      NEXT();
    }
    JUMP_FAMILY(Eq, equal64, equal32)
    JUMP_FAMILY(Ne, notEqual64, notEqual32)
    JUMP_FAMILY(Set, anyBitSet64, anyBitSet32)
    JUMP_FAMILY(Gt, greater64, greater32)
    JUMP_FAMILY(Ge, greaterEqual64, greaterEqual32)
    JUMP_FAMILY(Lt, less64, less32)
    JUMP_FAMILY(Le, lessEqual64, lessEqual32)
    JUMP_FAMILY(SGt, signedGreater64, signedGreater32)
    JUMP_FAMILY(SGe, signedGreaterEqual64, signedGreaterEqual32)
    JUMP_FAMILY(SLt, signedLess64, signedLess32)
    JUMP_FAMILY(SLe, signedLessEqual64, signedLessEqual32)

    // Calls.
    OPERATION(CallHelper) {
      state.remaining = remaining;
      const bool returned = callHelper<Checked>(state, insn, reg);
      remaining = state.remaining; // callbacks run inside the helper spend the same budget
      if (!returned)
        goto stopped;
      NEXT();
    }
    OPERATION(CallKernelFunction) {
      state.remaining = remaining;
      const bool returned = callKernelFunction<Checked>(state, insn, reg);
      remaining = state.remaining;
      if (!returned)
        goto stopped;
      NEXT();
    }
    OPERATION(CallTail) {
      if (const DecodedProgram *target = takeTailCall(state, reg)) {
        // The target replaces the running function in the same frame, ctx still in r1.
        state.program = target;
        state.mayGotoCounters[state.depth] = MayGotoBudget;
        insn = target->code.data();
        DISPATCH();
      }
      NEXT();
    }
    OPERATION(CallIndirect) {
      const auto calleeIndex = functionAt(*state.program, SRC);
      if (!calleeIndex) [[unlikely]] {
        refuseCall(state, insn, FaultKind::BadCallTarget, SRC);
        goto stopped;
      }
      callee = state.program->code.data() + *calleeIndex;
      goto enterFunction;
    }
    OPERATION(CallLocal) {
      callee = insn + insn->offset;
    enterFunction:
      if (state.depth + 1 >= MaxCallFrames) [[unlikely]] {
        refuseCall(state, insn, FaultKind::CallDepthExceeded, 0);
        goto stopped;
      }
      {
        CallFrame &frame = state.frames[++state.depth];
        frame.returnTo = insn + 1;
        frame.program = state.program;
        frame.calleeSaved = {reg[6], reg[7], reg[8], reg[9]};
        frame.framePointer = reg[10];
        state.mayGotoCounters[state.depth] = MayGotoBudget;
        reg[10] = state.framePointer(state.depth);
        if constexpr (Checked)
          state.checker.setDepth(state.depth);
      }
      insn = callee;
      DISPATCH();
    }
    OPERATION(Exit) {
    exitFunction:
      if (state.depth == baseDepth) {
        state.remaining = remaining;
        return reg[0];
      }
      {
        const CallFrame &frame = state.frames[state.depth--];
        reg[6] = frame.calleeSaved[0];
        reg[7] = frame.calleeSaved[1];
        reg[8] = frame.calleeSaved[2];
        reg[9] = frame.calleeSaved[3];
        reg[10] = frame.framePointer;
        insn = frame.returnTo;
        state.program = frame.program;
        if constexpr (Checked)
          state.checker.setDepth(state.depth);
      }
      DISPATCH();
    }
#if BPFCHECK_INTERP_THREADED
  }
#pragma GCC diagnostic pop
#else
    } // switch
  } // for
#endif

budgetExhausted:
  remaining = 0;
  state.raise(insn, FaultKind::BudgetExhausted,
              "the instruction budget (" + std::to_string(state.budget) +
                  " instructions) is exhausted");
stopped:
  state.remaining = remaining;
  return std::nullopt;

#undef MEMORY_ACCESS
#undef ATOMIC_ACCESS
#undef OPERATION
#undef DISPATCH
#undef NEXT
#undef JUMP
#undef DST
#undef SRC
#undef ALU_FAMILY
#undef JUMP_FAMILY
#undef LOAD
#undef STORE
#undef ATOMIC
#undef ZERO_EXTEND
}

template std::optional<std::uint64_t> execute<false>(ExecutionState &, const DecodedInstruction *,
                                                     const std::array<std::uint64_t, 5> &);
template std::optional<std::uint64_t> execute<true>(ExecutionState &, const DecodedInstruction *,
                                                    const std::array<std::uint64_t, 5> &);

} // namespace bpfcheck::interp
