// The interpreter's form of a program: one fixed-size record per instruction with the
// operation already chosen, jump and call targets resolved and 64-bit immediates (map
// references included) resolved, built once from a ProgramCode and run many times.
#pragma once

#include "bpfcheck/interp/Operation.h"
#include "bpfcheck/ir/Expected.h"
#include "bpfcheck/ir/Program.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bpfcheck::interp {

/// One pre-decoded instruction (16 bytes, four to a cache line).
struct DecodedInstruction {
  Operation operation = Operation::Exit;
  std::uint8_t dst = 0;
  std::uint8_t src = 0;
  std::uint8_t size = 0; ///< bytes read by LoadPacketAbsolute / LoadPacketIndirect
  /// The memory offset of loads, stores and atomics; for jumps, local calls and function
  /// addresses, the distance in instructions from this one to the target.
  std::int32_t offset = 0;
  /// The immediate, sign-extended to 64 bits (shift amounts masked to the width); the whole
  /// value of a 64-bit immediate load; the helper id; the kfunc's BTF id.
  std::uint64_t imm = 0;
};
static_assert(sizeof(DecodedInstruction) == 16);

/// A pre-decoded program. Instruction indices are ProgramCode's (a 64-bit immediate load is
/// one instruction); `pcs` maps them back to slots for messages.
struct DecodedProgram {
  std::string name; ///< the main function's name
  std::vector<DecodedInstruction> code;
  std::vector<std::uint32_t> pcs;             ///< slot of each instruction
  std::vector<std::uint32_t> functionEntries; ///< sorted indices where a function starts

  bool isFunctionEntry(std::uint32_t index) const;
};

/// Resolves the 64-bit immediate loads that name an object of the loader (map fd, map
/// value, map index, kernel variable by BTF id) to the value the kernel would put in dst,
/// as a loader does before BPF_PROG_LOAD. The runtime provides one.
class ReferenceResolver {
public:
  virtual ~ReferenceResolver() = default;
  /// The 64-bit value of `load` (at slot `pc`), or an error naming the reference.
  virtual Expected<std::uint64_t> resolve(const LoadImmediate64 &load, std::uint32_t pc) const = 0;
};

/// Builds the interpreter's form of `program`. Map and BTF references need `resolver`
/// (without one they are an error naming the instruction). Instructions the interpreter
/// cannot execute (arena address-space casts) are an error too.
Expected<DecodedProgram> predecode(const ProgramCode &program,
                                   const ReferenceResolver *resolver = nullptr);

} // namespace bpfcheck::interp
