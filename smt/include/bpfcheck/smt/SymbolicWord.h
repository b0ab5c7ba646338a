// Z3 bit-vectors dressed as the word type the abstract domain's operators are written
// against (absint/BitWord.h): instantiating an operator template with SymbolicWord<64>
// builds, from the very same code, the formula the soundness proofs check.
#pragma once

#include <z3++.h>

#include <cstdint>

namespace bpfcheck::smt {

/// A Z3 Boolean, with the operators the domain's templates use on conditions.
struct SymbolicBool {
  z3::expr e;

  friend SymbolicBool operator&&(const SymbolicBool &a, const SymbolicBool &b) {
    return {a.e && b.e};
  }
  friend SymbolicBool operator||(const SymbolicBool &a, const SymbolicBool &b) {
    return {a.e || b.e};
  }
  friend SymbolicBool operator&&(bool a, const SymbolicBool &b) {
    return {b.e.ctx().bool_val(a) && b.e};
  }
  friend SymbolicBool operator||(const SymbolicBool &a, bool b) {
    return {a.e || a.e.ctx().bool_val(b)};
  }
  friend SymbolicBool operator!(const SymbolicBool &a) { return {!a.e}; }
  friend SymbolicBool operator==(const SymbolicBool &a, const SymbolicBool &b) {
    return {a.e == b.e};
  }
};

template <unsigned N> struct SymbolicWord {
  static constexpr unsigned width = N;
  z3::expr e;

  friend SymbolicWord operator+(const SymbolicWord &a, const SymbolicWord &b) {
    return {a.e + b.e};
  }
  friend SymbolicWord operator-(const SymbolicWord &a, const SymbolicWord &b) {
    return {a.e - b.e};
  }
  friend SymbolicWord operator*(const SymbolicWord &a, const SymbolicWord &b) {
    return {a.e * b.e};
  }
  friend SymbolicWord operator&(const SymbolicWord &a, const SymbolicWord &b) {
    return {a.e & b.e};
  }
  friend SymbolicWord operator|(const SymbolicWord &a, const SymbolicWord &b) {
    return {a.e | b.e};
  }
  friend SymbolicWord operator^(const SymbolicWord &a, const SymbolicWord &b) {
    return {a.e ^ b.e};
  }
  friend SymbolicWord operator~(const SymbolicWord &a) { return {~a.e}; }
  friend SymbolicWord operator-(const SymbolicWord &a) { return {-a.e}; }
  friend SymbolicBool operator==(const SymbolicWord &a, const SymbolicWord &b) {
    return {a.e == b.e};
  }
  friend SymbolicBool operator!=(const SymbolicWord &a, const SymbolicWord &b) {
    return {a.e != b.e};
  }
};

template <unsigned N> SymbolicWord<N> wordConstant(const SymbolicWord<N> &like, std::uint64_t v) {
  return {like.e.ctx().bv_val(v, N)};
}
template <unsigned N>
SymbolicWord<N> select(const SymbolicBool &c, const SymbolicWord<N> &a, const SymbolicWord<N> &b) {
  return {z3::ite(c.e, a.e, b.e)};
}
template <unsigned N>
SymbolicWord<N> select(bool c, const SymbolicWord<N> &a, const SymbolicWord<N> &b) {
  return c ? a : b;
}
template <unsigned N>
SymbolicBool unsignedLess(const SymbolicWord<N> &a, const SymbolicWord<N> &b) {
  return {z3::ult(a.e, b.e)};
}
template <unsigned N>
SymbolicBool unsignedLessOrEqual(const SymbolicWord<N> &a, const SymbolicWord<N> &b) {
  return {z3::ule(a.e, b.e)};
}
template <unsigned N> SymbolicBool signedLess(const SymbolicWord<N> &a, const SymbolicWord<N> &b) {
  return {z3::slt(a.e, b.e)};
}
template <unsigned N>
SymbolicBool signedLessOrEqual(const SymbolicWord<N> &a, const SymbolicWord<N> &b) {
  return {z3::sle(a.e, b.e)};
}
template <unsigned N> SymbolicWord<N> shiftLeft(const SymbolicWord<N> &a, unsigned amount) {
  return amount >= N ? wordConstant(a, 0) : SymbolicWord<N>{z3::shl(a.e, int(amount))};
}
template <unsigned N> SymbolicWord<N> shiftRight(const SymbolicWord<N> &a, unsigned amount) {
  return amount >= N ? wordConstant(a, 0) : SymbolicWord<N>{z3::lshr(a.e, int(amount))};
}
template <unsigned N>
SymbolicWord<N> shiftRightArithmetic(const SymbolicWord<N> &a, unsigned amount) {
  return {z3::ashr(a.e, int(amount >= N ? N - 1 : amount))};
}
template <unsigned N>
SymbolicBool unsignedMultiplyOverflows(const SymbolicWord<N> &a, const SymbolicWord<N> &b) {
  return {!z3::expr(a.e.ctx(), Z3_mk_bvmul_no_overflow(a.e.ctx(), a.e, b.e, false))};
}
template <unsigned N>
SymbolicBool signedMultiplyOverflows(const SymbolicWord<N> &a, const SymbolicWord<N> &b) {
  z3::context &c = a.e.ctx();
  return {!(z3::expr(c, Z3_mk_bvmul_no_overflow(c, a.e, b.e, true)) &&
            z3::expr(c, Z3_mk_bvmul_no_underflow(c, a.e, b.e)))};
}
/// BPF division and modulo (RFC 9669): x / 0 = 0, x % 0 = x.
template <unsigned N>
SymbolicWord<N> bpfDivide(const SymbolicWord<N> &a, const SymbolicWord<N> &b) {
  return {z3::ite(b.e == 0, a.e.ctx().bv_val(0, N), z3::udiv(a.e, b.e))};
}
template <unsigned N>
SymbolicWord<N> bpfModulo(const SymbolicWord<N> &a, const SymbolicWord<N> &b) {
  return {z3::ite(b.e == 0, a.e, z3::urem(a.e, b.e))};
}
template <unsigned N> SymbolicWord<N / 2> lowHalf(const SymbolicWord<N> &a) {
  return {a.e.extract(N / 2 - 1, 0)};
}
template <unsigned N> SymbolicWord<N / 2> upperHalf(const SymbolicWord<N> &a) {
  return {a.e.extract(N - 1, N / 2)};
}
template <unsigned N>
SymbolicWord<2 * N> concatenate(const SymbolicWord<N> &upper, const SymbolicWord<N> &lower) {
  return {z3::concat(upper.e, lower.e)};
}
template <unsigned N> SymbolicWord<2 * N> zeroExtend(const SymbolicWord<N> &a) {
  return {z3::zext(a.e, N)};
}
template <unsigned N> SymbolicWord<2 * N> signExtend(const SymbolicWord<N> &a) {
  return {z3::sext(a.e, N)};
}

/// The word types of a symbolic scalar (ScalarValue<SymbolicWords>).
struct SymbolicWords {
  using Word64 = SymbolicWord<64>;
  using Word32 = SymbolicWord<32>;
};

} // namespace bpfcheck::smt
