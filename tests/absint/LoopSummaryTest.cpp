// Loops summarised by widening at their heads: what is proven to end (a register or stack
// slot that moves by a constant step in one direction, within a range that bounds the
// iterations), what is refused and why, and how the automatic mode falls back to them.

#include "VerifierHarness.h"

using namespace bpfcheck;
using namespace bpfcheck::test;
using absint::LoopMode;
using absint::Rule;
using absint::Verdict;

namespace {

VerifiedProgram verifyLoops(const std::string &text, LoopMode mode = LoopMode::Summarize) {
  AsmProgram program{text};
  program.options.loops = mode;
  return verifyAsm(program);
}

bool mentions(const VerifiedProgram &verified, const std::string &text) {
  for (const absint::Diagnostic &diagnostic : verified.result.diagnostics)
    if (diagnostic.message.find(text) != std::string::npos)
      return true;
  return false;
}

const std::string countTo100000 = "r1 = 0\n"
                                  "loop:\n"
                                  "r1 += 1\n"
                                  "if r1 < 100000 goto loop\n"
                                  "r0 = 0\n"
                                  "exit\n";

/// A loop whose counter r6 starts at `start` and, as a random number says on each
/// iteration, moves by `step` or by `otherStep`, until it reaches 200000.
std::string randomSteps(std::string_view start, std::string_view step, std::string_view otherStep) {
  return "r6 = " + std::string(start) +
         "\nloop:\ncall 7\nif r0 > 7 goto other\nr6 += " + std::string(step) +
         "\ngoto next\nother:\nr6 += " + std::string(otherStep) +
         "\nnext:\nif r6 < 200000 goto loop\nr0 = 0\nexit\n";
}

/// A loop writing byte r1 of the stack from its bottom (fp-512), for r1 from 0 while
/// r1 < `bound`.
std::string stackFill(std::string_view bound) {
  return "r1 = 0\nloop:\nr2 = r10\nr2 += -512\nr2 += r1\n*(u8 *)(r2 + 0) = 0\nr1 += 1\n"
         "if r1 < " +
         std::string(bound) + " goto loop\nr0 = 0\nexit\n";
}

} // namespace

TEST_CASE("loops: a long counted loop is summarised, and proven to end") {
  const auto summarized = verifyLoops(countTo100000);
  CHECK(summarized.verdict() == Verdict::Accept);
  CHECK(summarized.result.stats.loopsSummarized == 1);
  // A few iterations, a widening to the compared constant, one walk round the loop.
  CHECK(summarized.result.stats.instructionsProcessed < 100);

  AsmProgram unrolled{countTo100000};
  unrolled.options.loops = LoopMode::Unroll;
  unrolled.options.budgets.instructionsProcessed = 5000;
  CHECK(verifyAsm(unrolled).verdict() == Verdict::TooComplex);

  // Automatic: unrolling runs out of budget, the summary proves it, and a warning says
  // that the kernel, which unrolls, will likely refuse the program.
  AsmProgram automatic = unrolled;
  automatic.options.loops = LoopMode::Auto;
  const auto accepted = verifyAsm(automatic);
  CHECK(accepted.verdict() == Verdict::Accept);
  REQUIRE(accepted.result.diagnostics.size() == 1);
  CHECK(accepted.result.diagnostics[0].severity == absint::Severity::Warning);
  CHECK(mentions(accepted, "the kernel will likely reject it"));

  // A loop the kernel unrolls within its budget is never summarised.
  const auto small =
      verifyLoops("r1 = 0\nloop:\nr1 += 1\nif r1 < 100 goto loop\nr0 = 0\nexit\n", LoopMode::Auto);
  CHECK(small.verdict() == Verdict::Accept);
  CHECK(small.result.diagnostics.empty());
  CHECK(small.result.stats.loopsSummarized == 0);
}

