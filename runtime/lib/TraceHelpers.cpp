// bpf_trace_printk, bpf_trace_vprintk and bpf_snprintf: the format rules of FormatString.h,
// program memory read without faulting (process_vm_readv on this process, which reports an
// unmapped address instead of crashing, as the kernel's nofault copies do), trace lines
// recorded in the run's effects.
#include "HelperCall.h"

#include "bpfcheck/runtime/FormatString.h"

#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bpfcheck::runtime {

namespace {

/// Copies the readable prefix of [address, address + out.size()) into `out`.
std::size_t readWithoutFaulting(std::uint64_t address, std::span<std::byte> out) {
  std::size_t copied = 0;
  constexpr std::size_t page = 4096;
  while (copied < out.size()) {
    // Page by page, so that a string running into an unmapped page keeps its readable part.
    const std::uint64_t at = address + copied;
    const std::size_t chunk = std::min(out.size() - copied, page - std::size_t(at % page));
    iovec local{out.data() + copied, chunk};
    iovec remote{reinterpret_cast<void *>(static_cast<std::uintptr_t>(at)), chunk};
    const ssize_t read = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
    if (read <= 0)
      break;
    copied += std::size_t(read);
    if (std::size_t(read) < chunk)
      break;
  }
  return copied;
}

/// The NUL-terminated format at `address`, at most `limit` bytes (empty when unreadable).
std::vector<std::byte> readFormat(std::uint64_t address, std::size_t limit) {
  std::vector<std::byte> format(limit);
  format.resize(readWithoutFaulting(address, format));
  return format;
}

/// The format argument of the trace helpers: `size` bytes at r1 (the verifier checked them).
std::vector<std::byte> formatArgument(const HelperCall &call) {
  const auto *format = call.pointer<const std::byte>(0);
  return {format, format + static_cast<std::uint32_t>(call.argument(1))};
}

HelperResult traceLine(const HelperCall &call, std::span<const std::byte> format,
                       std::span<const std::uint64_t> arguments, FormatFlavor flavor) {
  const FormatResult result =
      formatLikeKernel(format, arguments, flavor, readWithoutFaulting, TraceBufferSize);
  if (result) {
    std::string line = result->text.substr(0, result->text.find('\0'));
    if (!line.empty() && line.back() == '\n')
      line.pop_back();
    call.invocation.effects.traceLines.push_back(std::move(line));
  }
  return HelperResult::returned(static_cast<std::uint64_t>(result.helperResult()));
}

} // namespace

HelperResult tracePrintk(const HelperCall &call) {
  // bpf_trace_printk(fmt, fmt_size, arg1, arg2, arg3)
  const std::uint64_t arguments[] = {call.argument(2), call.argument(3), call.argument(4)};
  return traceLine(call, formatArgument(call), arguments, FormatFlavor::TracePrintk);
}

HelperResult traceVprintk(const HelperCall &call) {
  // bpf_trace_vprintk(fmt, fmt_size, data, data_len): data holds data_len / 8 values.
  const std::uint64_t size = static_cast<std::uint32_t>(call.argument(1));
  const std::uint64_t dataLength = static_cast<std::uint32_t>(call.argument(3));
  if (dataLength % 8 || dataLength > MaxFormatArguments * 8 || (dataLength && !call.argument(2)))
    return errnoResult(EINVAL);
  std::vector<std::byte> format(size);
  std::memcpy(format.data(), call.pointer<const std::byte>(0), size);
  std::vector<std::uint64_t> arguments(dataLength / 8);
  if (dataLength)
    std::memcpy(arguments.data(), call.pointer<const std::byte>(2), dataLength);
  return traceLine(call, format, arguments, FormatFlavor::TraceVprintk);
}

HelperResult formatString(const HelperCall &call) {
  // bpf_snprintf(str, str_size, fmt, data, data_len): fmt is a constant string in a
  // read-only map, NUL-terminated (the verifier checked it).
  auto *destination = call.pointer<char>(0);
  const std::uint64_t destinationSize = static_cast<std::uint32_t>(call.argument(1));
  const std::uint64_t dataLength = static_cast<std::uint32_t>(call.argument(4));
  if (dataLength % 8 || dataLength > MaxFormatArguments * 8 || (dataLength && !call.argument(3)))
    return errnoResult(EINVAL);
  const std::vector<std::byte> format = readFormat(call.argument(2), 4096);
  std::vector<std::uint64_t> arguments(dataLength / 8);
  if (dataLength)
    std::memcpy(arguments.data(), call.pointer<const std::byte>(3), dataLength);
  const FormatResult result = formatLikeKernel(format, arguments, FormatFlavor::Snprintf,
                                               readWithoutFaulting, destinationSize);
  if (result && destinationSize) {
    const std::size_t stored = std::min<std::size_t>(result->text.size(), destinationSize - 1);
    std::memcpy(destination, result->text.data(), stored);
    destination[stored] = '\0';
  }
  return HelperResult::returned(static_cast<std::uint64_t>(result.helperResult()));
}

} // namespace bpfcheck::runtime
