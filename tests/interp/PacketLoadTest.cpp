// LD_ABS / LD_IND with the kernel's semantics (net/core/filter.c: bpf_gen_ld_abs and
// bpf_skb_load_helper_{8,16,32}): big-endian loads at a 32-bit offset (imm, or src + imm),
// negative offsets relative to the network / MAC header, and a failed load returning 0
// from the current function.
#include "InterpTestSupport.h"

#include <array>

using namespace bpfcheck::interp;
using namespace bpfcheck::interp::test;

namespace {

constexpr std::uint8_t LoadAbsoluteW = 0x20, LoadAbsoluteH = 0x28, LoadAbsoluteB = 0x30,
                       LoadIndirectW = 0x40, LoadIndirectH = 0x48, LoadIndirectB = 0x50;
constexpr std::int32_t NetworkHeaderOffset = -0x100000, LinkLayerOffset = -0x200000;

struct PacketRun {
  std::array<std::byte, 8> bytes;
  PacketView packet;

  PacketRun() {
    const std::uint8_t data[] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0};
    std::memcpy(bytes.data(), data, sizeof data);
    packet.data = bytes.data();
    packet.length = bytes.size();
  }

  /// Runs `slots` with the packet, in both modes (same result), and returns the run.
  RunResult run(const std::vector<RawInstruction> &slots) {
    const DecodedProgram program = predecodeSlots(slots);
    RunInput input;
    input.packet = packet;
    TestEnvironment environment;
    const RunResult fast = runProgram(program, environment, input);
    const RunResult checked = runProgram(program, environment, input, ExecutionMode::Checked);
    REQUIRE_MESSAGE(fast.completed(), faultMessage(fast));
    REQUIRE_MESSAGE(checked.completed(), faultMessage(checked));
    CHECK(fast.returnValue == checked.returnValue);
    return fast;
  }
  std::uint64_t r0(const std::vector<RawInstruction> &slots) { return run(slots).returnValue; }
};

const RawInstruction exitInsn = raw(0x95, 0, 0, 0, 0);

} // namespace

TEST_CASE("LD_ABS loads bytes, half words and words in network byte order") {
  PacketRun packet;
  CHECK(packet.r0({raw(LoadAbsoluteB, 0, 0, 0, 1), exitInsn}) == 0x34);
  CHECK(packet.r0({raw(LoadAbsoluteH, 0, 0, 0, 2), exitInsn}) == 0x5678);
  // A word with its top bit set is a value, not the helper's negative error.
  CHECK(packet.r0({raw(LoadAbsoluteW, 0, 0, 0, 4), exitInsn}) == 0x9abcdef0);
  CHECK(packet.r0({raw(LoadAbsoluteW, 0, 0, 0, 0), exitInsn}) == 0x12345678);
}

TEST_CASE("LD_IND adds src to imm (64-bit sum, used as the kernel's int offset)") {
  PacketRun packet;
  CHECK(packet.r0({raw(0xb7, 7, 0, 0, 2), raw(LoadIndirectH, 0, 7, 0, 1), exitInsn}) == 0x789a);
  CHECK(packet.r0({raw(0xb7, 7, 0, 0, -4), raw(LoadIndirectB, 0, 7, 0, 5), exitInsn}) == 0x34);
  // Only the low 32 bits of the sum count: 0x1_00000001 is offset 1.
  CHECK(packet.r0({raw(0x18, 7, 0, 0, 1), raw(0, 0, 0, 0, 1), raw(LoadIndirectB, 0, 7, 0, 0),
                   exitInsn}) == 0x34);
  CHECK(packet.r0({raw(0xb7, 7, 0, 0, 4), raw(LoadIndirectW, 0, 7, 0, 0), exitInsn}) == 0x9abcdef0);
}

TEST_CASE("an LD_ABS / LD_IND out of the packet ends the function with r0 = 0") {
  PacketRun packet;
  // Bytes 6..9 of an 8-byte packet: the program returns 0 at once.
  const RunResult result =
      packet.run({raw(LoadAbsoluteW, 0, 0, 0, 6), raw(0xb7, 0, 0, 0, 5), exitInsn});
  CHECK(result.returnValue == 0);
  CHECK(result.instructionsExecuted == 1);
  CHECK(packet.r0({raw(LoadAbsoluteB, 0, 0, 0, 8), raw(0xb7, 0, 0, 0, 5), exitInsn}) == 0);
  CHECK(packet.r0({raw(LoadAbsoluteB, 0, 0, 0, 7), exitInsn}) == 0xf0);
  CHECK(packet.r0({raw(0xb7, 7, 0, 0, -1), raw(LoadIndirectB, 0, 7, 0, 0), raw(0xb7, 0, 0, 0, 5),
                   exitInsn}) == 0);
  // In a subprogram it returns 0 from the subprogram only: main adds 10.
  CHECK(packet.r0(assembleSlots("call local f\nadd %r0, 10\nexit\n"
                                "f:\nmov %r0, 1\nja +0\nexit")) == 1 + 10);
  std::vector<RawInstruction> slots =
      assembleSlots("call local f\nadd %r0, 10\nexit\nf:\nmov %r0, 1\nja +0\nexit");
  slots[4] = raw(LoadAbsoluteB, 0, 0, 0, 100);
  CHECK(packet.r0(slots) == 10);
  // Without a packet every load fails.
  const DecodedProgram program = predecodeSlots({raw(LoadAbsoluteB, 0, 0, 0, 0), exitInsn});
  TestEnvironment environment;
  const RunResult noPacket = runProgram(program, environment);
  REQUIRE(noPacket.completed());
  CHECK(noPacket.returnValue == 0);
}

TEST_CASE("negative offsets reach the network and MAC headers (SKF_NET_OFF, SKF_LL_OFF)") {
  PacketRun packet;
  CHECK(packet.r0({raw(LoadAbsoluteB, 0, 0, 0, NetworkHeaderOffset + 2), exitInsn}) == 0x56);
  packet.packet.networkHeader = 4;
  CHECK(packet.r0({raw(LoadAbsoluteH, 0, 0, 0, NetworkHeaderOffset + 1), exitInsn}) == 0xbcde);
  // No MAC header set: the load fails.
  CHECK(packet.r0(
            {raw(LoadAbsoluteB, 0, 0, 0, LinkLayerOffset), raw(0xb7, 0, 0, 0, 5), exitInsn}) == 0);
  packet.packet.macHeader = 0;
  CHECK(packet.r0({raw(LoadAbsoluteB, 0, 0, 0, LinkLayerOffset), exitInsn}) == 0x12);
  // Below SKF_LL_OFF nothing is reachable.
  CHECK(packet.r0({raw(LoadAbsoluteB, 0, 0, 0, LinkLayerOffset - 1), raw(0xb7, 0, 0, 0, 5),
                   exitInsn}) == 0);
}
