// The transfer functions of the abstract interpreter, shared by the engine (Engine.cpp) and
// the per-instruction-kind files: one Analysis per verified program, holding the input, the
// options and the identities handed out so far. Private to absint.
#pragma once

#include "bpfcheck/absint/AbstractState.h"
#include "bpfcheck/absint/Verifier.h"
#include "bpfcheck/platform/Helpers.h"

#include <array>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace bpfcheck {
struct KernelFunctionRule;
} // namespace bpfcheck

namespace bpfcheck::absint::detail {

/// Offsets and sizes the kernel lets a variable reach (BPF_MAX_VAR_OFF, BPF_MAX_VAR_SIZ).
inline constexpr std::int64_t maximumVariableOffset = std::int64_t(1) << 29;
/// Sizes of memory a helper may be given (BPF_MAX_VAR_SIZ).
inline constexpr auto maximumVariableSize = static_cast<std::uint64_t>(maximumVariableOffset);
/// Frames of a call chain, the program's included (MAX_CALL_FRAMES).
inline constexpr std::size_t maximumCallFrames = 8;

/// "r3", for messages.
inline std::string registerName(unsigned index) {
  return "r" + std::to_string(index);
}

/// The function whose first instruction is `entry` (0 if none).
std::uint32_t functionStartingAt(const ProgramCode &code, std::uint32_t entry);

/// A state and the instruction it continues at.
struct Successor {
  AbstractState state;
  std::uint32_t index = 0;
};

/// What executing one instruction gives: the states that follow (none at a program exit or
/// on an impossible edge), or the rule it breaks.
struct StepOutcome {
  std::vector<Successor> successors;
  std::optional<Diagnostic> violation;
  /// A load, store or atomic that broke a bounds rule: the state it was stepped from, for a
  /// prover's in-bounds question. (Those checks fail before the transfer changes the state;
  /// at most a stored register got an identity of its own, which means nothing alone.)
  std::optional<AbstractState> accessState;
};

/// A violation, or nothing when the check passed.
using Check = std::optional<Diagnostic>;

enum class AccessKind : std::uint8_t { Read, Write };

/// What checking a helper call's arguments learnt, for computing its result.
struct HelperCallFacts {
  std::optional<std::uint32_t> map;         ///< the map argument's index
  std::optional<std::uint64_t> constantKey; ///< a 4-byte key known on the stack
  std::optional<std::uint32_t> callback;    ///< entry of the callback argument
  std::array<Scalar, 6> arguments{};        ///< scalar arguments by register (1-5)
  std::uint32_t releasedReference = 0;      ///< reference released by the call
  std::uint32_t argumentReference = 0;      ///< reference of a pointer argument
  std::uint32_t lockPointerId = 0;          ///< bpf_spin_lock's map value identity
  /// The kptr field bpf_kptr_xchg's destination points at.
  const MapValueField *kptrField = nullptr;
};

/// What checking a kfunc call's arguments learnt.
struct KernelFunctionFacts {
  std::uint32_t releasedReference = 0;   ///< reference released by the call
  std::optional<std::uint64_t> constant; ///< the `__k` argument
};

class Analysis {
public:
  Analysis(const ProgramInput &input, const VerifyOptions &options);

  /// The state at the entry of the program, or of a global function verified on its own.
  AbstractState initialState(const GlobalFunctionSignature *entry = nullptr);
  StepOutcome step(AbstractState state, std::uint32_t index);

  const ProgramInput &input;
  const VerifyOptions &options;
  /// Per function: the deepest stack byte any path touched.
  std::vector<std::uint32_t> stackDepth;
  /// The global function being verified on its own, or null for the program.
  const GlobalFunctionSignature *entryFunction = nullptr;

  // --- shared by the transfer files ------------------------------------------------------
  /// The global function starting at instruction `entry`, if it is one.
  const GlobalFunctionSignature *globalFunctionAt(std::uint32_t entry) const;
  /// Whether calling the function may move packet data: it, or a function it calls, calls
  /// a helper that does (or a tail call, which counts in a subprogram).
  bool mayChangePacketData(std::uint32_t function);
  std::uint32_t freshId() { return ++lastId; }
  const PlacedInstruction &instruction(std::uint32_t index) const {
    return input.code->instructions[index];
  }
  /// A diagnostic for the current instruction, showing the registers named.
  Diagnostic violation(Rule rule, std::string message, const AbstractState &state,
                       std::initializer_list<unsigned> registers = {}) const;
  Check readable(const AbstractState &state, unsigned reg) const;
  Check writable(unsigned reg) const;
  /// The value of a register or an immediate (sign-extended).
  RegisterValue operandValue(const AbstractState &state, const Operand &operand) const;

