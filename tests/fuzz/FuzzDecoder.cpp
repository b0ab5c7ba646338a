// libFuzzer target: any bytes as instruction slots through the decoder, the whole-program
// checks, the CFG and loop builder, the encoder and the printer. Whatever decodes must
// re-encode to the same bytes.
#include "bpfcheck/ir/ControlFlow.h"
#include "bpfcheck/ir/Decoder.h"
#include "bpfcheck/ir/Encoder.h"
#include "bpfcheck/ir/Printer.h"

#include <cstdlib>
#include <cstring>
#include <vector>

using bpfcheck::encoding::RawInstruction;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  std::vector<RawInstruction> slots(size / sizeof(RawInstruction));
  if (!slots.empty())
    std::memcpy(slots.data(), data, slots.size() * sizeof(RawInstruction));
  auto decoded = bpfcheck::decodeInstructions(slots);
  if (decoded) {
    if (bpfcheck::encodeProgram(*decoded) != slots)
      std::abort(); // decode -> encode must be byte-exact
    for (const bpfcheck::PlacedInstruction &placed : *decoded)
      (void)bpfcheck::printInstruction(placed.insn);
  }
  auto program = bpfcheck::decodeProgram(slots);
  if (program)
    (void)bpfcheck::buildProgramCode(std::move(*program), {});
  return 0;
}
