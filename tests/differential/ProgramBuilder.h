// The bookkeeping half of the random program generator (RandomPrograms.cpp decides what to
// write): it draws random numbers, emits instruction slots, resolves forward branches to labels
// and keeps, for the point being written, what each register holds on every path that reaches
// it and what the kernel knows of the stack, so that the generator picks operands that make
// sense and takes its risks on purpose.
#pragma once

#include "RandomPrograms.h"

#include <array>
#include <bitset>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace bpfcheck::differential {

using encoding::RawInstruction;
namespace enc = encoding;

inline constexpr std::uint8_t ContextRegister = 6;
inline constexpr std::uint8_t ValueRegister = 9;
inline constexpr std::uint8_t FramePointer = enc::FramePointer;
/// Registers for scalars and temporaries; r6 keeps the context and r9 the map value.
inline constexpr std::array<std::uint8_t, 8> WorkRegisters = {0, 1, 2, 3, 4, 5, 7, 8};
inline constexpr int StackBytes = 512;
inline constexpr std::int32_t XdpDrop = 1;

/// What a register holds on every path reaching a point, as far as the writer cares.
enum class Role : std::uint8_t { Unusable, Scalar, Context, ValueOrNull, Value, Pointer };

/// A scalar the kernel tracks in an 8-byte stack slot: written at the slot's start by a
/// register or an immediate store of `size` bytes (the kernel's "spill").
struct Spill {
  unsigned size = 8;
  bool imprecise = false;
  friend bool operator==(const Spill &, const Spill &) = default;
};

/// What the writer knows at a point of the program, on every path that reaches it.
struct Facts {
  bool reachable = true;
  std::array<Role, enc::RegisterCount> roles{};
  /// Scalars that the kernel may know less about than bpfcheck: results of division, modulo,
  /// shifts by a register and byte swaps (which the kernel does not track), register sign
  /// extensions, stack reads it does not restore exactly, operands of signed comparisons and
  /// jset (see RandomPrograms.cpp), and whatever is computed from them. They never decide a
  /// branch, bound an index or form a key, so that bpfcheck's extra precision cannot make it
  /// accept what the kernel rejects for a reason that has nothing to do with safety.
  std::bitset<enc::RegisterCount> imprecise;
  /// Scalars whose ranges say nothing that their known bits do not (constants and
  /// zero-extending loads): the kernel decides a jset from the bits alone.
  std::bitset<enc::RegisterCount> onlyBits;
  /// Scalars the kernel and bpfcheck describe alike: constants and freshly loaded values
  /// (zero- or sign-extended), not yet refined by a comparison. Indices start from these.
  std::bitset<enc::RegisterCount> plain;
  std::bitset<StackBytes> stackWritten; ///< bit i: the byte at fp - 512 + i
  std::array<std::optional<Spill>, StackBytes / 8> spills;
  /// 8-byte slots that may hold a spilled pointer (or what is left of one).
  std::bitset<StackBytes / 8> pointerSlots;
  friend bool operator==(const Facts &, const Facts &) = default;
};

/// What is known where two paths meet: what holds on both.
Facts merge(const Facts &a, const Facts &b);

/// A forward branch target: the jumps to it and the facts they bring.
struct Label {
  std::vector<std::size_t> jumps; ///< slots of the jumps to patch
  Facts incoming;
  std::optional<std::size_t> slot;
  Label() { incoming.reachable = false; }
};

// Instruction slots (`load` and `storeReg` take the access size in bytes).
std::uint8_t sizeCode(unsigned bytes);
std::uint8_t aluClass(bool is64);
RawInstruction aluImm(bool is64, std::uint8_t operation, std::uint8_t dst, std::int32_t imm,
                      std::int16_t offset = 0);
RawInstruction aluReg(bool is64, std::uint8_t operation, std::uint8_t dst, std::uint8_t src,
                      std::int16_t offset = 0);
RawInstruction load(unsigned size, std::uint8_t dst, std::uint8_t base, std::int16_t offset,
                    bool signExtend = false);
RawInstruction storeImm(unsigned size, std::uint8_t base, std::int16_t offset, std::int32_t imm);
RawInstruction storeReg(unsigned size, std::uint8_t base, std::int16_t offset, std::uint8_t src);
RawInstruction call(std::int32_t helper);
RawInstruction exitInstruction();

