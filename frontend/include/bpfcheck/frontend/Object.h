// What the frontend makes of a BPF ELF object: its programs (relocated, with their
// subprograms appended as libbpf does, ready for BPF_PROG_LOAD), its maps (BTF-defined,
// legacy and global data), its licence, and a record of every relocation applied.
#pragma once

#include "bpfcheck/frontend/BtfExt.h"
#include "bpfcheck/ir/Encoding.h"
#include "bpfcheck/ir/Program.h"
#include "bpfcheck/platform/MapValueFields.h"
#include "bpfcheck/platform/Types.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bpfcheck {

/// How a map came into the object.
enum class MapOrigin : std::uint8_t {
  BtfDefined, ///< a variable in `.maps`, described by BTF
  Legacy,     ///< a `struct bpf_map_def` record in the `maps` section
  GlobalData, ///< `.data`, `.rodata*`, `.bss`, `.data.*`: a one-entry array
  StructOps,  ///< a variable in `.struct_ops` / `.struct_ops.link`
  Kconfig,    ///< `.kconfig` externs, filled from the target kernel's configuration
};

enum class PinningMode : std::uint8_t { None = 0, ByName = 1 };

/// One entry of a prog-array or map-in-map initialiser (`.values = { [2] = &prog }`), or a
/// function member of a struct_ops map (`.init = (void *)my_init`).
struct MapSlotInitializer {
  std::uint32_t index = 0; ///< array slot, or member index for struct_ops
  std::string target;      ///< a program name (prog array, struct_ops) or a map name
  std::string member;      ///< struct_ops: the member's name
};

/// A map as the object declares it; `index` in Object::maps is what ImmediateKind::MapIndex
/// refers to.
struct MapDefinition {
  std::string name;
  std::string section;
  MapOrigin origin = MapOrigin::BtfDefined;
  std::uint32_t type = 0; ///< kernel map type value; see MapType
  std::uint32_t keySize = 0;
  std::uint32_t valueSize = 0;
  std::uint32_t maxEntries = 0;
  std::uint32_t flags = 0;
  std::uint32_t numaNode = 0;
  std::uint64_t mapExtra = 0;
  PinningMode pinning = PinningMode::None;
  std::string btfTypeName;       ///< struct_ops: the struct type's name in the object's BTF
  std::uint32_t keyTypeId = 0;   ///< BTF type of the key in the object's BTF, 0 if none
  std::uint32_t valueTypeId = 0; ///< BTF type of the value, 0 if none
  /// For map-in-map types: index in Object::maps of the inner map's template.
  std::optional<std::size_t> innerMap;
  bool isInnerTemplate = false; ///< only describes another map's inner map
  std::vector<MapSlotInitializer> initialSlots;
  /// Initial contents of a global-data map; empty for `.bss` (all zero, valueSize bytes).
  std::vector<std::byte> initialData;
  /// The program may only read it (`.rodata`: BPF_F_RDONLY_PROG, frozen after load).
  bool readOnly = false;
  /// The value's kernel-managed fields (spin lock, timer, kptrs, …), per BTF.
  std::vector<MapValueField> valueFields;
};

/// The kind of a relocation the frontend applied, for `dump` and the tests.
enum class RelocationKind : std::uint8_t {
  MapReference,    ///< ld_imm64 of a map
  GlobalData,      ///< ld_imm64 of an address in a global-data map
  SubprogramCall,  ///< call of a local function
  FunctionAddress, ///< ld_imm64 of a function (callback)
  KfuncCall,       ///< call of a kernel function resolved against the target BTF
  Kconfig,         ///< ld_imm64 of a `.kconfig` extern
  KernelVariable,  ///< ld_imm64 of a typed `__ksym` variable (its BTF id)
  CoRe,            ///< a CO-RE relocation from .BTF.ext
};

std::string_view nameOf(RelocationKind kind);

/// One relocation applied to a program, at a program instruction index.
struct AppliedRelocation {
  RelocationKind kind;
  std::uint32_t pc = 0; ///< slot in the program's code
  std::string symbol;   ///< the map, function, extern or CO-RE access it resolved to
  std::string detail;   ///< e.g. "field byte offset 16 -> 24"
};

