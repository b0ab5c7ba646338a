// The verifier on small hand-written programs: each test states the verdict and the rule a
// kernel-compatible verifier must give, for one rule of the kernel at a time.

#include "VerifierHarness.h"

using namespace bpfcheck;
using namespace bpfcheck::test;
using absint::Rule;
using absint::Verdict;

namespace {

/// A lookup of key 0 in map 0 (a hash map unless the test says otherwise); r0 = the value.
const std::string lookupOfKeyZero = "*(u32 *)(r10 - 4) = 0\n"
                                    "r1 = 0xfeed0000 ll\n"
                                    "r2 = r10\n"
                                    "r2 += -4\n"
                                    "call 1\n";

/// A socket filter that runs `prologue`, looks up key 0 in a hash map with values of
/// `valueSize` bytes, and, when found, runs `body` with r0 = the value; then returns 0.
AsmProgram withMapValue(const std::string &prologue, const std::string &body,
                        std::uint32_t valueSize = 8) {
  AsmProgram program{prologue + lookupOfKeyZero + "if r0 == 0 goto out\n" + body +
                     "out:\nr0 = 0\nexit\n"};
  program.maps = {mapOf(MapType::Hash, 4, valueSize, 16)};
  return program;
}

VerifiedProgram verifySocketFilter(const std::string &text) {
  return verifyAsm({text});
}

} // namespace

TEST_CASE("verifier: a program returning a constant is accepted") {
  const auto verified = verifySocketFilter("r0 = 0\nexit\n");
  CHECK(verified.verdict() == Verdict::Accept);
  CHECK(verified.result.stats.instructionsProcessed == 2);
}

TEST_CASE("verifier: registers must be written before they are read") {
  const auto verified = verifySocketFilter("r0 = 0\nr0 += r2\nexit\n");
  REQUIRE(verified.verdict() == Verdict::Reject);
  CHECK(verified.rule() == Rule::UninitializedRegister);
  CHECK(*verified.result.diagnostics.front().insn == 1);
  const auto noReturn = verifySocketFilter("exit\n");
  CHECK(noReturn.rule() == Rule::UninitializedRegister);
}

TEST_CASE("verifier: r10 is read-only") {
  CHECK(verifySocketFilter("r10 += -8\nr0 = 0\nexit\n").rule() == Rule::FramePointerWrite);
}

TEST_CASE("verifier: stack accesses stay in the 512-byte frame") {
  CHECK(verifySocketFilter("*(u64 *)(r10 - 512) = 0\nr0 = 0\nexit\n").verdict() == Verdict::Accept);
  CHECK(verifySocketFilter("*(u64 *)(r10 - 520) = 0\nr0 = 0\nexit\n").rule() == Rule::StackBounds);
  CHECK(verifySocketFilter("*(u64 *)(r10 - 4) = 0\nr0 = 0\nexit\n").rule() == Rule::StackBounds);
  CHECK(verifySocketFilter("*(u32 *)(r10 - 6) = 0\nr0 = 0\nexit\n").rule() == Rule::Alignment);
}

TEST_CASE("verifier: a spilled pointer comes back whole, a narrow fill is refused") {
  const std::string spill = "*(u64 *)(r10 - 8) = r1\n";
  CHECK(verifySocketFilter(spill + "r1 = *(u64 *)(r10 - 8)\nr0 = *(u32 *)(r1 + 0)\nexit\n")
            .verdict() == Verdict::Accept);
  const auto narrow = verifySocketFilter(spill + "r1 = *(u32 *)(r10 - 8)\nr0 = 0\nexit\n");
  CHECK(narrow.rule() == Rule::PointerLeak);
  CHECK(narrow.message().find("invalid size of register fill") != std::string::npos);
}

TEST_CASE("verifier: a spilled bounded scalar keeps its bounds") {
  // r2 is in [0, 7]; spilled and filled it still indexes an 8-byte map value safely.
  const std::string prologue = "r2 = *(u32 *)(r1 + 0)\n"
                               "r2 &= 7\n"
                               "*(u64 *)(r10 - 16) = r2\n";
  const std::string body = "r2 = *(u64 *)(r10 - 16)\n"
                           "r0 += r2\n"
                           "r0 = *(u8 *)(r0 + 0)\n";
  CHECK(verifyAsm(withMapValue(prologue, body)).verdict() == Verdict::Accept);
  const auto tooSmall = verifyAsm(withMapValue(prologue, body, 7));
  CHECK(tooSmall.rule() == Rule::MapValueBounds);
}