TEST_CASE("loops: steps down, steps of several sizes, and bounds from the data") {
  CHECK(
      verifyLoops("r1 = 100000\nloop:\nr1 += -3\nif r1 s> 0 goto loop\nr0 = 0\nexit\n").verdict() ==
      Verdict::Accept);
  // +1 or +2, as a random number says on each iteration: always up.
  const auto upByOneOrTwo = verifyLoops(randomSteps("0", "1", "2"));
  INFO(upByOneOrTwo.message());
  CHECK(upByOneOrTwo.verdict() == Verdict::Accept);
  // A bound read at run time, itself bounded.
  CHECK(verifyLoops("call 7\n"
                    "r6 = r0\n"
                    "if r6 > 3000000 goto out\n"
                    "r1 = 0\n"
                    "loop:\n"
                    "r1 += 1\n"
                    "if r1 < r6 goto loop\n"
                    "out:\n"
                    "r0 = 0\n"
                    "exit\n")
            .verdict() == Verdict::Accept);
  // The bound is a masked random number: the mask is a threshold too.
  CHECK(verifyLoops("call 7\nr6 = r0\nr6 &= 255\n" + stackFill("r6")).verdict() == Verdict::Accept);
  // Starts anywhere: only the values it comes back with are bounded (at most 4 iterations).
  CHECK(verifyLoops("call 7\n"
                    "if r0 s< 0 goto out\n"
                    "loop:\n"
                    "r0 += 1\n"
                    "if r0 < 4 goto loop\n"
                    "out:\n"
                    "r0 = 0\n"
                    "exit\n")
            .verdict() == Verdict::Accept);
  // The counter lives on the stack.
  CHECK(verifyLoops("r1 = 0\n"
                    "*(u64 *)(r10 - 8) = r1\n"
                    "loop:\n"
                    "r1 = *(u64 *)(r10 - 8)\n"
                    "r1 += 1\n"
                    "*(u64 *)(r10 - 8) = r1\n"
                    "r1 = 0\n"
                    "r2 = *(u64 *)(r10 - 8)\n"
                    "if r2 < 150000 goto loop\n"
                    "r0 = 0\n"
                    "exit\n")
            .verdict() == Verdict::Accept);
  // Nested: each loop has its own counter.
  const auto nested = verifyLoops("r6 = 0\n"
                                  "outer:\n"
                                  "r7 = 0\n"
                                  "inner:\n"
                                  "r7 += 1\n"
                                  "if r7 < 3000 goto inner\n"
                                  "r6 += 1\n"
                                  "if r6 < 3000 goto outer\n"
                                  "r0 = 0\n"
                                  "exit\n");
  CHECK(nested.verdict() == Verdict::Accept);
  CHECK(nested.result.stats.loopsSummarized == 2);
}

TEST_CASE("loops: a loop without a proven bound is refused, naming what was not bounded") {
  // Up or down at random: nothing ranks the iterations (a random walk may go on forever).
  const auto wandering = verifyLoops(randomSteps("100", "1", "-1"));
  INFO(wandering.message());
  CHECK(wandering.rule() == Rule::UnboundedLoop);
  CHECK(mentions(wandering, "no register or stack slot moves by a constant step"));

  // Ends only by wrapping round 2^64 times.
  const auto wrapping = verifyLoops("r1 = 0\nloop:\nr1 += 1\nif r1 != 0 goto loop\nr0 = 0\nexit\n");
  CHECK(wrapping.rule() == Rule::UnboundedLoop);
  CHECK(mentions(wrapping, "r1 moves by +1 per iteration"));
  CHECK(mentions(wrapping, "wrap round"));

  // Ends, but after more iterations than bpf_loop would allow.
  const auto tooLong =
      verifyLoops("r1 = 0\nloop:\nr1 += 1\nif r1 < 10000000 goto loop\nr0 = 0\nexit\n");
  CHECK(tooLong.rule() == Rule::UnboundedLoop);
  CHECK(mentions(tooLong, "allows 10000000 iterations"));
  CHECK(tooLong.result.diagnostics.front().insn == 1u); // the loop head

  // Never moves: the kernel's "infinite loop detected", and the same under a summary.
  const std::string still = "r0 = 0\nloop:\nr0 += 0\nif r0 == 0 goto loop\nexit\n";
  CHECK(verifyLoops(still, LoopMode::Unroll).rule() == Rule::UnboundedLoop);
  CHECK(verifyLoops(still).rule() == Rule::UnboundedLoop);

  // Automatic: the unrolled verdict stands (too complex), with the summary's reason.
  AsmProgram automatic{"call 7\nr6 = r0\nr1 = 0\nloop:\nr1 += 1\nif r1 < r6 goto loop\n"
                       "r0 = 0\nexit\n"};
  automatic.options.budgets.instructionsProcessed = 5000;
  const auto unbounded = verifyAsm(automatic);
  CHECK(unbounded.verdict() == Verdict::TooComplex);
  CHECK(mentions(unbounded, "summarising the loops did not help"));
}

