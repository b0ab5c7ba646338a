// The kernel-managed fields of map values (Linux 6.18 btf_parse_fields, btf_field_type_name
// and check_map_prog_compatibility). Sizes are those of the structs in the kernel's BTF.
#include "bpfcheck/platform/MapValueFields.h"

#include <array>

namespace bpfcheck {
namespace {

using K = MapValueFieldKind;

constexpr std::array<MapValueFieldRule, 13> rules{{
    {K::SpinLock, "bpf_spin_lock", 4, 4, "bpf_spin_lock"},
    {K::ResSpinLock, "bpf_res_spin_lock", 4, 4, "bpf_res_spin_lock"},
    {K::Timer, "bpf_timer", 16, 8, "bpf_timer"},
    {K::Workqueue, "bpf_wq", 16, 8, "bpf_wq"},
    {K::TaskWork, "bpf_task_work", 8, 8, "bpf_task_work"},
    {K::KptrUntrusted, "kptr_untrusted", 8, 8, "kptr"},
    {K::KptrReferenced, "kptr", 8, 8, "kptr"},
    {K::KptrPercpu, "percpu_kptr", 8, 8, "percpu_kptr"},
    {K::ListHead, "bpf_list_head", 16, 8, "bpf_list_head"},
    {K::ListNode, "bpf_list_node", 24, 8, "bpf_list_node"},
    {K::RbRoot, "bpf_rb_root", 16, 8, "bpf_rb_root"},
    {K::RbNode, "bpf_rb_node", 32, 8, "bpf_rb_node"},
    {K::Refcount, "bpf_refcount", 4, 4, "bpf_refcount"},
}};

/// Fields a tracing program (or a socket filter) may not use, in the order the kernel
/// checks them, and what it says.
struct ProgramRestriction {
  MapValueFieldKind kind;
  bool tracing;      ///< kprobe, tracepoint, perf_event, raw tracepoints
  bool socketFilter; ///< socket filters
  std::string_view message;
};

constexpr std::array<ProgramRestriction, 7> restrictions{{
    {K::ListHead, true, false, "tracing progs cannot use bpf_list_head yet"},
    {K::RbRoot, true, false, "tracing progs cannot use bpf_rb_root yet"},
    {K::SpinLock, false, true, "socket filter progs cannot use bpf_spin_lock yet"},
    {K::ResSpinLock, false, true, "socket filter progs cannot use bpf_spin_lock yet"},
    {K::SpinLock, true, false, "tracing progs cannot use bpf_spin_lock yet"},
    {K::Timer, true, false, "tracing progs cannot use bpf_timer yet"},
    {K::Workqueue, true, false, "tracing progs cannot use bpf_wq yet"},
}};

/// The structs freed only after an RCU grace period (the kernel's rcu_protected_types).
constexpr std::string_view rcuProtectedStructs[] = {"cgroup", "css_set", "task_struct",
                                                    "bpf_cpumask"};

/// kprobe, tracepoint, perf_event and raw tracepoint programs (is_tracing_prog_type).
bool isTracingProgramType(ProgramType type) {
  return type == ProgramType::Kprobe || type == ProgramType::Tracepoint ||
         type == ProgramType::PerfEvent || type == ProgramType::RawTracepoint ||
         type == ProgramType::RawTracepointWritable;
}

} // namespace

const MapValueFieldRule &ruleOf(MapValueFieldKind kind) {
  for (const MapValueFieldRule &rule : rules)
    if (rule.kind == kind)
      return rule;
  return rules.front();
}

std::optional<MapValueFieldKind> fieldKindOfStruct(std::string_view name) {
  for (const MapValueFieldRule &rule : rules)
    if (!isKptr(rule.kind) && rule.marker == name)
      return rule.kind;
  return std::nullopt;
}

std::optional<MapValueFieldKind> kptrKindOfTag(std::string_view tag) {
  for (const MapValueFieldRule &rule : rules)
    if (isKptr(rule.kind) && rule.marker == tag)
      return rule.kind;
  return std::nullopt;
}

bool isKptr(MapValueFieldKind kind) {
  return kind == K::KptrUntrusted || kind == K::KptrReferenced || kind == K::KptrPercpu;
}

const MapValueField *findField(std::span<const MapValueField> fields, MapValueFieldKind kind) {
  for (const MapValueField &field : fields)
    if (field.kind == kind)
      return &field;
  return nullptr;
}

const MapValueField *overlappingField(std::span<const MapValueField> fields, std::int64_t first,
                                      std::int64_t last) {
  for (const MapValueField &field : fields) {
    const std::int64_t start = field.offset;
    const std::int64_t end = start + ruleOf(field.kind).size; // one past
    if (first < end && start <= last)
      return &field;
  }
  return nullptr;
}

bool isRcuProtectedStruct(std::string_view structName) {
  for (std::string_view name : rcuProtectedStructs)
    if (name == structName)
      return true;
  return false;
}

std::optional<std::string> checkMapFieldsUsableBy(std::span<const MapValueField> fields,
                                                  ProgramType program) {
  const bool tracing = isTracingProgramType(program);
  const bool socketFilter = program == ProgramType::SocketFilter;
  for (const ProgramRestriction &restriction : restrictions) {
    const bool applies =
        (restriction.tracing && tracing) || (restriction.socketFilter && socketFilter);
    if (applies && findField(fields, restriction.kind))
      return std::string(restriction.message);
  }
  return std::nullopt;
}

} // namespace bpfcheck