TEST_CASE("verifier: map lookups must be null-checked before use") {
  const std::string &lookup = lookupOfKeyZero;
  AsmProgram unchecked{lookup + "r0 = *(u64 *)(r0 + 0)\nexit\n"};
  unchecked.maps = {mapOf(MapType::Hash, 4, 8, 16)};
  CHECK(verifyAsm(unchecked).rule() == Rule::NullDereference);
  AsmProgram checked{lookup +
                     "r1 = r0\nif r0 == 0 goto out\nr0 = *(u64 *)(r1 + 0)\nout:\nr0 = 0\nexit\n"};
  checked.maps = unchecked.maps;
  // The check on r0 also holds for its copy r1.
  CHECK(verifyAsm(checked).verdict() == Verdict::Accept);
  // An array lookup with a constant key in range cannot fail (Linux 6.18).
  AsmProgram array{lookup + "r0 = *(u64 *)(r0 + 0)\nr0 = 0\nexit\n"};
  array.maps = {mapOf(MapType::Array, 4, 8, 16)};
  CHECK(verifyAsm(array).verdict() == Verdict::Accept);
}

TEST_CASE("verifier: pointer arithmetic on a maybe-NULL pointer is refused") {
  AsmProgram program{lookupOfKeyZero + "r0 += 8\n"
                                       "exit\n"};
  program.maps = {mapOf(MapType::Hash, 4, 16, 16)};
  CHECK(verifyAsm(program).rule() == Rule::PointerArithmetic);
}

TEST_CASE("verifier: packet reads must be proven below data_end") {
  const std::string prologue = "r2 = *(u32 *)(r1 + 0)\n" // xdp_md->data
                               "r3 = *(u32 *)(r1 + 4)\n" // xdp_md->data_end
                               "r4 = r2\n"
                               "r4 += 14\n"
                               "if r4 > r3 goto out\n";
  AsmProgram inside{prologue + "r0 = *(u8 *)(r2 + 13)\nout:\nr0 = 2\nexit\n", ProgramType::Xdp};
  CHECK(verifyAsm(inside).verdict() == Verdict::Accept);
  AsmProgram past{prologue + "r0 = *(u8 *)(r2 + 14)\nout:\nr0 = 2\nexit\n", ProgramType::Xdp};
  const auto rejected = verifyAsm(past);
  CHECK(rejected.rule() == Rule::PacketBounds);
  CHECK(rejected.message().find("proven packet range is 14 bytes") != std::string::npos);
  // After bpf_xdp_adjust_head every packet pointer is stale.
  AsmProgram stale{prologue +
                       "r6 = r2\nr2 = 0\ncall 44\nr0 = *(u8 *)(r6 + 0)\nout:\nr0 = 2\nexit\n",
                   ProgramType::Xdp};
  CHECK(verifyAsm(stale).rule() == Rule::InvalidDereference);
}

TEST_CASE("verifier: a bound learnt on a copy holds for the original") {
  const AsmProgram program = withMapValue("r6 = *(u32 *)(r1 + 0)\n", // skb->len: unknown
                                          "r7 = r6\n"
                                          "if r7 > 7 goto out\n"
                                          "r0 += r6\n"
                                          "r0 = *(u8 *)(r0 + 0)\n");
  CHECK(verifyAsm(program).verdict() == Verdict::Accept);
}

TEST_CASE("verifier: an edge the operands rule out is not followed") {
  CHECK(verifySocketFilter("r1 = 5\nif r1 > 10 goto bad\nr0 = 0\nexit\nbad:\nr0 = *(u8 *)(r1 + 0)\n"
                           "exit\n")
            .verdict() == Verdict::Accept);
}

