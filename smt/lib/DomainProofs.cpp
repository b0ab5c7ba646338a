// The claims: for abstract inputs built from fresh variables (well formed where the
// domain requires it) and concrete inputs that are their members, the operator's result
// has the concrete result (from the ISA semantics) as a member.
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
using absint::Tnum;
using Word64 = SymbolicWord<64>;
using Word32 = SymbolicWord<32>;
using Scalar = ScalarValue<SymbolicWords>;

Word64 fresh64(z3::context &c, const std::string &name) {
  return {c.bv_const(name.c_str(), 64)};
}
Word32 fresh32(z3::context &c, const std::string &name) {
  return {c.bv_const(name.c_str(), 32)};
}

Tnum<Word64> freshTnum(z3::context &c, const std::string &name) {
  return {fresh64(c, name + ".value"), fresh64(c, name + ".mask")};
}
z3::expr wellFormed(const Tnum<Word64> &t) {
  return (t.value & t.mask).e == 0;
}

Scalar freshScalar(z3::context &c, const std::string &name) {
  return {freshTnum(c, name),
          {fresh64(c, name + ".umin"), fresh64(c, name + ".umax")},
          {fresh64(c, name + ".smin"), fresh64(c, name + ".smax")},
          {fresh32(c, name + ".u32min"), fresh32(c, name + ".u32max")},
          {fresh32(c, name + ".s32min"), fresh32(c, name + ".s32max")}};
}
z3::expr wellFormed(const Scalar &s) {
  return wellFormed(s.bits);
}

/// tnum binary operator against a concrete operation.
template <typename Abstract, typename Concrete>
DomainProof tnumBinary(const std::string &name, Abstract abstract, Concrete concrete) {
  return {"tnum/" + name, [=](z3::context &c) {
            const Tnum<Word64> a = freshTnum(c, "a"), b = freshTnum(c, "b");
            const Word64 x = fresh64(c, "x"), y = fresh64(c, "y");
            const z3::expr assumptions = wellFormed(a) && wellFormed(b) &&
                                         absint::tnumContains(a, x).e &&
                                         absint::tnumContains(b, y).e;
            const Tnum<Word64> result = abstract(a, b);
            return z3::implies(assumptions, absint::tnumContains(result, concrete(x, y)).e &&
                                                (result.value & result.mask).e == 0);
          }};
}

DomainProof scalarAluProof(AluOp op, bool is64, const std::string &name) {
  return {std::string("scalar/") + (is64 ? "alu64/" : "alu32/") + name, [=](z3::context &c) {
            const Scalar a = freshScalar(c, "a"), b = freshScalar(c, "b");
            const Word64 x = fresh64(c, "x"), y = fresh64(c, "y");
            const z3::expr assumptions = wellFormed(a) && wellFormed(b) &&
                                         absint::scalarContains(a, x).e &&
                                         absint::scalarContains(b, y).e;
            const Scalar result = absint::scalarAlu(op, is64, a, b);
            const Word64 concrete{alu(op, is64, x.e, y.e)};
            return z3::implies(assumptions, absint::scalarContains(result, concrete).e);
          }};
}

DomainProof branchProof(Condition condition, bool is64, bool taken, const std::string &name) {
  return {std::string("branch/") + (is64 ? "jmp/" : "jmp32/") + name +
              (taken ? "/taken" : "/not-taken"),
          [=](z3::context &c) {
            const Scalar a = freshScalar(c, "a"), b = freshScalar(c, "b");
            const Word64 x = fresh64(c, "x"), y = fresh64(c, "y");
            const z3::expr holds = smt::condition(condition, is64, x.e, y.e);
            const z3::expr assumptions = wellFormed(a) && wellFormed(b) &&
                                         absint::scalarContains(a, x).e &&
                                         absint::scalarContains(b, y).e && (taken ? holds : !holds);
            const auto [refinedA, refinedB] = absint::refineBranch(condition, is64, taken, a, b);
            return z3::implies(assumptions, absint::scalarContains(refinedA, x).e &&
                                                absint::scalarContains(refinedB, y).e);
          }};
}

} // namespace

