// Cross-checks the helper prototype table (platform/lib/HelperPrototypes.cpp) against the
// running kernel's verifier. For each helper it finds a program type that may call it, then
// loads small programs that pass it deliberately wrong arguments and reads the verifier's
// answer, which names what the prototype expects:
//   gpl        a non-GPL program calling it: "cannot call GPL-restricted function"
//   sleep      a non-sleepable program: "helper call might sleep in a non-sleepable prog"
//   argN       an uninitialised RN: "RN !read_ok" (N is an argument) or nothing (it is not);
//              a scalar 1 in a pointer argument: "RN type=scalar expected=<register types>",
//              which names the argument kind; the frame pointer in a scalar argument:
//              "RN type=fp expected=scalar" (or nothing for ARG_ANYTHING); NULL: accepted
//              only where PTR_MAYBE_NULL; 0 as a size: "invalid zero-sized read" only for
//              ARG_CONST_SIZE; a read-only map value as memory: "write into map forbidden"
//              only where the helper writes (MEM_WRITE); read-only memory (a
//              bpf_dynptr_slice): "type=rdonly_mem" unless MEM_RDONLY; fp-1 as fixed-size
//              memory: the size; an in-bounds misaligned slot: "misaligned" only with
//              MEM_ALIGNED
//   return     dereferencing R0 after the call names R0's type (or "R0 !read_ok" for void)
//   acquire    exiting without releasing R0: "Unreleased reference" only for acquiring helpers
//   packet     using a packet pointer checked before the call: invalidated only by helpers
//              that change packet data; a packet pointer as memory: refused without pkt_access
//   range      the refined return ranges: branches beyond the range are dead code, branches
//              just inside are not
// Helpers that sleep are checked further in a sleepable program type.
// Arguments are walked left to right while the earlier ones can be made valid (scalars,
// sizes, the context, stack memory, maps, NULL where allowed); kinds that need a kernel
// object (sockets, BTF pointers, timers, callbacks, dynptrs) end the walk after their own
// type check. Program types the kernel refuses to load here (tracing, LSM, struct_ops, EPERM
// before verification) are skipped and said so.
//
// Prints one line per check and closes with "N passed, M failed"; exits 77 printing
// "SKIPPED: ..." when bpf() is not available.
#include "../oracle/KernelOracle.h"

#include "bpfcheck/platform/Helpers.h"

#include <bpf/btf.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

using namespace bpfcheck;
using encoding::RawInstruction;

namespace {

constexpr int ExitSkipped = 77;
bool verbose = false;

// ---- Programs ----

/// What a register holds before the call.
struct Value {
  enum Kind : std::uint8_t {
    Uninit,         ///< not written
    Imm,            ///< the constant `number`
    Context,        ///< the program's context (saved in R6)
    Stack,          ///< fp + number (fp-64 .. fp-1 are zeroed)
    Frame,          ///< the frame pointer itself
    Map,            ///< the map of slot `number`
    MapValue,       ///< the value of the one-element map of slot `number`
    Packet,         ///< a packet pointer with 8 bytes checked (R7, packet programs only)
    ReadOnlyMemory, ///< 4 bytes of PTR_TO_MEM | MEM_RDONLY (R8, see readOnlyMemoryPreamble)
  } kind = Uninit;
  std::int32_t number = 0;
};

/// Object::maps: 0 a generic hash map, 1 a frozen read-only array (program-read-only,
/// holding a string), 2 the map the helper under test needs, if any, 3 a writable
/// one-element array.
enum MapSlot : std::int32_t { GenericMap = 0, ReadOnlyMap = 1, SpecialMap = 2, ScratchMap = 3 };

struct ProgramBuilder {
  std::vector<RawInstruction> slots;

