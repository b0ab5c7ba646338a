// The tracing contexts of Linux 6.18 (kernel/trace/bpf_trace.c): pt_regs for kprobes
// (kprobe_prog_is_valid_access), the raw record of a perf tracepoint (tp_prog_is_valid_access),
// the u64 argument array of raw tracepoints (raw_tp_prog_is_valid_access and its writable
// variant), bpf_perf_event_data (pe_prog_is_valid_access), and the BTF-typed contexts of
// tracing, LSM and struct_ops programs (btf_ctx_access in kernel/bpf/btf.c), whose argument
// count and types come from the attach target's BTF rather than from a fixed struct.
#include "ContextLayoutFamilies.h"

namespace bpfcheck::detail {
namespace {

using V = ContextValue;

// --- kprobe: struct pt_regs (x86-64) -------------------------------------------------------

// clang-format off
constexpr ContextField ptRegsFields[] = {
  {"r15",                 0,  8, 8, AnySize, 0},
  {"r14",                 8,  8, 8, AnySize, 0},
  {"r13",                16,  8, 8, AnySize, 0},
  {"r12",                24,  8, 8, AnySize, 0},
  {"bp",                 32,  8, 8, AnySize, 0},
  {"bx",                 40,  8, 8, AnySize, 0},
  {"r11",                48,  8, 8, AnySize, 0},
  {"r10",                56,  8, 8, AnySize, 0},
  {"r9",                 64,  8, 8, AnySize, 0},
  {"r8",                 72,  8, 8, AnySize, 0},
  {"ax",                 80,  8, 8, AnySize, 0},
  {"cx",                 88,  8, 8, AnySize, 0},
  {"dx",                 96,  8, 8, AnySize, 0},
  {"si",                104,  8, 8, AnySize, 0},
  {"di",                112,  8, 8, AnySize, 0},
  {"orig_ax",           120,  8, 8, AnySize, 0},
  {"ip",                128,  8, 8, AnySize, 0},
  {"csx",               136,  8, 8, AnySize, 0},
  {"flags",             144,  8, 8, AnySize, 0},
  {"sp",                152,  8, 8, AnySize, 0},
  {"ssx",               160,  8, 8, AnySize, 0},
};
// clang-format on

constexpr LeftOutMember ptRegsLeftOut[] = {
    {"cs", "union with csx (and fred_cs): the csx row covers its 8 bytes"},
    {"fred_cs", "union with csx: the csx row covers its 8 bytes"},
    {"ss", "union with ssx (and fred_ss): the ssx row covers its 8 bytes"},
    {"fred_ss", "union with ssx: the ssx row covers its 8 bytes"},
};

// --- tracepoint: the event's raw record ----------------------------------------------------

constexpr ContextField tracepointFields[] = {
    {.name = "(common fields)",
     .offset = 0,
     .span = 8,
     .width = 8,
     .readSizes = 0,
     .writeSizes = 0,
     .note = "the record's first 8 bytes (struct trace_entry) are refused"},
    {.name = "(event fields)",
     .offset = 8,
     .span = 8192 - 8,
     .width = 8,
     .readSizes = AnySize,
     .writeSizes = 0,
     .note = "any aligned load below PERF_MAX_TRACE_SIZE (8192); the event's format gives the "
             "fields"},
};

// --- raw_tracepoint(.w): u64 args[] --------------------------------------------------------

constexpr ContextField rawTracepointFields[] = {
    {.name = "args",
     .offset = 0,
     .span = 96,
     .width = 8,
     .readSizes = AnySize,
     .writeSizes = 0,
     .note = "MAX_BPF_FUNC_ARGS (12) slots; the tracepoint's real count is checked at attach "
             "time (max_ctx_offset), not at load"},
};

constexpr ContextField rawTracepointWritableFields[] = {
    {.name = "args[0]",
     .offset = 0,
     .span = 1,
     .width = 8,
     .readSizes = Size8,
     .writeSizes = 0,
     .yields = V::TracepointBuffer,
     .mayOverrun = true,
     .note = "the writable tracepoint buffer; only as a whole u64 at offset 0"},
    {.name = "args[0]",
     .offset = 1,
     .span = 7,
     .width = 8,
     .readSizes = UpTo4,
     .writeSizes = 0,
     .note = "the kernel checks offset 0 only: narrower loads inside args[0] give scalars"},
    {.name = "args[1..11]",
     .offset = 8,
     .span = 88,
     .width = 8,
     .readSizes = AnySize,
     .writeSizes = 0},
};

// --- perf_event: struct bpf_perf_event_data ------------------------------------------------

// clang-format off
constexpr ContextField perfEventFields[] = {
  {.name = "regs", .offset = 0, .span = 168, .width = 8, .readSizes = Size8, .writeSizes = 0,
   .note = "bpf_user_pt_regs_t (pt_regs on x86-64): whole registers only"},
  {"sample_period",     168,  8, 8, AnySize, 0},
  {"addr",              176,  8, 8, AnySize, 0},
};
// clang-format on

constexpr ContextLayout layouts[] = {
    structLayout(ProgramType::Kprobe, "pt_regs", 168, ptRegsFields,
                 "kprobe_prog_is_valid_access: any aligned load inside pt_regs, read-only",
                 ptRegsLeftOut),
    bufferLayout(ProgramType::Tracepoint, "(tracepoint record)", 8192, tracepointFields,
                 "tp_prog_is_valid_access: aligned loads at [8, PERF_MAX_TRACE_SIZE), read-only"),
    structLayout(ProgramType::RawTracepoint, "bpf_raw_tracepoint_args", 96, rawTracepointFields,
                 "raw_tp_prog_is_valid_access (bpf_tracing_ctx_access): aligned loads in 12 "
                 "u64 slots"),
    structLayout(ProgramType::RawTracepointWritable, "bpf_raw_tracepoint_args", 96,
                 rawTracepointWritableFields,
                 "raw_tp_writable_prog_is_valid_access: args[0] is the tracepoint's writable "
                 "buffer"),
    structLayout(ProgramType::PerfEvent, "bpf_perf_event_data", 184, perfEventFields,
                 "pe_prog_is_valid_access: registers as u64, sample_period and addr narrow too"),
    btfArgumentsLayout(ProgramType::Tracing,
                       "btf_ctx_access: read-only u64 slots at multiples of 8, one per argument "
                       "of the target (fexit, fmod_ret: then the return value); pointers only "
                       "as u64"),
    btfArgumentsLayout(ProgramType::Lsm,
                       "btf_ctx_access: the hook's arguments, then its return value"),
    btfArgumentsLayout(ProgramType::StructOps,
                       "bpf_struct_ops_is_valid_access (btf_ctx_access): the member's "
                       "arguments"),
    {ProgramType::Ext,
     0,
     LayoutKind::ReplacedProgram,
     "(the replaced program's context)",
     false,
     0,
     {},
     {},
     "freplace: the context rules of the program (type) it replaces"},
};

} // namespace

std::span<const ContextLayout> tracingContextLayouts() {
  return layouts;
}

} // namespace bpfcheck::detail
