// The meaning of the eBPF ALU operations as Z3 bit-vector terms, written from RFC 9669
// line by line: the specification the abstract domain is proven against.
#pragma once

#include "bpfcheck/ir/Instruction.h"

#include <z3++.h>

namespace bpfcheck::smt {

/// `dst OP src` at one width (64 for ALU64, 32 for ALU); both operands of that width.
inline z3::expr aluAtWidth(AluOp op, const z3::expr &dst, const z3::expr &src, unsigned width) {
  z3::context &c = dst.ctx();
  const z3::expr zero = c.bv_val(0, width);
  // Shift amounts are masked to the width (RFC 9669: "shift operations use a mask").
  const z3::expr amount = src & c.bv_val(width - 1, width);
  switch (op) {
  case AluOp::Add:
    return dst + src;
  case AluOp::Sub:
    return dst - src;
  case AluOp::Mul:
    return dst * src;
  case AluOp::Div:
    return z3::ite(src == zero, zero, z3::udiv(dst, src)); // x / 0 = 0
  case AluOp::Mod:
    return z3::ite(src == zero, dst, z3::urem(dst, src)); // x % 0 = x
  case AluOp::SDiv:
    return z3::ite(src == zero, zero, dst / src); // bvsdiv
  case AluOp::SMod:
    return z3::ite(src == zero, dst, z3::srem(dst, src)); // sign of dividend
  case AluOp::Or:
    return dst | src;
  case AluOp::And:
    return dst & src;
  case AluOp::Xor:
    return dst ^ src;
  case AluOp::Lsh:
    return z3::shl(dst, amount);
  case AluOp::Rsh:
    return z3::lshr(dst, amount);
  case AluOp::Arsh:
    return z3::ashr(dst, amount);
  case AluOp::Neg:
    return -dst;
  }
  return dst;
}

/// The 64-bit register after `dst OP src`: ALU64 on the whole registers, or ALU on their
/// low halves with the result zero-extended.
inline z3::expr alu(AluOp op, bool is64, const z3::expr &dst, const z3::expr &src) {
  if (is64)
    return aluAtWidth(op, dst, src, 64);
  return z3::zext(aluAtWidth(op, dst.extract(31, 0), src.extract(31, 0), 32), 32);
}

/// Whether `dst COND src` holds, comparing 64 bits (JMP) or the low 32 (JMP32).
inline z3::expr condition(Condition cond, bool is64, const z3::expr &dst, const z3::expr &src) {
  const z3::expr a = is64 ? dst : dst.extract(31, 0);
  const z3::expr b = is64 ? src : src.extract(31, 0);
  switch (cond) {
  case Condition::Eq:
    return a == b;
  case Condition::Ne:
    return a != b;
  case Condition::Set:
    return (a & b) != a.ctx().bv_val(0, a.get_sort().bv_size());
  case Condition::Gt:
    return z3::ugt(a, b);
  case Condition::Ge:
    return z3::uge(a, b);
  case Condition::Lt:
    return z3::ult(a, b);
  case Condition::Le:
    return z3::ule(a, b);
  case Condition::SGt:
    return a > b; // Z3's C++ comparison operators are signed
  case Condition::SGe:
    return a >= b;
  case Condition::SLt:
    return a < b;
  case Condition::SLe:
    return a <= b;
  }
  return a == b;
}

} // namespace bpfcheck::smt
