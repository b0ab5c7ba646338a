// Pre-decoding: one 16-byte record per instruction with the operation chosen, targets as
// distances, 64-bit immediates resolved (map references through a ReferenceResolver), and
// what the interpreter cannot run refused with the instruction named.
#include "InterpTestSupport.h"

using namespace bpfcheck;
using namespace bpfcheck::interp;
using namespace bpfcheck::interp::test;

namespace {

/// Resolves map fd N to 0x1000 * N, and refuses BTF ids.
class FakeResolver : public ReferenceResolver {
public:
  Expected<std::uint64_t> resolve(const LoadImmediate64 &load, std::uint32_t pc) const override {
    if (load.kind == ImmediateKind::MapFd)
      return std::uint64_t(0x1000) * std::uint64_t(load.imm);
    return Error("insn " + std::to_string(pc) + ": no such object");
  }
};

Expected<DecodedProgram> predecodeWith(const std::vector<RawInstruction> &slots,
                                       const ReferenceResolver *resolver) {
  auto decoded = decodeProgram(slots);
  REQUIRE(decoded);
  auto code = buildProgramCode(std::move(*decoded), {});
  REQUIRE(code);
  return predecode(*code, resolver);
}

} // namespace

TEST_CASE("pre-decoding chooses each operation once and resolves targets as distances") {
  const DecodedProgram program = assembleProgram("mov32 %r0, 1\n"          // 0
                                                 "lddw %r1, 0x100000002\n" // 1 (two slots)
                                                 "jsgt32 %r1, 3, done\n"   // 2
                                                 "lsh %r0, 65\n"           // 3
                                                 "call local f\n"          // 4
                                                 "done:\n"
                                                 "exit\n" // 5
                                                 "f:\n"
                                                 "ldxsh %r0, [%r10-2]\n" // 6
                                                 "exit");                // 7
  REQUIRE(program.code.size() == 8);
  CHECK(program.code[0].operation == Operation::Mov32Imm);
  CHECK(program.code[1].operation == Operation::LoadImm64);
  CHECK(program.code[1].imm == 0x100000002u);
  CHECK(program.code[2].operation == Operation::JumpSGt32Imm);
  CHECK(program.code[2].offset == 3);
  CHECK(program.code[3].operation == Operation::Lsh64Imm);
  CHECK(program.code[3].imm == 1); // 65 masked to 63
  CHECK(program.code[4].operation == Operation::CallLocal);
  CHECK(program.code[4].offset == 2);
  CHECK(program.code[6].operation == Operation::LoadSx16);
  CHECK(program.code[6].offset == -2);
  CHECK(program.pcs == std::vector<std::uint32_t>{0, 1, 3, 4, 5, 6, 7, 8});
  CHECK(program.functionEntries == std::vector<std::uint32_t>{0, 6});
  CHECK(operationName(Operation::JumpSGt32Imm) == "JumpSGt32Imm");
  CHECK(operationName(Operation::Exit) == "Exit");
}

TEST_CASE("map references need a resolver, its errors are the predecoder's") {
  const std::vector<RawInstruction> mapFd = {raw(0x18, 1, 1, 0, 3), raw(0, 0, 0, 0, 0),
                                             raw(0xbf, 0, 1, 0, 0), raw(0x95, 0, 0, 0, 0)};
  auto refused = predecodeWith(mapFd, nullptr);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message ==
        "insn 0: ld_imm64 with src=1 names a map or kernel object; running it needs a resolver");
  const FakeResolver resolver;
  auto resolved = predecodeWith(mapFd, &resolver);
  REQUIRE(resolved);
  CHECK(resolved->code[0].operation == Operation::LoadImm64);
  CHECK(resolved->code[0].imm == 0x3000);
  TestEnvironment environment;
  CHECK(runProgram(*resolved, environment).returnValue == 0x3000);

  const std::vector<RawInstruction> btfId = {raw(0x18, 1, 3, 0, 7), raw(0, 0, 0, 0, 0),
                                             raw(0x95, 0, 0, 0, 0)};
  auto failed = predecodeWith(btfId, &resolver);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message == "insn 0: no such object");
}

TEST_CASE("arena address-space casts are refused by name") {
  // addr_space_cast r0, r1, 1, 0: ALU64 | MOV | X with offset 1.
  auto refused = predecodeWith({raw(0xbf, 0, 1, 1, 1 << 16), raw(0x95, 0, 0, 0, 0)}, nullptr);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message ==
        "insn 0: arena address-space casts are not supported by the interpreter");
}
