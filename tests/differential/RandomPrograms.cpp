// What the random programs are made of: a prologue (the context saved in r6, perhaps a
// random number, a map lookup whose result goes to r9 with usually a null check, scalars),
// fragments chosen by weight until the program has its length (arithmetic, forward skips,
// stack traffic, pointer spills, context, map value and packet accesses, loops whose bodies
// are such fragments: LoopFragment.h), and an epilogue `r0 = <a valid return value>; exit`. Every
// risky choice is noted in the program. The bookkeeping (what each register and stack slot holds
// where) is ProgramBuilder's.
#include "RandomPrograms.h"

#include "LoopFragment.h"
#include "ProgramBuilder.h"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <random>
#include <utility>
#include <vector>

namespace bpfcheck::differential {
namespace {

constexpr std::size_t MinInstructions = 10, MaxInstructions = 60;
constexpr std::size_t EpilogueSlots = 3; ///< `r0 = rX; r0 &= 3; exit` at most
constexpr std::int32_t HelperMapLookupElem = 1, HelperGetPrandomU32 = 7;
constexpr std::int16_t KeyOffset = -8;

/// A context field (or a place that is not one) as offset and access size.
struct ContextAccess {
  std::int16_t offset;
  std::uint8_t size;
};

// struct __sk_buff, as a socket filter may read it: narrow reads of the u32 fields, the
// cb[] words also as u64, and nothing of data/data_end, family..local_port or tstamp.
constexpr ContextAccess SocketReadable[] = {
    {0, 4},   {4, 4},  {8, 4},  {12, 4}, {16, 4}, {20, 4}, {24, 4}, {28, 4}, {32, 4},
    {36, 4},  {40, 4}, {44, 4}, {48, 4}, {52, 4}, {64, 4}, {68, 4}, {84, 4}, {164, 4},
    {176, 4}, {0, 1},  {1, 1},  {2, 2},  {8, 2},  {18, 2}, {48, 8}, {56, 8}, {51, 1}};
constexpr ContextAccess SocketUnreadable[] = {{76, 4},  {80, 4},  {1, 2},   {0, 8},  {8, 8},
                                              {192, 4}, {-4, 4},  {72, 4},  {88, 4}, {152, 8},
                                              {180, 1}, {144, 8}, {182, 1}, {64, 8}, {160, 4}};
// struct xdp_md: u32 reads only; data, data_end and data_meta give pointers.
constexpr ContextAccess XdpReadable[] = {{12, 4}, {16, 4}};
constexpr ContextAccess XdpUnreadable[] = {{20, 4}, {0, 8},  {2, 2},  {12, 2},
                                           {24, 4}, {-4, 4}, {13, 1}, {16, 8}};
// struct pt_regs (x86-64, 168 bytes): any aligned read inside it.
constexpr ContextAccess KprobeUnreadable[] = {{168, 8}, {164, 8}, {166, 4}, {3, 2},
                                              {-8, 8},  {4, 8},   {170, 1}, {172, 4}};
constexpr int PtRegsBytes = 168;

/// How a packet read is guarded by a comparison of `data + N` (the probe) with data_end.
struct PacketGuard {
  std::uint8_t operation;
  bool probeFirst;    ///< `if probe OP data_end`, else `if data_end OP probe`
  bool skipsAccess;   ///< taken when out of bounds (jumps over the read), else over an exit
  int rightOpenBonus; ///< 1 when the checked range is N + 1 bytes (a strict comparison)
};
constexpr PacketGuard PacketGuards[] = {
    {enc::JmpJgt, true, true, 0},   {enc::JmpJge, true, true, 1},   {enc::JmpJlt, false, true, 0},
    {enc::JmpJle, false, true, 1},  {enc::JmpJle, true, false, 0},  {enc::JmpJlt, true, false, 1},
    {enc::JmpJge, false, false, 0}, {enc::JmpJgt, false, false, 1},
};

constexpr std::uint8_t Conditions[] = {enc::JmpJeq, enc::JmpJgt,  enc::JmpJge,  enc::JmpJset,
                                       enc::JmpJne, enc::JmpJsgt, enc::JmpJsge, enc::JmpJlt,
                                       enc::JmpJle, enc::JmpJslt, enc::JmpJsle};

class ProgramWriter : LoopWriter {
public:
  ProgramWriter(std::mt19937_64 &randomEngine, GeneratedProgram &generated,
                std::size_t targetLength)
      : LoopWriter(randomEngine, generated), length(targetLength) {}

