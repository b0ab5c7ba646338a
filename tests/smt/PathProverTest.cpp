// The prover behind the abstract domain: programs the domain alone must reject (a relation
// between registers it does not keep, a path it cannot see is never taken) are proven safe
// with Z3, unsafe variants of them stay rejected with an input that breaks them, and a proof
// that used what a path did before a merge point does not let another path be pruned there.

#include "../absint/VerifierHarness.h"

#include "bpfcheck/smt/PathProver.h"

#include <regex>

using namespace bpfcheck;
using namespace bpfcheck::test;
using absint::Rule;
using absint::Verdict;

namespace {

/// The program verified twice: by the abstract domain alone, and with the prover.
struct BothVerdicts {
  VerifiedProgram alone;
  VerifiedProgram proven;
};

BothVerdicts verifyBoth(AsmProgram program) {
  smt::PathProver prover;
  BothVerdicts both{verifyAsm(program), {}};
  program.options.prover = &prover;
  both.proven = verifyAsm(program);
  return both;
}

/// Looks up key 0 in map 0 (256-byte values) and reads the byte at r6 + r7 of the value.
AsmProgram readAtSum(std::string prologue) {
  AsmProgram program{std::move(prologue) + "*(u32 *)(r10 - 4) = 0\n"
                                           "r1 = 0xfeed0000 ll\n"
                                           "r2 = r10\n"
                                           "r2 += -4\n"
                                           "call 1\n"
                                           "if r0 == 0 goto out\n"
                                           "r8 = r6\n"
                                           "r8 += r7\n"
                                           "r0 += r8\n"
                                           "r1 = *(u8 *)(r0 + 0)\n"
                                           "out:\n"
                                           "r0 = 0\n"
                                           "exit\n"};
  program.maps = {mapOf(MapType::Array, 4, 256, 1)};
  return program;
}

/// r6 = a random byte; r7 = `total` - r6, so that r6 + r7 == total, which intervals lose
/// (each is only known in [0, 255]); then the value is read at r6 + r7.
AsmProgram sumOfTwoRegisters(unsigned total) {
  return readAtSum("call 7\nr6 = r0\nr6 &= 0xff\nr7 = " + std::to_string(total) + "\nr7 -= r6\n");
}

bool hasNote(const absint::VerifyResult &result, Rule rule) {
  for (const absint::Diagnostic &diagnostic : result.diagnostics)
    if (diagnostic.severity == absint::Severity::Note && diagnostic.rule == rule)
      return true;
  return false;
}

} // namespace

TEST_CASE("smt: a bound held by a relation between two registers is proven") {
  const BothVerdicts both = verifyBoth(sumOfTwoRegisters(255));
  CHECK(both.alone.verdict() == Verdict::Reject);
  CHECK(both.alone.rule() == Rule::MapValueBounds);
  CHECK(both.alone.result.stats.obligationsAsked == 0);
  REQUIRE_MESSAGE(both.proven.verdict() == Verdict::Accept, both.proven.message());
  CHECK(both.proven.result.stats.obligationsProven >= 1);
  CHECK(both.proven.result.stats.obligationsAsked >= both.proven.result.stats.obligationsProven);
  CHECK(hasNote(both.proven.result, Rule::MapValueBounds));
}

TEST_CASE("smt: the unsafe variant is refuted with the input that breaks it") {
  // r6 + r7 == 256: one byte past the value, whatever the random byte is.
  const BothVerdicts both = verifyBoth(sumOfTwoRegisters(256));
  REQUIRE(both.proven.verdict() == Verdict::Reject);
  CHECK(both.proven.rule() == Rule::MapValueBounds);
  CHECK(both.proven.message().find("the prover found an input that makes it happen") !=
        std::string::npos);
  const std::string &json = both.proven.result.counterexample;
  CHECK(json.find("\"obligation\":\"in-bounds\"") != std::string::npos);
  CHECK(json.find("\"rule\":\"map-value-bounds\"") != std::string::npos);
  // The lookup's result is a value (not NULL), since the access happens.
  CHECK(json.find("\"callee\":\"bpf_map_lookup_elem\",\"null\":false") != std::string::npos);
  CHECK(json.find("\"callee\":\"bpf_get_prandom_u32\",\"value\":") != std::string::npos);
}

TEST_CASE("smt: a violation on a path that is never taken is proven unreachable") {
  // r7 = r6 ^ `flip`; the jump to a read of an uninitialised register is taken only when
  // r7 == r6, which the domain cannot tell.
  auto program = [](const char *flip) {
    return AsmProgram{std::string("call 7\n"
                                  "r6 = r0\n"
                                  "r7 = r6\n"
                                  "r7 ^= ") +
                      flip +
                      "\n"
                      "if r6 == r7 goto bad\n"
                      "r0 = 0\n"
                      "exit\n"
                      "bad:\n"
                      "r0 = r2\n"
                      "exit\n"};
  };
  // r6 ^ 1 never equals r6.
  const BothVerdicts both = verifyBoth(program("1"));
  CHECK(both.alone.rule() == Rule::UninitializedRegister);
  REQUIRE_MESSAGE(both.proven.verdict() == Verdict::Accept, both.proven.message());
  CHECK(hasNote(both.proven.result, Rule::UninitializedRegister));
  // r6 ^ 0 always does: the path is taken, and stays rejected.
  const BothVerdicts taken = verifyBoth(program("0"));
  CHECK(taken.proven.verdict() == Verdict::Reject);
  CHECK(taken.proven.rule() == Rule::UninitializedRegister);
}

