// ALU transfer functions on scalars: for random scalars of the small model (8-bit
// registers, 4-bit sub-registers, the same template code as the real domain) and every
// pair of their members, the concrete result of every 64- and 32-bit operation is a member
// of the abstract result. The concrete semantics below follow RFC 9669.
#include "SmallModel.h"

#include "bpfcheck/absint/ScalarArithmetic.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

using namespace bpfcheck;
using namespace bpfcheck::absint;

namespace {

using test::membersOf;
using test::scalarOf;
using test::SmallScalar;
using test::W8;

/// The ISA's meaning of one operation at one width (shift amounts masked to the width).
template <typename Word> Word concrete(AluOp op, Word x, Word y) {
  const unsigned amount = unsigned(y.bits & (Word::width - 1));
  switch (op) {
  case AluOp::Add:
    return x + y;
  case AluOp::Sub:
    return x - y;
  case AluOp::Mul:
    return x * y;
  case AluOp::Div:
    return bpfDivide(x, y);
  case AluOp::Mod:
    return bpfModulo(x, y);
  case AluOp::And:
    return x & y;
  case AluOp::Or:
    return x | y;
  case AluOp::Xor:
    return x ^ y;
  case AluOp::Lsh:
    return shiftLeft(x, amount);
  case AluOp::Rsh:
    return shiftRight(x, amount);
  case AluOp::Arsh:
    return shiftRightArithmetic(x, amount);
  case AluOp::Neg:
    return -x;
  default:
    return x; // not checked
  }
}

W8 concreteAlu(AluOp op, bool is64, W8 x, W8 y) {
  return is64 ? concrete(op, x, y) : zeroExtend(concrete(op, lowHalf(x), lowHalf(y)));
}

/// A random scalar as the analysis would hold it: built from a random set of values.
SmallScalar randomScalar(std::mt19937_64 &random) {
  const int kind = int(random() % 4);
  std::vector<W8> values;
  const int count = 1 + int(random() % 6);
  const std::uint64_t base = random() % 256, spread = 1 + random() % (kind == 0 ? 4 : 256);
  for (int i = 0; i < count; ++i)
    values.push_back(W8(base + random() % spread));
  return kind == 3 ? SmallScalar::unknown(W8(0)) : scalarOf(values);
}

} // namespace

TEST_CASE("every ALU operation is sound on the small model, 64- and 32-bit") {
  const AluOp ops[] = {AluOp::Add, AluOp::Sub, AluOp::Mul, AluOp::Div, AluOp::Mod,  AluOp::And,
                       AluOp::Or,  AluOp::Xor, AluOp::Lsh, AluOp::Rsh, AluOp::Arsh, AluOp::Neg};
  std::mt19937_64 random(99);
  std::size_t checks = 0, misses = 0;
  for (int sample = 0; sample < 3000; ++sample) {
    const SmallScalar a = randomScalar(random), b = randomScalar(random);
    const auto xs = membersOf(a), ys = membersOf(b);
    REQUIRE(!xs.empty());
    REQUIRE(!ys.empty());
    for (AluOp op : ops)
      for (bool is64 : {true, false}) {
        const SmallScalar result = scalarAlu(op, is64, a, b);
        for (std::size_t i = 0; i < std::min<std::size_t>(xs.size(), 24); ++i)
          for (std::size_t j = 0; j < std::min<std::size_t>(ys.size(), 24); ++j) {
            const W8 x = xs[(i * 7919) % xs.size()], y = ys[(j * 104729) % ys.size()];
            ++checks;
            if (!scalarContains(result, concreteAlu(op, is64, x, y))) {
              ++misses;
              if (misses < 5)
                FAIL_CHECK("op " << int(op) << (is64 ? " 64" : " 32") << " x=" << x.bits
                                 << " y=" << y.bits);
            }
          }
      }
  }
  CHECK(checks > 1000000);
  CHECK(misses == 0);
}

TEST_CASE("constants fold and common idioms stay precise (64-bit domain)") {
  const Scalar six = Scalar::constant(BitWord<64>(6)), four = Scalar::constant(BitWord<64>(4));
  auto isConstant = [](const Scalar &s, std::uint64_t v) {
    return s.bits.mask.bits == 0 && s.bits.value.bits == v && s.unsigned64.minimum.bits == v &&
           s.unsigned64.maximum.bits == v;
  };
  CHECK(isConstant(scalarAlu(AluOp::Add, true, six, four), 10));
  CHECK(isConstant(scalarAlu(AluOp::Sub, true, four, six), std::uint64_t(-2)));
  CHECK(isConstant(scalarAlu(AluOp::Sub, false, four, six), 0xfffffffe)); // zero-extended
  CHECK(isConstant(scalarAlu(AluOp::Mul, true, six, four), 24));
  CHECK(isConstant(scalarAlu(AluOp::Div, true, six, four), 1));
  CHECK(isConstant(scalarAlu(AluOp::Mod, true, six, four), 2));
  CHECK(isConstant(scalarAlu(AluOp::Lsh, true, six, four), 96));
  CHECK(isConstant(scalarAlu(AluOp::Div, true, six, Scalar::constant(BitWord<64>(0))), 0));
  CHECK(isConstant(scalarAlu(AluOp::Mod, true, six, Scalar::constant(BitWord<64>(0))), 6));

  // An unknown value masked with 0xff is in [0, 255] in every component.
  const Scalar masked = scalarAlu(AluOp::And, true, Scalar::unknown(BitWord<64>(0)),
                                  Scalar::constant(BitWord<64>(0xff)));
  CHECK(masked.unsigned64.maximum.bits == 255);
  CHECK(asSigned(masked.signed64.minimum) == 0);
  CHECK(masked.bits.mask.bits == 0xff);
  // A 32-bit operation clears the upper half.
  const Scalar low = scalarAlu(AluOp::Add, false, Scalar::unknown(BitWord<64>(0)), six);
  CHECK(low.unsigned64.maximum.bits == 0xffffffff);
  CHECK((low.bits.mask.bits >> 32) == 0);
}

TEST_CASE("x << 32 s>> 32 keeps a sub-register's signed range, negative or not") {
  // bpf_get_stack's result, in [-4095, 24], sign-extended from 32 bits as clang does.
  Scalar result = Scalar::unknown(BitWord<64>(0));
  result.signed64 = {BitWord<64>(std::uint64_t(-4095)), BitWord<64>(24)};
  result = scalarReduce(result);
  const Scalar thirtyTwo = Scalar::constant(BitWord<64>(32));
  const Scalar shifted = scalarAlu(AluOp::Lsh, true, result, thirtyTwo);
  CHECK(asSigned(shifted.signed64.minimum) == std::int64_t(-4095) * (std::int64_t(1) << 32));
  CHECK(asSigned(shifted.signed64.maximum) == std::int64_t(24) << 32);
  const Scalar extended = scalarAlu(AluOp::Arsh, true, shifted, thirtyTwo);
  CHECK(asSigned(extended.signed64.minimum) == -4095);
  CHECK(asSigned(extended.signed64.maximum) == 24);
}
