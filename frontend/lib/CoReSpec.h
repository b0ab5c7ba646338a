// Internal to the frontend: the access specification of a CO-RE relocation (the parsed
// access string walked through the local BTF, and its counterpart in a target BTF), the
// search for target candidates, and libbpf's three relations between a local and a target
// type (field compatibility, type compatibility, type match). CoRe.cpp turns matched specs
// into values and patches instructions.
#pragma once

#include "bpfcheck/frontend/BtfExt.h"
#include "bpfcheck/ir/Expected.h"

#include <bpf/btf.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bpfcheck::core {

/// libbpf's limit on the low-level access path (BPF_CORE_SPEC_MAX_LEN).
inline constexpr std::size_t MaxAccessLength = 64;

bool isFieldKind(CoReKind kind);
bool isTypeKind(CoReKind kind);
bool isEnumValueKind(CoReKind kind);

/// The type `id` with const/volatile/restrict/type_tag modifiers and typedefs skipped;
/// `resolvedId` receives the id of the returned type. Null for a bad id or a cycle.
const btf_type *skipModifiersAndTypedefs(const btf &types, std::uint32_t id,
                                         std::uint32_t *resolvedId = nullptr);

/// The name at `offset`, "" when absent.
std::string_view nameAt(const btf &types, std::uint32_t offset);

/// The name without its flavour: "task_struct___old" -> "task_struct". A flavour starts at
/// the last "___" that has a non-underscore character on both sides.
std::string_view essentialName(std::string_view name);

/// One semantically meaningful step of an access path: a named member of a struct or union
/// (`typeId` is the composite, `index` the member), an array element (`typeId` is the
/// element type, `name` empty), or an enumerator (`typeId` is the enum).
struct Accessor {
  std::uint32_t typeId = 0;
  std::uint32_t index = 0;
  std::string_view name; ///< empty for an array element
};

/// A relocation's access path resolved in one BTF (libbpf's `bpf_core_spec`).
struct AccessSpec {
  const btf *types = nullptr;
  CoReKind kind = CoReKind::FieldByteOffset;
  std::uint32_t rootTypeId = 0; ///< as in the record (or the candidate): typedefs not skipped
  /// High-level steps only: named members and array indices (anonymous members skipped).
  std::vector<Accessor> accessors;
  /// Every index, including those that step into anonymous members.
  std::vector<std::uint32_t> rawIndices;
  std::uint64_t bitOffset = 0;
};

/// Parses `accessString` ("0:1:2") for `record` against the local BTF. Errors say why the
/// string is malformed or does not fit the types (no "CO-RE relocation" prefix: the caller
/// adds the context).
Expected<AccessSpec> parseAccessSpec(const btf &local, const CoReRecord &record,
                                     std::string_view accessString);

/// Target types that may correspond to the local type `localId`: same kind (enum and enum64
/// count as one) and same essential name, in id order.
std::vector<std::uint32_t> findCandidates(const btf &local, std::uint32_t localId,
                                          const btf &target);

/// Matches `local` against the target candidate `targetId`, filling `matched` (libbpf's
/// `bpf_core_spec_match`): fields and enumerators by name, type relocations by
/// `typesMatch` or `typesAreCompatible`. True when the candidate fits, false when it does
/// not; errors for malformed BTF or an over-long path.
Expected<bool> matchSpec(const AccessSpec &local, const btf &target, std::uint32_t targetId,
                         AccessSpec &matched);

/// libbpf's `bpf_core_fields_are_compat`: may a field of type `localId` be relocated to a
/// field of type `targetId`? Errors for bad type ids.
Expected<bool> fieldsAreCompatible(const btf &local, std::uint32_t localId, const btf &target,
                                   std::uint32_t targetId);

/// libbpf's `bpf_core_types_are_compat` (TYPE_EXISTS, TYPE_SIZE, TYPE_ID_TARGET).
Expected<bool> typesAreCompatible(const btf &local, std::uint32_t localId, const btf &target,
                                  std::uint32_t targetId);

/// libbpf's `bpf_core_types_match` (TYPE_MATCHES): stricter, member by member.
Expected<bool> typesMatch(const btf &local, std::uint32_t localId, const btf &target,
                          std::uint32_t targetId);

} // namespace bpfcheck::core