  void write() {
    epilogue = newLabel();
    writePrologue();
    for (std::size_t fragment = 0;; ++fragment) {
      bindSkipsTo(fragment);
      const std::size_t used = program.slots.size();
      if (used + EpilogueSlots >= length)
        break;
      writeFragment(length - EpilogueSlots - used, fragment);
    }
    for (const auto &[label, fragment] : skips)
      bind(label);
    skips.clear();
    bind(epilogue);
    writeEpilogue();
    resolveJumps();
  }

private:
  std::size_t length; ///< the number of slots to aim for
  /// `r0 = <valid>; exit`, where null checks may jump.
  std::size_t epilogue = 0;
  /// Branches that skip whole fragments: their label and the fragment they land on.
  std::vector<std::pair<std::size_t, std::size_t>> skips;

  void bindSkipsTo(std::size_t fragment) {
    for (std::size_t i = 0; i < skips.size();) {
      if (skips[i].second == fragment) {
        bind(skips[i].first);
        skips.erase(skips.begin() + std::ptrdiff_t(i));
      } else {
        ++i;
      }
    }
  }

  // --- prologue and epilogue --------------------------------------------------------------
  void writePrologue() {
    facts.roles.fill(Role::Unusable);
    facts.roles[1] = Role::Context;
    facts.roles[FramePointer] = Role::Pointer;
    emit(aluReg(true, enc::AluMov, ContextRegister, 1));
    facts.roles[ContextRegister] = Role::Context;
    if (percent(25)) {
      emit(call(HelperGetPrandomU32));
      clobberCallerSaved(Role::Scalar);
      emit(aluReg(true, enc::AluMov, 7, 0));
      defineScalar(7, false);
    }
    if (percent(88))
      writeMapLookup();
    for (std::uint8_t reg : {std::uint8_t(7), std::uint8_t(8)})
      if (facts.roles[reg] != Role::Scalar)
        initialiseScalar(reg);
    for (std::uint64_t n = below(4); n > 0; --n)
      initialiseScalar(pick<std::uint8_t>({0, 1, 2, 3, 4, 5}));
    for (std::uint64_t n = below(3); n > 0; --n)
      writeStackStore(false);
  }

  void writeMapLookup() {
    program.usesMap = true;
    const GeneratedMap &map = program.map;
    const unsigned roll = unsigned(below(100));
    if (roll < 85) {
      std::int32_t key = std::int32_t(below(64));
      if (map.type == MapType::Array) {
        key = std::int32_t(below(map.maxEntries));
        if (percent(15)) {
          key = std::int32_t(map.maxEntries + below(3));
          note("array key out of range");
        }
      }
      storeToStack(map.keySize, KeyOffset, std::nullopt, key);
    } else if (auto source = preciseScalar(); roll < 96 && source) {
      storeToStack(map.keySize, KeyOffset, source, 0);
      note("key from a register");
    } else {
      note("key not initialised");
    }
    emitWide(1, enc::PseudoMapIdx, 0);
    emit(aluReg(true, enc::AluMov, 2, FramePointer));
    emit(aluImm(true, enc::AluAdd, 2, KeyOffset));
    emit(call(HelperMapLookupElem));
    clobberCallerSaved(Role::ValueOrNull);
    emit(aluReg(true, enc::AluMov, ValueRegister, 0));
    facts.roles[ValueRegister] = Role::ValueOrNull;
    if (percent(80))
      writeNullCheck();
    else
      note("no null check after the lookup");
  }

  void writeNullCheck() {
    auto checked = registerWith(Role::ValueOrNull);
    if (!checked)
      return;
    if (facts.roles[ValueRegister] == Role::ValueOrNull && percent(70))
      checked = ValueRegister;
    if (percent(60)) {
      jump(false, enc::JmpJeq, *checked, std::nullopt, 0, epilogue);
      markValueNonNull(facts);
      return;
    }
    Facts nonNull = facts;
    markValueNonNull(nonNull);
    const std::size_t notNull = newLabel();
    jumpWith(false, enc::JmpJne, *checked, std::nullopt, 0, notNull, nonNull);
    writeEarlyExit();
    bind(notNull);
  }