  void emit(std::uint8_t opcode, std::uint8_t dst, std::uint8_t src, std::int16_t offset,
            std::int32_t imm) {
    slots.push_back(RawInstruction::make(opcode, dst, src, offset, imm));
  }
  void move(std::uint8_t dst, std::int32_t imm) { emit(0xb7, dst, 0, 0, imm); }
  void copy(std::uint8_t dst, std::uint8_t src) { emit(0xbf, dst, src, 0, 0); }
  void add(std::uint8_t dst, std::int32_t imm) { emit(0x07, dst, 0, 0, imm); }
  void loadMap(std::uint8_t dst, std::int32_t map, bool value) {
    // ld_imm64 with BPF_PSEUDO_MAP_IDX (5) or BPF_PSEUDO_MAP_IDX_VALUE (6), offset 0
    emit(0x18, dst, value ? 6 : 5, 0, map);
    emit(0x00, 0, 0, 0, 0);
  }
  void call(HelperId id) { emit(0x85, 0, 0, 0, std::int32_t(id)); }
  void exitWith(std::int32_t value) {
    move(0, value);
    emit(0x95, 0, 0, 0, 0);
  }
  /// R6 = context; fp-64 .. fp-1 = 0; R1-R5 uninitialised (clobbered by a call of
  /// bpf_get_prandom_u32, which every program type may make).
  void prologue() {
    copy(6, 1);
    for (std::int16_t offset = -8; offset >= -64; offset -= 8)
      emit(0x7a, 10, 0, offset, 0); // *(u64 *)(r10 + offset) = 0
    call(HelperId::GetPrandomU32);
  }
  void set(std::uint8_t reg, const Value &value) {
    switch (value.kind) {
    case Value::Uninit:
      break;
    case Value::Imm:
      move(reg, value.number);
      break;
    case Value::Context:
      copy(reg, 6);
      break;
    case Value::Stack:
      copy(reg, 10);
      add(reg, value.number);
      break;
    case Value::Frame:
      copy(reg, 10);
      break;
    case Value::Map:
      loadMap(reg, value.number, false);
      break;
    case Value::MapValue:
      loadMap(reg, value.number, true);
      break;
    case Value::Packet:
      copy(reg, 7);
      break;
    case Value::ReadOnlyMemory:
      copy(reg, 8);
      break;
    }
  }
  /// R8 = 4 bytes of PTR_TO_MEM | MEM_RDONLY: a local dynptr over the scratch map's value
  /// (bpf_dynptr_from_mem at fp-80) and the kfunc bpf_dynptr_slice(&dynptr, 0, NULL, 4),
  /// whose result the verifier types read-only. Returns the slot of the NULL check's jump,
  /// to be aimed at the program's exit.
  std::size_t readOnlyMemoryPreamble(std::int32_t sliceKfunc) {
    loadMap(1, 3, true); // ScratchMap
    move(2, 8);
    move(3, 0);
    copy(4, 10);
    add(4, -80);
    call(HelperId::DynptrFromMem);
    copy(1, 10);
    add(1, -80);
    move(2, 0);
    move(3, 0);
    move(4, 4);
    emit(0x85, 0, 2, 0, sliceKfunc); // call kfunc (BPF_PSEUDO_KFUNC_CALL)
    const std::size_t check = slots.size();
    emit(0x15, 0, 0, 0, 0); // if r0 == 0 goto exit
    copy(8, 0);
    return check;
  }
  void arguments(const std::array<Value, 5> &values) {
    for (std::uint8_t i = 0; i < 5; ++i)
      set(std::uint8_t(i + 1), values[i]);
  }
};

struct Setup {
  ProgramType type;
  std::optional<AttachType> attach;
  bool sleepable = false;
};

std::string describe(const Setup &setup) {
  std::string text(nameOf(setup.type));
  if (setup.attach)
    text += "/" + std::string(nameOf(*setup.attach));
  if (setup.sleepable)
    text += " (sleepable)";
  return text;
}

/// Program types tried in order; the first that may call a helper is used. The order puts
/// the program types whose prototype the table's rows describe first (kprobe before
/// perf_event, tc before cgroup_sock, sock_ops before sock_addr).
const Setup setups[] = {
    {ProgramType::SocketFilter, {}},
    {ProgramType::Kprobe, {}},
    {ProgramType::SchedCls, {}},
    {ProgramType::Xdp, {}},
    {ProgramType::Tracepoint, {}},
    {ProgramType::PerfEvent, {}},
    {ProgramType::CgroupSkb, {}},
    {ProgramType::SockOps, {}},
    {ProgramType::CgroupSock, AttachType::CgroupInetSockCreate},
    {ProgramType::LwtIn, {}},
    {ProgramType::LwtOut, {}},
    {ProgramType::LwtXmit, {}},
    {ProgramType::SkSkb, {}},
    {ProgramType::CgroupDevice, {}},
    {ProgramType::SkMsg, {}},
    {ProgramType::RawTracepoint, {}},
    {ProgramType::CgroupSockAddr, AttachType::CgroupInet4Connect},
    {ProgramType::LwtSeg6local, {}},
    {ProgramType::LircMode2, {}},
    {ProgramType::SkReuseport, {}},
    {ProgramType::FlowDissector, {}},
    {ProgramType::CgroupSysctl, {}},
    {ProgramType::CgroupSockopt, AttachType::CgroupGetsockopt},
    {ProgramType::SkLookup, AttachType::SkLookup},
    {ProgramType::Netfilter, AttachType::Netfilter},
    {ProgramType::Syscall, {}, true},
    {ProgramType::Kprobe, AttachType::TraceUprobeMulti, true},
};

/// Where a program type's context holds the packet pointers (data, data_end) and how wide
/// they are, for the packet check.
struct PacketFields {
  std::int16_t data, end;
  bool wide;
};
std::optional<PacketFields> packetFields(ProgramType type) {
  switch (type) {
  case ProgramType::SchedCls:
  case ProgramType::SchedAct:
  case ProgramType::LwtIn:
  case ProgramType::LwtOut:
  case ProgramType::LwtXmit:
  case ProgramType::LwtSeg6local:
  case ProgramType::SkSkb:
  case ProgramType::CgroupSkb:
    return PacketFields{76, 80, false}; // struct __sk_buff
  case ProgramType::Xdp:
    return PacketFields{0, 4, false}; // struct xdp_md
  case ProgramType::SkMsg:
    return PacketFields{0, 8, true}; // struct sk_msg_md
  default:
    return std::nullopt;
  }
}

/// The map a helper must be given for the call to pass check_map_func_compatibility.
std::optional<MapDefinition> specialMap(HelperId id) {
  auto map = [](MapType type, std::uint32_t key, std::uint32_t value, std::uint32_t entries) {
    MapDefinition definition;
    definition.name = "special";
    definition.type = std::uint32_t(type);
    definition.keySize = key;
    definition.valueSize = value;
    definition.maxEntries = entries;
    return definition;
  };
  switch (id) {
  case HelperId::TailCall:
    return map(MapType::ProgArray, 4, 4, 1);
  case HelperId::PerfEventRead:
  case HelperId::PerfEventOutput:
  case HelperId::PerfEventReadValue:
  case HelperId::SkbOutput:
  case HelperId::XdpOutput:
    return map(MapType::PerfEventArray, 4, 4, 0);
  case HelperId::GetStackid:
    return map(MapType::StackTrace, 4, 64, 1);
  case HelperId::SkbUnderCgroup:
  case HelperId::CurrentTaskUnderCgroup:
    return map(MapType::CgroupArray, 4, 4, 1);
  case HelperId::RedirectMap:
    return map(MapType::Devmap, 4, 4, 1);
  case HelperId::SkRedirectMap:
  case HelperId::SockMapUpdate:
  case HelperId::MsgRedirectMap:
    return map(MapType::Sockmap, 4, 8, 1);
  case HelperId::SockHashUpdate:
  case HelperId::MsgRedirectHash:
  case HelperId::SkRedirectHash:
    return map(MapType::Sockhash, 4, 8, 1);
  case HelperId::MapPushElem:
  case HelperId::MapPopElem:
  case HelperId::MapPeekElem:
    return map(MapType::Queue, 0, 64, 1);
  case HelperId::SkSelectReuseport:
    return map(MapType::ReuseportSockarray, 4, 8, 1);
  case HelperId::RingbufOutput:
  case HelperId::RingbufReserve:
  case HelperId::RingbufQuery:
  case HelperId::RingbufReserveDynptr:
    return map(MapType::Ringbuf, 0, 0, 4096);
  case HelperId::MapLookupPercpuElem:
    return map(MapType::PercpuArray, 4, 64, 1);
  default:
    return std::nullopt;
  }
}

struct Load {
  oracle::KernelResult result;
  bool accepted() const { return result.verdict == oracle::KernelVerdict::Accepted; }
  bool has(const std::string &text) const { return result.log.find(text) != std::string::npos; }
  /// Whether the verifier complained about register `reg` (a line starting "R<reg> ").
  bool complainsAbout(int reg) const {
    const std::string prefix = "R" + std::to_string(reg) + " ";
    std::size_t start = 0;
    const std::string &log = result.log;
    while (start < log.size()) {
      if (log.compare(start, prefix.size(), prefix) == 0)
        return true;
      const std::size_t end = log.find('\n', start);
      if (end == std::string::npos)
        break;
      start = end + 1;
    }
    return false;
  }
  /// The line starting "R<reg> ", without it.
  std::string complaint(int reg) const {
    const std::string prefix = "\nR" + std::to_string(reg) + " ";
    const std::string log = "\n" + result.log;
    const std::size_t at = log.find(prefix);
    if (at == std::string::npos)
      return {};
    const std::size_t begin = at + prefix.size();
    return log.substr(begin, log.find('\n', begin) - begin);
  }
  /// The last lines of the log before the statistics, for messages.
  std::string tail() const {
    std::vector<std::string> lines;
    std::size_t start = 0;
    const std::string &log = result.log;
    while (start < log.size()) {
      std::size_t end = log.find('\n', start);
      if (end == std::string::npos)
        end = log.size();
      const std::string line = log.substr(start, end - start);
      if (!line.empty() && line.rfind("processed ", 0) != 0 &&
          line.rfind("verification time", 0) != 0 && line.rfind("stack depth", 0) != 0)
        lines.push_back(line);
      start = end + 1;
    }
    if (lines.empty())
      return std::string(oracle::nameOf(result.verdict)) + " " + result.problem;
    std::string text = lines.back();
    if (lines.size() > 1 && !verbose)
      text = lines[lines.size() - 2] + " | " + text;
    return text;
  }
};

struct Tally {
  unsigned passed = 0, failed = 0;

