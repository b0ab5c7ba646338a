// Subprograms that may return abnormally (the kernel's check_btf_func and
// check_abnormal_return): a failing LD_ABS / LD_IND returns 0 from the function it is in, and
// a tail call's target returns to that function's caller; so the kernel allows both in a
// subprogram only when its BTF prototype returns a scalar, and never without BTF records.

#include "Analysis.h"

#include "bpfcheck/platform/Helpers.h"

namespace bpfcheck::absint::detail {

namespace {

/// What in an instruction may return abnormally ("LD_ABS", "tail_call"), or nothing.
std::string_view abnormalReturn(const Instruction &insn) {
  if (std::holds_alternative<LoadPacket>(insn))
    return "LD_ABS";
  if (const Call *call = std::get_if<Call>(&insn);
      call && call->kind == Call::Kind::Helper &&
      call->imm == static_cast<std::int32_t>(HelperId::TailCall))
    return "tail_call";
  return {};
}

} // namespace

std::optional<std::pair<Diagnostic, std::uint32_t>>
checkAbnormalReturns(const ProgramInput &input) {
  const ProgramCode &code = *input.code;
  for (std::size_t f = 1; f < code.functions.size(); ++f) {
    const Function &function = code.functions[f];
    if (!input.functionReturnsScalar.empty() && input.functionReturnsScalar[f])
      continue;
    for (std::uint32_t i = function.firstInstruction; i < function.endInstruction; ++i) {
      const std::string_view what = abnormalReturn(code.instructions[i].insn);
      if (what.empty())
        continue;
      Diagnostic diagnostic;
      diagnostic.rule = Rule::InvalidInstruction;
      diagnostic.message =
          input.functionReturnsScalar.empty()
              ? std::string(what) + " is not allowed in subprogs without BTF: subprogram " +
                    function.name + " may return through it, which needs its prototype"
              : std::string(what) +
                    " is only allowed in functions that return 'int': " + function.name +
                    " may return through it, and its BTF prototype does not " + "return a scalar";
      return std::pair{std::move(diagnostic), i};
    }
  }
  return std::nullopt;
}

} // namespace bpfcheck::absint::detail