/// Draws the random choices and writes the slots, knowing what each point of the program holds.
class ProgramBuilder {
public:
  ProgramBuilder(std::mt19937_64 &randomEngine, GeneratedProgram &generated)
      : engine(randomEngine), program(generated) {}

protected:
  std::mt19937_64 &engine;
  GeneratedProgram &program;
  Facts facts;
  std::vector<Label> labels;
  /// Registers a loop keeps (its counter, its bound): fragments neither read nor write them.
  std::bitset<enc::RegisterCount> reserved;

  // Randomness (engine() % n rather than a distribution: the same on every standard library).
  std::uint64_t below(std::uint64_t n) { return engine() % n; }
  bool percent(unsigned p) { return below(100) < p; }
  template <typename T> T pick(std::span<const T> choices) {
    return choices[below(choices.size())];
  }
  template <typename T> T pick(std::initializer_list<T> choices) {
    return choices.begin()[below(choices.size())];
  }
  /// Small, negative, powers of two and their neighbours, the extremes.
  std::int32_t interestingImmediate();
  std::uint64_t interestingWide();
  /// A value the program type may return.
  std::int32_t returnValue();
  /// Records a risky choice in GeneratedProgram::choices.
  void note(std::string choice) { program.choices.push_back(std::move(choice)); }

  // Registers.
  bool isExcluded(std::uint8_t reg, std::initializer_list<std::uint8_t> excluded) const;
  std::optional<std::uint8_t> registerWith(Role role,
                                           std::initializer_list<std::uint8_t> excluded = {});
  std::optional<std::uint8_t> scalar(std::initializer_list<std::uint8_t> excluded = {});
  /// A scalar that the kernel knows as well as bpfcheck does (see Facts::imprecise); with
  /// `plain`, a constant or a fresh load (see Facts::plain).
  std::optional<std::uint8_t> preciseScalar(std::initializer_list<std::uint8_t> excluded = {},
                                            bool plain = false);
  /// `reg` now holds a scalar; a fresh load or constant is `plain`, and `onlyBits` unless
  /// it was sign-extended.
  void defineScalar(std::uint8_t reg, bool imprecise, bool onlyBits = false, bool plain = false);
  /// A comparison refined `reg`: it holds more than its bits, and is no longer plain.
  void refined(std::uint8_t reg);
  /// A register to write a new value to: usually a scalar one, else any work register.
  std::uint8_t destination(std::initializer_list<std::uint8_t> excluded = {});
  void markValueNonNull(Facts &state) const;
  /// After a helper call: r1-r5 are gone and r0 holds the result.
  void clobberCallerSaved(Role result);

  // Emission and forward branches.
  void emit(RawInstruction insn);
  void emitWide(std::uint8_t dst, std::uint8_t src, std::uint64_t value);
  std::size_t newLabel();
  void jump(bool is32, std::uint8_t operation, std::uint8_t dst, std::optional<std::uint8_t> src,
            std::int32_t imm, std::size_t label);
  /// A conditional jump whose taken edge carries `taken` (what the condition proved).
  void jumpWith(bool is32, std::uint8_t operation, std::uint8_t dst,
                std::optional<std::uint8_t> src, std::int32_t imm, std::size_t label,
                const Facts &taken);
  void bind(std::size_t label);
  void resolveJumps();
  /// `r0 = <valid>; exit` in the middle of the program (the next instruction must be a
  /// label that is bound right after).
  void writeEarlyExit();

  // The stack.
  void markStack(std::int32_t offset, unsigned size);
  bool stackWritten(std::int32_t offset, unsigned size) const;
  /// Stores `size` bytes of `source` (or of `imm`) at fp + offset and records what the
  /// kernel will know of them.
  void storeToStack(unsigned size, std::int16_t offset, std::optional<std::uint8_t> source,
                    std::int32_t imm);
  /// Whether the kernel restores a read of fp + offset exactly: a read at the start of a
  /// slot that holds a scalar spilled there at least as wide.
  bool stackReadIsPrecise(std::int16_t offset, unsigned size) const;
  /// The first 8-byte slot under [offset, offset + size) that may hold a spilled pointer.
  std::optional<std::int16_t> pointerSlotUnder(std::int16_t offset, unsigned size) const;
};

} // namespace bpfcheck::differential