  void check(bool ok, const std::string &what, const std::string &detail) {
    if (ok)
      ++passed;
    else
      ++failed;
    std::printf("%-6s %s%s%s\n", ok ? "ok" : "FAIL", what.c_str(), detail.empty() ? "" : ": ",
                detail.c_str());
  }
  void note(const std::string &what, const std::string &why) {
    std::printf("skip   %s: %s\n", what.c_str(), why.c_str());
  }
};

/// Runs the checks of one prototype in one program type.
class HelperChecker {
public:
  HelperChecker(const HelperPrototype &prototype, std::string label, Setup setup, Tally &tally,
                std::int32_t sliceKfunc = 0)
      : prototype(prototype), label(std::move(label)), setup(setup), tally(tally),
        sliceKfunc(sliceKfunc) {
    object.license = "GPL";
    object.maps.push_back(map("generic", MapType::Hash, 8, 64, 1));
    MapDefinition readOnly = map("rodata", MapType::Array, 4, 64, 1);
    readOnly.origin = MapOrigin::GlobalData;
    readOnly.flags = 1u << 7; // BPF_F_RDONLY_PROG
    readOnly.readOnly = true;
    readOnly.initialData.resize(64);
    std::memcpy(readOnly.initialData.data(), "x", 2);
    object.maps.push_back(readOnly);
    special = specialMap(prototype.id);
    object.maps.push_back(special ? *special : object.maps[0]);
    object.maps.push_back(map("scratch", MapType::Array, 4, 64, 1));
  }

  /// Whether this program type may call the helper.
  bool available() {
    const Load load = run(callOnly());
    // A refusal with an empty log happened before verification (a program type this
    // kernel's configuration lacks, such as lirc_mode2).
    const bool verified = load.accepted() || !load.result.log.empty();
    return verified && !load.has("unknown func") && !load.has("cannot use helper") &&
           !load.has("invalid func");
  }

