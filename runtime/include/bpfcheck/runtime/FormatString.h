// The kernel's format strings for bpf_trace_printk, bpf_trace_vprintk, bpf_snprintf and
// bpf_seq_printf: bpf_bprintf_prepare (kernel/bpf/helpers.c) checks the format and packs the
// arguments into a 512-byte binary buffer, reading strings and IP addresses from program memory,
// then bstr_printf (lib/vsprintf.c) prints from that buffer into the destination. Both steps are
// reproduced here, quirks included, so that helper implementations return what the kernel does.
//
// Accepted: %d %i %u %x %X with no, l or ll length; %c; %s; %%; flags '0' '+' '-' ' ' and a
// width before any of them; %p with nothing alphanumeric after it, %pK %px %ps %pS %pB, %pks
// %pus (strings), %pI4 %pi4 %pI6 %pi6 (addresses read from memory). Everything else (%o, %n,
// %f, %#x, %.3d, %*d, %hd, %zu, %lc, %pM, ...) is -EINVAL, as are more conversions than
// arguments, ASCII control characters in the format and a format without a NUL.
//
// What cannot be reproduced offline, and what is printed instead: %p and %pK print the raw
// value (the kernel hashes it with a per-boot key unless booted with no_hash_pointers;
// kptr_restrict is taken as 0); %ps %pS %pB print "0x<hex>" (what the kernel prints for an
// address without a kernel symbol).
#pragma once

#include "bpfcheck/ir/Expected.h"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <variant>

namespace bpfcheck::runtime {

/// Reads program memory for %s, %pks, %pus and the IP conversions: copies up to out.size()
/// bytes from `address` into `out` and returns how many it copied, which must be the readable
/// prefix (0 when `address` itself is not readable). The kernel's reads never fault: a string
/// that runs into unreadable memory prints as "", an unreadable address as 0.0.0.0 / all zeros.
using MemoryReader = std::function<std::size_t(std::uint64_t address, std::span<std::byte> out)>;

/// The helper whose rules apply: they differ in how many arguments they take and what they
/// return (the format rules are the same).
enum class FormatFlavor {
  TracePrintk,  ///< bpf_trace_printk: the three argument registers r3-r5 (pass all three)
  TraceVprintk, ///< bpf_trace_vprintk: data_len / 8 values, at most 12
  Snprintf,     ///< bpf_snprintf: data_len / 8 values, at most 12
  SeqPrintf,    ///< bpf_seq_printf: data_len / 8 values, at most 12
};

/// MAX_TRACE_PRINTK_VARARGS and MAX_BPRINTF_VARARGS.
inline constexpr std::size_t TracePrintkArguments = 3;
inline constexpr std::size_t MaxFormatArguments = 12;
/// MAX_BPRINTF_BIN_ARGS: the packed arguments, strings and formatted addresses included, must
/// fit in this many bytes (-ENOSPC otherwise).
inline constexpr std::size_t BinaryArgumentsSize = 512;
/// MAX_BPRINTF_BUF: bpf_trace_printk and bpf_trace_vprintk print into a buffer of this size
/// (pass it as the destination size); the trace event records at most 1023 bytes.
inline constexpr std::size_t TraceBufferSize = 1024;

/// What bstr_printf produced for a destination of `destinationSize` bytes.
struct FormattedOutput {
  /// The bytes stored before the terminating NUL: at most destinationSize - 1 of them. %c can
  /// put NUL bytes inside; the trace event (a C string) keeps only what precedes the first.
  std::string text;
  /// bstr_printf's return value: the untruncated length, except that the output of %pks, %pus,
  /// %pB and the IP conversions is not counted once the destination is full (kernel quirk).
  std::uint64_t length = 0;
  /// The helper's return value: bpf_snprintf length + 1, bpf_trace_printk and
  /// bpf_trace_vprintk length, bpf_seq_printf 0 (-EOVERFLOW when it does not fit).
  long helperResult = 0;
};

/// A format the kernel refuses: `code` is the positive errno (the helper returns -code).
struct FormatError {
  int code = 0;
  /// Names the conversion and its offset, e.g. "unsupported conversion %n at offset 7".
  std::string message;

  /// The project's plain Error, for callers that only report messages.
  Error toError() const { return Error(message); }
};

/// Either a FormattedOutput or a FormatError.
class [[nodiscard]] FormatResult {
public:
  FormatResult(FormattedOutput output) : storage(std::move(output)) {}
  FormatResult(FormatError error) : storage(std::move(error)) {}

  explicit operator bool() const { return std::holds_alternative<FormattedOutput>(storage); }
  const FormattedOutput &operator*() const {
    assert(*this && "dereferencing a FormatResult that holds an error");
    return std::get<FormattedOutput>(storage);
  }
  const FormattedOutput *operator->() const { return &**this; }
  const FormatError &error() const {
    assert(!*this && "asking for the error of a FormatResult that holds an output");
    return std::get<FormatError>(storage);
  }
  /// What the helper returns either way: helperResult, or -code.
  long helperResult() const { return *this ? (**this).helperResult : -long(error().code); }

private:
  std::variant<FormattedOutput, FormatError> storage;
};

/// Formats `format` (the program's bytes; the kernel reads them up to the first NUL, which must
/// lie inside the span) with the raw 64-bit `arguments` as the helper of `flavor` does, into a
/// destination of `destinationSize` bytes (bpf_snprintf's str_size, TraceBufferSize for the
/// trace helpers, the room left in the seq file for bpf_seq_printf).
FormatResult formatLikeKernel(std::span<const std::byte> format,
                              std::span<const std::uint64_t> arguments, FormatFlavor flavor,
                              const MemoryReader &memory, std::size_t destinationSize);

} // namespace bpfcheck::runtime
