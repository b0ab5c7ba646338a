// The kernel's run-time limits that the interpreter enforces with the kernel's values:
// stack bytes per frame, call depth, tail calls per run and the may_goto loop budget.
#pragma once

#include <cstdint>

namespace bpfcheck::interp {

/// Bytes of stack each function frame owns (MAX_BPF_STACK); r10 points one past its top.
inline constexpr std::uint32_t StackFrameSize = 512;
/// Frames that can be live at once, main included (MAX_CALL_FRAMES).
inline constexpr std::uint32_t MaxCallFrames = 8;
/// Tail calls one run may take; the next one fails and execution continues (MAX_TAIL_CALL_CNT).
inline constexpr std::uint32_t MaxTailCalls = 33;
/// How many times one frame's may_goto instructions fall through before they jump
/// (BPF_MAX_LOOPS, the kernel's initial value of the hidden may_goto counter).
inline constexpr std::uint32_t MayGotoBudget = 8 * 1024 * 1024;
/// Helper id of bpf_tail_call, which the interpreter performs itself as the kernel does.
inline constexpr std::int32_t TailCallHelperId = 12;

} // namespace bpfcheck::interp
