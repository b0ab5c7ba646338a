// Hexadecimal text.
#include "bpfcheck/ir/Hex.h"

namespace bpfcheck {

namespace {
constexpr char digits[] = "0123456789abcdef";
} // namespace

std::string hexDigits(std::uint64_t value) {
  char text[16];
  std::size_t length = 0;
  do {
    text[sizeof text - ++length] = digits[value & 15];
    value >>= 4;
  } while (value != 0);
  return std::string(text + sizeof text - length, length);
}

std::string hexNumber(std::uint64_t value) {
  return "0x" + hexDigits(value);
}

std::string hexBytes(std::span<const std::byte> bytes) {
  std::string text;
  text.reserve(bytes.size() * 2);
  for (std::byte byte : bytes) {
    text += digits[std::to_integer<unsigned>(byte) >> 4];
    text += digits[std::to_integer<unsigned>(byte) & 15];
  }
  return text;
}

} // namespace bpfcheck