  /// Every check; false when the helper sleeps here, so that the checks after the sleep
  /// check need a sleepable program (checkAfterSleep).
  bool checkAll() {
    checkGpl();
    const auto sleep = checkSleep();
    if (sleep == SleepCheck::Sleeps)
      return false;
    if (sleep == SleepCheck::Continue)
      checkAfterSleep();
    return true;
  }

  void checkAfterSleep() {
    if (!walkArguments())
      return;
    checkReturn();
    checkAcquire();
    checkRange();
  }

  /// The packet check, in this (packet-capable) program type; false when inconclusive.
  bool checkPacket() {
    const auto fields = packetFields(setup.type);
    if (!fields || !allValid())
      return false;
    ProgramBuilder code;
    code.prologue();
    const std::uint8_t load = fields->wide ? 0x79 : 0x61; // ldx dw / ldx w
    code.emit(load, 7, 6, fields->data, 0);
    code.emit(load, 8, 6, fields->end, 0);
    code.copy(9, 7);
    code.add(9, 8);
    const std::size_t branch = code.slots.size();
    code.emit(0x2d, 9, 8, 0, 0); // if r9 > r8 goto out
    code.arguments(validArguments());
    code.call(prototype.id);
    code.emit(0x71, 0, 7, 0, 0); // r0 = *(u8 *)(r7 + 0)
    code.slots[branch].offset = std::int16_t(code.slots.size() - branch - 1);
    code.exitWith(0);
    const Load result = run(code.slots);
    const bool invalidated = result.has("R7 invalid mem access");
    if (!invalidated && !result.accepted() && !result.has("Unreleased reference"))
      return false;
    // check_helper_call does not clear packet pointers after a tail call made by the main
    // program (the table's row says why).
    const bool expected = prototype.changesPacketData && prototype.id != HelperId::TailCall;
    tally.check(invalidated == expected, label + " packet",
                std::string(invalidated ? "invalidates" : "keeps") + " packet pointers in " +
                    describe(setup));
    checkPacketAccess(*fields);
    return true;
  }

private:
  /// pkt_access: a packet pointer in the first memory argument is refused ("helper access to
  /// the packet is not allowed") by helpers without it, in every packet program type.
  void checkPacketAccess(const PacketFields &fields) {
    std::array<Value, 5> values = validArguments();
    int position = -1;
    for (int i = 0; i < 5 && position < 0; ++i) {
      const ArgKind kind = prototype.args[i].kind;
      if (kind == ArgKind::Memory || kind == ArgKind::MapKey || kind == ArgKind::MapValue)
        position = i;
    }
    if (position < 0)
      return;
    values[position] = Value{Value::Packet};
    ProgramBuilder code;
    code.prologue();
    const std::uint8_t load = fields.wide ? 0x79 : 0x61;
    code.emit(load, 7, 6, fields.data, 0);
    code.emit(load, 8, 6, fields.end, 0);
    code.copy(9, 7);
    code.add(9, 8);
    const std::size_t branch = code.slots.size();
    code.emit(0x2d, 9, 8, 0, 0); // if r9 > r8 goto out
    code.arguments(values);
    code.call(prototype.id);
    code.slots[branch].offset = std::int16_t(code.slots.size() - branch - 1);
    code.exitWith(0);
    const Load result = run(code.slots);
    const bool refused = result.has("helper access to the packet is not allowed");
    tally.check(refused != prototype.packetAccess,
                label + " arg" + std::to_string(position + 1) + " packet access",
                refused ? "refuses packet memory" : "accepts packet memory");
  }

  const HelperPrototype &prototype;
  std::string label;
  Setup setup;
  Tally &tally;
  Object object;
  std::optional<MapDefinition> special;
  std::int32_t sliceKfunc = 0;
  std::optional<bool> readOnlyMemoryLoads;

  /// Whether this program type can make read-only memory (the preamble alone loads).
  bool readOnlyMemoryWorks() {
    if (sliceKfunc <= 0)
      return false;
    if (!readOnlyMemoryLoads) {
      ProgramBuilder code;
      code.prologue();
      const std::size_t check = code.readOnlyMemoryPreamble(sliceKfunc);
      code.slots[check].offset = std::int16_t(code.slots.size() - check - 1);
      code.exitWith(0);
      readOnlyMemoryLoads = run(code.slots).accepted();
      if (!*readOnlyMemoryLoads)
        tally.note(label + " rdonly", "no read-only memory in " + describe(setup));
    }
    return *readOnlyMemoryLoads;
  }

  static MapDefinition map(const char *name, MapType type, std::uint32_t key, std::uint32_t value,
                           std::uint32_t entries) {
    MapDefinition definition;
    definition.name = name;
    definition.type = std::uint32_t(type);
    definition.keySize = key;
    definition.valueSize = value;
    definition.maxEntries = entries;
    return definition;
  }

  Load run(const std::vector<RawInstruction> &slots, const char *license = "GPL") {
    Program program;
    program.name = "helper_check";
    program.type = setup.type;
    program.expectedAttachType = setup.attach;
    program.sleepable = setup.sleepable;
    program.slots = slots;
    object.license = license;
    Load load{oracle::loadInKernel(object, program)};
    object.license = "GPL";
    if (verbose)
      std::printf("    [%s] %s\n", describe(setup).c_str(), load.tail().c_str());
    return load;
  }

