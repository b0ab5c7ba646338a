// Names and summaries of the rules (Rules.def), names of severities.

#include "bpfcheck/absint/Diagnostic.h"

namespace bpfcheck::absint {

namespace {

struct RuleRow {
  std::string_view identifier;
  std::string_view summary;
  RuleQuestion question;
};

constexpr RuleRow ruleRows[] = {
#define RULE(Name, id, summary, question) {id, summary, RuleQuestion::question},
#include "bpfcheck/absint/Rules.def"
};

} // namespace

std::string_view identifierOf(Rule rule) {
  return ruleRows[static_cast<unsigned>(rule)].identifier;
}

std::string_view summaryOf(Rule rule) {
  return ruleRows[static_cast<unsigned>(rule)].summary;
}

RuleQuestion questionOf(Rule rule) {
  return ruleRows[static_cast<unsigned>(rule)].question;
}

std::string_view nameOf(Severity severity) {
  switch (severity) {
  case Severity::Error:
    return "error";
  case Severity::Warning:
    return "warning";
  case Severity::Note:
    return "note";
  }
  return "";
}

} // namespace bpfcheck::absint