std::vector<DomainProof> domainProofs() {
  std::vector<DomainProof> proofs;
  using T = Tnum<Word64>;
  proofs.push_back(tnumBinary(
      "add", [](const T &a, const T &b) { return absint::tnumAdd(a, b); },
      [](const Word64 &x, const Word64 &y) { return x + y; }));
  proofs.push_back(tnumBinary(
      "sub", [](const T &a, const T &b) { return absint::tnumSub(a, b); },
      [](const Word64 &x, const Word64 &y) { return x - y; }));
  proofs.push_back(tnumBinary(
      "and", [](const T &a, const T &b) { return absint::tnumAnd(a, b); },
      [](const Word64 &x, const Word64 &y) { return x & y; }));
  proofs.push_back(tnumBinary(
      "or", [](const T &a, const T &b) { return absint::tnumOr(a, b); },
      [](const Word64 &x, const Word64 &y) { return x | y; }));
  proofs.push_back(tnumBinary(
      "xor", [](const T &a, const T &b) { return absint::tnumXor(a, b); },
      [](const Word64 &x, const Word64 &y) { return x ^ y; }));
  proofs.push_back(tnumBinary(
      "mul", [](const T &a, const T &b) { return absint::tnumMul(a, b); },
      [](const Word64 &x, const Word64 &y) { return x * y; }));
  proofs.push_back(tnumBinary(
      "union", [](const T &a, const T &b) { return absint::tnumUnion(a, b); },
      [](const Word64 &x, const Word64 &) { return x; }));

  struct NamedOp {
    AluOp op;
    const char *name;
  };
  const NamedOp aluOps[] = {{AluOp::Add, "add"},   {AluOp::Sub, "sub"}, {AluOp::Mul, "mul"},
                            {AluOp::Div, "div"},   {AluOp::Mod, "mod"}, {AluOp::SDiv, "sdiv"},
                            {AluOp::SMod, "smod"}, {AluOp::Or, "or"},   {AluOp::And, "and"},
                            {AluOp::Xor, "xor"},   {AluOp::Lsh, "lsh"}, {AluOp::Rsh, "rsh"},
                            {AluOp::Arsh, "arsh"}, {AluOp::Neg, "neg"}};
  for (bool is64 : {true, false})
    for (const NamedOp &op : aluOps)
      proofs.push_back(scalarAluProof(op.op, is64, op.name));

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

  proofs.push_back({"scalar/reduce", [](z3::context &c) {
                      const Scalar a = freshScalar(c, "a");
                      const Word64 x = fresh64(c, "x");
                      return z3::implies(wellFormed(a) && absint::scalarContains(a, x).e,
                                         absint::scalarContains(absint::scalarReduce(a), x).e);
                    }});
  for (unsigned bits : {8u, 16u, 32u})
    proofs.push_back(
        {"scalar/movsx" + std::to_string(bits), [bits](z3::context &c) {
           const Scalar a = freshScalar(c, "a");
           const Word64 x = fresh64(c, "x");
           const z3::expr extended = z3::sext(x.e.extract(bits - 1, 0), 64 - bits);
           return z3::implies(
               wellFormed(a) && absint::scalarContains(a, x).e,
               absint::scalarContains(absint::scalarSignExtend(a, bits, true), Word64{extended}).e);
         }});
  for (unsigned bits : {16u, 32u, 64u})
    proofs.push_back(
        {"scalar/bswap" + std::to_string(bits), [bits](z3::context &c) {
           const Scalar a = freshScalar(c, "a");
           const Word64 x = fresh64(c, "x");
           z3::expr swapped = x.e.extract(7, 0);
           for (unsigned byte = 1; byte < bits / 8; ++byte)
             swapped = z3::concat(swapped, x.e.extract(8 * byte + 7, 8 * byte));
           if (bits < 64)
             swapped = z3::zext(swapped, 64 - bits);
           return z3::implies(
               wellFormed(a) && absint::scalarContains(a, x).e,
               absint::scalarContains(absint::scalarByteSwap(a, bits), Word64{swapped}).e);
         }});
  return proofs;
}

ProofOutcome prove(const DomainProof &proof, unsigned timeoutMilliseconds) {
  const auto start = std::chrono::steady_clock::now();
  z3::context context;
  z3::solver solver(context);
  z3::params parameters(context);
  parameters.set("timeout", timeoutMilliseconds);
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
