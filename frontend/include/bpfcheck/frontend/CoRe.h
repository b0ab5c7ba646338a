// CO-RE (compile once, run everywhere): resolving a `.BTF.ext` CO-RE relocation against a
// target kernel's BTF and patching the instruction it describes, with libbpf's semantics
// (relo_core.c): candidates are the target types with the local type's kind and essential
// name (`task_struct___old` -> `task_struct`), fields are found by name, enumerators by
// essential name, and several candidates must agree.
#pragma once

#include "bpfcheck/frontend/BtfExt.h"
#include "bpfcheck/ir/Encoding.h"
#include "bpfcheck/ir/Expected.h"

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

struct btf; // libbpf

namespace bpfcheck {

/// The result of resolving one CO-RE relocation.
struct CoReResolution {
  /// False when the target has no matching field or enumerator for a relocation that needs
  /// one (field offset/size/signedness/shifts, enumerator value): libbpf then "poisons" the
  /// instruction (an invalid helper call the kernel rejects only if it is reachable). The
  /// *Exists kinds, the type kinds (value 0 when the type is missing) and TypeIdLocal are
  /// always satisfied.
  bool satisfied = true;
  std::uint64_t localValue = 0;  ///< the value the compiler put in (from the local BTF)
  std::uint64_t targetValue = 0; ///< the value for the target kernel
  /// Whether patchCoRe checks that the instruction holds `localValue`. libbpf skips the check
  /// for type ids (they change when objects are linked) and for a bitfield's offset, size
  /// and left shift (the compiler may pick a different load unit).
  bool checkLocalValue = true;
  /// For field byte offsets of non-bitfields (the fields that loads and stores access): the
  /// local and target field sizes in bytes, 0 when not applicable. When they differ, the
  /// load or store width is changed to the target size, as libbpf does.
  std::uint32_t localFieldSize = 0;
  std::uint32_t targetFieldSize = 0;
  /// The field sizes differ and the field is neither a pointer nor an unsigned integer on
  /// both sides, so a load or store of it cannot simply change width (a signed value would
  /// lose its sign extension): patchCoRe poisons memory instructions, as libbpf does.
  bool unsafeSizeChange = false;
  /// The matched target type (the candidate's id), 0 when none matched.
  std::uint32_t targetTypeId = 0;
  /// Human-readable: "struct task_struct.pid (0:18) byte offset 1240 -> 2456".
  std::string description;
};

/// The helper id libbpf writes into a poisoned instruction (`call 0xbad2310`).
inline constexpr std::int32_t CoRePoisonHelperId = 0xbad2310;

/// Resolves `record` (whose access string is `accessString`) from the object's BTF
/// `local` to the target kernel's BTF `target`, considering every target candidate. Errors
/// name the relocation and why (bad type id, malformed access string, ambiguous
/// candidates, …).
Expected<CoReResolution> resolveCoRe(const btf &local, const btf &target, const CoReRecord &record,
                                     const std::string &accessString);

/// libbpf relocates an object's records in `.BTF.ext` order and, per local type, keeps only
/// the target candidates that matched the last relocation of that type which matched any:
/// a candidate that lacks one field the program reads is no longer considered for the
/// others, so a later relocation may find one candidate where a fresh search would find
/// two (and call it ambiguous). Pass one cache to every resolveCoRe of one object against
/// one target, in `.BTF.ext` order, to get libbpf's results exactly.
struct CoReCandidateCache {
  std::map<std::uint32_t, std::vector<std::uint32_t>> candidates; ///< local id -> target ids
};
Expected<CoReResolution> resolveCoRe(const btf &local, const btf &target, const CoReRecord &record,
                                     const std::string &accessString, CoReCandidateCache &cache);

/// Patches the instruction at slot `index` of `code` (and its second slot for a 64-bit
/// immediate load) with the resolution, as libbpf does:
///  - ALU/ALU64 with an immediate operand: the immediate;
///  - LDX, ST, STX: the offset, and the access width when the field's size changed;
///  - a 64-bit immediate load (`lddw`, source register 0): both halves of the immediate.
/// An unsatisfied relocation poisons the instruction: it becomes `call 0xbad2310`; for a
/// 64-bit immediate load both slots are poisoned (libbpf does so to avoid the kernel's
/// confusing "unknown opcode 00" on the second slot). Errors when the instruction's class
/// cannot be relocated or its form is unexpected, when it does not hold the local value,
/// or when the target value does not fit (16-bit offset; 32-bit immediate as the
/// instruction extends it — libbpf silently truncates the immediate instead).
Expected<bool> patchCoRe(std::span<encoding::RawInstruction> code, std::size_t index,
                         const CoReRecord &record, const CoReResolution &resolution);

} // namespace bpfcheck
