// What bpfcheck says about a program: each finding names the rule broken, the instruction,
// its source location (from line info), a plain sentence, and the abstract values of the
// registers involved.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bpfcheck::absint {

enum class Rule : std::uint8_t {
#define RULE(Name, id, summary, question) Name,
#include "bpfcheck/absint/Rules.def"
};

/// What a prover may be asked when a check of a rule fails on a path (Rules.def).
enum class RuleQuestion : std::uint8_t { None, Reachable, Bounds };
RuleQuestion questionOf(Rule rule);

/// "packet-bounds".
std::string_view identifierOf(Rule rule);
/// "packet accesses must be proven below packet_end".
std::string_view summaryOf(Rule rule);

enum class Severity : std::uint8_t { Error, Warning, Note };
/// "error", "warning", "note".
std::string_view nameOf(Severity severity);

struct Diagnostic {
  Severity severity = Severity::Error;
  Rule rule = Rule::InvalidInstruction;
  std::string message;               ///< one plain sentence, no location
  std::optional<std::uint32_t> insn; ///< instruction index
  std::optional<std::uint32_t> pc;   ///< slot of that instruction
  std::string insnText;              ///< the instruction in llvm-objdump syntax
  std::string file;                  ///< from line info; empty when unknown
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::vector<std::string> registers; ///< "r2 = pkt(off=14,r=14)"
};

} // namespace bpfcheck::absint
