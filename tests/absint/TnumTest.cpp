// Tnum operators: sound on every pair of 5-bit tnums and every pair of their values
// (exhaustive), sound on random 64-bit tnums and values, and as precise as the kernel's
// on cases whose results the kernel documents (constants stay constant, ranges).
#include "bpfcheck/absint/Tnum.h"

#include <doctest/doctest.h>

#include <functional>
#include <random>
#include <vector>

using namespace bpfcheck::absint;

namespace {

using Word5 = BitWord<5>;
using Tnum5 = Tnum<Word5>;

/// Every tnum of the width: each bit 0, 1 or unknown.
std::vector<Tnum5> allTnums5() {
  std::vector<Tnum5> all;
  for (std::uint64_t mask = 0; mask < 32; ++mask)
    for (std::uint64_t value = 0; value < 32; ++value)
      if ((value & mask) == 0)
        all.push_back({Word5(value), Word5(mask)});
  return all;
}

std::vector<Word5> members(const Tnum5 &t) {
  std::vector<Word5> values;
  for (std::uint64_t x = 0; x < 32; ++x)
    if (tnumContains(t, Word5(x)))
      values.push_back(Word5(x));
  return values;
}

using BinaryTnum = std::function<Tnum5(const Tnum5 &, const Tnum5 &)>;
using BinaryWord = std::function<Word5(Word5, Word5)>;

/// Counts the (a, b, x, y) with x in a, y in b where op(a, b) misses x op y.
std::size_t unsoundCases(const BinaryTnum &abstract, const BinaryWord &concrete) {
  const auto tnums = allTnums5();
  std::size_t misses = 0;
  for (const Tnum5 &a : tnums)
    for (const Tnum5 &b : tnums) {
      const Tnum5 result = abstract(a, b);
      if ((result.value & result.mask) != Word5(0))
        ++misses; // malformed: a bit both known-one and unknown
      for (Word5 x : members(a))
        for (Word5 y : members(b))
          if (!tnumContains(result, concrete(x, y)))
            ++misses;
    }
  return misses;
}

} // namespace

TEST_CASE("tnum arithmetic and bitwise operators are sound on all 5-bit tnums") {
  CHECK(allTnums5().size() == 243); // 3^5
  CHECK(unsoundCases(tnumAdd<Word5>, [](Word5 x, Word5 y) { return x + y; }) == 0);
  CHECK(unsoundCases(tnumSub<Word5>, [](Word5 x, Word5 y) { return x - y; }) == 0);
  CHECK(unsoundCases(tnumMul<Word5>, [](Word5 x, Word5 y) { return x * y; }) == 0);
  CHECK(unsoundCases(tnumAnd<Word5>, [](Word5 x, Word5 y) { return x & y; }) == 0);
  CHECK(unsoundCases(tnumOr<Word5>, [](Word5 x, Word5 y) { return x | y; }) == 0);
  CHECK(unsoundCases(tnumXor<Word5>, [](Word5 x, Word5 y) { return x ^ y; }) == 0);
}

TEST_CASE("a deliberately broken operator is caught") {
  // add without the carry term: wrong whenever an unknown bit can carry.
  auto brokenAdd = [](const Tnum5 &a, const Tnum5 &b) {
    const Word5 unknown = a.mask | b.mask;
    return Tnum5{(a.value + b.value) & ~unknown, unknown};
  };
  CHECK(unsoundCases(brokenAdd, [](Word5 x, Word5 y) { return x + y; }) > 0);
}

TEST_CASE("join is an upper bound, intersect keeps the common values, shifts are sound") {
  const auto tnums = allTnums5();
  for (const Tnum5 &a : tnums) {
    for (unsigned k = 0; k < 5; ++k) {
      const Tnum5 left = tnumShiftLeft(a, k), right = tnumShiftRight(a, k),
                  arithmetic = tnumShiftRightArithmetic(a, k);
      for (Word5 x : members(a)) {
        CHECK(tnumContains(left, shiftLeft(x, k)));
        CHECK(tnumContains(right, shiftRight(x, k)));
        CHECK(tnumContains(arithmetic, shiftRightArithmetic(x, k)));
      }
    }
    const Tnum5 negated = tnumNeg(a);
    for (Word5 x : members(a))
      CHECK(tnumContains(negated, -x));
  }
  std::size_t failures = 0;
  for (const Tnum5 &a : tnums)
    for (const Tnum5 &b : tnums) {
      const Tnum5 joined = tnumUnion(a, b);
      if (!tnumIncludes(joined, a) || !tnumIncludes(joined, b))
        ++failures;
      if (tnumOverlap(a, b)) {
        const Tnum5 met = tnumIntersect(a, b);
        for (Word5 x : members(a))
          if (tnumContains(b, x) && !tnumContains(met, x))
            ++failures;
      }
    }
  CHECK(failures == 0);
}

TEST_CASE("tnum ranges hold every value of the range and fix the common high bits") {
  for (std::uint64_t lo = 0; lo < 32; ++lo)
    for (std::uint64_t hi = lo; hi < 32; ++hi) {
      const Tnum5 range = tnumRange(Word5(lo), Word5(hi));
      for (std::uint64_t x = lo; x <= hi; ++x)
        CHECK(tnumContains(range, Word5(x)));
    }
  // The kernel's tnum_range(0, 255) is (0; 0xff), tnum_range(16, 31) is (16; 0xf).
  const Tnum64 byte = tnumRange(BitWord<64>(0), BitWord<64>(255));
  CHECK(byte.value.bits == 0);
  CHECK(byte.mask.bits == 0xff);
  const Tnum64 upper = tnumRange(BitWord<64>(16), BitWord<64>(31));
  CHECK(upper.value.bits == 16);
  CHECK(upper.mask.bits == 0xf);
  const Tnum64 all = tnumRange(BitWord<64>(0), BitWord<64>(~0ull));
  CHECK(all.mask.bits == ~0ull);
}

TEST_CASE("64-bit operators are sound on random tnums and members") {
  std::mt19937_64 random(20261124);
  auto randomTnum = [&] {
    const std::uint64_t mask = random() & random(); // about a quarter of the bits unknown
    return Tnum64{BitWord<64>(random() & ~mask), BitWord<64>(mask)};
  };
  auto member = [&](const Tnum64 &t) { return t.value | (BitWord<64>(random()) & t.mask); };
  for (int i = 0; i < 20000; ++i) {
    const Tnum64 a = randomTnum(), b = randomTnum();
    const BitWord<64> x = member(a), y = member(b);
    CHECK(tnumContains(tnumAdd(a, b), x + y));
    CHECK(tnumContains(tnumSub(a, b), x - y));
    CHECK(tnumContains(tnumMul(a, b), x * y));
    CHECK(tnumContains(tnumAnd(a, b), x & y));
    CHECK(tnumContains(tnumOr(a, b), x | y));
    CHECK(tnumContains(tnumXor(a, b), x ^ y));
  }
}

TEST_CASE("constants stay constant") {
  const Tnum64 seven = Tnum64::constant(BitWord<64>(7)), five = Tnum64::constant(BitWord<64>(5));
  CHECK(tnumAdd(seven, five).mask.bits == 0);
  CHECK(tnumAdd(seven, five).value.bits == 12);
  CHECK(tnumMul(seven, five).value.bits == 35);
  CHECK(tnumMul(seven, five).mask.bits == 0);
  CHECK(tnumSub(five, seven).value.bits == std::uint64_t(-2));
  CHECK(tnumSub(five, seven).mask.bits == 0);
}
