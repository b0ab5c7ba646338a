// The kernel functions (kfuncs) a BPF program may call: each one's flags (the kernel's KF_*
// annotations in BTF_ID_FLAGS), the kfunc set that registers it, and which program types
// each set is registered for (register_btf_kfunc_id_set, bpf_prog_type_to_kfunc_hook).
// Argument and return types come from the kernel's BTF (KernelTypes::kernelFunction); the
// conventions encoded in parameter names (`__k`, `__sz`, `__nullable`, ...) are here too.
#pragma once

#include "bpfcheck/platform/Types.h"

#include <cstdint>
#include <span>
#include <string_view>

namespace bpfcheck {

/// The kernel's KF_* flags (include/linux/btf.h), one bit each.
enum KernelFunctionFlag : std::uint32_t {
  KfAcquire = 1u << 0,      ///< returns a reference the program must release
  KfRelease = 1u << 1,      ///< releases the reference passed to it
  KfReturnsNull = 1u << 2,  ///< may return NULL
  KfTrustedArgs = 1u << 3,  ///< pointer arguments must be trusted or referenced
  KfSleepable = 1u << 4,    ///< may sleep: only sleepable programs may call it
  KfDestructive = 1u << 5,  ///< may crash or reboot the machine (CAP_SYS_BOOT)
  KfRcu = 1u << 6,          ///< pointer arguments may also be RCU-protected ones
  KfRcuProtected = 1u << 7, ///< only inside an RCU read section
  KfIterNew = 1u << 8,      ///< constructs an open-coded iterator
  KfIterNext = 1u << 9,     ///< advances one
  KfIterDestroy = 1u << 10, ///< destroys one
  KfFastCall = 1u << 11,    ///< preserves r1-r5 when inlined (bpf_fastcall)
};

/// The kfunc sets of Linux 6.18 that bpfcheck knows, by the registration that decides which
/// program types may call their members.
enum class KernelFunctionSet : std::uint8_t {
  Common,      ///< common_kfunc_set: every program type (BPF_PROG_TYPE_UNSPEC)
  Generic,     ///< generic_kfunc_set (kernel/bpf/helpers.c)
  Cpumask,     ///< cpumask_kfunc_set (kernel/bpf/cpumask.c)
  ProgramTest, ///< bpf_prog_test_kfunc_set (net/bpf/test_run.c)
};

/// How far bpfcheck checks calls of a kfunc.
enum class KernelFunctionModel : std::uint8_t {
  Prototype,            ///< from its BTF prototype and flags alone
  CastToKernelContext,  ///< bpf_cast_to_kern_ctx: the context as the kernel struct behind it
  ReadOnlyCast,         ///< bpf_rdonly_cast: any pointer as an untrusted one of a BTF type
  Iterator,             ///< open-coded iterators (not modelled)
  Dynptr,               ///< dynptrs (not modelled)
  GraphObject,          ///< allocated objects, lists and rbtrees (not modelled)
  ExecutionState,       ///< RCU, preemption and interrupt state, exceptions (not modelled)
  AsynchronousCallback, ///< workqueues and task work (not modelled)
  StringMemory,         ///< string kfuncs reading kernel memory by address (not modelled)
};

struct KernelFunctionRule {
  std::string_view name;
  KernelFunctionSet set;
  std::uint32_t flags; ///< KernelFunctionFlag bits
  KernelFunctionModel model = KernelFunctionModel::Prototype;
};

/// The rule of the kfunc named `name`, or null when bpfcheck's table does not list it.
const KernelFunctionRule *findKernelFunction(std::string_view name);
std::span<const KernelFunctionRule> allKernelFunctions();

/// Whether programs of `type` may call the members of `set`.
bool kernelFunctionSetCallableFrom(KernelFunctionSet set, ProgramType type);
/// The program types, for messages ("tracing, lsm, tracepoint, perf_event, ...").
std::string_view describeCallers(KernelFunctionSet set);
/// Why calls of kfuncs of this model are refused as unsupported (empty for those checked).
std::string_view unsupportedReason(KernelFunctionModel model);

/// What a kfunc parameter's name says of it (the suffixes is_kfunc_arg_* look for).
enum class KernelFunctionArgumentTag : std::uint8_t {
  None,
  Constant,     ///< `__k`: a known constant
  Size,         ///< `__sz`: the size of the memory argument before it
  ConstantSize, ///< `__szk`: the same, a known constant
  Ignored,      ///< `__ign`: not checked
  Nullable,     ///< `__nullable`: may be NULL
  Optional,     ///< `__opt`: memory that may be NULL (with its size)
  Other,        ///< `__uninit`, `__str`, `__map`, `__alloc`, ...: conventions bpfcheck lacks
};
KernelFunctionArgumentTag tagOfKernelFunctionArgument(std::string_view parameterName);

/// The kernel type behind a program type's context (bpf_types.h's kern_ctx_type), as
/// bpf_cast_to_kern_ctx returns it: a struct ("sk_buff", "xdp_buff"), or for some types
/// "u64" or "void", through which nothing can be read; empty for types it does not know.
std::string_view kernelContextType(ProgramType type);

} // namespace bpfcheck