  void initialiseScalar(std::uint8_t reg) {
    const unsigned roll = unsigned(below(100));
    if (roll < 35) {
      emit(aluImm(true, enc::AluMov, reg, interestingImmediate()));
    } else if (roll < 45) {
      emit(aluImm(false, enc::AluMov, reg, interestingImmediate()));
    } else if (roll < 53) {
      emitWide(reg, 0, interestingWide());
    } else if (roll < 82 || facts.roles[ValueRegister] != Role::Value) {
      const ContextAccess field = readableContextField();
      emit(load(field.size, reg, ContextRegister, field.offset));
    } else {
      const unsigned size = pick<unsigned>({1, 2, 4, 8});
      const bool signExtend = percent(10);
      if (size <= program.map.valueSize)
        emit(load(size, reg, ValueRegister, std::int16_t(below(program.map.valueSize - size + 1)),
                  signExtend));
      else
        emit(load(1, reg, ValueRegister, 0, signExtend));
      return defineScalar(reg, false, !signExtend, true);
    }
    defineScalar(reg, false, true);
  }

  void writeEpilogue() {
    if (auto source = scalar(); source && percent(12)) {
      const bool is64 = percent(50);
      emit(aluReg(is64, enc::AluMov, 0, *source));
      emit(aluImm(is64, enc::AluAnd, 0, program.type == ProgramType::SocketFilter ? 0xff : 3));
    } else {
      emit(aluImm(true, enc::AluMov, 0, returnValue()));
    }
    emit(exitInstruction());
  }

  // --- fragments --------------------------------------------------------------------------
  enum class Fragment {
    Alu,
    Skip,
    StackStore,
    StackLoad,
    PointerSpill,
    Context,
    NullCheck,
    MapValue,
    Packet,
    Loop
  };

  /// One fragment, chosen by weight among those that fit in `budget` slots.
  void writeFragment(std::size_t budget, std::size_t fragment) {
    struct Choice {
      Fragment kind;
      unsigned weight;
      std::size_t maxSlots;
      bool possible;
    };
    const bool hasValue = facts.roles[ValueRegister] == Role::Value ||
                          facts.roles[ValueRegister] == Role::ValueOrNull;
    const Choice choices[] = {
        {Fragment::Alu, 30, 2, true},
        {Fragment::Skip, 14, 1, true},
        {Fragment::StackStore, 8, 1, true},
        {Fragment::StackLoad, 8, 1, true},
        {Fragment::PointerSpill, 5, 4, true},
        {Fragment::Context, 7, 1, true},
        {Fragment::NullCheck, 6, 3, registerWith(Role::ValueOrNull).has_value()},
        {Fragment::MapValue, 16, 7, hasValue},
        {Fragment::Packet, 16, 11, program.type == ProgramType::Xdp},
        {Fragment::Loop, 16, MinLoopSlots, canWriteLoop()},
    };
    unsigned total = 0;
    for (const Choice &choice : choices)
      if (choice.possible && choice.maxSlots <= budget)
        total += choice.weight;
    std::uint64_t roll = below(total);
    Fragment kind = Fragment::Alu;
    for (const Choice &choice : choices) {
      if (!choice.possible || choice.maxSlots > budget)
        continue;
      if (roll < choice.weight) {
        kind = choice.kind;
        break;
      }
      roll -= choice.weight;
    }
    switch (kind) {
    case Fragment::Alu:
      return writeAlu(budget);
    case Fragment::Skip:
      return writeSkip(fragment);
    case Fragment::StackStore:
      return writeStackStore(true);
    case Fragment::StackLoad:
      return writeStackLoad();
    case Fragment::PointerSpill:
      return writePointerSpill();
    case Fragment::Context:
      return writeContextAccess();
    case Fragment::NullCheck:
      return writeNullCheck();
    case Fragment::MapValue:
      return writeMapValueAccess();
    case Fragment::Packet:
      return writePacketAccess();
    case Fragment::Loop:
      return writeLoop(budget);
    }
  }