TEST_CASE("verifier: loops are explored until they exit; a loop that cannot exit is refused") {
  CHECK(verifySocketFilter("r0 = 0\nloop:\nr0 += 1\nif r0 < 100 goto loop\nr0 = 0\nexit\n")
            .verdict() == Verdict::Accept);
  const auto infinite = verifySocketFilter("r0 = 0\nloop:\nif r0 == 0 goto loop\nexit\n");
  CHECK(infinite.rule() == Rule::UnboundedLoop);
  AsmProgram budget{"r0 = 0\nloop:\nr0 += 1\nif r0 < 100000 goto loop\nr0 = 0\nexit\n"};
  budget.options.budgets.instructionsProcessed = 1000;
  budget.options.loops = absint::LoopMode::Unroll;
  const auto tooComplex = verifyAsm(budget);
  CHECK(tooComplex.verdict() == Verdict::TooComplex);
  CHECK(tooComplex.rule() == Rule::TooComplex);
}

TEST_CASE("verifier: return values are checked against the hook's range") {
  AsmProgram program{"r0 = 5\nexit\n", ProgramType::CgroupSkb, AttachType::CgroupInetIngress};
  const auto rejected = verifyAsm(program);
  CHECK(rejected.rule() == Rule::ReturnValue);
  CHECK(rejected.message().find("[0, 1]") != std::string::npos);
  program.text = "r0 = 1\nexit\n";
  CHECK(verifyAsm(program).verdict() == Verdict::Accept);
}

TEST_CASE("verifier: helpers are checked against availability, licence and arguments") {
  // bpf_skb_store_bytes is not available to socket filters.
  CHECK(verifySocketFilter("r2 = 0\nr3 = r10\nr3 += -8\nr4 = 4\nr5 = 0\ncall 9\nr0 = 0\nexit\n")
            .rule() == Rule::HelperUnavailable);
  // bpf_probe_read_kernel is GPL-only.
  AsmProgram kprobe{"r1 = r10\nr1 += -8\nr2 = 8\nr3 = 0\ncall 113\nr0 = 0\nexit\n",
                    ProgramType::Kprobe};
  CHECK(verifyAsm(kprobe).verdict() == Verdict::Accept);
  kprobe.gpl = false;
  CHECK(verifyAsm(kprobe).rule() == Rule::GplOnlyHelper);
  // The destination must hold the size the helper writes.
  AsmProgram tooBig{"r1 = r10\nr1 += -8\nr2 = 16\nr3 = 0\ncall 113\nr0 = 0\nexit\n",
                    ProgramType::Kprobe};
  CHECK(verifyAsm(tooBig).rule() == Rule::StackBounds);
  // The context argument must be the context.
  CHECK(verifySocketFilter("r1 = r10\nr2 = 0\nr3 = r10\nr3 += -8\nr4 = 4\ncall 26\nr0 = 0\nexit\n")
            .rule() == Rule::HelperArgument);
}

TEST_CASE("verifier: ring buffer records must be submitted or discarded") {
  const std::string reserve = "r1 = 0xfeed0000 ll\nr2 = 8\nr3 = 0\ncall 131\n"
                              "if r0 == 0 goto out\n";
  AsmProgram leak{reserve + "out:\nr0 = 0\nexit\n", ProgramType::Kprobe};
  leak.maps = {mapOf(MapType::Ringbuf, 0, 0, 4096)};
  CHECK(verifyAsm(leak).rule() == Rule::UnreleasedReference);
  AsmProgram submitted{reserve +
                           "*(u64 *)(r0 + 0) = 1\nr1 = r0\nr2 = 0\ncall 132\nout:\nr0 = 0\nexit\n",
                       ProgramType::Kprobe};
  submitted.maps = leak.maps;
  CHECK(verifyAsm(submitted).verdict() == Verdict::Accept);
  AsmProgram twice{reserve + "r6 = r0\nr1 = r0\nr2 = 0\ncall 132\nr1 = r6\nr2 = 0\ncall 132\n"
                             "out:\nr0 = 0\nexit\n",
                   ProgramType::Kprobe};
  twice.maps = leak.maps;
  CHECK(verifyAsm(twice).rule() == Rule::HelperArgument);
  AsmProgram pastEnd{reserve +
                         "*(u64 *)(r0 + 4) = 1\nr1 = r0\nr2 = 0\ncall 132\nout:\nr0 = 0\nexit\n",
                     ProgramType::Kprobe};
  pastEnd.maps = leak.maps;
  CHECK(verifyAsm(pastEnd).rule() == Rule::MemoryBounds);
}

