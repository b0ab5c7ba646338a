// The decoder and encoder: exhaustive round trips over the opcode space, the set of valid
// opcodes against RFC 9669's tables, and the structural errors with their messages.
#include "bpfcheck/ir/Decoder.h"
#include "bpfcheck/ir/Encoder.h"

#include "../TestSupport.h"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

using namespace bpfcheck;
using encoding::RawInstruction;

using test::exitInsn;
using test::raw;

namespace {

std::string errorOf(const std::vector<RawInstruction> &code) {
  auto decoded = decodeProgram(code);
  REQUIRE_FALSE(decoded);
  return decoded.error().message;
}

} // namespace

TEST_CASE("every decodable slot re-encodes to the same bytes") {
  const std::uint8_t registers[] = {0, 1, 10, 11, 15};
  const std::int16_t offsets[] = {0, 1, 8, 16, 32, -1, 5};
  const std::int32_t imms[] = {0, 1, 16, 32, 64, -1, 0x41, 0xe1, 0xf1, 0x51, 0xa1, 0x10001};
  std::set<unsigned> validOpcodes;
  std::size_t decoded = 0;
  for (unsigned opcode = 0; opcode < 256; ++opcode)
    for (std::uint8_t dst : registers)
      for (std::uint8_t src : registers)
        for (std::int16_t offset : offsets)
          for (std::int32_t imm : imms) {
            const std::vector<RawInstruction> code{raw(std::uint8_t(opcode), dst, src, offset, imm),
                                                   raw(0, 0, 0, 0, 7)};
            auto insn = decodeInstruction(code, 0);
            if (!insn)
              continue;
            ++decoded;
            validOpcodes.insert(opcode);
            std::vector<RawInstruction> encoded;
            encodeInstruction(*insn, encoded);
            REQUIRE(encoded.size() == slotCount(*insn));
            CHECK(encoded[0] == code[0]);
            if (encoded.size() == 2)
              CHECK(encoded[1] == code[1]);
          }
  CHECK(decoded > 10000);

  // RFC 9669 plus the Linux extensions, written out from the specification's tables.
  std::set<unsigned> expected;
  for (unsigned cls : {0x04u, 0x07u}) {
    for (unsigned op = 0x00; op <= 0xc0; op += 0x10)
      for (unsigned source : {0x00u, 0x08u})
        if (!(op == 0x80 && source == 0x08)) // neg takes no source register
          expected.insert(cls | op | source);
  }
  expected.insert({0xd4, 0xdc, 0xd7});                         // le, be, bswap
  expected.insert({0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91}); // ldx, ldsx
  expected.insert({0x62, 0x6a, 0x72, 0x7a});                   // st
  expected.insert({0x63, 0x6b, 0x73, 0x7b, 0xc3, 0xdb});       // stx, atomics
  expected.insert({0x18, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50}); // lddw, ld_abs, ld_ind
  for (unsigned cls : {0x05u, 0x06u})
    for (unsigned op :
         {0x10u, 0x20u, 0x30u, 0x40u, 0x50u, 0x60u, 0x70u, 0xa0u, 0xb0u, 0xc0u, 0xd0u})
      for (unsigned source : {0x00u, 0x08u})
        expected.insert(cls | op | source);
  expected.insert({0x05, 0x06, 0x85, 0x8d, 0x95, 0xe5}); // ja, gotol, call, callx, exit, may_goto
  CHECK(expected.size() == 127);
  CHECK(validOpcodes == expected);
}