  /// A loop's body: fragments whose forward skips land before its end.
  void writeBody(std::size_t budget) override {
    auto outer = std::move(skips);
    skips.clear();
    const std::size_t start = program.slots.size();
    for (std::size_t fragment = 0;; ++fragment) {
      bindSkipsTo(fragment);
      const std::size_t used = program.slots.size() - start;
      if (used >= budget)
        break;
      writeFragment(budget - used, fragment);
    }
    for (const auto &[label, fragment] : skips)
      bind(label);
    skips = std::move(outer);
  }

  void writeContextLoad(std::uint8_t dst) override {
    const ContextAccess field = readableContextField();
    emit(load(field.size, dst, ContextRegister, field.offset));
  }

  void writeAlu(std::size_t budget) {
    const bool is64 = percent(60);
    const unsigned roll = unsigned(below(100));
    const auto source = scalar();
    const auto target = scalar({ContextRegister, ValueRegister});
    if (roll >= 78 || !target) { // the moves, which may start a new scalar
      const std::uint8_t dst = destination();
      bool imprecise = false, onlyBits = true, plain = true;
      if (roll >= 98 && budget >= 2) {
        emitWide(dst, 0, interestingWide());
      } else if (source && (roll >= 88 || percent(50))) {
        const std::int16_t signExtendFrom = roll < 88 ? 0
                                            : is64    ? pick<std::int16_t>({8, 16, 32})
                                                      : pick<std::int16_t>({8, 16});
        emit(aluReg(is64, enc::AluMov, dst, *source, signExtendFrom));
        // The kernel sign-extends ranges, not bits: it may lose what bpfcheck keeps.
        imprecise = facts.imprecise[*source] || signExtendFrom != 0;
        onlyBits = facts.onlyBits[*source] && signExtendFrom == 0;
        plain = facts.plain[*source] && signExtendFrom == 0;
      } else {
        emit(aluImm(is64, enc::AluMov, dst, interestingImmediate()));
      }
      defineScalar(dst, imprecise, onlyBits, plain);
      return;
    }
    const std::uint8_t dst = *target;
    const bool bySource = source && percent(50);
    bool imprecise = facts.imprecise[dst] || (bySource && facts.imprecise[*source]);
    if (roll < 75) {
      static constexpr std::uint8_t operations[] = {
          enc::AluAdd, enc::AluAdd, enc::AluSub, enc::AluSub, enc::AluMul,
          enc::AluDiv, enc::AluMod, enc::AluAnd, enc::AluAnd, enc::AluOr,
          enc::AluXor, enc::AluLsh, enc::AluRsh, enc::AluArsh};
      const std::uint8_t operation = pick<std::uint8_t>(operations);
      const bool division = operation == enc::AluDiv || operation == enc::AluMod;
      const bool shift =
          operation == enc::AluLsh || operation == enc::AluRsh || operation == enc::AluArsh;
      const std::int16_t signedDivision = division && percent(25) ? 1 : 0;
      // The kernel does not track division and modulo, nor shifts by a register (which it
      // only follows for constant amounts below the width).
      imprecise = imprecise || division || (shift && bySource);
      if (bySource) {
        emit(aluReg(is64, operation, dst, *source, signedDivision));
      } else {
        std::int32_t imm = interestingImmediate();
        if (shift)
          imm = std::int32_t(below(is64 ? 64 : 32));
        if (division && imm == 0)
          imm = 1 + std::int32_t(below(9));
        emit(aluImm(is64, operation, dst, imm, signedDivision));
      }
    } else {
      emit(RawInstruction::make(aluClass(is64) | enc::AluNeg, dst, 0, 0, 0));
    }
    if (budget >= 2 && percent(8)) { // a byte swap now and then
      imprecise = true;
      const std::int32_t width = pick<std::int32_t>({16, 32, 64});
      if (percent(50))
        emit(RawInstruction::make(enc::ClassAlu64 | enc::AluEnd, dst, 0, 0, width)); // bswap
      else
        emit(RawInstruction::make(enc::ClassAlu | enc::AluEnd |
                                      (percent(50) ? enc::SourceX : enc::SourceK),
                                  dst, 0, 0, width)); // be / le
    }
    defineScalar(dst, imprecise);
  }