  /// Checks `size` bytes at `base + offset` for a load or store through register `base`;
  /// for loads, puts what is read in `loaded`.
  Check checkMemoryAccess(AbstractState &state, unsigned base, std::int64_t offset, unsigned size,
                          AccessKind kind, const RegisterValue *stored, RegisterValue *loaded,
                          bool signExtend);
  /// Checks that a helper may read (or write) `[offset, offset + size)` of the memory
  /// register `reg` points to, with the variable part of `size` in sizeRange; for writes,
  /// marks the bytes written.
  Check checkHelperMemory(AbstractState &state, unsigned reg, std::uint64_t minimumSize,
                          std::uint64_t maximumSize, AccessKind kind, const char *argument);

  /// "insn 12 (file.c:34)": an instruction as diagnostics name it.
  std::string placeOf(std::uint32_t index) const;
  /// For a value that was a pointer until its reference was released: where that happened
  /// ("; it held a reference that was released at insn 9 (file.c:20)"), else empty.
  std::string releaseHistory(const AbstractState &state, const RegisterValue &value) const;

  /// The branch decisions a path made since it acquired `reference`, as a clause of a
  /// leak diagnostic (", which then branched: insn 12 (f.c:30) jumped, ...").
  std::string pathSince(const AbstractState &state, const AcquiredReference &reference) const;

  /// A callback's r0 against its helper's callback_ret_range (`what` names it in messages).
  Check checkCallbackReturn(const AbstractState &state, const Frame &callee,
                            const char *what) const;

  /// Whether an access reaches a map value's kernel-managed fields (spin lock, timer, …):
  /// refused, except a direct access of a whole kptr, which is returned in `kptr`.
  enum class FieldAccess : std::uint8_t { Direct, Helper };
  Check checkMapValueFields(const AbstractState &state, unsigned base, const PointerValue &pointer,
                            std::int64_t at, std::uint64_t size, FieldAccess access,
                            const MapValueField **kptr);
  /// A load or store of a whole kptr field (check_map_kptr_access).
  Check accessKptr(AbstractState &state, unsigned base, const MapValueField &field, AccessKind kind,
                   const RegisterValue *stored, RegisterValue *loaded);
  /// ARG_PTR_TO_SPIN_LOCK and ARG_PTR_TO_TIMER: the field itself, at its constant offset.
  Check checkMapValueFieldArgument(AbstractState &state, unsigned r, ArgKind kind,
                                   HelperCallFacts &facts);
  /// bpf_kptr_xchg's destination (a referenced kptr field) and the object it stores.
  Check checkKptrDestination(AbstractState &state, unsigned r, HelperCallFacts &facts);
  Check checkKptrExchangeSource(AbstractState &state, unsigned r, const MapValueField &field,
                                HelperCallFacts &facts);

  /// Every register or spill whose identity is `id` gets `update` applied.
  template <typename F> void forEachWithId(AbstractState &state, std::uint32_t id, F &&update) {
    state.forEachValue([&](RegisterValue &value) {
      if (value.isPointer() ? value.pointer.id == id : value.isScalar() && value.id == id)
        update(value);
    });
  }
  /// A released reference: dropped from the state, and every copy of a pointer holding it
  /// becomes unusable.
  void releaseReference(AbstractState &state, std::uint32_t reference) const;
  /// After a helper that may move packet data: packet pointers are unknown scalars.
  void invalidatePacketPointers(AbstractState &state);
  /// The prover showed that the memory access of the instruction being stepped stays inside
  /// its region on the path being explored: its bounds checks pass (Explorer sets it for
  /// one step).
  bool boundsProven = false;