TEST_CASE("smt: a packet access past the checked length gets the packet that shows it") {
  AsmProgram program{"r2 = *(u32 *)(r1 + 0)\n"
                     "r3 = *(u32 *)(r1 + 4)\n"
                     "r4 = r2\n"
                     "r4 += 14\n"
                     "if r4 > r3 goto out\n"
                     "r0 = *(u8 *)(r2 + 14)\n"
                     "out:\n"
                     "r0 = 2\n"
                     "exit\n",
                     ProgramType::Xdp};
  const BothVerdicts both = verifyBoth(program);
  REQUIRE(both.proven.verdict() == Verdict::Reject);
  CHECK(both.proven.rule() == Rule::PacketBounds);
  // Only a 14-byte packet passes the check and is too short for byte 14.
  CHECK(both.proven.message().find("with packet length 14") != std::string::npos);
  CHECK(both.proven.result.counterexample.find("\"packet_length\":14") != std::string::npos);
  CHECK(std::regex_search(both.proven.result.counterexample,
                          std::regex("\"packet\":\"[0-9a-f]{28}\"")));
}

TEST_CASE("smt: a proof that used a path's history keeps its merge point from pruning") {
  // Both paths reach `merge` with r6 and r7 in [0, 255]. On the first, r6 + r7 == 255 and
  // the read is in bounds; on the second r7 == r6, and r6 + r7 reaches 510. Whichever path
  // is explored first, the second must not be pruned by the first's state at `merge`.
  const std::string related = "r7 = 255\nr7 -= r6\n";
  const std::string equal = "r7 = r6\n";
  for (const auto &[jumpedTo, fallenInto] :
       {std::pair{related, equal}, std::pair{equal, related}}) {
    CAPTURE(jumpedTo);
    const AsmProgram program =
        readAtSum("call 7\n"
                  "r6 = r0\n"
                  "r6 &= 0xff\n"
                  "call 7\n"
                  "if r0 > 5 goto jumped\n" +
                  fallenInto + "goto merge\n" + "jumped:\n" + jumpedTo + "merge:\n");
    const BothVerdicts both = verifyBoth(program);
    CHECK(both.proven.verdict() == Verdict::Reject);
    CHECK(both.proven.rule() == Rule::MapValueBounds);
    // (When the related path goes first, its proof is what the merge point may not prune on.)
    if (jumpedTo == related)
      CHECK(both.proven.result.stats.obligationsProven >= 1);
  }
}

TEST_CASE("smt: what the encoder does not model leaves the program rejected, saying why") {
  // A legacy packet load (LD_ABS) is not encoded: the obligation after it is unknown.
  const BothVerdicts both = verifyBoth({"r6 = r1\n"
                                        "r0 = *(u8 *)skb[12]\n"
                                        "r1 = r10\n"
                                        "r1 += r0\n"
                                        "r0 = *(u8 *)(r1 - 1)\n"
                                        "r0 = 0\n"
                                        "exit\n"});
  REQUIRE(both.proven.verdict() == Verdict::Reject);
  CHECK(both.proven.rule() == Rule::StackBounds);
  CHECK(both.proven.message().find("the prover could not decide it either") != std::string::npos);
  CHECK(both.proven.message().find("is not modelled by smt yet") != std::string::npos);
}

TEST_CASE("smt: a shift by the width or more may give anything, as the kernel leaves it") {
  // The ISA masks the amount (1 << 32 == 1 in 32 bits), but the kernel leaves the result to
  // the machine: proving the read in bounds from the masked value would be unsound.
  AsmProgram program{"*(u32 *)(r10 - 4) = 0\n"
                     "r1 = 0xfeed0000 ll\n"
                     "r2 = r10\n"
                     "r2 += -4\n"
                     "call 1\n"
                     "if r0 == 0 goto out\n"
                     "w1 = 1\n"
                     "w2 = 32\n"
                     "w1 <<= w2\n"
                     "r0 += r1\n"
                     "r0 = *(u8 *)(r0 + 0)\n"
                     "out:\n"
                     "r0 = 0\n"
                     "exit\n"};
  program.maps = {mapOf(MapType::Array, 4, 2, 1)};
  const BothVerdicts both = verifyBoth(program);
  CHECK(both.proven.verdict() == Verdict::Reject);
  CHECK(both.proven.rule() == Rule::MapValueBounds);
}

TEST_CASE("smt: stack memory a helper writes is forgotten, whatever its argument kind") {
  // bpf_map_pop_elem writes the popped value over fp-8 (a map-value argument with
  // MEM_UNINIT | MEM_WRITE): the 0 stored there before says nothing of the index read after.
  AsmProgram program{"*(u64 *)(r10 - 8) = 0\n"
                     "r1 = 0xfeed0000 ll\n"
                     "r2 = r10\n"
                     "r2 += -8\n"
                     "call 88\n"
                     "r6 = *(u64 *)(r10 - 8)\n"
                     "r6 &= 0xff\n"
                     "*(u32 *)(r10 - 12) = 0\n"
                     "r1 = 0xfeed0001 ll\n"
                     "r2 = r10\n"
                     "r2 += -12\n"
                     "call 1\n"
                     "if r0 == 0 goto out\n"
                     "r0 += r6\n"
                     "r0 = *(u8 *)(r0 + 0)\n"
                     "out:\n"
                     "r0 = 0\n"
                     "exit\n"};
  program.maps = {mapOf(MapType::Queue, 0, 8, 16, "queue"), mapOf(MapType::Array, 4, 8, 1)};
  const BothVerdicts both = verifyBoth(program);
  CHECK(both.alone.rule() == Rule::MapValueBounds);
  CHECK(both.proven.verdict() == Verdict::Reject);
  CHECK(both.proven.rule() == Rule::MapValueBounds);
}