  void writeSkip(std::size_t fragment) {
    const auto left = preciseScalar();
    if (!left)
      return writeAlu(1);
    const bool is32 = percent(30);
    std::uint8_t operation = pick<std::uint8_t>(Conditions);
    // Never a register against itself: the kernel does not see that `if r1 s<= r1` is always
    // taken and rejects for what happens on the path that never runs.
    const auto right = percent(50) ? preciseScalar({*left}) : std::nullopt;
    // The kernel decides a jset from the known bits alone, bpfcheck from the ranges too.
    while (operation == enc::JmpJset &&
           !(facts.onlyBits[*left] && (!right || facts.onlyBits[*right])))
      operation = pick<std::uint8_t>(Conditions);
    // What the kernel learns from a signed comparison it does not combine well with a later
    // unsigned one (`if r s>= 4` then `if r > 56` leaves it [0, 56]), and on a jset it
    // forgets the ranges and keeps only the bits: bpfcheck may prove paths dead that the
    // kernel walks, so such operands no longer decide anything.
    const bool signedCondition = operation == enc::JmpJsgt || operation == enc::JmpJsge ||
                                 operation == enc::JmpJslt || operation == enc::JmpJsle;
    if (signedCondition || operation == enc::JmpJset) {
      facts.imprecise.set(*left);
      if (right)
        facts.imprecise.set(*right);
    }
    // A comparison refines the ranges. The kernel keeps a signed upper bound badly through
    // an unsigned comparison when the signed range reaches below S32_MIN (`r = -r` of a u32
    // and `if r > 30` leave it [0, 30] where only 0 is possible), so an operand that was
    // computed (not a constant or a fresh load) decides nothing afterwards.
    for (const auto operand : {std::optional<std::uint8_t>(left), right})
      if (operand) {
        if (!facts.plain[*operand])
          facts.imprecise.set(*operand);
        refined(*operand);
      }
    const std::size_t label = newLabel();
    skips.emplace_back(label, fragment + 1 + below(4));
    jump(is32, operation, *left, right, interestingImmediate(), label);
  }

  /// A stack offset for an access of `size` bytes: aligned in the frame's top 64 bytes
  /// (mostly), at the bottom, or, when `risky`, now and then out of the frame or misaligned.
  std::int16_t stackOffset(unsigned size, bool risky, bool forLoad) {
    const unsigned roll = unsigned(below(100));
    if (risky && roll < 4) {
      note("stack access out of the frame");
      return pick<std::int16_t>({0, 8, std::int16_t(-StackBytes - int(size)), -StackBytes - 1});
    }
    if (risky && roll < 8 && size > 1) {
      note("misaligned stack access");
      return std::int16_t(-int(size) * int(1 + below(64 / size)) + 1);
    }
    if (roll < 11)
      return std::int16_t(-StackBytes);
    if (forLoad) {
      std::vector<std::int16_t> written;
      for (int offset = -64; offset <= -int(size); offset += int(size))
        if (stackWritten(offset, size))
          written.push_back(std::int16_t(offset));
      if (!written.empty() && (!risky || percent(88)))
        return written[below(written.size())];
    }
    return std::int16_t(-int(size) * int(1 + below(64 / size)));
  }

  void writeStackStore(bool risky) {
    const unsigned size = pick<unsigned>({1, 2, 4, 8});
    const std::int16_t offset = stackOffset(size, risky, false);
    const auto source = scalar();
    storeToStack(size, offset, source && percent(60) ? source : std::nullopt,
                 interestingImmediate());
  }

