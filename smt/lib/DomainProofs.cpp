// The claims. Each operator is proven on its own, at 64 bits (and 32 where the domain has
// a 32-bit version): for abstract inputs built from fresh variables and concrete inputs
// that are their members, the result has the concrete result (from the ISA semantics) as a
// member. The scalar operators are compositions of these pieces: a width operator fills
// each component of the result, fromWidths/fromLowHalf place the components, and the
// reduction relates them; soundness of the whole follows from soundness of each piece
// (membership is a conjunction over components), so the pieces are what is proven. The
// tnum multiplication's 64-round carry chain is beyond Z3 at 64 bits in minutes; it is
// proven at 16 bits (the same template), and exhaustively tested at 5 bits in the unit tests.
#include "bpfcheck/smt/DomainProofs.h"

#include "bpfcheck/absint/ScalarArithmetic.h"
#include "bpfcheck/absint/ScalarBranch.h"
#include "bpfcheck/absint/ScalarConversions.h"
#include "bpfcheck/smt/AluSemantics.h"
#include "bpfcheck/smt/SymbolicWord.h"

#include <chrono>

namespace bpfcheck::smt {
namespace {

using absint::ScalarValue;
using absint::SignedRange;
using absint::Tnum;
using absint::UnsignedRange;
using absint::WidthValue;
using Scalar = ScalarValue<SymbolicWords>;

template <unsigned N> SymbolicWord<N> fresh(z3::context &c, const std::string &name) {
  return {c.bv_const(name.c_str(), N)};
}
template <unsigned N> Tnum<SymbolicWord<N>> freshTnum(z3::context &c, const std::string &name) {
  return {fresh<N>(c, name + ".value"), fresh<N>(c, name + ".mask")};
}
template <unsigned N> z3::expr wellFormed(const Tnum<SymbolicWord<N>> &t) {
  return (t.value & t.mask).e == 0;
}
template <unsigned N>
WidthValue<SymbolicWord<N>> freshWidth(z3::context &c, const std::string &name) {
  return {freshTnum<N>(c, name),
          {fresh<N>(c, name + ".umin"), fresh<N>(c, name + ".umax")},
          {fresh<N>(c, name + ".smin"), fresh<N>(c, name + ".smax")}};
}
template <unsigned N>
z3::expr contains(const WidthValue<SymbolicWord<N>> &v, const SymbolicWord<N> &x) {
  return absint::tnumContains(v.bits, x).e && absint::rangeContains(v.unsignedRange, x).e &&
         absint::rangeContains(v.signedRange, x).e;
}
Scalar freshScalar(z3::context &c, const std::string &name) {
  return {freshTnum<64>(c, name),
          {fresh<64>(c, name + ".umin"), fresh<64>(c, name + ".umax")},
          {fresh<64>(c, name + ".smin"), fresh<64>(c, name + ".smax")},
          {fresh<32>(c, name + ".u32min"), fresh<32>(c, name + ".u32max")},
          {fresh<32>(c, name + ".s32min"), fresh<32>(c, name + ".s32max")}};
}

/// A tnum operator against its concrete operation, at N bits; the result is also well
/// formed (no bit both known one and unknown).
template <unsigned N, typename Abstract, typename Concrete>
DomainProof tnumBinary(const std::string &name, Abstract abstract, Concrete concrete) {
  return {name, [=](z3::context &c) {
            const auto a = freshTnum<N>(c, "a"), b = freshTnum<N>(c, "b");
            const auto x = fresh<N>(c, "x"), y = fresh<N>(c, "y");
            const z3::expr assumptions = wellFormed(a) && wellFormed(b) &&
                                         absint::tnumContains(a, x).e &&
                                         absint::tnumContains(b, y).e;
            const auto result = abstract(a, b);
            return z3::implies(assumptions, absint::tnumContains(result, concrete(x, y)).e &&
                                                wellFormed(result));
          }};
}

/// A width operator (tnum and both intervals of one width) against the ALU semantics at
/// that width. `componentsOnly` restricts the claim to the intervals (used for mul, whose
/// tnum part is the tnum proof).
template <unsigned N, typename Abstract>
DomainProof widthBinary(const std::string &name, AluOp op, Abstract abstract,
                        bool intervalsOnly = false) {
  return {name, [=](z3::context &c) {
            const auto a = freshWidth<N>(c, "a"), b = freshWidth<N>(c, "b");
            const auto x = fresh<N>(c, "x"), y = fresh<N>(c, "y");
            const z3::expr assumptions =
                wellFormed(a.bits) && wellFormed(b.bits) && contains(a, x) && contains(b, y);
            const WidthValue<SymbolicWord<N>> result = abstract(a, b);
            const SymbolicWord<N> concrete{aluAtWidth(op, x.e, y.e, N)};
            const z3::expr claim = intervalsOnly
                                       ? absint::rangeContains(result.unsignedRange, concrete).e &&
                                             absint::rangeContains(result.signedRange, concrete).e
                                       : contains(result, concrete);
            return z3::implies(assumptions, claim);
          }};
}

/// A shift by each constant amount below N.
template <unsigned N, typename ShiftBy>
DomainProof widthShift(const std::string &name, AluOp op, ShiftBy shiftBy) {
  return {name, [=](z3::context &c) {
            const auto a = freshWidth<N>(c, "a");
            const auto x = fresh<N>(c, "x");
            z3::expr claim = c.bool_val(true);
            for (unsigned k = 0; k < N; ++k) {
              const auto result = shiftBy(a, k);
              claim = claim &&
                      contains(result, SymbolicWord<N>{aluAtWidth(op, x.e, c.bv_val(k, N), N)});
            }
            return z3::implies(wellFormed(a.bits) && contains(a, x), claim);
          }};
}

DomainProof branchProof(Condition condition, bool is64, bool taken, const std::string &name) {
  return {std::string("branch/") + (is64 ? "jmp/" : "jmp32/") + name +
              (taken ? "/taken" : "/not-taken"),
          [=](z3::context &c) {
            const Scalar a = freshScalar(c, "a"), b = freshScalar(c, "b");
            const auto x = fresh<64>(c, "x"), y = fresh<64>(c, "y");
            const z3::expr holds = smt::condition(condition, is64, x.e, y.e);
            const z3::expr assumptions = wellFormed(a.bits) && wellFormed(b.bits) &&
                                         absint::scalarContains(a, x).e &&
                                         absint::scalarContains(b, y).e && (taken ? holds : !holds);
            const auto [refinedA, refinedB] =
                absint::refineBranchUnreduced(condition, is64, taken, a, b);
            return z3::implies(assumptions, absint::scalarContains(refinedA, x).e &&
                                                absint::scalarContains(refinedB, y).e);
          }};
}

/// The width operators' intervals (their tnums are the tnum proofs). Multiplication,
/// division and modulo circuits are slow for Z3 at 32 and 64 bits: those are marked slow,
/// and addNarrowArithmeticProofs gives each an 8-bit proof of the same template.
template <unsigned N> void addWidthProofs(std::vector<DomainProof> &proofs, bool hardAreSlow) {
  using Value = WidthValue<SymbolicWord<N>>;
  const std::string width = "@" + std::to_string(N);
  namespace arith = absint::arithmetic;
  auto interval = [&](const std::string &name, AluOp op, auto abstract, bool slow) {
    DomainProof proof = widthBinary<N>(name + width, op, abstract, true);
    proof.slow = slow;
    proofs.push_back(std::move(proof));
  };
  interval(
      "width/add", AluOp::Add, [](const Value &a, const Value &b) { return arith::add(a, b); },
      false);
  interval(
      "width/sub", AluOp::Sub, [](const Value &a, const Value &b) { return arith::sub(a, b); },
      false);
  interval(
      "width/mul", AluOp::Mul, [](const Value &a, const Value &b) { return arith::mul(a, b); },
      hardAreSlow);
  interval(
      "width/div", AluOp::Div, [](const Value &a, const Value &b) { return arith::divide(a, b); },
      hardAreSlow);
  interval(
      "width/mod", AluOp::Mod, [](const Value &a, const Value &b) { return arith::modulo(a, b); },
      hardAreSlow);
  proofs.push_back(
      widthBinary<N>("width/and" + width, AluOp::And,
                     [](const Value &a, const Value &b) { return arith::bitAnd(a, b); }));
  proofs.push_back(
      widthBinary<N>("width/or" + width, AluOp::Or,
                     [](const Value &a, const Value &b) { return arith::bitOr(a, b); }));
  proofs.push_back(
      widthBinary<N>("width/xor" + width, AluOp::Xor,
                     [](const Value &a, const Value &b) { return arith::bitXor(a, b); }));
  proofs.push_back(
      widthShift<N>("width/lsh-each-amount" + width, AluOp::Lsh,
                    [](const Value &a, unsigned k) { return arith::shiftLeftBy(a, k); }));
  proofs.push_back(
      widthShift<N>("width/rsh-each-amount" + width, AluOp::Rsh,
                    [](const Value &a, unsigned k) { return arith::shiftRightBy(a, k); }));
  proofs.push_back(
      widthShift<N>("width/arsh-each-amount" + width, AluOp::Arsh, [](const Value &a, unsigned k) {
        return arith::shiftRightArithmeticBy(a, k);
      }));
}

/// Multiplication, division and modulo at 8 bits, where Z3 decides them quickly (the
/// same templates; the unit tests also check them exhaustively on small words).
void addNarrowArithmeticProofs(std::vector<DomainProof> &proofs) {
  using Value = WidthValue<SymbolicWord<8>>;
  namespace arith = absint::arithmetic;
  proofs.push_back(widthBinary<8>(
      "width/mul@8", AluOp::Mul, [](const Value &a, const Value &b) { return arith::mul(a, b); },
      true));
  proofs.push_back(widthBinary<8>(
      "width/div@8", AluOp::Div, [](const Value &a, const Value &b) { return arith::divide(a, b); },
      true));
  proofs.push_back(widthBinary<8>(
      "width/mod@8", AluOp::Mod, [](const Value &a, const Value &b) { return arith::modulo(a, b); },
      true));
  // Shifts by an abstract amount: the join over every amount the masked tnum allows.
  proofs.push_back(
      widthBinary<8>("width/lsh-any-amount@8", AluOp::Lsh, [](const Value &a, const Value &b) {
        return arith::shiftByAny(
            a, b, [](const Value &v, unsigned k) { return arith::shiftLeftBy(v, k); });
      }));
  proofs.push_back(
      widthBinary<8>("width/rsh-any-amount@8", AluOp::Rsh, [](const Value &a, const Value &b) {
        return arith::shiftByAny(
            a, b, [](const Value &v, unsigned k) { return arith::shiftRightBy(v, k); });
      }));
  proofs.push_back(
      widthBinary<8>("width/arsh-any-amount@8", AluOp::Arsh, [](const Value &a, const Value &b) {
        return arith::shiftByAny(
            a, b, [](const Value &v, unsigned k) { return arith::shiftRightArithmeticBy(v, k); });
      }));
}

} // namespace

std::vector<DomainProof> domainProofs() {
  std::vector<DomainProof> proofs;
  using T64 = Tnum<SymbolicWord<64>>;
  using W64 = SymbolicWord<64>;
  auto add = [](const W64 &x, const W64 &y) { return x + y; };
  proofs.push_back(tnumBinary<64>(
      "tnum/add", [](const T64 &a, const T64 &b) { return absint::tnumAdd(a, b); }, add));
  proofs.push_back(tnumBinary<64>(
      "tnum/sub", [](const T64 &a, const T64 &b) { return absint::tnumSub(a, b); },
      [](const W64 &x, const W64 &y) { return x - y; }));
  proofs.push_back(tnumBinary<64>(
      "tnum/and", [](const T64 &a, const T64 &b) { return absint::tnumAnd(a, b); },
      [](const W64 &x, const W64 &y) { return x & y; }));
  proofs.push_back(tnumBinary<64>(
      "tnum/or", [](const T64 &a, const T64 &b) { return absint::tnumOr(a, b); },
      [](const W64 &x, const W64 &y) { return x | y; }));
  proofs.push_back(tnumBinary<64>(
      "tnum/xor", [](const T64 &a, const T64 &b) { return absint::tnumXor(a, b); },
      [](const W64 &x, const W64 &y) { return x ^ y; }));
  proofs.push_back(tnumBinary<64>(
      "tnum/union-holds-left", [](const T64 &a, const T64 &b) { return absint::tnumUnion(a, b); },
      [](const W64 &x, const W64 &) { return x; }));
  using T16 = Tnum<SymbolicWord<16>>;
  using W16 = SymbolicWord<16>;
  proofs.push_back(tnumBinary<16>(
      "tnum/mul@16", [](const T16 &a, const T16 &b) { return absint::tnumMul(a, b); },
      [](const W16 &x, const W16 &y) { return x * y; }));
  proofs.back().slow = true;
  using T8 = Tnum<SymbolicWord<8>>;
  using W8 = SymbolicWord<8>;
  proofs.push_back(tnumBinary<8>(
      "tnum/mul@8", [](const T8 &a, const T8 &b) { return absint::tnumMul(a, b); },
      [](const W8 &x, const W8 &y) { return x * y; }));
  proofs.push_back({"tnum/range", [](z3::context &c) {
                      const auto lo = fresh<64>(c, "lo"), hi = fresh<64>(c, "hi"),
                                 x = fresh<64>(c, "x");
                      const T64 range = absint::tnumRange(lo, hi);
                      return z3::implies(z3::ule(lo.e, x.e) && z3::ule(x.e, hi.e),
                                         absint::tnumContains(range, x).e && wellFormed(range));
                    }});
  proofs.push_back({"tnum/intersect", [](z3::context &c) {
                      const T64 a = freshTnum<64>(c, "a"), b = freshTnum<64>(c, "b");
                      const auto x = fresh<64>(c, "x");
                      return z3::implies(wellFormed(a) && wellFormed(b) &&
                                             absint::tnumContains(a, x).e &&
                                             absint::tnumContains(b, x).e,
                                         absint::tnumContains(absint::tnumIntersect(a, b), x).e);
                    }});

  proofs.push_back(
      {"range/join-holds-both", [](z3::context &c) {
         const UnsignedRange<W64> ua{fresh<64>(c, "ual"), fresh<64>(c, "uah")},
             ub{fresh<64>(c, "ubl"), fresh<64>(c, "ubh")};
         const SignedRange<W64> sa{fresh<64>(c, "sal"), fresh<64>(c, "sah")},
             sb{fresh<64>(c, "sbl"), fresh<64>(c, "sbh")};
         const auto x = fresh<64>(c, "x");
         const auto uj = absint::rangeJoin(ua, ub);
         const auto sj = absint::rangeJoin(sa, sb);
         return z3::implies(absint::rangeContains(ua, x).e || absint::rangeContains(ub, x).e,
                            absint::rangeContains(uj, x).e) &&
                z3::implies(absint::rangeContains(sa, x).e || absint::rangeContains(sb, x).e,
                            absint::rangeContains(sj, x).e);
       }});
  proofs.push_back(
      {"range/meet-holds-common", [](z3::context &c) {
         const UnsignedRange<W64> ua{fresh<64>(c, "ual"), fresh<64>(c, "uah")},
             ub{fresh<64>(c, "ubl"), fresh<64>(c, "ubh")};
         const SignedRange<W64> sa{fresh<64>(c, "sal"), fresh<64>(c, "sah")},
             sb{fresh<64>(c, "sbl"), fresh<64>(c, "sbh")};
         const auto x = fresh<64>(c, "x");
         return z3::implies(absint::rangeContains(ua, x).e && absint::rangeContains(ub, x).e,
                            absint::rangeContains(absint::rangeMeet(ua, ub), x).e) &&
                z3::implies(absint::rangeContains(sa, x).e && absint::rangeContains(sb, x).e,
                            absint::rangeContains(absint::rangeMeet(sa, sb), x).e);
       }});
  addWidthProofs<64>(proofs, true);
  addWidthProofs<32>(proofs, true);
  addNarrowArithmeticProofs(proofs);

  proofs.push_back({"scalar/reduce-once", [](z3::context &c) {
                      const Scalar a = freshScalar(c, "a");
                      const auto x = fresh<64>(c, "x");
                      return z3::implies(wellFormed(a.bits) && absint::scalarContains(a, x).e,
                                         absint::scalarContains(absint::scalarReduceOnce(a), x).e);
                    }});

  proofs.push_back({"scalar/truncate-to-32", [](z3::context &c) {
                      const Scalar a = freshScalar(c, "a");
                      const auto x = fresh<64>(c, "x");
                      const SymbolicWord<64> low{z3::zext(x.e.extract(31, 0), 32)};
                      return z3::implies(
                          wellFormed(a.bits) && absint::scalarContains(a, x).e,
                          absint::scalarContains(absint::scalarTruncate(a, 32), low).e);
                    }});

  proofs.push_back(
      {"scalar/lsh-by-32-signed", [](z3::context &c) {
         const Scalar a = freshScalar(c, "a");
         const auto x = fresh<64>(c, "x");
         const SymbolicWord<64> shifted{z3::shl(x.e, c.bv_val(32, 64))};
         return z3::implies(
             wellFormed(a.bits) && absint::scalarContains(a, x).e,
             absint::rangeContains(absint::arithmetic::signedShiftLeftByHalf(a.signed32), shifted)
                 .e);
       }});

  struct NamedCondition {
    Condition condition;
    const char *name;
  };
  const NamedCondition conditions[] = {
      {Condition::Eq, "jeq"},   {Condition::Ne, "jne"},   {Condition::Set, "jset"},
      {Condition::Gt, "jgt"},   {Condition::Ge, "jge"},   {Condition::Lt, "jlt"},
      {Condition::Le, "jle"},   {Condition::SGt, "jsgt"}, {Condition::SGe, "jsge"},
      {Condition::SLt, "jslt"}, {Condition::SLe, "jsle"}};
  for (bool is64 : {true, false})
    for (const NamedCondition &condition : conditions)
      for (bool taken : {true, false})
        proofs.push_back(branchProof(condition.condition, is64, taken, condition.name));

  for (unsigned bits : {8u, 16u, 32u})
    proofs.push_back(
        {"width/sign-extend-from" + std::to_string(bits) + "@64", [bits](z3::context &c) {
           const auto a = freshWidth<64>(c, "a");
           const auto x = fresh<64>(c, "x");
           const SymbolicWord<64> extended{z3::sext(x.e.extract(bits - 1, 0), 64 - bits)};
           return z3::implies(wellFormed(a.bits) && contains(a, x),
                              contains(absint::conversions::signExtend(a, bits), extended));
         }});
  for (unsigned bits : {16u, 32u, 64u})
    proofs.push_back({"tnum/bswap" + std::to_string(bits), [bits](z3::context &c) {
                        const T64 a = freshTnum<64>(c, "a");
                        const auto x = fresh<64>(c, "x");
                        z3::expr swapped = x.e.extract(7, 0);
                        for (unsigned byte = 1; byte < bits / 8; ++byte)
                          swapped = z3::concat(swapped, x.e.extract(8 * byte + 7, 8 * byte));
                        if (bits < 64)
                          swapped = z3::zext(swapped, 64 - bits);
                        const T64 result{absint::conversions::swapBytes(a.value, bits),
                                         absint::conversions::swapBytes(a.mask, bits)};
                        return z3::implies(wellFormed(a) && absint::tnumContains(a, x).e,
                                           absint::tnumContains(result, W64{swapped}).e);
                      }});
  return proofs;
}

ProofOutcome prove(const DomainProof &proof, unsigned timeoutMilliseconds) {
  const auto start = std::chrono::steady_clock::now();
  z3::context context;
  z3::solver solver(context);
  z3::params parameters(context);
  parameters.set("timeout", timeoutMilliseconds);
  parameters.set("max_memory", 4096u); // MiB: a hard proof fails as unknown, not by OOM
  solver.set(parameters);
  solver.add(!proof.claim(context));
  ProofOutcome outcome;
  switch (solver.check()) {
  case z3::unsat:
    outcome.status = ProofStatus::Proven;
    break;
  case z3::sat:
    outcome.status = ProofStatus::Refuted;
    outcome.counterexample = solver.get_model().to_string();
    break;
  case z3::unknown:
    outcome.status = ProofStatus::Unknown;
    outcome.reason = solver.reason_unknown();
    break;
  }
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return outcome;
}

const char *nameOf(ProofStatus status) {
  switch (status) {
  case ProofStatus::Proven:
    return "proven";
  case ProofStatus::Refuted:
    return "REFUTED";
  case ProofStatus::Unknown:
    return "unknown";
  }
  return "?";
}

} // namespace bpfcheck::smt
