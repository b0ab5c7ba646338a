// Interval operators: sound on every pair of 4-bit intervals and all their members
// (exhaustive), exact where no wrap-around is possible, sound on random 64-bit intervals.
#include "bpfcheck/absint/Range.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

using namespace bpfcheck::absint;

namespace {

using Word4 = BitWord<4>;

std::vector<UnsignedRange<Word4>> allUnsigned4() {
  std::vector<UnsignedRange<Word4>> all;
  for (std::uint64_t lo = 0; lo < 16; ++lo)
    for (std::uint64_t hi = lo; hi < 16; ++hi)
      all.push_back({Word4(lo), Word4(hi)});
  return all;
}

std::vector<SignedRange<Word4>> allSigned4() {
  std::vector<SignedRange<Word4>> all;
  for (std::int64_t lo = -8; lo < 8; ++lo)
    for (std::int64_t hi = lo; hi < 8; ++hi)
      all.push_back({Word4(std::uint64_t(lo)), Word4(std::uint64_t(hi))});
  return all;
}

template <typename Range> std::vector<Word4> members(const Range &r) {
  std::vector<Word4> values;
  for (std::uint64_t x = 0; x < 16; ++x)
    if (rangeContains(r, Word4(x)))
      values.push_back(Word4(x));
  return values;
}

template <typename Range, typename Abstract, typename Concrete>
std::size_t unsoundCases(const std::vector<Range> &ranges, Abstract abstract, Concrete concrete) {
  std::size_t misses = 0;
  for (const Range &a : ranges)
    for (const Range &b : ranges) {
      const Range result = abstract(a, b);
      for (Word4 x : members(a))
        for (Word4 y : members(b))
          if (!rangeContains(result, concrete(x, y)))
            ++misses;
    }
  return misses;
}

} // namespace

TEST_CASE("interval addition and subtraction are sound on all 4-bit intervals") {
  const auto unsignedRanges = allUnsigned4();
  const auto signedRanges = allSigned4();
  CHECK(unsignedRanges.size() == 136);
  CHECK(signedRanges.size() == 136);
  auto add = [](Word4 x, Word4 y) { return x + y; };
  auto sub = [](Word4 x, Word4 y) { return x - y; };
  CHECK(unsoundCases(unsignedRanges, [](auto a, auto b) { return rangeAdd(a, b); }, add) == 0);
  CHECK(unsoundCases(unsignedRanges, [](auto a, auto b) { return rangeSub(a, b); }, sub) == 0);
  CHECK(unsoundCases(signedRanges, [](auto a, auto b) { return rangeAdd(a, b); }, add) == 0);
  CHECK(unsoundCases(signedRanges, [](auto a, auto b) { return rangeSub(a, b); }, sub) == 0);
}

TEST_CASE("a broken interval operator is caught") {
  // Addition that ignores wrap-around entirely.
  auto naive = [](const UnsignedRange<Word4> &a, const UnsignedRange<Word4> &b) {
    return UnsignedRange<Word4>{a.minimum + b.minimum, a.maximum + b.maximum};
  };
  CHECK(unsoundCases(allUnsigned4(), naive, [](Word4 x, Word4 y) { return x + y; }) > 0);
}

TEST_CASE("interval results are exact when nothing wraps, and when everything wraps alike") {
  using R = UnsignedRange<BitWord<64>>;
  const R a{BitWord<64>(10), BitWord<64>(20)}, b{BitWord<64>(1), BitWord<64>(2)};
  CHECK(rangeAdd(a, b).minimum.bits == 11);
  CHECK(rangeAdd(a, b).maximum.bits == 22);
  CHECK(rangeSub(a, b).minimum.bits == 8);
  CHECK(rangeSub(a, b).maximum.bits == 19);
  // [2^64-2, 2^64-1] + [2, 3]: both ends wrap once: [0, 2].
  const R high{BitWord<64>(~0ull - 1), BitWord<64>(~0ull)}, small{BitWord<64>(2), BitWord<64>(3)};
  CHECK(rangeAdd(high, small).minimum.bits == 0);
  CHECK(rangeAdd(high, small).maximum.bits == 2);
  // [0, 5] - [1, 1] wraps only at the low end: nothing is known.
  const R low{BitWord<64>(0), BitWord<64>(5)}, one{BitWord<64>(1), BitWord<64>(1)};
  CHECK(rangeSub(low, one).minimum.bits == 0);
  CHECK(rangeSub(low, one).maximum.bits == ~0ull);
}

TEST_CASE("join covers both, meet keeps the common part") {
  for (const auto &a : allSigned4())
    for (const auto &b : allSigned4()) {
      const auto joined = rangeJoin(a, b);
      const auto met = rangeMeet(a, b);
      for (Word4 x : members(a)) {
        CHECK(rangeContains(joined, x));
        if (rangeContains(b, x))
          CHECK(rangeContains(met, x));
      }
    }
}

TEST_CASE("64-bit interval operators are sound on random intervals") {
  std::mt19937_64 random(42);
  auto randomUnsigned = [&] {
    std::uint64_t x = random() >> (random() % 64), y = random() >> (random() % 64);
    return UnsignedRange<BitWord<64>>{BitWord<64>(std::min(x, y)), BitWord<64>(std::max(x, y))};
  };
  auto pick = [&](const UnsignedRange<BitWord<64>> &r) {
    const std::uint64_t width = r.maximum.bits - r.minimum.bits;
    return BitWord<64>(r.minimum.bits + (width == ~0ull ? random() : random() % (width + 1)));
  };
  for (int i = 0; i < 20000; ++i) {
    const auto a = randomUnsigned(), b = randomUnsigned();
    const BitWord<64> x = pick(a), y = pick(b);
    CHECK(rangeContains(rangeAdd(a, b), x + y));
    CHECK(rangeContains(rangeSub(a, b), x - y));
  }
}