TEST_CASE("loops: accesses inside a summarised loop are checked against the widened state") {
  // The index reaches 99999: far outside the 512-byte stack.
  const auto outside = verifyLoops(stackFill("100000"));
  CHECK(outside.verdict() == Verdict::Reject);
  CHECK(outside.rule() == Rule::StackBounds);
  // Masked to the frame, the same loop is safe.
  CHECK(verifyLoops("r1 = 0\n"
                    "loop:\n"
                    "r3 = r1\n"
                    "r3 &= 511\n"
                    "r2 = r10\n"
                    "r2 += -512\n"
                    "r2 += r3\n"
                    "*(u8 *)(r2 + 0) = 0\n"
                    "r1 += 1\n"
                    "if r1 < 100000 goto loop\n"
                    "r0 = 0\n"
                    "exit\n")
            .verdict() == Verdict::Accept);
}

TEST_CASE("loops: paths inside an unrolled loop are never joined") {
  // Each iteration has two paths that meet again; joining them after a few iterations
  // would blur the counter and make the loop look endless.
  const auto unrolled = verifyLoops("r0 = 0\n"
                                    "r2 = *(u32 *)(r1 + 0)\n"
                                    "r1 = 0\n"
                                    "loop:\n"
                                    "r3 = r2\n"
                                    "r3 &= 255\n"
                                    "r0 += r3\n"
                                    "if r2 > 7 goto skip\n"
                                    "r0 += 1\n"
                                    "skip:\n"
                                    "r1 += 1\n"
                                    "if r1 < 100 goto loop\n"
                                    "r0 = 0\n"
                                    "exit\n",
                                    LoopMode::Unroll);
  CHECK(unrolled.verdict() == Verdict::Accept);
  CHECK(unrolled.result.stats.joins == 0);
}

namespace {

/// Counts r1 from 0 up to the length r7 that `length` reads from a `valueSize`-byte global
/// (r6), leaving early where `earlyExit` jumps to `done`, then writes the global's byte at
/// r1.
AsmProgram markAfterCounting(std::string_view length, std::string_view earlyExit,
                             std::uint32_t valueSize, LoopMode mode) {
  AsmProgram program{"r6 = 0xfeee0000 ll\n" + std::string(length) + "r1 = 0\nloop:\n" +
                     "if r1 >= r7 goto done\n" + std::string(earlyExit) +
                     "r1 += 1\ngoto loop\ndone:\nr6 += r1\n*(u8 *)(r6 + 0) = 0\nr0 = 0\nexit\n"};
  program.maps = {mapOf(MapType::Array, 4, valueSize, 1)};
  program.options.loops = mode;
  return program;
}

/// markAfterCounting with the sum of two bytes as the length, summarised: safe when the
/// global has at least 511 bytes (the length is at most 510, so is r1 at the exit). No
/// constant in the program says so, and the tnum allows 511: widening at the head loses
/// the bound, and only a descending step recovers it.
AsmProgram countToLength(std::uint32_t valueSize) {
  return markAfterCounting("r7 = *(u8 *)(r6 + 0)\nr8 = *(u8 *)(r6 + 1)\nr7 += r8\n", "", valueSize,
                           LoopMode::Summarize);
}

} // namespace

TEST_CASE("loops: a descending step narrows a summarised head to what the loop keeps") {
  const auto narrowed = verifyAsm(countToLength(511));
  CHECK(narrowed.verdict() == Verdict::Accept);
  CHECK(narrowed.result.stats.narrowingSteps == 1);
  CHECK(narrowed.result.stats.loopsSummarized == 1);

  // One byte short: r1 reaches 510 at the exit, and the narrowed analysis refuses too,
  // with the first analysis's finding.
  const auto refused = verifyAsm(countToLength(510));
  CHECK(refused.verdict() == Verdict::Reject);
  CHECK(refused.rule() == Rule::MapValueBounds);
  CHECK(refused.result.stats.narrowingSteps == 0);
}

TEST_CASE("loops: exits that meet after an unrolled loop keep their own counts") {
  // Each exit of the loop reaches the store with its own r1; joining them where many meet
  // blurs r1, so the program is explored again path by path, as the kernel does.
  const auto exits = [](std::uint32_t valueSize) {
    return verifyAsm(markAfterCounting("r7 = *(u8 *)(r6 + 0)\n",
                                       "r2 = *(u8 *)(r6 + 1)\nif r2 == 0 goto done\n", valueSize,
                                       LoopMode::Unroll));
  };
  const auto accepted = exits(256);
  CHECK(accepted.verdict() == Verdict::Accept);
  CHECK(accepted.result.stats.joins == 0);
  const auto refused = exits(255);
  CHECK(refused.verdict() == Verdict::Reject);
  CHECK(refused.rule() == Rule::MapValueBounds);
  CHECK(refused.message().find("offset 255") != std::string::npos);
}
