// Loops for the random programs: a counter (in a register or spilled to a stack slot) set to a
// constant, stepped by a constant (up or down) and compared with a constant bound, signed or
// unsigned, at the loop's head (`if !(i < N) goto out; ...; goto head`) or at its end (`...;
// if i < N goto head`), a few dozen iterations at most so that the kernel walks them all. The
// body is the other fragments (RandomPrograms.cpp) and accesses that depend on the counter: the
// stack at `fp + d + i * stride` or `fp + d + (i & mask)`, the map value at `value + d + i * s`,
// sized to fit, and sometimes one iteration too many (the bound off by one). Rarely, the bound
// is read at run time and clamped (`if n > K goto out`), or not clamped, or there is no bound at
// all, or so many iterations that only a proof that the loop ends (not a walk) can accept it.
#pragma once

#include "ProgramBuilder.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace bpfcheck::differential {

class LoopWriter : protected ProgramBuilder {
public:
  LoopWriter(std::mt19937_64 &randomEngine, GeneratedProgram &generated)
      : ProgramBuilder(randomEngine, generated) {}
  virtual ~LoopWriter() = default;

protected:
  /// The fewest slots a loop fragment takes.
  static constexpr std::size_t MinLoopSlots = 10;
  static constexpr unsigned MaxLoops = 2;
  /// Whether the point being written is inside a loop (loops do not nest).
  bool inLoop = false;

  bool canWriteLoop() const { return !inLoop && program.loops < MaxLoops; }
  /// A loop in at most `budget` slots (sometimes none, when the body's facts do not settle).
  void writeLoop(std::size_t budget);

  /// Fragments in at most `budget` slots; their forward branches land inside them.
  virtual void writeBody(std::size_t budget) = 0;
  /// `dst = <a context field the program type may read>`.
  virtual void writeContextLoad(std::uint8_t dst) = 0;

private:
  struct Shape;
  struct Access;

  Shape planShape();
  /// The counter's values in the body for a bound of `bound` (nullopt: more than a few dozen).
  std::optional<std::vector<std::uint64_t>> simulate(const Shape &shape, std::uint64_t bound) const;
  std::optional<Access> planAccess(const Shape &shape);
  void writeAccess(const Shape &shape, const Access &access);
  /// Head test, body and latch; returns the facts on the back edge.
  Facts writeIteration(const Shape &shape, std::size_t out, std::size_t bodyBudget);
  void emitBackEdge(const Shape &shape, std::size_t head, std::uint8_t counter);
  std::uint8_t loadCounter(const Shape &shape, std::initializer_list<std::uint8_t> busy);
};

} // namespace bpfcheck::differential