  std::vector<RawInstruction> callOnly() {
    ProgramBuilder code;
    code.prologue();
    code.call(prototype.id);
    code.exitWith(0);
    return code.slots;
  }

  std::vector<RawInstruction> callWith(const std::array<Value, 5> &values) {
    ProgramBuilder code;
    code.prologue();
    std::optional<std::size_t> nullCheck;
    for (const Value &value : values)
      if (value.kind == Value::ReadOnlyMemory) {
        nullCheck = code.readOnlyMemoryPreamble(sliceKfunc);
        break;
      }
    code.arguments(values);
    code.call(prototype.id);
    if (nullCheck)
      code.slots[*nullCheck].offset = std::int16_t(code.slots.size() - *nullCheck - 1);
    code.exitWith(0);
    return code.slots;
  }

  /// A value the verifier accepts for an argument, if one can be made without a kernel
  /// object.
  std::optional<Value> valid(const HelperArg &arg) const {
    switch (arg.kind) {
    case ArgKind::None:
      return Value{};
    case ArgKind::Anything:
      return Value{Value::Imm, 0};
    case ArgKind::ConstSize:
    case ArgKind::ConstSizeOrZero:
    case ArgKind::ConstAllocSizeOrZero:
      return Value{Value::Imm, 8};
    case ArgKind::ConstMapPtr:
      return Value{Value::Map, special ? SpecialMap : GenericMap};
    case ArgKind::MapKey:
    case ArgKind::MapValue:
    case ArgKind::Memory:
    case ArgKind::Stack:
      return Value{Value::Stack, -64};
    case ArgKind::Context:
      return Value{Value::Context, 0};
    case ArgKind::ConstString:
      return Value{Value::MapValue, ReadOnlyMap};
    default:
      if (arg.flags & MaybeNull)
        return Value{Value::Imm, 0};
      return std::nullopt;
    }
  }

  bool allValid() const {
    for (const HelperArg &arg : prototype.args)
      if (!valid(arg))
        return false;
    return true;
  }

  std::array<Value, 5> validArguments() const {
    std::array<Value, 5> values{};
    for (std::size_t i = 0; i < 5; ++i)
      values[i] = valid(prototype.args[i]).value_or(Value{});
    return values;
  }

  void checkGpl() {
    const Load load = run(callOnly(), "Proprietary");
    const bool gpl = load.has("cannot call GPL-restricted function");
    tally.check(gpl == prototype.gplOnly, label + " gpl",
                std::string(gpl ? "GPL-only" : "not GPL-only") + " in " + describe(setup));
  }

  enum class SleepCheck { Continue, Sleeps, Refused };
  SleepCheck checkSleep() {
    const Load load = run(callOnly());
    if (load.has("helper call is not allowed in probe")) {
      tally.note(label, "the helper's allowed() callback refuses " + describe(setup));
      return SleepCheck::Refused;
    }
    if (setup.sleepable) {
      tally.note(label + " sleep", "only loadable as a sleepable program here");
      return SleepCheck::Continue;
    }
    const bool sleeps = load.has("might sleep in a non-sleepable prog");
    tally.check(sleeps == prototype.mightSleep, label + " sleep",
                std::string(sleeps ? "might sleep" : "does not sleep") + " in " + describe(setup));
    return sleeps ? SleepCheck::Sleeps : SleepCheck::Continue;
  }

  /// The register types the kernel lists for a pointer argument given a scalar
  /// (compatible_reg_types in kernel/bpf/verifier.c).
  static std::string_view expectedTypes(ArgKind kind) {
    switch (kind) {
    case ArgKind::MapKey:
    case ArgKind::MapValue:
    case ArgKind::Memory:
      return "fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_";
    case ArgKind::ConstMapPtr:
      return "map_ptr";
    case ArgKind::Context:
      return "ctx";
    case ArgKind::SockCommon:
      return "sock_common, sock, tcp_sock, xdp_sock";
    case ArgKind::BtfIdSockCommon:
      return "sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_";
    case ArgKind::Socket:
      return "sock";
    case ArgKind::BtfId:
      return "ptr_, trusted_ptr_, rcu_ptr_";
    case ArgKind::SpinLock:
      return "map_value, ptr_";
    case ArgKind::RingbufMemory:
      return "ringbuf_mem";
    case ArgKind::PerCpuBtfId:
      return "percpu_ptr_, percpu_rcu_ptr_, percpu_trusted_ptr_";
    case ArgKind::Function:
      return "func";
    case ArgKind::Stack:
      return "fp";
    case ArgKind::ConstString:
    case ArgKind::Timer:
      return "map_value";
    case ArgKind::KptrExchangeDestination:
      return "map_value, ptr_";
    case ArgKind::Dynptr:
      return "fp, dynptr_ptr";
    default:
      return "?";
    }
  }

  static bool isScalarKind(ArgKind kind) {
    return kind == ArgKind::Anything || kind == ArgKind::ConstSize ||
           kind == ArgKind::ConstSizeOrZero || kind == ArgKind::ConstAllocSizeOrZero;
  }

