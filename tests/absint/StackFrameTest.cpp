// The byte-granular stack and the inclusion test between states.

#include "bpfcheck/absint/AbstractState.h"

#include <doctest/doctest.h>

using namespace bpfcheck::absint;

namespace {

RegisterValue contextPointer() {
  PointerValue pointer;
  pointer.region = RegionKind::Context;
  return RegisterValue::ofPointer(pointer);
}

RegisterValue scalarBetween(std::uint64_t minimum, std::uint64_t maximum) {
  Scalar s = unknownScalar();
  s.unsigned64 = {BitWord<64>(minimum), BitWord<64>(maximum)};
  return RegisterValue::ofScalar(scalarReduce(s));
}

} // namespace

TEST_CASE("stack: an 8-byte spill keeps the whole register") {
  StackFrame stack;
  stack.store(-16, 8, contextPointer());
  const RegisterValue filled = stack.load(-16, 8, false);
  REQUIRE(filled.isPointerTo(RegionKind::Context));
  CHECK(stack.holdsPointer(-16, -8));
  // A narrower read of a spilled pointer is just a number.
  CHECK(stack.load(-16, 4, false).isScalar());
  CHECK(stack.depth() == 16);
}

TEST_CASE("stack: a narrow spill keeps the stored bytes' value") {
  StackFrame stack;
  stack.store(-8, 4, scalarBetween(0, 300));
  const RegisterValue filled = stack.load(-8, 4, false);
  REQUIRE(filled.isScalar());
  CHECK(filled.scalar.unsigned64.maximum.bits == 300);
  // Reading one byte of it truncates.
  CHECK(stack.load(-8, 1, false).scalar.unsigned64.maximum.bits == 255);
}

TEST_CASE("stack: overwriting part of a spill forgets it") {
  StackFrame stack;
  stack.store(-8, 8, contextPointer());
  stack.store(-4, 1, RegisterValue::constant(0));
  CHECK_FALSE(stack.holdsPointer(-8, 0));
  CHECK(stack.byteAt(-8) == StackByte::Misc);
  CHECK(stack.byteAt(-4) == StackByte::Zero);
  CHECK(stack.load(-8, 8, false).isScalar());
}

TEST_CASE("stack: zero bytes read as zero, unwritten bytes as unknown") {
  StackFrame stack;
  stack.store(-6, 2, RegisterValue::constant(0));
  const RegisterValue zero = stack.load(-6, 2, false);
  REQUIRE(zero.isScalar());
  CHECK(zero.isNull());
  CHECK(stack.initialized(-6, -4));
  CHECK_FALSE(stack.initialized(-8, -4));
  const RegisterValue unknown = stack.load(-8, 2, false);
  CHECK(unknown.scalar.unsigned64.maximum.bits == 0xffff);
  stack.clobber(-32, -24);
  CHECK(stack.byteAt(-30) == StackByte::Misc);
}

TEST_CASE("states: inclusion compares values, identities and the stack") {
  AbstractState wide;
  wide.frames.emplace_back();
  wide.frames[0].registers[1] = scalarBetween(0, 10);
  AbstractState narrow = wide;
  narrow.frames[0].registers[1] = scalarBetween(2, 3);
  CHECK(includes(wide, narrow, 0xffff));
  CHECK_FALSE(includes(narrow, wide, 0xffff));
  // A dead register does not matter.
  CHECK(includes(narrow, wide, 0xffff & ~(1u << 1)));
  // Copies sharing an identity in the covering state must share one in the candidate.
  AbstractState linked = wide;
  linked.frames[0].registers[1].id = 5;
  linked.frames[0].registers[2] = linked.frames[0].registers[1];
  AbstractState unlinked = wide;
  unlinked.frames[0].registers[2] = scalarBetween(0, 10);
  CHECK_FALSE(includes(linked, unlinked, 0xffff));
  CHECK(includes(unlinked, linked, 0xffff));
  // Stack: a written byte does not cover an unwritten one; an unwritten one covers anything.
  AbstractState written = wide;
  written.frames[0].stack.store(-8, 8, RegisterValue::unknown());
  CHECK(includes(wide, written, 0xffff));
  CHECK_FALSE(includes(written, wide, 0xffff));
  CHECK(stateHash(wide) != stateHash(written));
}
