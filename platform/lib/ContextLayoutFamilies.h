// Internal to the platform library: each family of program types keeps its context layouts
// in its own file; ContextLayouts.cpp gathers them.
#pragma once

#include "bpfcheck/platform/ContextLayout.h"

#include <span>

namespace bpfcheck::detail {

/// A layout, for every attach type of `type`, of a uapi struct that vmlinux BTF describes.
constexpr ContextLayout structLayout(ProgramType type, std::string_view structName,
                                     std::uint32_t size, std::span<const ContextField> fields,
                                     std::string_view rule,
                                     std::span<const LeftOutMember> leftOut = {}) {
  return {type, 0, LayoutKind::Fields, structName, true, size, fields, leftOut, rule};
}

/// A fixed layout of something that is no BTF struct (a tracepoint record, a buffer).
constexpr ContextLayout bufferLayout(ProgramType type, std::string_view description,
                                     std::uint32_t size, std::span<const ContextField> fields,
                                     std::string_view rule) {
  return {type, 0, LayoutKind::Fields, description, false, size, fields, {}, rule};
}

/// u64 argument slots whose count and types come from the attach target's BTF.
constexpr ContextLayout btfArgumentsLayout(ProgramType type, std::string_view rule) {
  return {type, 0, LayoutKind::BtfArguments, "(u64 args, count from BTF)", false, 96, {}, {}, rule};
}

/// __sk_buff: socket_filter, sched_cls/act, cgroup_skb, lwt_*, sk_skb, flow_dissector.
std::span<const ContextLayout> skbContextLayouts();
/// bpf_sock, bpf_sock_addr, bpf_sock_ops, sk_msg_md, sk_reuseport_md, bpf_sk_lookup,
/// bpf_sockopt.
std::span<const ContextLayout> socketContextLayouts();
/// pt_regs, tracepoint records, raw tracepoint args, bpf_perf_event_data, and the BTF-typed
/// contexts of tracing, LSM, struct_ops and freplace programs.
std::span<const ContextLayout> tracingContextLayouts();
/// The structs behind pointers that context loads yield (bpf_sock, bpf_flow_keys).
std::span<const ContextLayout> pointeeContextLayouts();

} // namespace bpfcheck::detail