  void writeStackLoad() {
    unsigned size = pick<unsigned>({1, 2, 4, 8});
    std::int16_t offset = stackOffset(size, true, true);
    if (offset < 0 && offset >= -StackBytes && !stackWritten(offset, size))
      note("stack read of unwritten bytes");
    const std::uint8_t dst = destination();
    const bool signExtend = percent(10);
    // Part of a spilled pointer is never read: the kernel refuses it ("invalid size of
    // register fill") even for root, where it is safe, and when a path that spilled a pointer
    // meets one that did not, which of the two it checks depends on its exploration order.
    if (const auto pointerSlot = pointerSlotUnder(offset, size)) {
      offset = *pointerSlot;
      size = 8;
      note("stack read of a spilled pointer");
    }
    emit(load(size, dst, FramePointer, offset, signExtend));
    defineScalar(dst, signExtend || !stackReadIsPrecise(offset, size));
    if (pointerSlotUnder(offset, size))
      facts.roles[dst] = Role::Unusable;
  }

  /// The context or the map value pointer spilled to an 8-byte slot and filled back (intact
  /// or after one of its bytes was overwritten), then dereferenced.
  void writePointerSpill() {
    const Role valueRole = facts.roles[ValueRegister];
    const bool spillValue =
        (valueRole == Role::Value || valueRole == Role::ValueOrNull) && percent(50);
    const std::uint8_t pointer = spillValue ? ValueRegister : ContextRegister;
    const Role role = spillValue ? valueRole : Role::Context;
    const std::int16_t offset = std::int16_t(-8 * int(2 + below(7)));
    const std::size_t slot = std::size_t(offset + StackBytes) / 8;
    emit(storeReg(8, FramePointer, offset, pointer));
    markStack(offset, 8);
    facts.spills[slot].reset();
    facts.pointerSlots.set(slot);
    bool intact = true;
    if (percent(12)) {
      emit(storeImm(1, FramePointer, std::int16_t(offset + std::int16_t(below(8))),
                    interestingImmediate()));
      note("spilled pointer partly overwritten");
      intact = false;
    }
    const std::uint8_t filled = destination();
    emit(load(8, filled, FramePointer, offset));
    facts.roles[filled] = intact ? role : Role::Unusable;
    const std::uint8_t dst = destination({filled});
    if (spillValue) {
      const unsigned size = pick<unsigned>({1, 2, 4, 8});
      const std::uint32_t valueSize = program.map.valueSize;
      emit(load(size, dst, filled,
                std::int16_t(size <= valueSize ? below(valueSize - size + 1) : 0)));
    } else {
      const ContextAccess field = readableContextField();
      emit(load(field.size, dst, filled, field.offset));
    }
    defineScalar(dst, false, true);
  }

  ContextAccess readableContextField() {
    switch (program.type) {
    case ProgramType::SocketFilter:
      return pick<ContextAccess>(SocketReadable);
    case ProgramType::Xdp:
      return pick<ContextAccess>(XdpReadable);
    default: {
      const unsigned size = pick<unsigned>({1, 2, 4, 8});
      return {std::int16_t(size * below(PtRegsBytes / size)), std::uint8_t(size)};
    }
    }
  }

  ContextAccess unreadableContextField() {
    switch (program.type) {
    case ProgramType::SocketFilter:
      return pick<ContextAccess>(SocketUnreadable);
    case ProgramType::Xdp:
      return pick<ContextAccess>(XdpUnreadable);
    default:
      return pick<ContextAccess>(KprobeUnreadable);
    }
  }

  void writeContextAccess() {
    const auto source = scalar();
    if (source && percent(12)) {
      // Only a socket filter's cb[] may be written, and only from a register.
      const bool intoCb = program.type == ProgramType::SocketFilter && percent(70);
      const unsigned size = intoCb ? pick<unsigned>({1, 2, 4, 8}) : 4;
      const std::int16_t offset =
          intoCb ? std::int16_t(48 + size * below(16 / size)) : pick<std::int16_t>({0, 8, 16});
      if (!intoCb)
        note("context write outside cb[]");
      emit(storeReg(size, ContextRegister, offset, *source));
      return;
    }
    ContextAccess field = readableContextField();
    if (percent(20)) {
      field = unreadableContextField();
      note("context read at an invalid offset");
    }
    const std::uint8_t dst = destination();
    emit(load(field.size, dst, ContextRegister, field.offset));
    defineScalar(dst, false, true);
  }

