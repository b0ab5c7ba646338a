// The assembler reads what the printer (and so llvm-objdump) writes: every instruction of
// the corpus, printed in llvm-objdump syntax and assembled again with LLVM MC, gives back
// its bytes. Left out is what LLVM's syntax cannot spell: local and kfunc calls (only
// `call symbol` exists, never the numeric offset a disassembler shows) and the second
// immediate of a pseudo 64-bit load (printed as a comment).
#include "bpfcheck/frontend/Assembler.h"
#include "bpfcheck/frontend/ObjectLoader.h"
#include "bpfcheck/ir/Printer.h"

#include "../TestSupport.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

using namespace bpfcheck;

namespace {

bool spellableInAssembly(const Instruction &insn) {
  if (const auto *call = std::get_if<Call>(&insn))
    return call->kind == Call::Kind::Helper;
  if (const auto *load = std::get_if<LoadImmediate64>(&insn))
    return load->kind == ImmediateKind::Value || load->nextImm == 0;
  return true;
}

} // namespace

TEST_CASE("every printed corpus instruction assembles back to its bytes") {
  unsigned compared = 0;
  for (const std::string &path : test::corpusObjects(BPFCHECK_CORPUS_LIST)) {
    auto object = loadObjectFile(path, {});
    REQUIRE_MESSAGE(object, path);
    for (const Program &program : object->programs) {
      // One section per program, every instruction on its own line; jumps keep their
      // numeric offsets, so the section's bytes must equal the program's slots.
      std::ostringstream text;
      text << "\t.section\troundtrip,\"ax\",@progbits\n\t.globl\tentry\nentry:\n";
      std::vector<encoding::RawInstruction> expected;
      for (const PlacedInstruction &placed : program.code.instructions) {
        if (!spellableInAssembly(placed.insn))
          continue;
        text << "\t" << printInstruction(placed.insn, RegisterStyle::Alu32) << "\n";
        expected.push_back(program.slots[placed.pc]);
        if (slotCount(placed.insn) == 2)
          expected.push_back(program.slots[placed.pc + 1]);
      }
      auto assembled = assembleObject(text.str());
      REQUIRE_MESSAGE(assembled, path << ": " << program.name << ": "
                                      << (assembled ? "" : assembled.error().message));
      LoadOptions options;
      options.programType = ProgramType::SocketFilter; // only the code matters
      auto reloaded = loadObject(*assembled, options, "roundtrip.o");
      REQUIRE(reloaded);
      REQUIRE(reloaded->programs.size() == 1);
      const auto &slots = reloaded->programs[0].slots;
      CHECK_MESSAGE(slots == expected, path << ": " << program.name);
      compared += unsigned(expected.size());
    }
  }
  MESSAGE(compared << " slots assembled back");
  CHECK(compared > 2000);
}