TEST_CASE("verifier: reference diagnostics name the acquisition, the path and the release") {
  const std::string reserve = "r1 = 0xfeed0000 ll\nr2 = 8\nr3 = 0\ncall 131\n"
                              "if r0 == 0 goto out\n";
  // The record leaks only when the context's first word is odd: the diagnostic shows the
  // path (insn 6 falls through, insn 9 jumps) from the reserve (insn 5) to the exit.
  AsmProgram leak{"r6 = r1\n" + reserve +
                      "r7 = *(u32 *)(r6 + 0)\nr7 &= 1\nif r7 != 0 goto out\n"
                      "r1 = r0\nr2 = 0\ncall 132\nout:\nr0 = 0\nexit\n",
                  ProgramType::Kprobe};
  leak.maps = {mapOf(MapType::Ringbuf, 0, 0, 4096)};
  const auto leaked = verifyAsm(leak);
  REQUIRE(leaked.rule() == Rule::UnreleasedReference);
  CHECK(leaked.message().find("acquired at insn 5 ") != std::string::npos);
  CHECK(leaked.message().find("which then branched: insn 6 fell through, insn 9 jumped") !=
        std::string::npos);
  // Submitting twice: the second call names the first.
  AsmProgram twice{reserve + "r6 = r0\nr1 = r0\nr2 = 0\ncall 132\nr1 = r6\nr2 = 0\ncall 132\n"
                             "out:\nr0 = 0\nexit\n",
                   ProgramType::Kprobe};
  twice.maps = leak.maps;
  const auto released = verifyAsm(twice);
  CHECK(released.message().find("released at insn 9") != std::string::npos);
  // A copy used after the release names the release too.
  AsmProgram used{reserve + "r6 = r0\nr1 = r0\nr2 = 0\ncall 132\nr0 = *(u64 *)(r6 + 0)\n"
                            "out:\nr0 = 0\nexit\n",
                  ProgramType::Kprobe};
  used.maps = leak.maps;
  const auto afterRelease = verifyAsm(used);
  REQUIRE(afterRelease.rule() == Rule::InvalidDereference);
  CHECK(afterRelease.message().find("released at insn 9") != std::string::npos);
}

TEST_CASE("verifier: the context is accessed at constant offsets the type allows") {
  CHECK(verifySocketFilter("r0 = *(u32 *)(r1 + 0)\nexit\n").verdict() == Verdict::Accept);
  // __sk_buff->mark is not writable from socket filters.
  CHECK(verifySocketFilter("r2 = 1\n*(u32 *)(r1 + 8) = r2\nr0 = 0\nexit\n").rule() ==
        Rule::ContextAccess);
  CHECK(verifySocketFilter("r2 = *(u32 *)(r1 + 0)\nr2 &= 4\nr1 += r2\nr0 = *(u32 *)(r1 + 0)\n"
                           "exit\n")
            .rule() == Rule::VariableOffset);
}

TEST_CASE("verifier: constant shifts must be less than the width") {
  CHECK(verifySocketFilter("r0 = 1\nr0 <<= 63\nr0 = 0\nexit\n").verdict() == Verdict::Accept);
  CHECK(verifySocketFilter("r0 = 1\nr0 <<= 64\nr0 = 0\nexit\n").rule() == Rule::InvalidInstruction);
  CHECK(verifySocketFilter("w0 = 1\nw0 <<= 32\nr0 = 0\nexit\n").rule() == Rule::InvalidInstruction);
}

TEST_CASE("verifier: uninitialised stack reads depend on the loader's privileges") {
  AsmProgram program{"r0 = *(u64 *)(r10 - 8)\nr0 = 0\nexit\n"};
  CHECK(verifyAsm(program).verdict() == Verdict::Accept);
  program.options.privileged = false;
  CHECK(verifyAsm(program).rule() == Rule::UninitializedStack);
}