  /// A read or write of `size` bytes at `base + offset`, memory that the fragment chose.
  void writeMemoryAccess(std::uint8_t base, std::int16_t offset, unsigned size,
                         std::initializer_list<std::uint8_t> busy) {
    const unsigned roll = unsigned(below(100));
    if (roll < 60) {
      const std::uint8_t dst = destination(busy);
      const bool signExtend = percent(10);
      emit(load(size, dst, base, offset, signExtend));
      defineScalar(dst, false, !signExtend, true);
    } else if (auto source = scalar(busy); roll >= 80 && source) {
      emit(storeReg(size, base, offset, *source));
    } else {
      emit(storeImm(size, base, offset, interestingImmediate()));
    }
  }

  void writeMapValueAccess() {
    if (facts.roles[ValueRegister] == Role::ValueOrNull)
      note("map value access without a null check");
    const int valueSize = int(program.map.valueSize);
    const unsigned size = pick<unsigned>({1, 2, 4, 8});
    // The index starts from a constant or a loaded value, so that the kernel's view of it
    // after the bound check is bpfcheck's (see writeSkip); or from a computed value through
    // a 32-bit copy, which leaves no signed 64-bit range for the kernel to lose.
    const bool computed = percent(30);
    const auto source = preciseScalar({ValueRegister}, !computed);
    if (!source || percent(40)) {
      int offset = int(below(std::uint64_t(std::max(1, valueSize - int(size) + 1))));
      const unsigned roll = unsigned(below(100));
      if (roll < 7) {
        offset = valueSize - int(size) + 1 + int(below(size));
        note("map value access past the end");
      } else if (roll < 10) {
        offset = -int(size);
        note("map value access before the start");
      }
      return writeMemoryAccess(ValueRegister, std::int16_t(offset), size, {});
    }
    const std::uint8_t index = destination({*source, ValueRegister});
    const std::uint8_t pointer = destination({*source, index, ValueRegister});
    const int displacement = int(below(std::uint64_t(std::min(8, valueSize))));
    const int limit = valueSize - int(size) - displacement; // the largest safe index
    const bool zeroExtended = computed || percent(25);
    emit(aluReg(!zeroExtended, enc::AluMov, index, *source));
    defineScalar(index, false);
    refined(*source); // the kernel refines a copy's source with it
    const bool offByOne = percent(15);
    const std::int32_t bound = std::max(0, limit + (offByOne ? 1 : 0));
    if (offByOne)
      note("map value index bound off by one");
    const std::size_t end = newLabel();
    const unsigned roll = unsigned(below(100));
    if (roll < 30) {
      emit(aluImm(percent(70), enc::AluAnd, index, bound));
    } else if (roll < 45) {
      jump(false, enc::JmpJgt, index, std::nullopt, bound, end);
    } else if (roll < 55) {
      jump(false, enc::JmpJge, index, std::nullopt, bound + 1, end);
    } else if (roll < 63) {
      const std::uint8_t limitRegister = destination({*source, index, pointer, ValueRegister});
      emit(aluImm(true, enc::AluMov, limitRegister, bound));
      defineScalar(limitRegister, false, true);
      jump(false, enc::JmpJgt, index, limitRegister, 0, end);
    } else if (roll < 71) {
      if (!zeroExtended)
        note("32-bit bound on a 64-bit index");
      jump(true, enc::JmpJgt, index, std::nullopt, bound, end);
    } else if (roll < 79) {
      jump(false, enc::JmpJsgt, index, std::nullopt, bound, end);
      if (percent(50))
        jump(false, enc::JmpJslt, index, std::nullopt, 0, end);
      else if (!zeroExtended)
        note("signed upper bound only");
    } else if (roll < 87) {
      const std::size_t inBounds = newLabel();
      jump(false, enc::JmpJlt, index, std::nullopt, bound + 1, inBounds);
      writeEarlyExit();
      bind(inBounds);
    } else {
      note("unbounded map value index");
    }
    emit(aluReg(true, enc::AluMov, pointer, ValueRegister));
    emit(aluReg(true, enc::AluAdd, pointer, index));
    facts.roles[pointer] = Role::Pointer;
    writeMemoryAccess(pointer, std::int16_t(displacement), size, {pointer, index});
    bind(end);
  }

