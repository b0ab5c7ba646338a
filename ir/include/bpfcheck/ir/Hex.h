// Hexadecimal text for messages and outputs: numbers as the kernel's logs and llvm-objdump
// print them (0x1f, lowercase, no padding) and byte strings as pairs of digits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace bpfcheck {

/// "1f": the digits alone, lowercase, without leading zeros ("0" for zero).
std::string hexDigits(std::uint64_t value);
/// "0x1f".
std::string hexNumber(std::uint64_t value);
/// "0a1bff": two digits per byte, in order.
std::string hexBytes(std::span<const std::byte> bytes);

} // namespace bpfcheck