TEST_CASE("decoded forms carry the meaning of their fields") {
  const std::vector<RawInstruction> code{raw(0x3f, 1, 2, 1, 0)};
  auto insn = decodeInstruction(code, 0);
  REQUIRE(insn);
  CHECK(*insn == Instruction{Alu{AluOp::SDiv, true, Reg{1}, Reg{2}}});

  const std::vector<RawInstruction> movsx{raw(0xbc, 1, 2, 16, 0)};
  CHECK(*decodeInstruction(movsx, 0) == Instruction{Move{false, Reg{1}, Reg{2}, 16}});

  const std::vector<RawInstruction> lddw{raw(0x18, 3, 2, 0, 5), raw(0, 0, 0, 0, 12)};
  auto load = decodeInstruction(lddw, 0);
  REQUIRE(load);
  const auto &immediate = std::get<LoadImmediate64>(*load);
  CHECK(immediate.kind == ImmediateKind::MapValue);
  CHECK(immediate.imm == 5);
  CHECK(immediate.nextImm == 12);

  const std::vector<RawInstruction> gotol{raw(0x06, 0, 0, 0, 70000)};
  CHECK(*decodeInstruction(gotol, 0) == Instruction{Jump{70000, true}});

  const std::vector<RawInstruction> kfunc{raw(0x85, 0, 2, 3, 1234)};
  CHECK(*decodeInstruction(kfunc, 0) == Instruction{Call{Call::Kind::Kfunc, 1234, 3}});
}

TEST_CASE("malformed instructions are refused with their index and the problem") {
  CHECK(errorOf({}) == "the program is empty: it has no instructions");
  CHECK(errorOf({raw(0xb7, 0, 0, 0, 0), raw(0xff, 0, 0, 0, 0), exitInsn}) ==
        "insn 1: unknown opcode 0xff");
  CHECK(errorOf({raw(0xb7, 0, 0, 1, 0), exitInsn}) ==
        "insn 0: reserved field 'offset' is not zero (opcode 0xb7)");
  CHECK(errorOf({raw(0x0f, 0, 1, 0, 3), exitInsn}) ==
        "insn 0: reserved field 'imm' is not zero (opcode 0xf)");
  CHECK(errorOf({raw(0xb7, 12, 0, 0, 0), exitInsn}) ==
        "insn 0: bad register r12 in dst field (opcode 0xb7)");
  CHECK(errorOf({raw(0xbf, 0, 11, 0, 0), exitInsn}) ==
        "insn 0: bad register r11 in src field (opcode 0xbf)");
  CHECK(errorOf({raw(0x05, 0, 0, 5, 0), exitInsn}) ==
        "insn 0: jump out of range: target 6 is outside [0, 2)");
  CHECK(errorOf({raw(0x05, 0, 0, -2, 0), exitInsn}) ==
        "insn 0: jump out of range: target -1 is outside [0, 2)");
  CHECK(errorOf({raw(0x05, 0, 0, 1, 0), raw(0x18, 0, 0, 0, 1), raw(0, 0, 0, 0, 0), exitInsn}) ==
        "insn 0: jump into the middle of the 64-bit immediate load at insn 1");
  CHECK(errorOf({raw(0xb7, 0, 0, 0, 0), raw(0x18, 0, 0, 0, 1)}) ==
        "insn 1: 64-bit immediate load is truncated: its second slot is missing (opcode 0x18)");
  CHECK(errorOf({raw(0xb7, 0, 0, 0, 0)}).find("insn 0: control falls off the end") == 0);
  CHECK(errorOf({raw(0x85, 0, 1, 0, 7), exitInsn}) ==
        "insn 0: call out of range: target 8 is outside [0, 2)");
  CHECK(errorOf({raw(0xdb, 1, 2, 0, 0x02), exitInsn}) ==
        "insn 0: unknown atomic operation 0x2 in imm (opcode 0xdb)");
  CHECK(errorOf({raw(0x18, 0, 0, 0, 1), raw(0, 1, 0, 0, 0), exitInsn})
            .find("insn 0: second slot of the 64-bit immediate load") == 0);
}

TEST_CASE("a well-formed program decodes with slot positions") {
  auto decoded = decodeProgram(std::vector<RawInstruction>{
      raw(0x18, 1, 0, 0, 1), raw(0, 0, 0, 0, 2), raw(0x15, 1, 0, 1, 0), exitInsn, exitInsn});
  REQUIRE(decoded);
  REQUIRE(decoded->size() == 4);
  CHECK((*decoded)[1].pc == 2);
  CHECK(branchTarget((*decoded)[1]) == 4);
  CHECK(encodeProgram(*decoded).size() == 5);
}