TEST_CASE("verifier: bpf-to-bpf calls get their own frame and preserve r6-r9") {
  const auto verified = verifySocketFilter("r6 = 7\n"
                                           "r1 = r10\n"
                                           "r1 += -8\n"
                                           "*(u64 *)(r10 - 8) = 0\n"
                                           "call sub\n"
                                           "r0 = r6\n"
                                           "r0 &= 1\n"
                                           "exit\n"
                                           "sub:\n"
                                           "r0 = *(u64 *)(r1 + 0)\n"
                                           "*(u64 *)(r10 - 8) = r0\n"
                                           "r0 = 0\n"
                                           "exit\n");
  CHECK(verified.verdict() == Verdict::Accept);
  // The caller's r1-r5 are clobbered by the call.
  CHECK(verifySocketFilter("r1 = 1\ncall sub\nr0 = r1\nexit\nsub:\nr0 = 0\nexit\n").rule() ==
        Rule::UninitializedRegister);
}

TEST_CASE("verifier: metadata is bounded only by the start of packet data") {
  const std::string prologue = "r2 = *(u32 *)(r1 + 8)\n" // data_meta
                               "r3 = *(u32 *)(r1 + 0)\n" // data
                               "r4 = r2\n"
                               "r4 += 8\n";
  AsmProgram bounded{prologue + "if r4 > r3 goto out\nr0 = *(u8 *)(r2 + 7)\nout:\nr0 = 0\nexit\n",
                     ProgramType::Xdp};
  CHECK(verifyAsm(bounded).verdict() == Verdict::Accept);
  // meta + 8 <= data + 8 does not bound the metadata.
  AsmProgram moved{prologue + "r3 += 8\nif r4 > r3 goto out\nr0 = *(u8 *)(r2 + 0)\nout:\n"
                              "r0 = 0\nexit\n",
                   ProgramType::Xdp};
  CHECK(verifyAsm(moved).rule() == Rule::PacketBounds);
}

TEST_CASE("verifier: a shift by the width or more gives an unknown value") {
  const AsmProgram program = withMapValue("", "r2 = 32\n"
                                              "r1 = 1\n"
                                              "w1 <<= w2\n"
                                              "r1 &= 0xffff\n"
                                              "r0 += r1\n"
                                              "r0 = *(u8 *)(r0 + 0)\n");
  CHECK(verifyAsm(program).rule() == Rule::MapValueBounds);
}

TEST_CASE("verifier: pointer rules the JITs rely on") {
  CHECK(verifySocketFilter("r1 = r10\nr1 -= 8\n*(u64 *)(r1 + 0) = 0\nr0 = 0\nexit\n").rule() ==
        Rule::PointerArithmetic);
  CHECK(verifySocketFilter("r1 = r10\nr1 += -8\n*(u64 *)(r1 + 0) = 0\nr0 = 0\nexit\n").verdict() ==
        Verdict::Accept);
  // Atomics must be aligned.
  CHECK(verifySocketFilter("*(u64 *)(r10 - 8) = 0\nr1 = 1\nlock *(u32 *)(r10 - 6) += w1\n"
                           "r0 = 0\nexit\n")
            .rule() == Rule::Alignment);
  const AsmProgram atomic = withMapValue("", "r1 = 1\n"
                                             "lock *(u32 *)(r0 + 2) += w1\n");
  CHECK(verifyAsm(atomic).rule() == Rule::Alignment);
}

TEST_CASE("verifier: a copy plus a constant stays linked to its original") {
  // r7 = r6 + 8, so r7 <= 15 bounds r6 to [0, 7] (r6 is a u32, so r7 cannot wrap).
  AsmProgram program = withMapValue("r6 = *(u32 *)(r1 + 0)\n", "r7 = r6\n"
                                                               "r7 += 8\n"
                                                               "if r7 > 15 goto out\n"
                                                               "r0 += r6\n"
                                                               "r0 = *(u8 *)(r0 + 0)\n");
  CHECK(verifyAsm(program).verdict() == Verdict::Accept);
  // With a bound one too weak the access is refused.
  program.text.replace(program.text.find("15"), 2, "16");
  CHECK(verifyAsm(program).rule() == Rule::MapValueBounds);
}

