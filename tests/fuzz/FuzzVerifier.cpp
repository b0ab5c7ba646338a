// libFuzzer target: any bytes as a program, verified. The first byte picks the program type;
// the rest are instruction slots, decoded and built like a loaded program, then verified with
// three maps (a hash map, an array, a ring buffer) and small budgets. Whatever the input,
// the verifier must end with a verdict: no crash, no hang, no unbounded memory.
#include "bpfcheck/absint/Verifier.h"
#include "bpfcheck/ir/ControlFlow.h"
#include "bpfcheck/ir/Decoder.h"

#include <array>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace bpfcheck;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  if (size < 1)
    return 0;
  constexpr std::array types = {ProgramType::SocketFilter, ProgramType::Xdp,
                                ProgramType::SchedCls,     ProgramType::Kprobe,
                                ProgramType::CgroupSkb,    ProgramType::SkMsg};
  const ProgramType type = types[data[0] % types.size()];
  std::vector<encoding::RawInstruction> slots((size - 1) / sizeof(encoding::RawInstruction));
  if (!slots.empty())
    std::memcpy(slots.data(), data + 1, slots.size() * sizeof(encoding::RawInstruction));
  auto decoded = decodeProgram(slots);
  if (!decoded)
    return 0;
  auto code = buildProgramCode(std::move(*decoded), {});
  if (!code)
    return 0;
  absint::ProgramInput input;
  input.name = "fuzzed";
  input.code = &*code;
  input.type = type;
  input.gplCompatible = true;
  auto map = [](MapType mapType, std::uint32_t key, std::uint32_t value, std::uint32_t entries) {
    absint::MapDescriptor descriptor;
    descriptor.name = "m";
    descriptor.type = mapType;
    descriptor.keySize = key;
    descriptor.valueSize = value;
    descriptor.maxEntries = entries;
    return descriptor;
  };
  input.maps = {map(MapType::Hash, 4, 8, 16), map(MapType::Array, 4, 64, 4),
                map(MapType::Ringbuf, 0, 0, 4096)};
  absint::VerifyOptions options;
  options.budgets.instructionsProcessed = 20'000;
  options.budgets.states = 4'000;
  options.budgets.milliseconds = 2'000;
  options.budgets.memoryBytes = 256u << 20;
  const absint::VerifyResult result = absint::verify(input, options);
  if (result.verdict != absint::Verdict::Accept && result.diagnostics.empty())
    std::abort(); // every refusal must say why
  return 0;
}