  /// Records that the stack of frame `frame` was touched down to `offset`.
  void touchStack(const AbstractState &state, std::uint32_t frame, std::int64_t offset);

private:
  Check executeAlu(AbstractState &state, const Alu &alu);
  Check executeMove(AbstractState &state, const Move &move);
  Check executeByteSwap(AbstractState &state, const ByteSwap &swap);
  Check executeLoadImmediate(AbstractState &state, const LoadImmediate64 &load);
  Check executeLoad(AbstractState &state, const Load &load);
  Check executeStore(AbstractState &state, const Store &store);
  Check executeAtomic(AbstractState &state, const Atomic &atomic);
  StepOutcome executeLoadPacket(AbstractState state, const LoadPacket &load, std::uint32_t index);
  Check checkLoadPacket(const AbstractState &state, const LoadPacket &load);
  StepOutcome executeBranch(AbstractState state, const ConditionalJump &jump, std::uint32_t index);
  StepOutcome executeCall(AbstractState state, const Call &call, std::uint32_t index);
  StepOutcome executeHelper(AbstractState state, const Call &call, std::uint32_t index);
  StepOutcome executeLocalCall(AbstractState state, std::uint32_t target, std::uint32_t index);
  StepOutcome executeKernelFunction(AbstractState state, const Call &call, std::uint32_t index);
  Check checkKernelFunctionArguments(AbstractState &state, const KernelFunctionPrototype &prototype,
                                     const KernelFunctionRule &rule, KernelFunctionFacts &facts);
  /// A kernel object (BTF-typed or socket pointer) passed for `parameter` in register `r`.
  Check checkKernelObjectArgument(const AbstractState &state, unsigned r,
                                  const KernelFunctionType &parameter,
                                  const KernelFunctionRule &rule);
  StepOutcome callGlobalFunction(AbstractState state, const GlobalFunctionSignature &function,
                                 std::uint32_t index);
  StepOutcome executeExit(AbstractState state, std::uint32_t index);

  Check pointerArithmetic(AbstractState &state, const Alu &alu);
  /// Why a stack or map-value pointer may not be where arithmetic put it when the loader
  /// lacks CAP_BPF (it must stay inside its region), or nothing.
  std::optional<std::string> outsideForUnprivileged(const PointerValue &pointer) const;
  Check checkContextAccess(AbstractState &state, unsigned base, std::int64_t offset, unsigned size,
                           AccessKind kind, RegisterValue *loaded, bool signExtend);
  Check checkReturnValue(const AbstractState &state) const;
  /// An access to the kernel struct `structName` (shown in messages as `shownAs`) through
  /// `base`: a BTF-typed pointer, or a map pointer reading its map's struct.
  Check checkKernelObjectAccess(AbstractState &state, unsigned base, std::string_view structName,
                                const std::string &shownAs, std::int64_t at, unsigned size,
                                AccessKind kind, RegisterValue *loaded);
  Check checkKernelObjectWrite(AbstractState &state, unsigned base, std::int64_t offset,
                               unsigned size);
  Check checkHelperArguments(AbstractState &state, const HelperPrototype &helper,
                             HelperCallFacts &facts);
  Check checkHelperArgument(AbstractState &state, const HelperPrototype &helper, unsigned reg,
                            HelperCallFacts &facts);
  RegisterValue helperResult(AbstractState &state, const HelperPrototype &helper,
                             const HelperCallFacts &facts, std::uint32_t index);

  /// One instruction may not access context-like and other memory on different paths.
  Check checkSamePointerKind(const AbstractState &state, unsigned base);

  std::uint32_t lastId = 0;
  /// Per instruction: the region its memory access used first (-1: none yet).
  std::vector<std::int16_t> accessRegions;
  /// Per function: whether calling it may move packet data (computed on first use).
  std::vector<bool> changesPacketData;
  std::uint32_t currentIndex = 0;
};

/// The first LD_ABS, LD_IND or tail call in a subprogram whose BTF prototype does not return
/// a scalar (or that has none), with its instruction: the kernel refuses the program.
std::optional<std::pair<Diagnostic, std::uint32_t>> checkAbnormalReturns(const ProgramInput &input);

/// The first ld_imm64 of a map the program may not use (check_map_prog_compatibility).
std::optional<std::pair<Diagnostic, std::uint32_t>> checkMapReferences(const ProgramInput &input);

/// Without CAP_BPF: the first back edge of the control-flow graph (loops are refused), with
/// the instruction it leaves from.
std::optional<std::pair<Diagnostic, std::uint32_t>> checkBackEdges(const ProgramInput &input);

/// The stack depth the kernel charges a function (rounded up as the JIT does).
std::uint32_t chargedStackDepth(std::uint32_t depth);

/// The combined stack of the deepest call chain (the kernel's check_max_stack_depth), from
/// each function's depth; a diagnostic when it exceeds 512 bytes. `deepest` receives it.
std::optional<Diagnostic> checkCombinedStackDepth(const ProgramCode &code,
                                                  const std::vector<std::uint32_t> &depths,
                                                  std::uint32_t &deepest);

} // namespace bpfcheck::absint::detail
