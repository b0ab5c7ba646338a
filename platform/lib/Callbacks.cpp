// Rows for Callbacks.h: set_loop_callback_state, set_map_elem_callback_state,
// set_find_vma_callback_state, set_user_ringbuf_callback_state and
// set_timer_callback_state in kernel/bpf/verifier.c of Linux 6.18.

#include "bpfcheck/platform/Callbacks.h"

namespace bpfcheck {

namespace {

using Kind = CallbackArgKind;

constexpr CallbackConvention conventions[] = {
    // bpf_loop(nr_loops, callback_fn, callback_ctx, flags): callback(u64 index, void *ctx),
    // called at most nr_loops times (check_helper_call: callback_depth < umax of R1)
    {HelperId::Loop, 2, 0, {{{Kind::Scalar}, {Kind::CallerArg, 3}}}, 0, 1, 1},
    // bpf_for_each_map_elem(map, callback_fn, callback_ctx, flags):
    // callback(map, key, value, ctx)
    {HelperId::ForEachMapElem,
     2,
     1,
     {{{Kind::MapPointer}, {Kind::MapKey}, {Kind::MapValue}, {Kind::CallerArg, 3}}},
     0,
     1},
    // bpf_find_vma(task, addr, callback_fn, callback_ctx, flags):
    // callback(task, vma, ctx)
    {HelperId::FindVma,
     3,
     0,
     {{{Kind::BtfObject, 0, "task_struct"},
       {Kind::BtfObject, 0, "vm_area_struct"},
       {Kind::CallerArg, 4}}},
     0,
     1},
    // bpf_user_ringbuf_drain(map, callback_fn, callback_ctx, flags): callback(dynptr, ctx)
    {HelperId::UserRingbufDrain, 2, 1, {{{Kind::Unsupported}, {Kind::CallerArg, 3}}}, 0, 1},
    // bpf_timer_set_callback(timer, callback_fn): callback(map, key, value), asynchronous
    {HelperId::TimerSetCallback,
     2,
     0,
     {{{Kind::MapPointer}, {Kind::MapKey}, {Kind::MapValue}}},
     0,
     0},
};

} // namespace

const CallbackConvention *findCallbackConvention(HelperId helper) {
  for (const CallbackConvention &convention : conventions)
    if (convention.helper == helper)
      return &convention;
  return nullptr;
}

std::span<const CallbackConvention> allCallbackConventions() {
  return conventions;
}

} // namespace bpfcheck
