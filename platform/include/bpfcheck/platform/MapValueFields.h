// The fields of a map value that the kernel manages itself (its `btf_record`): locks,
// timers, kernel pointers (kptrs), graph roots, found by their BTF type when the map is
// created. Programs reach them only through the helpers and kfuncs made for them. The kinds'
// facts (type names, sizes, what the kernel calls them) are rows in lib/MapValueFields.cpp.
#pragma once

#include "bpfcheck/platform/Types.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bpfcheck {

enum class MapValueFieldKind : std::uint8_t {
  SpinLock,       ///< struct bpf_spin_lock
  ResSpinLock,    ///< struct bpf_res_spin_lock
  Timer,          ///< struct bpf_timer
  Workqueue,      ///< struct bpf_wq
  TaskWork,       ///< struct bpf_task_work
  KptrUntrusted,  ///< `T __kptr_untrusted *`: a plain pointer, loaded untrusted
  KptrReferenced, ///< `T __kptr *`: holds a reference, moved with bpf_kptr_xchg
  KptrPercpu,     ///< `T __percpu_kptr *`: a referenced per-CPU allocation
  ListHead,       ///< struct bpf_list_head
  ListNode,       ///< struct bpf_list_node
  RbRoot,         ///< struct bpf_rb_root
  RbNode,         ///< struct bpf_rb_node
  Refcount,       ///< struct bpf_refcount
};

/// What the kernel knows of one kind of field.
struct MapValueFieldRule {
  MapValueFieldKind kind;
  /// The struct name that marks the field, or for kptrs the BTF type tag on the pointee.
  std::string_view marker;
  std::uint32_t size;
  std::uint32_t alignment;
  /// How the kernel's messages name the field (`btf_field_type_name`).
  std::string_view kernelName;
};

/// One such field of a map value.
struct MapValueField {
  MapValueFieldKind kind = MapValueFieldKind::SpinLock;
  std::uint32_t offset = 0; ///< bytes from the start of the value
  /// Kptrs: the struct the pointer points to (its name; the kernel looks it up by name in
  /// its own BTF, or in the program's for objects the program allocates).
  std::string pointee;
  friend bool operator==(const MapValueField &, const MapValueField &) = default;
};

const MapValueFieldRule &ruleOf(MapValueFieldKind kind);
/// The kind a struct named `name` marks (bpf_spin_lock, bpf_timer, …), if any.
std::optional<MapValueFieldKind> fieldKindOfStruct(std::string_view name);
/// The kptr kind a BTF type tag marks ("kptr", "kptr_untrusted", "percpu_kptr"), if any.
std::optional<MapValueFieldKind> kptrKindOfTag(std::string_view tag);
bool isKptr(MapValueFieldKind kind);

/// The field of `kind` in `fields`, or null.
const MapValueField *findField(std::span<const MapValueField> fields, MapValueFieldKind kind);
/// The field that bytes [first, last] overlap, or null.
const MapValueField *overlappingField(std::span<const MapValueField> fields, std::int64_t first,
                                      std::int64_t last);

/// Whether the kernel frees objects of this struct only after an RCU grace period, so that
/// a referenced kptr to one may be read as an RCU pointer (rcu_protected_object).
bool isRcuProtectedStruct(std::string_view structName);

/// Why a program of this type may not use a map whose value holds these fields (the
/// field part of the kernel's check_map_prog_compatibility: timers and locks in tracing
/// programs, locks in socket filters), or nothing. MapTypeRules' checkMapUseInProgram
/// applies it with the map type's own rules.
std::optional<std::string> checkMapFieldsUsableBy(std::span<const MapValueField> fields,
                                                  ProgramType program);

} // namespace bpfcheck