  void writePacketAccess() {
    const std::uint8_t data = destination();
    const std::uint8_t dataEnd = destination({data});
    const std::uint8_t probe = destination({data, dataEnd});
    emit(load(4, data, ContextRegister, 0));
    emit(load(4, dataEnd, ContextRegister, 4));
    facts.roles[data] = facts.roles[dataEnd] = facts.roles[probe] = Role::Pointer;
    if (auto source = preciseScalar({data, dataEnd, probe}, true); source && percent(20)) {
      const std::uint8_t offset = destination({data, dataEnd, probe});
      if (percent(85)) {
        emit(aluReg(true, enc::AluMov, offset, *source));
        emit(aluImm(true, enc::AluAnd, offset, 0xff));
      } else {
        emit(aluReg(false, enc::AluMov, offset, *source));
        note("packet offset not bounded below 64 KiB");
      }
      emit(aluReg(true, enc::AluAdd, data, offset));
      defineScalar(offset, false);
    }
    const unsigned size = pick<unsigned>({1, 2, 4, 8});
    const int displacement = int(below(16));
    const int needed = displacement + int(size);
    PacketGuard guard = pick<PacketGuard>(PacketGuards);
    const unsigned roll = unsigned(below(100));
    const bool offByOne = roll >= 70 && roll < 85;
    const bool guarded = roll < 85;
    int added = needed - guard.rightOpenBonus - (offByOne ? 1 : 0);
    if (added < 1 && guard.rightOpenBonus == 1) { // `data + 0 < data_end` proves nothing
      guard = PacketGuards[guard.skipsAccess ? 0 : 4];
      added = needed - (offByOne ? 1 : 0);
    }
    if (offByOne)
      note("packet read one byte past the checked range");
    if (!guarded)
      note("packet read without a data_end check");
    emit(aluReg(true, enc::AluMov, probe, data));
    emit(aluImm(true, enc::AluAdd, probe, added));
    const bool viaProbe = percent(25);
    const std::uint8_t base = viaProbe ? probe : data;
    const std::int16_t offset = std::int16_t(viaProbe ? displacement - added : displacement);
    if (!guarded)
      return writeMemoryAccess(base, offset, size, {data, dataEnd, probe});
    const std::uint8_t left = guard.probeFirst ? probe : dataEnd;
    const std::uint8_t right = guard.probeFirst ? dataEnd : probe;
    const std::size_t label = newLabel();
    jump(false, guard.operation, left, right, 0, label);
    if (guard.skipsAccess) {
      writeMemoryAccess(base, offset, size, {data, dataEnd, probe});
      bind(label);
    } else {
      writeEarlyExit();
      bind(label);
      writeMemoryAccess(base, offset, size, {data, dataEnd, probe});
    }
  }
};

} // namespace

GeneratedProgram RandomProgramGenerator::generate(std::uint64_t index) const {
  std::seed_seq sequence{std::uint32_t(seed), std::uint32_t(seed >> 32), std::uint32_t(index),
                         std::uint32_t(index >> 32)};
  std::mt19937_64 engine(sequence);
  GeneratedProgram program;
  const std::uint64_t kind = engine() % 20;
  if (kind < 9) {
    program.type = ProgramType::SocketFilter;
    program.section = "socket";
  } else if (kind < 17) {
    program.type = ProgramType::Xdp;
    program.section = "xdp";
  } else {
    program.type = ProgramType::Kprobe;
    program.section = "kprobe/do_nanosleep";
  }
  static constexpr std::uint32_t valueSizes[] = {4, 8, 12, 16, 24, 32, 48, 64, 100};
  program.map.valueSize = valueSizes[engine() % std::size(valueSizes)];
  if (engine() % 100 < 60) {
    program.map.type = MapType::Array;
    program.map.keySize = 4;
    program.map.maxEntries = 1 + std::uint32_t(engine() % 16);
  } else {
    program.map.type = MapType::Hash;
    program.map.keySize = engine() % 2 == 0 ? 4 : 8;
    program.map.maxEntries = 1 + std::uint32_t(engine() % 1024);
  }
  const std::size_t length =
      MinInstructions + std::size_t(engine() % (MaxInstructions - MinInstructions + 1));
  ProgramWriter(engine, program, length).write();
  return program;
}

} // namespace bpfcheck::differential