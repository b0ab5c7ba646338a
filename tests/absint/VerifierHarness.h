// Verifying a program written as BPF assembly text, for the verifier's unit tests. Maps are
// referred to as `r1 = 0xfeed000K ll` (map K's address, ld_imm64 of a map) and
// `r1 = 0xfeee000K ll` (the address of map K's value, as for global data). Kernel functions
// are called as `call 0x1000K` (the kfunc whose BTF id is K in `kernelTypes`).
#pragma once

#include "bpfcheck/absint/Verifier.h"
#include "bpfcheck/frontend/Assembler.h"
#include "bpfcheck/ir/ControlFlow.h"
#include "bpfcheck/ir/Decoder.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

namespace bpfcheck::test {

struct VerifiedProgram {
  std::unique_ptr<ProgramCode> code;
  absint::VerifyResult result;

  absint::Verdict verdict() const { return result.verdict; }
  /// The rule of the rejecting error, else of the first diagnostic (InvalidInstruction if
  /// none, which no test expects).
  absint::Rule rule() const {
    const absint::Diagnostic *first = decisive();
    return first ? first->rule : absint::Rule::InvalidInstruction;
  }
  std::string message() const {
    const absint::Diagnostic *first = decisive();
    return first ? first->message : std::string();
  }
  const absint::Diagnostic *decisive() const {
    if (const absint::Diagnostic *error = absint::rejection(result))
      return error;
    return result.diagnostics.empty() ? nullptr : &result.diagnostics.front();
  }
};

inline absint::MapDescriptor mapOf(MapType type, std::uint32_t keySize, std::uint32_t valueSize,
                                   std::uint32_t maxEntries, std::string name = "m") {
  absint::MapDescriptor map;
  map.name = std::move(name);
  map.type = type;
  map.keySize = keySize;
  map.valueSize = valueSize;
  map.maxEntries = maxEntries;
  return map;
}

struct AsmProgram {
  std::string text;
  ProgramType type = ProgramType::SocketFilter;
  std::optional<AttachType> attach;
  std::vector<absint::MapDescriptor> maps;
  bool gpl = true;
  /// Per function: whether its (pretended) BTF prototype returns a scalar; empty: no BTF.
  std::vector<bool> functionReturnsScalar;
  /// The kernel's types, for kfunc calls and BTF-typed pointers (null: none).
  const KernelTypes *kernelTypes = nullptr;
  bool sleepable = false;
  absint::VerifyOptions options;
};

/// The immediate of `call` that the harness turns into a call of kfunc `btfId`.
inline constexpr std::int32_t kfuncCallMarker = 0x10000;

inline VerifiedProgram verifyAsm(const AsmProgram &program) {
  auto slots = assembleProgram(program.text);
  REQUIRE_MESSAGE(slots, (slots ? std::string() : slots.error().message));
  // Map references written as magic constants become map relocations.
  for (std::size_t i = 0; i + 1 < slots->size(); ++i) {
    encoding::RawInstruction &slot = (*slots)[i];
    if (slot.opcode == 0x85 && slot.src() == 0 && slot.imm >= kfuncCallMarker) {
      slot.registers = static_cast<std::uint8_t>((encoding::PseudoKfuncCall << 4) | slot.dst());
      slot.imm -= kfuncCallMarker;
      continue;
    }
    if (slot.opcode != 0x18)
      continue;
    const auto low = static_cast<std::uint32_t>(slot.imm);
    const auto high = static_cast<std::uint32_t>((*slots)[i + 1].imm);
    if (high == 0 && (low & 0xfffffff0u) == 0xfeed0000u) {
      slot.registers = static_cast<std::uint8_t>(
          (static_cast<unsigned>(ImmediateKind::MapIndex) << 4) | slot.dst());
      slot.imm = static_cast<std::int32_t>(low & 0xf);
    } else if (high == 0 && (low & 0xfffffff0u) == 0xfeee0000u) {
      slot.registers = static_cast<std::uint8_t>(
          (static_cast<unsigned>(ImmediateKind::MapIndexValue) << 4) | slot.dst());
      slot.imm = static_cast<std::int32_t>(low & 0xf);
    }
    ++i;
  }
  auto decoded = decodeProgram(*slots);
  REQUIRE_MESSAGE(decoded, (decoded ? std::string() : decoded.error().message));
  auto code = buildProgramCode(std::move(*decoded), {});
  REQUIRE_MESSAGE(code, (code ? std::string() : code.error().message));
  VerifiedProgram verified;
  verified.code = std::make_unique<ProgramCode>(std::move(*code));
  absint::ProgramInput input;
  input.name = "test";
  input.code = verified.code.get();
  input.type = program.type;
  input.attach = program.attach;
  input.maps = program.maps;
  input.gplCompatible = program.gpl;
  input.functionReturnsScalar = program.functionReturnsScalar;
  input.kernelTypes = program.kernelTypes;
  input.sleepable = program.sleepable;
  verified.result = absint::verify(input, program.options);
  return verified;
}

} // namespace bpfcheck::test