  /// Checks each argument in turn; false if the walk had to stop early.
  bool walkArguments() {
    std::array<Value, 5> prefix{};
    for (int i = 0; i < 5; ++i) {
      const HelperArg &arg = prototype.args[i];
      const int reg = i + 1;
      const std::string what = label + " arg" + std::to_string(reg);
      auto with = [&](Value value, std::optional<Value> next = std::nullopt) {
        std::array<Value, 5> values = prefix;
        values[i] = value;
        if (next && i + 1 < 5)
          values[i + 1] = *next;
        return run(callWith(values));
      };

      // Is RN an argument at all?
      const Load uninit = with(Value{});
      const bool isArgument = uninit.has("R" + std::to_string(reg) + " !read_ok");
      if (arg.kind == ArgKind::None) {
        tally.check(!isArgument, what, isArgument ? "the kernel reads it" : "unused");
        return true;
      }
      if (!isArgument) {
        tally.check(false, what, "expected an argument; kernel: " + uninit.tail());
        return false;
      }

      if (isScalarKind(arg.kind)) {
        const Load frame = with(Value{Value::Frame});
        const std::string complaint = frame.complaint(reg);
        if (arg.kind == ArgKind::Anything)
          tally.check(complaint.empty(), what, complaint.empty() ? "anything" : complaint);
        else
          tally.check(complaint == "type=fp expected=scalar", what,
                      complaint.empty() ? "accepts a pointer" : complaint);
        if (arg.kind != ArgKind::Anything) {
          const Load zero = with(Value{Value::Imm, 0});
          const bool rejectsZero = zero.has("invalid zero-sized read");
          tally.check(rejectsZero == (arg.kind == ArgKind::ConstSize), what + " zero",
                      rejectsZero ? "size must be positive" : "size may be zero");
        }
      } else {
        const Load scalar = with(Value{Value::Imm, 1});
        const std::string complaint = scalar.complaint(reg);
        const std::string expected = "type=scalar expected=" + std::string(expectedTypes(arg.kind));
        tally.check(complaint == expected, what,
                    complaint.empty() ? "accepts a scalar: " + scalar.tail() : complaint);
        // NULL, with a zero size after it
        const bool sizeNext =
            i + 1 < 5 && (prototype.args[i + 1].kind == ArgKind::ConstSizeOrZero ||
                          prototype.args[i + 1].kind == ArgKind::ConstSize);
        const Load null =
            with(Value{Value::Imm, 0},
                 sizeNext ? std::optional<Value>(Value{Value::Imm, 0}) : std::nullopt);
        const bool acceptsNull = !null.complainsAbout(reg);
        tally.check(acceptsNull == bool(arg.flags & MaybeNull), what + " null",
                    acceptsNull ? "NULL accepted" : null.complaint(reg));
      }

      const auto value = valid(arg);
      if (!value) {
        tally.note(label + " arg" + std::to_string(reg + 1) + "..",
                   "arg" + std::to_string(reg) + " needs a kernel object; walk stops");
        return false;
      }

      if ((arg.kind == ArgKind::Memory || arg.kind == ArgKind::MapValue ||
           arg.kind == ArgKind::MapKey)) {
        const bool sizeNext =
            i + 1 < 5 && (prototype.args[i + 1].kind == ArgKind::ConstSizeOrZero ||
                          prototype.args[i + 1].kind == ArgKind::ConstSize);
        const Load readOnly =
            with(Value{Value::MapValue, ReadOnlyMap},
                 sizeNext ? std::optional<Value>(Value{Value::Imm, 8}) : std::nullopt);
        const bool writes = readOnly.has("write into map forbidden");
        const bool expectWrites = (arg.flags & (Write | Uninit)) != 0;
        tally.check(writes == expectWrites, what + " write",
                    writes ? "writes the memory" : "only reads the memory");
        if (readOnlyMemoryWorks()) {
          const Load constant =
              with(Value{Value::ReadOnlyMemory},
                   sizeNext ? std::optional<Value>(Value{Value::Imm, 4}) : std::nullopt);
          const bool refuses = constant.complaint(reg).find("type=rdonly_mem") == 0;
          tally.check(refuses != bool(arg.flags & ReadOnly), what + " rdonly",
                      refuses ? constant.complaint(reg) : "accepts read-only memory");
        }
      }
      if (arg.flags & FixedSize) {
        // fp-1: the size shows in the stack bounds message
        const Load odd = with(Value{Value::Stack, -1});
        const std::string size = "off=-1 size=" + std::to_string(arg.size);
        tally.check(odd.has(size), what + " size", odd.tail());
        // in bounds but not aligned to the size: refused only with MEM_ALIGNED
        const std::int32_t offset = -std::int32_t(arg.size) - 2;
        const Load misaligned = with(Value{Value::Stack, offset});
        const bool refused = misaligned.has("misaligned");
        tally.check(refused == bool(arg.flags & Aligned), what + " aligned",
                    refused ? "must be aligned" : "may be unaligned");
      }
      prefix[i] = *value;
    }
    return true;
  }

  /// The log's name for R0 after the call (reg_type_str), where the table knows it.
  std::optional<std::string> returnTypeName() const {
    const HelperReturn &r = prototype.returns;
    const bool null = r.flags & ReturnMaybeNull;
    switch (r.kind) {
    case ReturnKind::Integer:
      return "scalar";
    case ReturnKind::MapValue:
      return null ? "map_value_or_null" : "map_value";
    case ReturnKind::Socket:
      return null ? "sock_or_null" : "sock";
    case ReturnKind::SockCommon:
      return null ? "sock_common_or_null" : "sock_common";
    case ReturnKind::TcpSock:
      return null ? "tcp_sock_or_null" : "tcp_sock";
    case ReturnKind::RingbufMemory:
      return "ringbuf_mem_or_null";
    default:
      return std::nullopt;
    }
  }