/// How a global function takes one argument, from its BTF prototype (the kernel's
/// btf_prepare_func_args): the kernel verifies global functions on their own, assuming only
/// what the prototype says.
enum class GlobalArgumentKind : std::uint8_t {
  Scalar,       ///< an integer or enum
  Context,      ///< a pointer to the program's context (`__arg_ctx`, or its uapi struct)
  Memory,       ///< a pointer to `size` bytes, NULL unless `__arg_nonnull`
  KernelObject, ///< `__arg_trusted`: a trusted pointer to the kernel struct `structName`
  Unsupported,  ///< anything else: the kernel refuses the program (`reason` says why)
};

struct GlobalArgument {
  GlobalArgumentKind kind = GlobalArgumentKind::Scalar;
  std::uint32_t size = 0; ///< Memory: bytes
  bool nonNull = false;   ///< Memory: `__arg_nonnull`; KernelObject: not `__arg_nullable`
  std::string structName; ///< KernelObject: the kernel struct, without a CO-RE flavour
  std::string reason;     ///< Unsupported: why
};

/// A global (non-static) subprogram of a program.
struct GlobalFunction {
  std::string name;
  std::uint32_t pc = 0; ///< entry slot in the program's code
  std::vector<GlobalArgument> arguments;
  bool returnsVoid = false;
};

/// Whether a function's BTF prototype returns a scalar (an int of at most 8 bytes, or an
/// enum): the kernel allows LD_ABS, LD_IND and tail calls only in subprograms that do.
struct FunctionReturn {
  std::uint32_t pc = 0; ///< entry slot in the program's code
  bool scalar = false;
};

/// A program ready to load: relocated code, decoded into the IR, with its type.
struct Program {
  std::string name;    ///< the function symbol's name
  std::string section; ///< the ELF section it came from
  ProgramType type = ProgramType::Unspec;
  std::optional<AttachType> expectedAttachType;
  /// For tracing, LSM, iterator and struct_ops programs: the kernel function, hook,
  /// iterator or struct member the section names (`fentry/do_unlinkat` → "do_unlinkat").
  std::string attachTarget;
  bool sleepable = false;
  /// False for sections named `?...`: libbpf does not load the program unless asked.
  bool autoload = true;
  /// Why the program's code is malformed (a jump out of range, a bad register, a bad
  /// relocation…), with the instruction; empty when it is well formed. A malformed
  /// program is kept, with no code, so that the rest of the object stays usable and the
  /// verifier can reject just this program with this message.
  std::string malformed;
  /// For struct_ops programs: the kernel struct (without a `___flavour` suffix) and the
  /// member that a `.struct_ops` map assigns this program to; empty if none does.
  std::string structOpsType;
  std::string structOpsMember;
  /// Slots exactly as BPF_PROG_LOAD would receive them; ld_imm64 of maps use
  /// ImmediateKind::MapIndex with the index into Object::maps.
  std::vector<encoding::RawInstruction> slots;
  ProgramCode code; ///< `slots` decoded: instructions, functions, CFG, source locations
  std::vector<std::size_t> mapsUsed; ///< indices into Object::maps, in first-use order
  std::vector<AppliedRelocation> relocations;
  /// BTF function and line records for BPF_PROG_LOAD (`func_info`, `line_info`), their
  /// offsets in slots of `slots`, their ids and strings in Object::btf.
  std::vector<FuncInfoRecord> funcInfo;
  std::vector<LineInfoRecord> lineInfo;
  /// The subprograms with global linkage (BTF), which the kernel verifies on their own.
  std::vector<GlobalFunction> globalFunctions;
  /// What each function with a BTF record (func_info) returns; empty without BTF.
  std::vector<FunctionReturn> functionReturns;
};

/// A whole object file.
struct Object {
  std::string path;
  std::string license;
  std::optional<std::uint32_t> kernelVersion;
  std::vector<MapDefinition> maps;
  std::vector<Program> programs;
  /// The object's BTF, if any, finalised as libbpf does before handing it to the kernel:
  /// every DATASEC's size and variable offsets filled in from the ELF sections and symbols.
  std::vector<std::byte> btf;
  /// Non-fatal observations: sections that hold no known program kind, and the like.
  std::vector<std::string> warnings;

  const Program *findProgram(std::string_view name) const;
  std::optional<std::size_t> findMap(std::string_view name) const;
};

} // namespace bpfcheck
