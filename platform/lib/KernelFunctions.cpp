// Rows for KernelFunctions.h: the kfuncs of Linux 6.18's generic, common, cpumask and key
// kfunc sets with their BTF_ID_FLAGS, the program types each set is registered for, and the
// kernel struct behind each program type's context. Checked against the running kernel by
// tests/platform/KernelFunctionsKernelTest.cpp.

#include "bpfcheck/platform/KernelFunctions.h"

#include <algorithm>
#include <array>

namespace bpfcheck {

namespace {

using Set = KernelFunctionSet;
using Model = KernelFunctionModel;

constexpr std::uint32_t iterNew = KfIterNew, iterNext = KfIterNext | KfReturnsNull,
                        iterDestroy = KfIterDestroy;

constexpr KernelFunctionRule kernelFunctionRows[] = {
    // generic_kfunc_set (kernel/bpf/helpers.c)
    {"crash_kexec", Set::Generic, KfDestructive},
    {"bpf_obj_new_impl", Set::Generic, KfAcquire | KfReturnsNull, Model::GraphObject},
    {"bpf_percpu_obj_new_impl", Set::Generic, KfAcquire | KfReturnsNull, Model::GraphObject},
    {"bpf_obj_drop_impl", Set::Generic, KfRelease, Model::GraphObject},
    {"bpf_percpu_obj_drop_impl", Set::Generic, KfRelease, Model::GraphObject},
    {"bpf_refcount_acquire_impl", Set::Generic, KfAcquire | KfReturnsNull | KfRcu,
     Model::GraphObject},
    {"bpf_list_push_front_impl", Set::Generic, 0, Model::GraphObject},
    {"bpf_list_push_back_impl", Set::Generic, 0, Model::GraphObject},
    {"bpf_list_pop_front", Set::Generic, KfAcquire | KfReturnsNull, Model::GraphObject},
    {"bpf_list_pop_back", Set::Generic, KfAcquire | KfReturnsNull, Model::GraphObject},
    {"bpf_list_front", Set::Generic, KfReturnsNull, Model::GraphObject},
    {"bpf_list_back", Set::Generic, KfReturnsNull, Model::GraphObject},
    {"bpf_task_acquire", Set::Generic, KfAcquire | KfRcu | KfReturnsNull},
    {"bpf_task_release", Set::Generic, KfRelease},
    {"bpf_rbtree_remove", Set::Generic, KfAcquire | KfReturnsNull, Model::GraphObject},
    {"bpf_rbtree_add_impl", Set::Generic, 0, Model::GraphObject},
    {"bpf_rbtree_first", Set::Generic, KfReturnsNull, Model::GraphObject},
    {"bpf_rbtree_root", Set::Generic, KfReturnsNull, Model::GraphObject},
    {"bpf_rbtree_left", Set::Generic, KfReturnsNull, Model::GraphObject},
    {"bpf_rbtree_right", Set::Generic, KfReturnsNull, Model::GraphObject},
    {"bpf_cgroup_acquire", Set::Generic, KfAcquire | KfRcu | KfReturnsNull},
    {"bpf_cgroup_release", Set::Generic, KfRelease},
    {"bpf_cgroup_ancestor", Set::Generic, KfAcquire | KfRcu | KfReturnsNull},
    {"bpf_cgroup_from_id", Set::Generic, KfAcquire | KfReturnsNull},
    {"bpf_task_under_cgroup", Set::Generic, KfRcu},
    {"bpf_task_get_cgroup1", Set::Generic, KfAcquire | KfRcu | KfReturnsNull},
    {"bpf_task_from_pid", Set::Generic, KfAcquire | KfReturnsNull},
    {"bpf_task_from_vpid", Set::Generic, KfAcquire | KfReturnsNull},
    {"bpf_throw", Set::Generic, 0, Model::ExecutionState},
    {"bpf_send_signal_task", Set::Generic, KfTrustedArgs},
    // common_kfunc_set (kernel/bpf/helpers.c)
    {"bpf_cast_to_kern_ctx", Set::Common, KfFastCall, Model::CastToKernelContext},
    {"bpf_rdonly_cast", Set::Common, KfFastCall, Model::ReadOnlyCast},
    {"bpf_rcu_read_lock", Set::Common, 0, Model::ExecutionState},
    {"bpf_rcu_read_unlock", Set::Common, 0, Model::ExecutionState},
    {"bpf_dynptr_slice", Set::Common, KfReturnsNull, Model::Dynptr},
    {"bpf_dynptr_slice_rdwr", Set::Common, KfReturnsNull, Model::Dynptr},
    {"bpf_iter_num_new", Set::Common, iterNew, Model::Iterator},
    {"bpf_iter_num_next", Set::Common, iterNext, Model::Iterator},
    {"bpf_iter_num_destroy", Set::Common, iterDestroy, Model::Iterator},
    {"bpf_iter_task_vma_new", Set::Common, iterNew | KfRcu, Model::Iterator},
    {"bpf_iter_task_vma_next", Set::Common, iterNext, Model::Iterator},
    {"bpf_iter_task_vma_destroy", Set::Common, iterDestroy, Model::Iterator},
    {"bpf_iter_css_task_new", Set::Common, iterNew | KfTrustedArgs, Model::Iterator},
    {"bpf_iter_css_task_next", Set::Common, iterNext, Model::Iterator},
    {"bpf_iter_css_task_destroy", Set::Common, iterDestroy, Model::Iterator},
    {"bpf_iter_css_new", Set::Common, iterNew | KfTrustedArgs | KfRcuProtected, Model::Iterator},
    {"bpf_iter_css_next", Set::Common, iterNext, Model::Iterator},
    {"bpf_iter_css_destroy", Set::Common, iterDestroy, Model::Iterator},
    {"bpf_iter_task_new", Set::Common, iterNew | KfTrustedArgs | KfRcuProtected, Model::Iterator},
    {"bpf_iter_task_next", Set::Common, iterNext, Model::Iterator},
    {"bpf_iter_task_destroy", Set::Common, iterDestroy, Model::Iterator},
    {"bpf_dynptr_adjust", Set::Common, 0, Model::Dynptr},
    {"bpf_dynptr_is_null", Set::Common, 0, Model::Dynptr},
    {"bpf_dynptr_is_rdonly", Set::Common, 0, Model::Dynptr},
    {"bpf_dynptr_size", Set::Common, 0, Model::Dynptr},
    {"bpf_dynptr_clone", Set::Common, 0, Model::Dynptr},
    {"bpf_dynptr_copy", Set::Common, 0, Model::Dynptr},
    {"bpf_dynptr_memset", Set::Common, 0, Model::Dynptr},
    {"bpf_wq_init", Set::Common, 0, Model::AsynchronousCallback},
    {"bpf_wq_set_callback_impl", Set::Common, 0, Model::AsynchronousCallback},
    {"bpf_wq_start", Set::Common, 0, Model::AsynchronousCallback},
    {"bpf_preempt_disable", Set::Common, 0, Model::ExecutionState},
    {"bpf_preempt_enable", Set::Common, 0, Model::ExecutionState},
    {"bpf_iter_bits_new", Set::Common, iterNew, Model::Iterator},
    {"bpf_iter_bits_next", Set::Common, iterNext, Model::Iterator},
    {"bpf_iter_bits_destroy", Set::Common, iterDestroy, Model::Iterator},
    {"bpf_copy_from_user_str", Set::Common, KfSleepable, Model::StringMemory},
    {"bpf_copy_from_user_task_str", Set::Common, KfSleepable, Model::StringMemory},
    {"bpf_get_kmem_cache", Set::Common, 0, Model::StringMemory},
    {"bpf_iter_kmem_cache_new", Set::Common, iterNew | KfSleepable, Model::Iterator},
    {"bpf_iter_kmem_cache_next", Set::Common, iterNext | KfSleepable, Model::Iterator},
    {"bpf_iter_kmem_cache_destroy", Set::Common, iterDestroy | KfSleepable, Model::Iterator},
    {"bpf_local_irq_save", Set::Common, 0, Model::ExecutionState},
    {"bpf_local_irq_restore", Set::Common, 0, Model::ExecutionState},
    {"bpf_probe_read_user_dynptr", Set::Common, 0, Model::Dynptr},
    {"bpf_probe_read_kernel_dynptr", Set::Common, 0, Model::Dynptr},
    {"bpf_probe_read_user_str_dynptr", Set::Common, 0, Model::Dynptr},
    {"bpf_probe_read_kernel_str_dynptr", Set::Common, 0, Model::Dynptr},
    {"bpf_copy_from_user_dynptr", Set::Common, KfSleepable, Model::Dynptr},
    {"bpf_copy_from_user_str_dynptr", Set::Common, KfSleepable, Model::Dynptr},
    {"bpf_copy_from_user_task_dynptr", Set::Common, KfSleepable | KfTrustedArgs, Model::Dynptr},
    {"bpf_copy_from_user_task_str_dynptr", Set::Common, KfSleepable | KfTrustedArgs, Model::Dynptr},
    {"bpf_iter_dmabuf_new", Set::Common, iterNew | KfSleepable, Model::Iterator},
    {"bpf_iter_dmabuf_next", Set::Common, iterNext | KfSleepable, Model::Iterator},
    {"bpf_iter_dmabuf_destroy", Set::Common, iterDestroy | KfSleepable, Model::Iterator},
    {"__bpf_trap", Set::Common, 0, Model::ExecutionState},
    {"bpf_cgroup_read_xattr", Set::Common, KfRcu, Model::Dynptr},
    // cpumask_kfunc_set (kernel/bpf/cpumask.c)
    {"bpf_cpumask_create", Set::Cpumask, KfAcquire | KfReturnsNull},
    {"bpf_cpumask_release", Set::Cpumask, KfRelease},
    {"bpf_cpumask_acquire", Set::Cpumask, KfAcquire | KfTrustedArgs},
    {"bpf_cpumask_first", Set::Cpumask, KfRcu},
    {"bpf_cpumask_first_zero", Set::Cpumask, KfRcu},
    {"bpf_cpumask_first_and", Set::Cpumask, KfRcu},
    {"bpf_cpumask_set_cpu", Set::Cpumask, KfRcu},
    {"bpf_cpumask_clear_cpu", Set::Cpumask, KfRcu},
    {"bpf_cpumask_test_cpu", Set::Cpumask, KfRcu},
    {"bpf_cpumask_test_and_set_cpu", Set::Cpumask, KfRcu},
    {"bpf_cpumask_test_and_clear_cpu", Set::Cpumask, KfRcu},
    {"bpf_cpumask_setall", Set::Cpumask, KfRcu},
    {"bpf_cpumask_clear", Set::Cpumask, KfRcu},
    {"bpf_cpumask_and", Set::Cpumask, KfRcu},
    {"bpf_cpumask_or", Set::Cpumask, KfRcu},
    {"bpf_cpumask_xor", Set::Cpumask, KfRcu},
    {"bpf_cpumask_equal", Set::Cpumask, KfRcu},
    {"bpf_cpumask_intersects", Set::Cpumask, KfRcu},
    {"bpf_cpumask_subset", Set::Cpumask, KfRcu},
    {"bpf_cpumask_empty", Set::Cpumask, KfRcu},
    {"bpf_cpumask_full", Set::Cpumask, KfRcu},
    {"bpf_cpumask_copy", Set::Cpumask, KfRcu},
    {"bpf_cpumask_any_distribute", Set::Cpumask, KfRcu},
    {"bpf_cpumask_any_and_distribute", Set::Cpumask, KfRcu},
    {"bpf_cpumask_weight", Set::Cpumask, KfRcu},
    {"bpf_cpumask_populate", Set::Cpumask, KfRcu},
    // the key kfuncs (CONFIG_KEYS), members of generic_kfunc_set since they moved to
    // kernel/bpf/helpers.c with the signed-programs work
    {"bpf_lookup_user_key", Set::Generic, KfAcquire | KfReturnsNull | KfSleepable},
    {"bpf_lookup_system_key", Set::Generic, KfAcquire | KfReturnsNull},
    {"bpf_key_put", Set::Generic, KfRelease},
    // bpf_prog_test_kfunc_set (net/bpf/test_run.c): the release functions that are also the
    // destructors of the test structs a map's kptrs may hold
    {"bpf_kfunc_call_test_release", Set::ProgramTest, KfRelease},
    {"bpf_kfunc_call_memb_release", Set::ProgramTest, KfRelease},
};

/// The program types whose kfunc hook each set is registered for. A registration for one
/// program type counts for every type sharing its hook (bpf_prog_type_to_kfunc_hook):
/// tracing with LSM, tracepoint and perf_event; cgroup_skb with the other cgroup types and
/// sock_ops.
struct SetCallers {
  KernelFunctionSet set;
  std::string_view shown;
  std::array<ProgramType, 16> types; ///< Unspec-padded
};

constexpr SetCallers setCallers[] = {
    {Set::Generic,
     "tracing, lsm, tracepoint, perf_event, sched_cls, xdp, struct_ops, syscall, cgroup and "
     "sock_ops",
     {ProgramType::Tracing, ProgramType::Lsm, ProgramType::Tracepoint, ProgramType::PerfEvent,
      ProgramType::SchedCls, ProgramType::Xdp, ProgramType::StructOps, ProgramType::Syscall,
      ProgramType::CgroupSkb, ProgramType::CgroupSock, ProgramType::CgroupDevice,
      ProgramType::CgroupSockAddr, ProgramType::CgroupSockopt, ProgramType::CgroupSysctl,
      ProgramType::SockOps}},
    {Set::Cpumask,
     "tracing, lsm, tracepoint, perf_event, struct_ops and syscall",
     {ProgramType::Tracing, ProgramType::Lsm, ProgramType::Tracepoint, ProgramType::PerfEvent,
      ProgramType::StructOps, ProgramType::Syscall}},
    {Set::ProgramTest,
     "sched_cls, tracing, lsm, tracepoint, perf_event and syscall",
     {ProgramType::SchedCls, ProgramType::Tracing, ProgramType::Lsm, ProgramType::Tracepoint,
      ProgramType::PerfEvent, ProgramType::Syscall}},
};

struct ContextTypeRow {
  ProgramType type;
  std::string_view kernelStruct;
};

/// bpf_types.h: BPF_PROG_TYPE(type, name, prog_ctx_type, kern_ctx_type).
constexpr ContextTypeRow contextTypeRows[] = {
    {ProgramType::SocketFilter, "sk_buff"},
    {ProgramType::SchedCls, "sk_buff"},
    {ProgramType::SchedAct, "sk_buff"},
    {ProgramType::Xdp, "xdp_buff"},
    {ProgramType::CgroupSkb, "sk_buff"},
    {ProgramType::CgroupSock, "sock"},
    {ProgramType::CgroupSockAddr, "bpf_sock_addr_kern"},
    {ProgramType::LwtIn, "sk_buff"},
    {ProgramType::LwtOut, "sk_buff"},
    {ProgramType::LwtXmit, "sk_buff"},
    {ProgramType::LwtSeg6local, "sk_buff"},
    {ProgramType::SockOps, "bpf_sock_ops_kern"},
    {ProgramType::SkSkb, "sk_buff"},
    {ProgramType::SkMsg, "sk_msg"},
    {ProgramType::FlowDissector, "bpf_flow_dissector"},
    {ProgramType::Kprobe, "pt_regs"},
    {ProgramType::PerfEvent, "bpf_perf_event_data_kern"},
    {ProgramType::CgroupDevice, "bpf_cgroup_dev_ctx"},
    {ProgramType::CgroupSysctl, "bpf_sysctl_kern"},
    {ProgramType::CgroupSockopt, "bpf_sockopt_kern"},
    {ProgramType::SkReuseport, "sk_reuseport_kern"},
    {ProgramType::SkLookup, "bpf_sk_lookup_kern"},
    {ProgramType::Netfilter, "bpf_nf_ctx"},
    {ProgramType::Tracepoint, "u64"},
    {ProgramType::RawTracepoint, "u64"},
    {ProgramType::RawTracepointWritable, "u64"},
    {ProgramType::LircMode2, "u32"},
    {ProgramType::Tracing, "void"},
    {ProgramType::Lsm, "void"},
    {ProgramType::StructOps, "void"},
    {ProgramType::Ext, "void"},
    {ProgramType::Syscall, "void"},
};

} // namespace

const KernelFunctionRule *findKernelFunction(std::string_view name) {
  for (const KernelFunctionRule &rule : kernelFunctionRows)
    if (rule.name == name)
      return &rule;
  return nullptr;
}

std::span<const KernelFunctionRule> allKernelFunctions() {
  return kernelFunctionRows;
}

bool kernelFunctionSetCallableFrom(KernelFunctionSet set, ProgramType type) {
  if (set == Set::Common)
    return true;
  for (const SetCallers &callers : setCallers)
    if (callers.set == set)
      return type != ProgramType::Unspec &&
             std::find(callers.types.begin(), callers.types.end(), type) != callers.types.end();
  return false;
}

std::string_view describeCallers(KernelFunctionSet set) {
  for (const SetCallers &callers : setCallers)
    if (callers.set == set)
      return callers.shown;
  return "every program type";
}

std::string_view unsupportedReason(KernelFunctionModel model) {
  switch (model) {
  case Model::Prototype:
  case Model::CastToKernelContext:
  case Model::ReadOnlyCast:
    return {};
  case Model::Iterator:
    return "open-coded iterators are not checked by bpfcheck yet";
  case Model::Dynptr:
    return "dynptrs are not modelled by bpfcheck yet";
  case Model::GraphObject:
    return "allocated objects, lists and rbtrees are not modelled by bpfcheck yet";
  case Model::ExecutionState:
    return "RCU, preemption and interrupt state and exceptions are not modelled by bpfcheck yet";
  case Model::AsynchronousCallback:
    return "asynchronous callbacks (workqueues) are not checked by bpfcheck yet";
  case Model::StringMemory:
    return "kfuncs that read memory by address or return kernel caches are not modelled by "
           "bpfcheck yet";
  }
  return "not modelled by bpfcheck";
}

KernelFunctionArgumentTag tagOfKernelFunctionArgument(std::string_view name) {
  struct Suffix {
    std::string_view text;
    KernelFunctionArgumentTag tag;
  };
  static constexpr Suffix suffixes[] = {
      {"__szk", KernelFunctionArgumentTag::ConstantSize},
      {"__sz", KernelFunctionArgumentTag::Size},
      {"__k", KernelFunctionArgumentTag::Constant},
      {"__ign", KernelFunctionArgumentTag::Ignored},
      {"__nullable", KernelFunctionArgumentTag::Nullable},
      {"__opt", KernelFunctionArgumentTag::Optional},
  };
  for (const Suffix &suffix : suffixes)
    if (name.ends_with(suffix.text))
      return suffix.tag;
  // Every other `__word` suffix is a convention of the kernel's (__uninit, __str, __map,
  // __alloc, __refcounted_kptr, __irq_flag, __prog, __async, ...).
  const std::size_t mark = name.rfind("__");
  if (mark != std::string_view::npos && mark > 0 && mark + 2 < name.size())
    return KernelFunctionArgumentTag::Other;
  return KernelFunctionArgumentTag::None;
}

std::string_view kernelContextType(ProgramType type) {
  for (const ContextTypeRow &row : contextTypeRows)
    if (row.type == type)
      return row.kernelStruct;
  return {};
}

} // namespace bpfcheck