  void checkReturn() {
    if (!allValid())
      return;
    ProgramBuilder code;
    code.prologue();
    code.arguments(validArguments());
    code.call(prototype.id);
    code.emit(0x71, 1, 0, 0, 0); // r1 = *(u8 *)(r0 + 0)
    code.exitWith(0);
    const Load load = run(code.slots);
    if (prototype.returns.kind == ReturnKind::Void) {
      tally.check(load.has("R0 !read_ok"), label + " return", load.tail());
      return;
    }
    const auto name = returnTypeName();
    if (!name)
      return;
    const std::string complaint = load.complaint(0);
    if (complaint.empty() && !load.accepted()) {
      tally.note(label + " return", "the call itself fails: " + load.tail());
      return;
    }
    tally.check(complaint == "invalid mem access '" + *name + "'", label + " return",
                complaint.empty() ? "R0 dereferenceable" : complaint);
  }

  void checkAcquire() {
    if (!allValid())
      return;
    const Load load = run(callWith(validArguments()));
    const bool leaks = load.has("Unreleased reference");
    if (!leaks && !load.accepted()) {
      tally.note(label + " acquire", "the call itself fails: " + load.tail());
      return;
    }
    tally.check(leaks == prototype.acquiresReference, label + " acquire",
                leaks ? "returns a reference" : "returns no reference");
  }

  /// A program that reaches `if r0 <op> bound goto bad` after the call, bad reading R9.
  bool deadBranch(std::uint8_t jumpOpcode, std::int32_t bound) {
    ProgramBuilder code;
    code.prologue();
    code.arguments(validArguments());
    code.call(prototype.id);
    code.emit(jumpOpcode, 0, 0, 2, bound); // if r0 <op> bound goto +2
    code.exitWith(0);
    code.copy(0, 9); // bad: R9 was never written
    code.emit(0x95, 0, 0, 0, 0);
    const Load load = run(code.slots);
    return load.accepted();
  }

  static std::int32_t lastCpu() {
    std::ifstream possible("/sys/devices/system/cpu/possible");
    std::string text;
    std::getline(possible, text);
    const std::size_t dash = text.rfind('-');
    return std::stoi(dash == std::string::npos ? text : text.substr(dash + 1));
  }

  void checkRange() {
    const HelperReturn &r = prototype.returns;
    if (r.kind != ReturnKind::Integer || !allValid() ||
        (r.bound == ReturnBound::Fixed && !r.minimum && !r.maximum))
      return;
    constexpr std::uint8_t jsgt = 0x65, jslt = 0xc5; // jmp K: if r0 s> imm / if r0 s< imm
    if (r.minimum) {
      const bool proven = deadBranch(jslt, std::int32_t(*r.minimum));
      const bool tight = !deadBranch(jslt, std::int32_t(*r.minimum + 1));
      tally.check(proven && tight, label + " range min",
                  "R0 >= " + std::to_string(*r.minimum) + (proven ? "" : " not proven") +
                      (tight ? "" : ", bound not tight"));
    }
    std::optional<std::int32_t> maximum;
    if (r.bound == ReturnBound::SizeArgument)
      maximum = 8; // the size passed
    else if (r.bound == ReturnBound::LastCpu)
      maximum = lastCpu();
    else if (r.maximum)
      maximum = std::int32_t(*r.maximum);
    if (maximum) {
      const bool proven = deadBranch(jsgt, *maximum);
      const bool tight = !deadBranch(jsgt, *maximum - 1);
      tally.check(proven && tight, label + " range max",
                  "R0 <= " + std::to_string(*maximum) + (proven ? "" : " not proven") +
                      (tight ? "" : ", bound not tight"));
    }
  }
};

/// Where the first program type that may call a helper gets a variant, not the row.
std::optional<Setup> preferredSetup(HelperId id) {
  switch (id) {
  case HelperId::GetCgroupClassid: // socket filters get bpf_get_cgroup_classid_curr_proto
    return Setup{ProgramType::SchedCls, {}};
  default:
    return std::nullopt;
  }
}

std::optional<Setup> findSetup(const HelperPrototype &prototype, Tally &tally) {
  if (auto preferred = preferredSetup(prototype.id))
    return preferred;
  for (const Setup &setup : setups) {
    HelperChecker checker(prototype, "", setup, tally);
    if (checker.available())
      return setup;
  }
  return std::nullopt;
}

/// The program types where a variant applies, for the variants this test can load.
std::optional<Setup> variantSetup(std::string_view kernelName) {
  if (kernelName == "bpf_get_stackid_proto_pe")
    return Setup{ProgramType::PerfEvent, {}};
  if (kernelName == "bpf_get_stack_proto_raw_tp")
    return Setup{ProgramType::RawTracepoint, {}};
  if (kernelName == "bpf_get_cgroup_classid_curr_proto" ||
      kernelName == "bpf_sk_storage_get_cg_sock_proto")
    return Setup{ProgramType::CgroupSock, AttachType::CgroupInetSockCreate};
  if (kernelName == "bpf_get_socket_ptr_cookie_proto")
    return Setup{ProgramType::SkReuseport, {}};
  if (kernelName == "bpf_sk_setsockopt_proto" || kernelName == "bpf_sk_getsockopt_proto")
    return Setup{ProgramType::CgroupSockopt, AttachType::CgroupSetsockopt};
  if (kernelName == "bpf_sk_lookup_assign_proto")
    return Setup{ProgramType::SkLookup, AttachType::SkLookup};
  if (kernelName == "bpf_get_func_ip_proto_kprobe_multi")
    return Setup{ProgramType::Kprobe, AttachType::TraceKprobeMulti};
  if (kernelName == "bpf_get_func_ip_proto_uprobe_multi")
    return Setup{ProgramType::Kprobe, AttachType::TraceUprobeMulti};
  return std::nullopt;
}

/// map_lookup_elem on a SOCKMAP returns a referenced socket (is_acquire_function).
void checkSocketMapLookup(Tally &tally) {
  const HelperPrototype &lookup = *findHelper(HelperId::MapLookupElem);
  Object object;
  object.license = "GPL";
  MapDefinition sockmap;
  sockmap.name = "sockmap";
  sockmap.type = std::uint32_t(MapType::Sockmap);
  sockmap.keySize = 4;
  sockmap.valueSize = 8;
  sockmap.maxEntries = 1;
  object.maps.push_back(sockmap);
  ProgramBuilder code;
  code.prologue();
  code.set(1, Value{Value::Map, 0});
  code.set(2, Value{Value::Stack, -64});
  code.call(HelperId::MapLookupElem);
  code.exitWith(0);
  Program program;
  program.name = "sockmap_lookup";
  program.type = ProgramType::SchedCls;
  program.slots = code.slots;
  const Load load{oracle::loadInKernel(object, program)};
  const bool leaks = load.has("Unreleased reference");
  tally.check(leaks == lookup.acquiresOnSocketMaps, "bpf_map_lookup_elem acquire (sockmap)",
              leaks ? "returns a referenced socket" : load.tail());
}

} // namespace

