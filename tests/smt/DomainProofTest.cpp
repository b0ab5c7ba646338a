// The proof machinery itself: a real operator is proven, and a deliberately broken
// variant (tnum addition without its carry term) is refuted with a counterexample. The
// full set of proofs runs as the ctest test smt/prove-domain (bpfcheck prove-domain).
#include "bpfcheck/absint/Tnum.h"
#include "bpfcheck/smt/DomainProofs.h"
#include "bpfcheck/smt/SymbolicWord.h"

#include <doctest/doctest.h>

#include <algorithm>

using namespace bpfcheck;
using namespace bpfcheck::smt;

TEST_CASE("a sound operator is proven and a broken one is refuted with a model") {
  const auto proofs = domainProofs();
  const auto tnumAnd = std::find_if(proofs.begin(), proofs.end(),
                                    [](const DomainProof &p) { return p.name == "tnum/and"; });
  REQUIRE(tnumAnd != proofs.end());
  CHECK(prove(*tnumAnd, 60000).status == ProofStatus::Proven);

  const DomainProof brokenAdd{
      "broken/tnum-add-without-carries", [](z3::context &c) {
        using Word = SymbolicWord<64>;
        const absint::Tnum<Word> a{{c.bv_const("av", 64)}, {c.bv_const("am", 64)}};
        const absint::Tnum<Word> b{{c.bv_const("bv", 64)}, {c.bv_const("bm", 64)}};
        const Word x{c.bv_const("x", 64)}, y{c.bv_const("y", 64)};
        const Word unknown = a.mask | b.mask;
        const absint::Tnum<Word> result{(a.value + b.value) & ~unknown, unknown};
        return z3::implies((a.value & a.mask).e == 0 && (b.value & b.mask).e == 0 &&
                               absint::tnumContains(a, x).e && absint::tnumContains(b, y).e,
                           absint::tnumContains(result, x + y).e);
      }};
  const ProofOutcome outcome = prove(brokenAdd, 60000);
  CHECK(outcome.status == ProofStatus::Refuted);
  CHECK(outcome.counterexample.find("x") != std::string::npos);
}

TEST_CASE("every domain proof has a unique name and the fast set covers each operator family") {
  const auto proofs = domainProofs();
  std::vector<std::string> names;
  for (const DomainProof &p : proofs)
    names.push_back(p.name);
  std::sort(names.begin(), names.end());
  CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
  for (const char *family : {"tnum/", "width/", "branch/jmp/", "branch/jmp32/", "scalar/reduce"})
    CHECK(std::any_of(proofs.begin(), proofs.end(), [&](const DomainProof &p) {
      return !p.slow && p.name.rfind(family, 0) == 0;
    }));
  CHECK(proofs.size() > 80);
}
