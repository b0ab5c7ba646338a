// Maps a program may not use at all (the kernel's check_map_prog_compatibility, run for
// every map an ld_imm64 names before any path is explored): struct_ops maps, maps of types
// sleepable programs may not use, and maps whose values hold fields the program type may
// not use (timers and locks in tracing programs, locks in socket filters).
#include "Analysis.h"

#include "bpfcheck/platform/MapTypeRules.h"

namespace bpfcheck::absint::detail {

std::optional<std::pair<Diagnostic, std::uint32_t>> checkMapReferences(const ProgramInput &input) {
  const ProgramCode &code = *input.code;
  for (std::uint32_t i = 0; i < code.instructions.size(); ++i) {
    const auto *load = std::get_if<LoadImmediate64>(&code.instructions[i].insn);
    if (!load ||
        (load->kind != ImmediateKind::MapIndex && load->kind != ImmediateKind::MapIndexValue))
      continue;
    const auto index = static_cast<std::uint32_t>(load->imm);
    if (index >= input.maps.size())
      continue; // refused with its instruction when the path reaches it
    const MapDescriptor &map = input.maps[index];
    const std::optional<std::string> problem =
        checkMapUseInProgram(map.type, map.valueFields, input.type, input.sleepable);
    if (!problem)
      continue;
    Diagnostic diagnostic;
    diagnostic.rule = Rule::MapUnavailable;
    diagnostic.message = *problem + ": the program uses map '" + map.name + "'";
    return std::pair{std::move(diagnostic), i};
  }
  return std::nullopt;
}

} // namespace bpfcheck::absint::detail