int main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "-v") == 0 || std::strcmp(argv[i], "--verbose") == 0)
      verbose = true;
  std::string why;
  if (!oracle::kernelAvailable(why)) {
    std::printf("SKIPPED: the kernel oracle is not available: %s\n", why.c_str());
    return ExitSkipped;
  }
  std::vector<std::string> only;
  for (int i = 1; i < argc; ++i)
    if (argv[i][0] != '-')
      only.push_back(argv[i]);
  auto selected = [&](std::string_view name) {
    if (only.empty())
      return true;
    for (const std::string &wanted : only)
      if (name == wanted)
        return true;
    return false;
  };

  // The kfunc that makes read-only memory (see readOnlyMemoryPreamble).
  std::int32_t sliceKfunc = 0;
  if (btf *vmlinux = btf__load_vmlinux_btf()) {
    sliceKfunc = std::max(0, btf__find_by_name_kind(vmlinux, "bpf_dynptr_slice", BTF_KIND_FUNC));
    btf__free(vmlinux);
  }
  if (sliceKfunc == 0)
    std::printf("note: no bpf_dynptr_slice in the kernel's BTF; read-only memory not probed\n");

  Tally tally;
  for (const HelperPrototype &prototype : allHelpers()) {
    if (!selected(prototype.name))
      continue;
    const std::string label(prototype.name);
    const auto setup = findSetup(prototype, tally);
    if (!setup) {
      tally.note(label, "no program type loadable here may call it (tracing, LSM, struct_ops "
                        "or a configuration without it)");
      continue;
    }
    HelperChecker checker(prototype, label, *setup, tally, sliceKfunc);
    if (!checker.checkAll()) {
      // It sleeps: the rest of the checks in a sleepable program that may call it.
      bool done = false;
      for (const Setup &candidate : setups) {
        if (!candidate.sleepable)
          continue;
        HelperChecker sleepable(prototype, label, candidate, tally, sliceKfunc);
        if (sleepable.available()) {
          sleepable.checkAfterSleep();
          done = true;
          break;
        }
      }
      if (!done)
        tally.note(label, "no sleepable program type loadable here may call it");
    }
    const bool takesMemory =
        std::any_of(prototype.args.begin(), prototype.args.end(), [](const HelperArg &arg) {
          return arg.kind == ArgKind::Memory || arg.kind == ArgKind::MapKey ||
                 arg.kind == ArgKind::MapValue;
        });
    if (prototype.args[0].kind == ArgKind::Context || prototype.changesPacketData || takesMemory) {
      bool conclusive = false;
      for (const Setup &candidate : setups) {
        if (!packetFields(candidate.type))
          continue;
        HelperChecker packet(prototype, label, candidate, tally);
        if (packet.available() && packet.checkPacket()) {
          conclusive = true;
          break;
        }
      }
      if (!conclusive && prototype.changesPacketData)
        tally.note(label + " packet", "no packet program could make the call");
    }
  }
  for (const HelperVariant &variant : allHelperVariants()) {
    if (!selected(variant.prototype.name))
      continue;
    const std::string label =
        std::string(variant.prototype.name) + " [" + std::string(variant.kernelName) + "]";
    const auto setup = variantSetup(variant.kernelName);
    if (!setup) {
      tally.note(label, "its program types cannot be loaded or told apart here");
      continue;
    }
    HelperChecker checker(variant.prototype, label, *setup, tally, sliceKfunc);
    if (!checker.available()) {
      tally.check(false, label, describe(*setup) + " cannot call it");
      continue;
    }
    (void)checker.checkAll();
  }
  if (selected("bpf_map_lookup_elem"))
    checkSocketMapLookup(tally);

  std::printf("%u passed, %u failed\n", tally.passed, tally.failed);
  return tally.failed == 0 ? 0 : 1;
}