TEST_CASE("verifier: LD_ABS in a subprogram returns 0 to the caller when it fails") {
  // The subprogram returns 1 when its load succeeds; the caller writes the stack at
  // fp-8 + 8 * (1 - result): in the frame for 1, past it for the early return's 0.
  const auto caller = [](std::string_view from) {
    AsmProgram program{"r6 = r1\n"
                       "call sub\n"
                       "r2 = 1\n"
                       "r2 -= r0\n"
                       "r2 <<= 3\n"
                       "r1 = r10\n"
                       "r1 += " +
                       std::string(from) +
                       "\n"
                       "r1 += r2\n"
                       "*(u64 *)(r1 + 0) = 0\n"
                       "r0 = 0\n"
                       "exit\n"
                       "sub:\n"
                       "r6 = r1\n"
                       "r0 = *(u8 *)skb[23]\n"
                       "r0 = 1\n"
                       "exit\n"};
    program.functionReturnsScalar = {true, true};
    return program;
  };
  const auto early = verifyAsm(caller("-8"));
  CHECK(early.verdict() == Verdict::Reject);
  CHECK(early.rule() == Rule::StackBounds);
  CHECK(verifyAsm(caller("-16")).verdict() == Verdict::Accept);

  // Without BTF, or when the subprogram's prototype does not return a scalar, the kernel
  // refuses LD_ABS (and tail calls) there before looking at any path.
  AsmProgram noBtf = caller("-16");
  noBtf.functionReturnsScalar.clear();
  CHECK(verifyAsm(noBtf).rule() == Rule::InvalidInstruction);
  CHECK(verifyAsm(noBtf).message().find("without BTF") != std::string::npos);
  AsmProgram returnsVoid = caller("-16");
  returnsVoid.functionReturnsScalar = {true, false};
  CHECK(verifyAsm(returnsVoid).message().find("only allowed in functions that return 'int'") !=
        std::string::npos);
  AsmProgram tailCall{"call sub\nr0 = 0\nexit\nsub:\nr2 = 0xfeed0000 ll\nr3 = 0\ncall 12\n"
                      "r0 = 0\nexit\n"};
  tailCall.maps = {mapOf(MapType::ProgArray, 4, 4, 4)};
  tailCall.functionReturnsScalar = {true, false};
  CHECK(verifyAsm(tailCall).message().find("tail_call is only allowed") != std::string::npos);
  tailCall.functionReturnsScalar = {true, true};
  CHECK(verifyAsm(tailCall).verdict() == Verdict::Accept);
}

TEST_CASE("verifier: rules for loaders without CAP_BPF and CAP_PERFMON") {
  const auto unprivileged = [](std::string text, std::vector<absint::MapDescriptor> maps = {}) {
    AsmProgram program{std::move(text)};
    program.maps = std::move(maps);
    program.options.privileged = false;
    return verifyAsm(program);
  };
  const std::string loop = "r1 = 0\nloop:\nr1 += 1\nif r1 < 4 goto loop\nr0 = 0\nexit\n";
  CHECK(verifyAsm({loop}).verdict() == Verdict::Accept);
  CHECK(unprivileged(loop).message().find("back-edge from insn 2 to 1") == 0);
  // The context is not on the kernel's list of pointers known not to be NULL: testing it
  // against 0 would reveal something; a map pointer's test is decided.
  CHECK(unprivileged("if r1 == 0 goto out\nout:\nr0 = 0\nexit\n").rule() == Rule::PointerLeak);
  CHECK(unprivileged("r1 = 0xfeed0000 ll\nif r1 == 0 goto out\nout:\nr0 = 0\nexit\n",
                     {mapOf(MapType::Hash, 4, 8, 1)})
            .verdict() == Verdict::Accept);
  // A pointer passed where any number goes (the flags of an update).
  const auto leak = unprivileged("r1 = 0xfeed0000 ll\nr2 = r10\nr2 += -8\n*(u64 *)(r10 - 8) = 0\n"
                                 "r3 = r2\nr4 = r10\ncall 2\nr0 = 0\nexit\n",
                                 {mapOf(MapType::Hash, 8, 8, 1)});
  CHECK(leak.rule() == Rule::PointerLeak);
  CHECK(leak.message().find("r4 leaks addr into helper function") == 0);
  // A stack pointer must stay inside the frame after every step.
  CHECK(unprivileged("r1 = r10\nr1 += -520\nr1 += 16\nr0 = 0\nexit\n")
            .message()
            .find("stack pointer arithmetic goes out of range") != std::string::npos);
  CHECK(verifyAsm({"r1 = r10\nr1 += -520\nr1 += 16\nr0 = 0\nexit\n"}).verdict() == Verdict::Accept);
}
