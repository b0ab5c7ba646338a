// The verifier's entry point: one program (its IR, type, maps and licence, as a loader holds
// them before BPF_PROG_LOAD) in, a verdict out: accepted, rejected with a diagnostic, or too
// complex for the budgets given, with the cost of reaching it.
#pragma once

#include "bpfcheck/absint/Diagnostic.h"
#include "bpfcheck/ir/Program.h"
#include "bpfcheck/platform/ContextLayout.h"
#include "bpfcheck/platform/KernelTypes.h"
#include "bpfcheck/platform/MapValueFields.h"
#include "bpfcheck/platform/Types.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bpfcheck::absint {

class ObligationProver;

/// A map as the program sees it (what BPF_MAP_CREATE was or will be given).
struct MapDescriptor {
  std::string name;
  MapType type = MapType::Unspec;
  std::uint32_t keySize = 0;
  std::uint32_t valueSize = 0;
  std::uint32_t maxEntries = 0;
  std::uint32_t flags = 0;
  /// Programs may only read it (frozen `.rodata`, BPF_F_RDONLY_PROG).
  bool readOnly = false;
  /// Programs may only write it (BPF_F_WRONLY_PROG).
  bool writeOnly = false;
  /// Map-in-map: the index of the inner map's template in the same list.
  std::optional<std::uint32_t> innerMap;
  /// The value of a frozen read-only map (for constant-string arguments); empty if unknown.
  std::vector<std::byte> frozenValue;
  /// The value's kernel-managed fields (spin lock, timer, kptrs, …), from BTF.
  std::vector<MapValueField> valueFields;
};

/// A global (non-static) function of the program: the kernel verifies it on its own, from
/// what its BTF prototype says about each argument, and checks each call against that.
struct GlobalFunctionSignature {
  enum class ArgumentKind : std::uint8_t { Scalar, Context, Memory, KernelObject, Unsupported };
  struct Argument {
    ArgumentKind kind = ArgumentKind::Scalar;
    std::uint32_t size = 0; ///< Memory: bytes
    bool nonNull = false;   ///< Memory, KernelObject: NULL is not passed
    std::string structName; ///< KernelObject: the kernel struct a trusted pointer points to
    std::string reason;     ///< Unsupported: why the kernel refuses it
  };
  std::string name;
  std::uint32_t entry = 0; ///< instruction index of its first instruction
  std::vector<Argument> arguments;
  bool returnsVoid = false;
};

/// Everything the verifier needs to know about one program.
struct ProgramInput {
  std::string name;
  const ProgramCode *code = nullptr;
  ProgramType type = ProgramType::Unspec;
  std::optional<AttachType> attach;
  bool gplCompatible = false;
  bool sleepable = false;
  /// Indexed by the map index of ld_imm64 (ImmediateKind::MapIndex / MapIndexValue).
  std::vector<MapDescriptor> maps;
  /// Tracing, LSM, iterator and struct_ops programs: the attach target's arguments and
  /// return type, from the kernel's BTF.
  std::optional<AttachTargetInfo> attachTarget;
  /// The attach target's name as the section gives it ("file_open", "dentry_open").
  std::string attachTargetName;
  /// struct_ops programs: the kernel struct whose member the program implements.
  std::string structOpsType;
  /// The kernel's struct layouts, for BTF-typed pointers (null: such accesses are refused).
  const KernelTypes *kernelTypes = nullptr;
  /// The global functions, verified separately.
  std::vector<GlobalFunctionSignature> globalFunctions;
  /// Per function of `code` (same order): whether its BTF prototype returns a scalar (an
  /// int or an enum), which LD_ABS, LD_IND and tail calls in subprograms need; empty when
  /// the program has no BTF function records (the kernel then refuses them there).
  std::vector<bool> functionReturnsScalar;
  /// Why the code could not be decoded or linked; non-empty: rejected with this message.
  std::string malformed;
};

