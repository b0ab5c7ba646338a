// Random but well-formed eBPF programs for the differential test against the kernel's
// verifier: socket filters, XDP and kprobe programs that mix 64- and 32-bit arithmetic,
// forward branches, stack traffic, a map lookup with (usually) a null check and accesses to
// the value, packet reads guarded (or not, or off by one) by data_end, and context loads at
// valid and invalid offsets, and loops (LoopFragment.h) whose counter indexes the stack and
// the map value. Every program decodes and links; about half are safe.
#pragma once

#include "bpfcheck/ir/Encoding.h"
#include "bpfcheck/platform/Types.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bpfcheck::differential {

/// The one map a generated program may use: map index 0 of its object.
struct GeneratedMap {
  MapType type = MapType::Array;
  std::uint32_t keySize = 4;
  std::uint32_t valueSize = 8;
  std::uint32_t maxEntries = 1;
};

struct GeneratedProgram {
  ProgramType type = ProgramType::SocketFilter;
  std::string section; ///< the libbpf section name: "socket", "xdp", "kprobe/…"
  GeneratedMap map;
  bool usesMap = false; ///< whether an ld_imm64 refers to map index 0
  /// The slots as BPF_PROG_LOAD takes them; the map's ld_imm64 uses PseudoMapIdx.
  std::vector<encoding::RawInstruction> slots;
  /// The risky choices the generator made ("map value read without a null check",
  /// "packet read off by one"), for triaging a disagreement.
  std::vector<std::string> choices;
  unsigned loops = 0; ///< loops written (LoopFragment.h), each with a back edge
};

/// Programs drawn from a std::mt19937_64: the same seed and index give the same program.
class RandomProgramGenerator {
public:
  explicit RandomProgramGenerator(std::uint64_t programSeed) : seed(programSeed) {}

  /// The `index`-th program of this seed (programs do not depend on each other).
  GeneratedProgram generate(std::uint64_t index) const;

private:
  std::uint64_t seed;
};

} // namespace bpfcheck::differential
