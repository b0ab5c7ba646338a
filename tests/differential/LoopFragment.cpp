// How a loop is written: its shape is drawn first (how the counter starts, moves and ends, the
// counter's values worked out by running it), then the loop is written with the facts at its
// head (ProgramBuilder's Facts) taken as what holds on entry; when the back edge brings less
// than that, the loop is written again (the same random draws) from the facts of both, until
// they settle, so that the body's fragments stay right on every iteration.
#include "LoopFragment.h"

#include <algorithm>
#include <bit>
#include <bitset>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

namespace bpfcheck::differential {
namespace {

constexpr unsigned MaxTrips = 40;
constexpr std::size_t SimulationCap = 64;
/// Counter values that stand for every value of a loop that goes round too often to list:
/// enough for the masked indices, the only ones such loops use.
constexpr std::uint64_t ResidueCount = 256;

enum class LoopKind : std::uint8_t { Counted, RuntimeBound, LargeTripCount, Unbounded };

/// Whether `if a OP b` is taken (for JMP32, on the low 32 bits).
bool taken(std::uint8_t op, bool is32, std::uint64_t a, std::uint64_t b) {
  if (is32) {
    a = std::uint32_t(a);
    b = std::uint32_t(b);
  }
  const std::int64_t sa = is32 ? std::int32_t(a) : std::int64_t(a);
  const std::int64_t sb = is32 ? std::int32_t(b) : std::int64_t(b);
  switch (op) {
  case enc::JmpJeq:
    return a == b;
  case enc::JmpJne:
    return a != b;
  case enc::JmpJgt:
    return a > b;
  case enc::JmpJge:
    return a >= b;
  case enc::JmpJlt:
    return a < b;
  case enc::JmpJle:
    return a <= b;
  case enc::JmpJsgt:
    return sa > sb;
  case enc::JmpJsge:
    return sa >= sb;
  case enc::JmpJslt:
    return sa < sb;
  case enc::JmpJsle:
    return sa <= sb;
  default:
    return (a & b) != 0; // jset
  }
}

/// The condition taken exactly when `op` is not.
std::uint8_t negated(std::uint8_t op) {
  switch (op) {
  case enc::JmpJeq:
    return enc::JmpJne;
  case enc::JmpJne:
    return enc::JmpJeq;
  case enc::JmpJgt:
    return enc::JmpJle;
  case enc::JmpJge:
    return enc::JmpJlt;
  case enc::JmpJlt:
    return enc::JmpJge;
  case enc::JmpJle:
    return enc::JmpJgt;
  case enc::JmpJsgt:
    return enc::JmpJsle;
  case enc::JmpJsge:
    return enc::JmpJslt;
  case enc::JmpJslt:
    return enc::JmpJsge;
  default:
    return enc::JmpJsgt; // jsle
  }
}

/// `b OP' a` exactly when `a OP b`.
std::uint8_t mirrored(std::uint8_t op) {
  switch (op) {
  case enc::JmpJgt:
    return enc::JmpJlt;
  case enc::JmpJge:
    return enc::JmpJle;
  case enc::JmpJlt:
    return enc::JmpJgt;
  case enc::JmpJle:
    return enc::JmpJge;
  case enc::JmpJsgt:
    return enc::JmpJslt;
  case enc::JmpJsge:
    return enc::JmpJsle;
  case enc::JmpJslt:
    return enc::JmpJsgt;
  case enc::JmpJsle:
    return enc::JmpJsge;
  default:
    return op; // == and != are symmetric
  }
}

std::string conditionName(std::uint8_t op) {
  switch (op) {
  case enc::JmpJeq:
    return "==";
  case enc::JmpJne:
    return "!=";
  case enc::JmpJgt:
    return ">";
  case enc::JmpJge:
    return ">=";
  case enc::JmpJlt:
    return "<";
  case enc::JmpJle:
    return "<=";
  case enc::JmpJsgt:
    return "s>";
  case enc::JmpJsge:
    return "s>=";
  case enc::JmpJslt:
    return "s<";
  case enc::JmpJsle:
    return "s<=";
  default:
    return "&";
  }
}

std::vector<std::uint64_t> residues() {
  std::vector<std::uint64_t> values;
  for (std::uint64_t value = 0; value < ResidueCount; ++value)
    values.push_back(value);
  return values;
}

} // namespace

struct LoopWriter::Shape {
  LoopKind kind = LoopKind::Counted;
  bool topTest = false; ///< `if !(i OP n) goto out` at the head and `goto head` at the end
  bool aluIs32 = false, cmpIs32 = false;
  std::uint8_t condition = enc::JmpJlt; ///< the loop goes on while `counter OP bound`
  std::uint64_t init = 0;               ///< the counter's first value, as it holds it
  std::int32_t step = 1;                ///< 0: never stepped
  std::int32_t bound = 0;               ///< the immediate, or the clamp of a register bound
  bool boundInRegister = false, clamped = true, maskClamp = false;
  bool mirrored = false; ///< a register bound is compared as `n OP' i`
  std::uint8_t boundRegister = 0;
  /// Without a bound: the loop leaves only when `exitRegister exitCondition exitImm`.
  std::optional<std::uint8_t> exitRegister;
  std::uint8_t exitCondition = enc::JmpJeq;
  std::int32_t exitImm = 0;
  std::optional<std::int16_t> slot; ///< the counter's stack slot; else register `counter`
  std::uint8_t counter = 0;
  /// The counter's values in the body: those the accesses are sized for, and those it takes
  /// (one more with the bound off by one). When the loop goes round too often to list them
  /// (`listed` false), every value below ResidueCount, and the accesses are masked.
  std::vector<std::uint64_t> design, actual;
  bool listed = true;
  std::string description;
};

struct LoopWriter::Access {
  bool stack = true;                                        ///< else the map value
  std::vector<std::pair<std::uint8_t, std::int32_t>> index; ///< ALU64 ops on a counter copy
  bool subtract = false;                                    ///< `ptr -= index`
  std::int16_t displacement = 0;
  unsigned size = 8;
  bool write = true;
};

std::optional<std::vector<std::uint64_t>> LoopWriter::simulate(const Shape &shape,
                                                               std::uint64_t bound) const {
  std::vector<std::uint64_t> values;
  std::uint64_t counter = shape.init;
  for (;;) {
    if (shape.topTest && !taken(shape.condition, shape.cmpIs32, counter, bound))
      break;
    values.push_back(counter);
    if (values.size() > SimulationCap)
      return std::nullopt;
    counter += std::uint64_t(std::int64_t(shape.step));
    if (shape.aluIs32)
      counter = std::uint32_t(counter);
    if (!shape.topTest && !taken(shape.condition, shape.cmpIs32, counter, bound))
      break;
  }
  return values;
}

LoopWriter::Shape LoopWriter::planShape() {
  Shape shape;
  const unsigned roll = unsigned(below(100));
  shape.kind = roll < 81   ? LoopKind::Counted
               : roll < 94 ? LoopKind::RuntimeBound
               : roll < 97 ? LoopKind::LargeTripCount
                           : LoopKind::Unbounded;
  shape.topTest = percent(40);
  if (percent(20))
    shape.slot =
        std::int16_t(-8 * int(9 + below(55))); // below the top 64 bytes other fragments use
  shape.aluIs32 = percent(20);
  shape.cmpIs32 = percent(20);
  std::string detail;
  switch (shape.kind) {
  case LoopKind::Counted: {
    const unsigned trips = unsigned(percent(70) ? 1 + below(12) : 1 + below(MaxTrips));
    const bool offByOne = percent(25);
    const bool up = percent(70);
    const bool signedCompare = percent(40);
    const std::int64_t magnitude = pick<std::int64_t>({1, 1, 1, 2, 3});
    const std::int64_t total = std::int64_t(trips) + (offByOne ? 1 : 0);
    std::int64_t first = 0;
    if (up) {
      first = percent(50)                    ? 0
              : signedCompare && percent(30) ? -std::int64_t(below(3 * trips))
                                             : std::int64_t(below(8));
      shape.condition = signedCompare
                            ? pick<std::uint8_t>({enc::JmpJslt, enc::JmpJsle, enc::JmpJne})
                            : pick<std::uint8_t>({enc::JmpJlt, enc::JmpJle, enc::JmpJne});
    } else {
      first = signedCompare ? std::int64_t(below(std::uint64_t(magnitude) * trips + 8))
                            : magnitude * total + std::int64_t(below(8));
      shape.condition = signedCompare
                            ? pick<std::uint8_t>({enc::JmpJsgt, enc::JmpJsge, enc::JmpJne})
                            : pick<std::uint8_t>({enc::JmpJgt, enc::JmpJge, enc::JmpJne});
    }
    shape.step = std::int32_t(up ? magnitude : -magnitude);
    const std::int64_t last = first + shape.step * (total - 1), stop = first + shape.step * total;
    std::int64_t bound = stop;
    switch (shape.condition) {
    case enc::JmpJlt:
    case enc::JmpJslt:
      bound = last + 1 + std::int64_t(below(std::uint64_t(magnitude)));
      break;
    case enc::JmpJle:
    case enc::JmpJsle:
      bound = last + std::int64_t(below(std::uint64_t(magnitude)));
      break;
    case enc::JmpJgt:
    case enc::JmpJsgt:
      bound = stop + std::int64_t(below(std::uint64_t(magnitude)));
      break;
    case enc::JmpJge:
    case enc::JmpJsge:
      bound = stop + 1 + std::int64_t(below(std::uint64_t(magnitude)));
      break;
    default:
      break;
    }
    if (std::min(first, stop) < 0)
      shape.aluIs32 = false; // a 32-bit counter below zero wraps to 2^32 - 1
    shape.init = shape.aluIs32 ? std::uint32_t(first) : std::uint64_t(first);
    shape.bound = std::int32_t(bound);
    auto actual = simulate(shape, std::uint64_t(bound));
    if (!actual) { // not expected: then it is a loop without a bound
      shape.listed = false;
      detail = "; runs more than " + std::to_string(SimulationCap) + " times";
      break;
    }
    shape.actual = *actual;
    shape.design.assign(actual->begin(), actual->begin() + std::ptrdiff_t(std::min<std::size_t>(
                                                               trips, actual->size())));
    detail = "; " + std::to_string(actual->size()) + " iterations";
    if (offByOne)
      detail += ", one more than its accesses are sized for";
    break;
  }
  case LoopKind::RuntimeBound: {
    shape.boundInRegister = true;
    shape.init = percent(70) ? 0 : 1;
    shape.step = percent(80) ? 1 : 2;
    shape.condition = pick<std::uint8_t>({enc::JmpJlt, enc::JmpJle, enc::JmpJslt, enc::JmpJsle});
    shape.mirrored = percent(30);
    shape.clamped = percent(88);
    shape.maskClamp = percent(25);
    const bool offByOne = percent(25);
    const std::int32_t clamp =
        shape.maskClamp ? (std::int32_t(1) << (1 + below(5))) - 1 : std::int32_t(1 + below(24));
    shape.bound = clamp;
    const std::int32_t designed = offByOne ? clamp - 1 : clamp;
    shape.design = simulate(shape, std::uint64_t(designed)).value_or(std::vector<std::uint64_t>{});
    shape.actual = simulate(shape, std::uint64_t(shape.clamped ? clamp : clamp + 40))
                       .value_or(std::vector<std::uint64_t>{});
    detail = "; bound n read at run time, " +
             (shape.clamped ? std::string(shape.maskClamp ? "n &= " : "if n > ") +
                                  std::to_string(clamp) + (shape.maskClamp ? "" : " goto out")
                            : std::string("not clamped"));
    if (offByOne)
      detail += ", the accesses sized for n <= " + std::to_string(designed);
    break;
  }
  case LoopKind::LargeTripCount:
    shape.listed = false;
    shape.init = 0;
    shape.condition = pick<std::uint8_t>({enc::JmpJlt, enc::JmpJslt, enc::JmpJle, enc::JmpJne});
    shape.bound = pick<std::int32_t>({1 << 20, 1500000, 3000000, 6000000});
    note("loop of " + std::to_string(shape.bound) + " iterations (beyond the kernel's budget)");
    break;
  case LoopKind::Unbounded: {
    shape.listed = false;
    shape.cmpIs32 = false;
    const unsigned variant = unsigned(below(4));
    if (variant == 2)
      shape.exitRegister = preciseScalar();
    if (shape.exitRegister) {
      shape.topTest = true;
      shape.exitCondition =
          pick<std::uint8_t>({enc::JmpJeq, enc::JmpJgt, enc::JmpJsgt, enc::JmpJne});
      shape.exitImm = interestingImmediate();
      note("loop without a bound: it leaves only when r" + std::to_string(*shape.exitRegister) +
           " " + conditionName(shape.exitCondition) + " " + std::to_string(shape.exitImm));
    } else if (variant == 1) {
      shape.init = below(20);
      shape.step = -1;
      shape.condition = enc::JmpJge;
      shape.bound = 0;
      note("loop without a bound: an unsigned counter compared >= 0");
    } else if (variant == 3) {
      shape.step = 0;
      shape.condition = enc::JmpJlt;
      shape.bound = std::int32_t(1 + below(10));
      note("loop without a bound: the counter is never stepped");
    } else {
      shape.step = pick<std::int32_t>({2, 3});
      shape.condition = enc::JmpJne;
      shape.bound = shape.step * std::int32_t(1 + below(20)) + 1;
      note("loop without a bound: `!=` a bound the counter steps over");
    }
    break;
  }
  }
  if (!shape.listed) {
    shape.design = residues();
    shape.actual = shape.design;
  }
  shape.description =
      "loop: counter " +
      (shape.slot ? "at fp" + std::to_string(*shape.slot) : std::string("in a register")) + " = " +
      std::to_string(std::int64_t(shape.init)) + ", step " + std::to_string(shape.step) +
      (shape.aluIs32 ? " (32-bit)" : "") +
      (shape.exitRegister
           ? std::string()
           : ", goes on while i " + conditionName(shape.condition) +
                 (shape.boundInRegister ? std::string(" n") : " " + std::to_string(shape.bound)) +
                 (shape.cmpIs32 ? " (32-bit)" : "")) +
      (shape.topTest ? ", tested at the head" : ", tested at the end") + detail;
  return shape;
}

std::optional<LoopWriter::Access> LoopWriter::planAccess(const Shape &shape) {
  if (shape.design.empty())
    return std::nullopt; // the body runs only past its design: nothing to size for
  const Role valueRole = facts.roles[ValueRegister];
  const bool valueUsable =
      valueRole == Role::Value || (valueRole == Role::ValueOrNull && percent(25));
  Access access;
  access.stack = !(valueUsable && percent(45));
  const int valueSize = int(program.map.valueSize);
  bool masked = !shape.listed || shape.design.empty() || percent(20);
  const auto offsetOf = [](const Access &candidate, std::uint64_t counter) {
    std::uint64_t index = counter;
    for (const auto &[operation, imm] : candidate.index) {
      if (operation == enc::AluMul)
        index *= std::uint64_t(std::int64_t(imm));
      else if (operation == enc::AluLsh)
        index <<= imm;
      else
        index &= std::uint64_t(std::int64_t(imm));
    }
    return std::int64_t(candidate.subtract ? std::uint64_t(0) - index : index);
  };
  const auto range = [&](const Access &candidate, const std::vector<std::uint64_t> &values) {
    std::int64_t lo = std::numeric_limits<std::int64_t>::max(),
                 hi = std::numeric_limits<std::int64_t>::min();
    for (std::uint64_t value : values) {
      lo = std::min(lo, offsetOf(candidate, value));
      hi = std::max(hi, offsetOf(candidate, value));
    }
    return std::pair(lo, hi);
  };
  const std::int64_t room = access.stack ? StackBytes : valueSize;
  access.size = pick<unsigned>({1, 2, 4, 8});
  if (!access.stack && int(access.size) > valueSize)
    access.size = 1;
  if (!masked) { // an index by stride, chosen among those that fit
    // The kernel refuses `fp_copy -= index` ("subtraction from stack pointer prohibited").
    const bool subtractFromStack = access.stack && percent(5);
    std::vector<Access> candidates;
    for (const std::int32_t stride : access.stack ? std::vector<std::int32_t>{8, 16, 24, 32, 48, 64}
                                                  : std::vector<std::int32_t>{1, 2, 4, 8}) {
      Access candidate = access;
      const bool power = (stride & (stride - 1)) == 0;
      const int shift = std::countr_zero(unsigned(stride));
      if (stride != 1)
        candidate.index = {{enc::AluMul, stride}};
      candidates.push_back(candidate);
      if (power && stride != 1) {
        candidate.index = {{enc::AluLsh, shift}};
        candidates.push_back(candidate);
      }
      if (access.stack) {
        if (subtractFromStack) {
          candidate.subtract = true;
          candidates.push_back(candidate);
          candidate.subtract = false;
        }
        candidate.index = {{enc::AluMul, -stride}};
        candidates.push_back(candidate);
      }
    }
    std::vector<Access> fitting;
    for (const Access &candidate : candidates) {
      const auto [lo, hi] = range(candidate, shape.design);
      if (hi - lo + std::int64_t(access.size) <= room)
        fitting.push_back(candidate);
    }
    if (fitting.empty())
      masked = true;
    else
      access = fitting[below(fitting.size())];
  }
  if (masked) {
    if (access.stack) {
      const int shift = pick<int>({0, 2, 3, 3});
      const int bits = shift == 0 ? 2 + int(below(5)) : 1 + int(below(3));
      access.index = {{enc::AluAnd, (1 << bits) - 1}};
      if (shift != 0)
        access.index.emplace_back(enc::AluLsh, shift);
      if (access.size > (1u << shift) && !percent(5))
        access.size = 1u << shift; // else misaligned now and then
    } else {
      const int bits = 1 + int(below(5));
      access.index = {{enc::AluAnd, (1 << bits) - 1}};
      if (percent(30))
        access.index.emplace_back(enc::AluLsh, 1 + int(below(2)));
    }
  }
  // The displacement: all the designed values in bounds, at one edge (always when the
  // counter takes one value more than designed: that edge is where it goes past) or anywhere.
  const auto [lo, hi] = range(access, shape.design);
  const std::int64_t size = access.size;
  const std::int64_t lowest = (access.stack ? -StackBytes : 0) - lo;
  const std::int64_t highest = (access.stack ? -size : valueSize - size) - hi;
  const auto [actualLo, actualHi] = range(access, shape.actual);
  std::int64_t displacement = lowest;
  if (lowest > highest) {
    if (!percent(30))
      return std::nullopt;
  } else if (actualLo < lo || actualHi > hi || percent(50)) {
    displacement = actualLo < lo ? lowest : actualHi > hi ? highest : pick({lowest, highest});
  } else {
    const std::int64_t unit = access.stack ? size : 1;
    displacement =
        lowest + unit * std::int64_t(below(std::uint64_t((highest - lowest) / unit + 1)));
  }
  if (displacement < std::numeric_limits<std::int16_t>::min() ||
      displacement > std::numeric_limits<std::int16_t>::max())
    return std::nullopt;
  access.displacement = std::int16_t(displacement);
  // A spilled counter's slot is left alone, and parts of spilled pointers are not read.
  bool readsPointerPart = false;
  for (const auto *values : {&shape.design, &shape.actual}) {
    for (std::uint64_t value : *values) {
      const std::int64_t at = displacement + offsetOf(access, value);
      if (!access.stack)
        continue;
      if (shape.slot && at < *shape.slot + 8 && at + size > *shape.slot)
        return std::nullopt;
      for (std::int64_t byte = std::max<std::int64_t>(at, -StackBytes);
           byte < std::min<std::int64_t>(at + size, 0); ++byte)
        if (facts.pointerSlots.test(std::size_t(byte + StackBytes) / 8) &&
            (size != 8 || at % 8 != 0))
          readsPointerPart = true;
    }
  }
  access.write = readsPointerPart || percent(60);
  if (access.subtract)
    note("loop stack pointer minus the index");
  // What the kernel will say: the first counter value that takes the access out of bounds.
  const char *where = access.stack ? "loop stack access" : "loop map value access";
  if (!access.stack && valueRole == Role::ValueOrNull)
    note("loop map value access without a null check");
  for (std::uint64_t value : shape.actual) {
    const std::int64_t at = displacement + offsetOf(access, value);
    std::string problem;
    if (access.stack && (at < -StackBytes || at + size > 0))
      problem = "out of the frame";
    else if (access.stack && at % size != 0)
      problem = "misaligned";
    else if (!access.stack && at < 0)
      problem = "before the start";
    else if (!access.stack && at + size > valueSize)
      problem = "past the end";
    if (!problem.empty()) {
      note(std::string(where) + " " + problem +
           (shape.listed ? " at counter " + std::to_string(std::int64_t(value))
                         : " for some counter values"));
      break;
    }
  }
  return access;
}

std::uint8_t LoopWriter::loadCounter(const Shape &shape, std::initializer_list<std::uint8_t> busy) {
  if (!shape.slot)
    return shape.counter;
  const std::uint8_t counter = destination(busy);
  emit(load(8, counter, FramePointer, *shape.slot));
  defineScalar(counter, false);
  return counter;
}

void LoopWriter::writeAccess(const Shape &shape, const Access &access) {
  const std::uint8_t index = destination();
  if (shape.slot)
    emit(load(8, index, FramePointer, *shape.slot));
  else
    emit(aluReg(true, enc::AluMov, index, shape.counter));
  for (const auto &[operation, imm] : access.index)
    emit(aluImm(true, operation, index, imm));
  defineScalar(index, false);
  const std::uint8_t pointer = destination({index});
  emit(aluReg(true, enc::AluMov, pointer, access.stack ? FramePointer : ValueRegister));
  emit(aluReg(true, access.subtract ? enc::AluSub : enc::AluAdd, pointer, index));
  facts.roles[pointer] = Role::Pointer;
  // Every slot the access may touch on some iteration.
  std::bitset<StackBytes / 8> touched;
  if (access.stack)
    for (const auto *values : {&shape.design, &shape.actual})
      for (std::uint64_t value : *values) {
        std::uint64_t offset = value;
        for (const auto &[operation, imm] : access.index)
          offset = operation == enc::AluMul   ? offset * std::uint64_t(std::int64_t(imm))
                   : operation == enc::AluLsh ? offset << imm
                                              : offset & std::uint64_t(std::int64_t(imm));
        const std::int64_t at = access.displacement +
                                std::int64_t(access.subtract ? std::uint64_t(0) - offset : offset);
        for (std::int64_t byte = std::max<std::int64_t>(at, -StackBytes);
             byte < std::min<std::int64_t>(at + access.size, 0); ++byte)
          touched.set(std::size_t(byte + StackBytes) / 8);
      }
  if (access.write) {
    const auto source = scalar({index, pointer});
    if (source && percent(60))
      emit(storeReg(access.size, pointer, access.displacement, *source));
    else
      emit(storeImm(access.size, pointer, access.displacement, interestingImmediate()));
    for (std::size_t slot = 0; slot < touched.size(); ++slot)
      if (touched.test(slot))
        facts.spills[slot].reset();
    return;
  }
  const std::uint8_t dst = destination({index, pointer});
  emit(load(access.size, dst, pointer, access.displacement));
  if (access.stack) {
    defineScalar(dst, true);
    if ((touched & facts.pointerSlots).any())
      facts.roles[dst] = Role::Unusable; // a whole spilled pointer, perhaps
  } else {
    defineScalar(dst, false, true, true);
  }
}

void LoopWriter::emitBackEdge(const Shape &shape, std::size_t head, std::uint8_t counter) {
  const std::int16_t offset =
      std::int16_t(std::int64_t(head) - std::int64_t(program.slots.size()) - 1);
  if (shape.topTest) {
    emit(RawInstruction::make(enc::ClassJmp | enc::JmpJa, 0, 0, offset, 0));
    facts.reachable = false;
    return;
  }
  const std::uint8_t opcodeClass = shape.cmpIs32 ? enc::ClassJmp32 : enc::ClassJmp;
  if (!shape.boundInRegister)
    emit(RawInstruction::make(opcodeClass | shape.condition | enc::SourceK, counter, 0, offset,
                              shape.bound));
  else if (shape.mirrored)
    emit(RawInstruction::make(opcodeClass | mirrored(shape.condition) | enc::SourceX,
                              shape.boundRegister, counter, offset, 0));
  else
    emit(RawInstruction::make(opcodeClass | shape.condition | enc::SourceX, counter,
                              shape.boundRegister, offset, 0));
}

Facts LoopWriter::writeIteration(const Shape &shape, std::size_t out, std::size_t bodyBudget) {
  const std::size_t head = program.slots.size();
  if (shape.topTest) {
    if (shape.exitRegister) {
      jump(false, shape.exitCondition, *shape.exitRegister, std::nullopt, shape.exitImm, out);
    } else {
      const std::uint8_t counter = loadCounter(shape, {});
      if (!shape.boundInRegister)
        jump(shape.cmpIs32, negated(shape.condition), counter, std::nullopt, shape.bound, out);
      else if (shape.mirrored)
        jump(shape.cmpIs32, negated(mirrored(shape.condition)), shape.boundRegister, counter, 0,
             out);
      else
        jump(shape.cmpIs32, negated(shape.condition), counter, shape.boundRegister, 0, out);
    }
  }
  constexpr std::size_t AccessSlots = 6;
  const unsigned roll = unsigned(below(100));
  std::size_t accesses = roll < 20 ? 0 : roll < 75 ? 1 : 2;
  accesses = std::min(accesses, bodyBudget / AccessSlots);
  std::size_t fragments = bodyBudget - accesses * AccessSlots;
  for (std::size_t i = 0; i < accesses; ++i) {
    const std::size_t part = std::size_t(below(fragments + 1));
    writeBody(part);
    fragments -= part;
    if (const auto access = planAccess(shape))
      writeAccess(shape, *access);
  }
  writeBody(fragments);
  // The latch: the counter steps, and the loop goes round again.
  std::uint8_t counter = shape.counter;
  if (shape.slot)
    counter = loadCounter(shape, {});
  if (shape.step != 0) {
    if (percent(25))
      emit(aluImm(!shape.aluIs32, enc::AluSub, counter, -shape.step));
    else
      emit(aluImm(!shape.aluIs32, enc::AluAdd, counter, shape.step));
  }
  defineScalar(counter, false);
  if (shape.slot)
    storeToStack(8, *shape.slot, counter, 0);
  const Facts backEdge = facts;
  emitBackEdge(shape, head, counter);
  return backEdge;
}

void LoopWriter::writeLoop(std::size_t budget) {
  const std::size_t start = program.slots.size();
  const std::size_t choicesBefore = program.choices.size();
  const auto reservedBefore = reserved;
  Shape shape = planShape();
  const std::size_t out = newLabel();
  if (shape.boundInRegister) {
    const std::uint8_t bound = destination();
    if (facts.roles[ValueRegister] == Role::Value && percent(40)) {
      const unsigned size = std::min(pick<unsigned>({1, 2, 4}), program.map.valueSize);
      emit(load(size, bound, ValueRegister, std::int16_t(below(program.map.valueSize - size + 1))));
      shape.description += " (n from the map value)";
    } else {
      writeContextLoad(bound);
      shape.description += " (n from the context)";
    }
    defineScalar(bound, false, true, true);
    if (!shape.clamped)
      note("loop bound read at run time and not clamped");
    else if (shape.maskClamp)
      emit(aluImm(true, enc::AluAnd, bound, shape.bound));
    else
      jump(false, enc::JmpJgt, bound, std::nullopt, shape.bound, out);
    defineScalar(bound, false);
    shape.boundRegister = bound;
    reserved.set(bound);
  }
  if (shape.exitRegister)
    reserved.set(*shape.exitRegister);
  const std::int32_t init = std::int32_t(std::uint32_t(shape.init));
  if (shape.slot) {
    if (!shape.aluIs32 && percent(50)) {
      storeToStack(8, *shape.slot, std::nullopt, init);
    } else {
      const std::uint8_t temporary = destination();
      emit(aluImm(!shape.aluIs32, enc::AluMov, temporary, init));
      defineScalar(temporary, false, true, true);
      storeToStack(8, *shape.slot, temporary, 0);
    }
  } else {
    shape.counter = destination();
    emit(aluImm(!shape.aluIs32, enc::AluMov, shape.counter, init));
    defineScalar(shape.counter, false, true, true);
    reserved.set(shape.counter);
  }
  // Written from the facts at the head until the back edge brings no less.
  const std::size_t used = program.slots.size() - start;
  const std::size_t fixed = used + (shape.slot ? 6 : 3);
  const std::size_t bodyBudget =
      std::min<std::size_t>(budget > fixed ? budget - fixed : 0, 2 + below(18));
  const std::mt19937_64 savedEngine = engine;
  const std::size_t savedSlots = program.slots.size(), savedChoices = program.choices.size();
  const std::vector<Label> savedLabels = labels;
  const Facts entry = facts;
  const auto savedReserved = reserved;
  Facts head = facts;
  bool settled = false;
  for (int attempt = 0; attempt < 6 && !settled; ++attempt) {
    engine = savedEngine;
    program.slots.resize(savedSlots);
    program.choices.resize(savedChoices);
    labels = savedLabels;
    reserved = savedReserved;
    facts = head;
    inLoop = true;
    const Facts backEdge = writeIteration(shape, out, bodyBudget);
    inLoop = false;
    const Facts joined = merge(head, backEdge);
    settled = joined == head;
    head = joined;
  }
  if (settled) {
    ++program.loops;
    program.choices.insert(program.choices.begin() + std::ptrdiff_t(choicesBefore),
                           shape.description);
  } else { // no loop after all: what came before it stays
    engine = savedEngine;
    program.slots.resize(savedSlots);
    program.choices.resize(choicesBefore);
    labels = savedLabels;
    facts = entry;
  }
  reserved = reservedBefore;
  bind(out);
  if (!shape.slot && facts.roles[shape.counter] == Role::Scalar)
    defineScalar(shape.counter, false);
}

} // namespace bpfcheck::differential
