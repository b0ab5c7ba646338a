// Obligations: what the abstract interpreter could not prove on one path, put as a question
// to a prover that reads the bit-precise semantics of that path (smt/). absint never sees
// the prover's machinery: a caller that wants obligations discharged passes one in
// VerifyOptions.
#pragma once

#include "bpfcheck/absint/AbstractState.h"
#include "bpfcheck/absint/Diagnostic.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bpfcheck::absint {

struct ProgramInput;

/// One step of a path that the code alone does not determine.
struct PathStep {
  enum class Kind : std::uint8_t {
    Branch, ///< a conditional jump or may_goto, and which way it went
    Result, ///< an instruction whose result comes from outside the program (a helper or
            ///< kfunc call's r0, a pointer loaded from kernel memory): what absint knows of it
  };
  Kind kind = Kind::Branch;
  std::uint32_t index = 0; ///< the instruction
  bool taken = false;      ///< Branch: it jumped
  RegisterValue result;    ///< Result: the value, as absint's transfer functions computed it
};

/// A path to an obligation: from a state that covers every concrete state the path can be in
/// at `startIndex`, through `steps`, to the obligation's instruction.
struct ObligationPath {
  std::shared_ptr<const AbstractState> start;
  std::uint32_t startIndex = 0;
  /// `start` is the program's own entry state, so a model of the path is an input to it.
  bool fromEntry = false;
  std::vector<PathStep> steps;
};

enum class ObligationKind : std::uint8_t {
  Unreachable, ///< the path cannot be taken, so the violation at its end cannot happen
  InBounds,    ///< the memory access at the end stays inside the memory it refers to
};
/// "unreachable", "in-bounds".
std::string_view nameOf(ObligationKind kind);

struct Obligation {
  ObligationKind kind = ObligationKind::Unreachable;
  Rule rule = Rule::InvalidInstruction; ///< the rule the abstract check could not prove
  std::uint32_t index = 0;              ///< the instruction
  ObligationPath path;
};

enum class ObligationStatus : std::uint8_t {
  Proven,  ///< holds on every execution of the path
  Refuted, ///< some execution of the path breaks it (a counterexample exists)
  Unknown, ///< neither within the budget, or the prover cannot encode the path
};
/// "proven", "refuted", "unknown".
std::string_view nameOf(ObligationStatus status);

struct ObligationAnswer {
  ObligationStatus status = ObligationStatus::Unknown;
  /// Refuted: the counterexample in words ("with packet length 13, ..."); Unknown: why.
  std::string explanation;
  /// Refuted on a path from the entry: the input that breaks the obligation, as a JSON
  /// document `bpfcheck run --replay` reads; empty otherwise.
  std::string counterexample;
  std::uint64_t microseconds = 0;
};

/// Decides obligations. Implementations must be usable from one verification at a time per
/// object; verify() calls it from the thread that called verify().
class ObligationProver {
public:
  virtual ~ObligationProver() = default;
  virtual ObligationAnswer prove(const ProgramInput &input, const Obligation &obligation) = 0;
};

} // namespace bpfcheck::absint
