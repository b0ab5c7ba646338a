// Finding the kernel-managed fields of a map value in the object's BTF, as the kernel's
// btf_parse_fields does when the map is created: members whose struct is bpf_spin_lock,
// bpf_timer, …, pointers tagged `kptr` / `kptr_untrusted` / `percpu_kptr`, also inside
// nested structs and arrays, and the variables of a global-data section.
#pragma once

#include "bpfcheck/platform/MapValueFields.h"

#include <cstdint>
#include <vector>

struct btf;

namespace bpfcheck {

/// The special fields of the value type `valueTypeId` (a struct, a data section, or
/// anything else, which has none), by increasing offset.
std::vector<MapValueField> findMapValueFields(const btf &types, std::uint32_t valueTypeId);

} // namespace bpfcheck
