// Names and summaries of the rules (Rules.def).

#include "bpfcheck/absint/Diagnostic.h"

namespace bpfcheck::absint {

namespace {

struct RuleRow {
  std::string_view identifier;
  std::string_view summary;
};

constexpr RuleRow ruleRows[] = {
#define RULE(Name, id, summary) {id, summary},
#include "bpfcheck/absint/Rules.def"
};

} // namespace

std::string_view identifierOf(Rule rule) {
  return ruleRows[static_cast<unsigned>(rule)].identifier;
}

std::string_view summaryOf(Rule rule) {
  return ruleRows[static_cast<unsigned>(rule)].summary;
}

} // namespace bpfcheck::absint