/// Limits on the analysis; reaching one gives the verdict "too complex".
struct Budgets {
  std::uint64_t instructionsProcessed = 1'000'000; ///< the kernel's BPF_COMPLEXITY_LIMIT_INSNS
  std::uint64_t states = 1'000'000;                ///< states kept for pruning
  std::uint64_t milliseconds = 60'000;
  std::uint64_t memoryBytes = std::uint64_t(4) << 30;
};

/// How loops that nothing else bounds (no may_goto, no callback helper) are analysed.
enum class LoopMode : std::uint8_t {
  Unroll,    ///< iteration by iteration, as the kernel does
  Summarize, ///< widened at their heads; each must be proven to end (a ranking variable)
  Auto,      ///< unrolled; summarised when unrolling runs out of budget
};
std::string_view nameOf(LoopMode mode); ///< "unroll", "summarize", "auto"
/// The mode `nameOf` names `name`; none for any other text.
std::optional<LoopMode> loopModeNamed(std::string_view name);

/// Iterations a summarised loop may run per entry: the kernel's bound on bpf_loop
/// (BPF_MAX_LOOPS), the most iterations it lets one call of a program go round.
inline constexpr std::uint64_t maximumLoopIterations = std::uint64_t(1) << 23;

struct VerifyOptions {
  /// The rules for a loader holding CAP_BPF and CAP_PERFMON (root); false: unprivileged.
  bool privileged = true;
  Budgets budgets;
  /// Record the abstract state before each instruction (the join over the explored paths).
  bool recordInvariants = false;
  /// Path sensitivity: at a merge point outside loop heads, paths stay apart until this
  /// many states were kept there; later paths are joined with the newest of them (less
  /// precise, but the number of paths stays bounded). 0: never join.
  std::uint32_t statesBeforeJoin = 8;
  LoopMode loops = LoopMode::Auto;
  /// Asked about what the abstract domain cannot prove (Obligation.h); null: such programs
  /// are rejected with the abstract check's message.
  ObligationProver *prover = nullptr;
  /// The prover's time for one program; once spent, obligations are not asked any more.
  std::uint64_t proverMilliseconds = 30'000;
};

enum class Verdict : std::uint8_t { Accept, Reject, TooComplex };
std::string_view nameOf(Verdict verdict); ///< "accept", "reject", "too_complex"

struct VerifyStats {
  std::uint32_t instructions = 0;          ///< slots, as the kernel counts them
  std::uint64_t instructionsProcessed = 0; ///< instructions analysed over all paths
  std::uint64_t states = 0;                ///< states kept for pruning
  std::uint64_t prunedPaths = 0;
  /// Paths joined at merge points outside loop heads (statesBeforeJoin).
  std::uint64_t joins = 0;
  std::uint64_t timeMicroseconds = 0;
  std::uint64_t peakStateBytes = 0;  ///< memory held by kept and pending states
  std::uint32_t maxStackDepth = 0;   ///< the deepest call chain's combined stack
  std::uint32_t loopsSummarized = 0; ///< loops proven to end by a ranking variable
  /// Iterations of loops bounded by may_goto or a callback helper that were widened.
  std::uint64_t boundedLoopWidenings = 0;
  /// Descending steps that narrowed summarised loop heads before the program was accepted.
  std::uint32_t narrowingSteps = 0;
  std::uint32_t obligationsAsked = 0;  ///< questions put to the prover
  std::uint32_t obligationsProven = 0; ///< of those, proven
  std::uint64_t proverMicroseconds = 0;
};

struct VerifyResult {
  Verdict verdict = Verdict::Accept;
  std::vector<Diagnostic> diagnostics;
  VerifyStats stats;
  /// With recordInvariants: per instruction, the registers' values before it (empty where
  /// no path reached it).
  std::vector<std::vector<std::string>> invariants;
  /// Rejected, when the prover found an input that breaks the rejecting obligation: that
  /// input as JSON (ObligationAnswer::counterexample); empty otherwise.
  std::string counterexample;
};

VerifyResult verify(const ProgramInput &input, const VerifyOptions &options = {});

/// The error that decided a rejection (the first of severity error), or null when there is
/// none (accepted: notes and warnings only).
const Diagnostic *rejection(const VerifyResult &result);

} // namespace bpfcheck::absint
