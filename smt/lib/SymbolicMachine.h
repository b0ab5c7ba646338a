// The machine a path is executed on symbolically: registers as 64-bit terms (a pointer is
// its address, a term over the symbolic start of the object it points into), memory as byte
// arrays (one per stack frame and one per kind of memory), and the assumptions that tie the
// start of a path to the abstract state absint had there. Private to smt.
#pragma once

#include "bpfcheck/absint/AbstractState.h"
#include "bpfcheck/absint/Verifier.h"

#include <z3++.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bpfcheck::smt::detail {

/// What the encoder cannot follow; the obligation is then unknown, with this reason.
struct EncodingGap {
  std::string reason;
};

/// A register's content: nothing, a number, or a pointer (whose bits are its address).
struct SymbolicValue {
  enum class Kind : std::uint8_t { Uninitialized, Scalar, Pointer };
  Kind kind = Kind::Uninitialized;
  z3::expr bits;
  absint::RegionKind region = absint::RegionKind::Context;
  std::uint32_t frame = 0; ///< Stack: the frame
  std::uint32_t map = 0;   ///< MapValue, MapKey: the map
  /// Where the object pointed into starts, and its size when bounded (0: unbounded).
  std::optional<z3::expr> objectStart;
  std::uint64_t objectSize = 0;

  explicit SymbolicValue(z3::context &c) : bits(c.bv_val(0, 64)) {}
  bool isPointer() const { return kind == Kind::Pointer; }
};

struct SymbolicFrame {
  std::vector<SymbolicValue> registers; ///< r0-r10
  z3::expr top;                         ///< the address just above the frame's 512 bytes
  z3::expr stack;                       ///< its bytes, by address
  /// Pointers spilled whole at constant offsets from `top` (their bytes are in `stack` too).
  std::map<std::int64_t, SymbolicValue> spills;
  std::uint32_t returnTo = 0;
};

/// The memory outside the stacks that the path touches, by kind.
enum class MemorySpace : std::uint8_t { Context, Packet, MapValue, MapKey, Other };

class SymbolicMachine {
  unsigned names = 0; ///< fresh names handed out (first: the members below use it)

public:
  SymbolicMachine(z3::context &context, const absint::ProgramInput &input);

  z3::context &c;
  const absint::ProgramInput &input;
  std::vector<SymbolicFrame> frames;
  /// What every execution of the path satisfies (start state, branch decisions, ...).
  std::vector<z3::expr> assumptions;

  // Packet addresses: meta <= data <= end (renewed when a helper moves the packet).
  z3::expr packetMeta, packetData, packetEnd;
  z3::expr contextStart;

  SymbolicValue scalar(const z3::expr &bits) const;
  SymbolicValue uninitialized() const { return SymbolicValue(c); }
  z3::expr fresh(const std::string &name, unsigned width = 64);
  z3::expr constant(std::uint64_t value, unsigned width = 64) const;

  /// A value absint describes as `value`: fresh, and assumed to be one of its members
  /// (pointers sharing an identity share their object).
  SymbolicValue fromAbstract(const absint::RegisterValue &value, const std::string &name);
  /// A pointer `offset` bytes into map `map`'s global data (a direct value reference).
  SymbolicValue globalData(std::uint32_t map, std::uint32_t offset);
  /// The frames of an abstract state, registers and stacks, as the start of a path.
  void startFrom(const absint::AbstractState &state);
  /// A new frame for a call, with a fresh stack.
  SymbolicFrame newFrame(std::uint32_t returnTo);

  /// The byte array holding the memory `pointer` points into.
  z3::expr &memoryOf(const SymbolicValue &pointer);
  /// `bytes` bytes at `address` (little endian), and the store of `value`'s low bytes.
  z3::expr read(const z3::expr &memory, const z3::expr &address, unsigned bytes) const;
  z3::expr write(const z3::expr &memory, const z3::expr &address, const z3::expr &value,
                 unsigned bytes) const;
  /// `memory` with [first, first + length) replaced by unknown bytes.
  z3::expr havoc(const z3::expr &memory, const z3::expr &first, const z3::expr &length,
                 const std::string &name);
  /// Every memory outside the stacks replaced by unknown bytes (a call that may write it);
  /// with `packetMoved`, the packet's addresses too.
  void havocHeap(bool packetMoved);

  /// The bytes a pointer may reach: [first, last) of its object, if known.
  std::optional<std::pair<z3::expr, z3::expr>> bounds(const SymbolicValue &pointer) const;
  /// The memory of the initial packet and context, for models.
  const z3::expr &initialPacket() const { return packetAtStart; }
  const z3::expr &initialContext() const { return contextAtStart; }
  /// The packet's length at the start of the path.
  z3::expr initialPacketLength() const { return packetEndAtStart - packetDataAtStart; }
  const z3::expr &initialPacketData() const { return packetDataAtStart; }

private:
  z3::expr objectFor(const absint::PointerValue &pointer, const std::string &name);
  void assumeObjectAddress(const z3::expr &start);

  std::map<MemorySpace, z3::expr> heap;
  std::map<std::uint32_t, z3::expr> mapValues;   ///< by map index
  std::map<std::uint32_t, z3::expr> objectsById; ///< pointer identity -> object start
  std::map<std::uint32_t, z3::expr> scalarsById; ///< scalar identity -> common base
  std::map<std::uint32_t, z3::expr> mapData;     ///< global data's value start, by map
  z3::expr packetAtStart, contextAtStart;
  z3::expr packetDataAtStart, packetEndAtStart;
};

} // namespace bpfcheck::smt::detail
