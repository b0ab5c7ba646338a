// bpf_bprintf_prepare (kernel/bpf/helpers.c) and bstr_printf with the parts of format_decode,
// number, string and pointer it uses (lib/vsprintf.c), Linux 6.12, step by step: the first
// checks the format and packs the arguments as the kernel lays them out in bin_args, the second
// prints from that layout, so that the kernel's quirks (pre-formatted strings that are neither
// counted nor skipped once the destination is full) come out the same.
#include "bpfcheck/runtime/FormatString.h"

#include "bpfcheck/ir/Hex.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <optional>
#include <string_view>

namespace bpfcheck::runtime {
namespace {

// ---- the kernel's character classes (lib/ctype.c): Latin-1 above 0x7f, unlike the C library's

enum CharacterClass : std::uint8_t {
  Upper = 0x01,
  Lower = 0x02,
  Digit = 0x04,
  Control = 0x08,
  Punctuation = 0x10,
  WhiteSpace = 0x20,
  HardSpace = 0x80,
};

constexpr std::array<std::uint8_t, 256> makeKernelCtype() {
  std::array<std::uint8_t, 256> table{};
  for (int c = 0; c < 32; ++c)
    table[c] = Control;
  for (int c = '\t'; c <= '\r'; ++c)
    table[c] |= WhiteSpace;
  table[' '] = WhiteSpace | HardSpace;
  for (int c = '!'; c <= '~'; ++c)
    table[c] = Punctuation;
  for (int c = '0'; c <= '9'; ++c)
    table[c] = Digit;
  for (int c = 'A'; c <= 'Z'; ++c)
    table[c] = Upper;
  for (int c = 'a'; c <= 'z'; ++c)
    table[c] = Lower;
  table[127] = Control;
  table[160] = WhiteSpace | HardSpace;
  for (int c = 161; c <= 191; ++c)
    table[c] = Punctuation;
  for (int c = 192; c <= 222; ++c)
    table[c] = Upper;
  for (int c = 223; c <= 255; ++c)
    table[c] = Lower;
  table[215] = Punctuation; // multiplication sign
  table[247] = Punctuation; // division sign
  return table;
}

constexpr std::array<std::uint8_t, 256> KernelCtype = makeKernelCtype();

bool hasClass(char c, std::uint8_t classes) {
  return (KernelCtype[static_cast<unsigned char>(c)] & classes) != 0;
}
bool isAscii(char c) {
  return static_cast<unsigned char>(c) <= 0x7f;
}
bool isPrint(char c) {
  return hasClass(c, Punctuation | Upper | Lower | Digit | HardSpace);
}
bool isSpace(char c) {
  return hasClass(c, WhiteSpace);
}
bool isPunct(char c) {
  return hasClass(c, Punctuation);
}
bool isAlnum(char c) {
  return hasClass(c, Upper | Lower | Digit);
}
bool isDigit(char c) {
  return hasClass(c, Digit);
}

/// The format up to its NUL; reads past the end give the NUL, as in the kernel's C string.
class FormatText {
public:
  explicit FormatText(std::string text) : text(std::move(text)) {}
  char operator[](std::size_t index) const { return index < text.size() ? text[index] : '\0'; }
  std::size_t size() const { return text.size(); }
  std::string_view slice(std::size_t start, std::size_t end) const {
    return std::string_view(text).substr(start, end - start);
  }

  /// The conversion starting at `start` as a reader would name it: '%', flags, width,
  /// precision, length modifiers, the conversion letter, and a %p's modifier letters.
  std::string conversionAt(std::size_t start) const {
    std::size_t end = start + 1;
    while (end < size() &&
           std::string_view("0+- #123456789.*").find(text[end]) != std::string::npos)
      ++end;
    while (end < size() && std::string_view("lhzjtLq").find(text[end]) != std::string::npos)
      ++end;
    if (end < size() && text[end++] == 'p')
      while (end < size() && isAlnum(text[end]))
        ++end;
    std::string spelled;
    for (std::size_t i = start; i < end; ++i)
      spelled += printable(text[i]);
    return spelled;
  }

  static std::string printable(char c) {
    if (isAscii(c) && isPrint(c))
      return std::string(1, c);
    static constexpr char hex[] = "0123456789abcdef";
    const auto byte = static_cast<unsigned char>(c);
    return std::string{'\\', 'x', hex[byte >> 4], hex[byte & 15]};
  }

private:
  std::string text;
};

FormatError invalid(std::string message) {
  return FormatError{EINVAL, std::move(message)};
}

/// What sprint_symbol, sprint_symbol_no_offset and sprint_backtrace print for an address that
/// is no kernel symbol: "0x%lx" (kernel/kallsyms.c, __sprint_symbol).
std::string symbolText(std::uint64_t address) {
  return hexNumber(address);
}

/// ip4_string and ip6_string (lib/vsprintf.c) for the specs the kernel builds: "%pI4" dotted
/// decimal, "%pi4" with three digits per byte, "%pI6" eight colon-separated groups of four
/// hex digits, "%pi6" 32 hex digits.
std::string addressText(char style, char version, std::span<const std::byte> address) {
  std::string text;
  if (version == '4') {
    for (std::size_t i = 0; i < 4; ++i) {
      std::string digits = std::to_string(std::to_integer<unsigned>(address[i]));
      if (style == 'i')
        digits.insert(0, 3 - digits.size(), '0');
      text += (i ? "." : "") + digits;
    }
    return text;
  }
  static constexpr char hex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < 16; ++i) {
    const auto byte = std::to_integer<unsigned>(address[i]);
    text += hex[byte >> 4];
    text += hex[byte & 15];
    if (style == 'I' && i % 2 == 1 && i != 15)
      text += ':';
  }
  return text;
}

// ---- bpf_bprintf_prepare: the checks and bin_args

/// bin_args as the kernel fills it. Bytes the kernel leaves stale from earlier calls are zero.
struct BinaryArguments {
  std::array<std::byte, BinaryArgumentsSize> bytes{};
  std::size_t used = 0;
};

class ArgumentPacker {
public:
  ArgumentPacker(const FormatText &format, std::span<const std::uint64_t> arguments,
                 const MemoryReader &memory)
      : format(format), arguments(arguments), memory(memory) {}

  /// The kernel's loop over the format; an error where it returns one.
  std::optional<FormatError> run();
  const BinaryArguments &packed() const { return binary; }

private:
  std::optional<FormatError> packConversion(std::size_t start, std::size_t &i);
  std::optional<FormatError> packPointer(std::size_t start, std::size_t &i);
  std::optional<FormatError> packString(std::size_t start, std::size_t &i, char kind);
  std::optional<FormatError> packValue(std::size_t start, std::size_t size);
  std::optional<FormatError> packText(std::size_t start, const std::string &text);
  std::size_t room() const { return BinaryArgumentsSize - binary.used; }
  std::uint64_t argument() const { return arguments[conversions]; }
  FormatError noSpace(std::size_t start) const {
    return FormatError{ENOSPC, "conversion " + format.conversionAt(start) + " at offset " +
                                   std::to_string(start) + " overflows the kernel's " +
                                   std::to_string(BinaryArgumentsSize) + "-byte argument buffer"};
  }

  const FormatText &format;
  std::span<const std::uint64_t> arguments;
  const MemoryReader &memory;
  BinaryArguments binary;
  std::size_t conversions = 0; ///< num_spec
};

std::optional<FormatError> ArgumentPacker::run() {
  for (std::size_t i = 0; i < format.size(); ++i) {
    const char c = format[i];
    // Bytes >= 0x80 pass (UTF-8 text); ASCII control characters do not.
    if (isAscii(c) && !isPrint(c) && !isSpace(c))
      return invalid("control character " + FormatText::printable(c) + " at offset " +
                     std::to_string(i));
    if (c != '%')
      continue;
    if (format[i + 1] == '%') {
      ++i;
      continue;
    }
    if (conversions >= arguments.size())
      return invalid("conversion " + format.conversionAt(i) + " at offset " + std::to_string(i) +
                     " has no argument (" + std::to_string(arguments.size()) + " given)");
    const std::size_t start = i;
    if (auto error = packConversion(start, i))
      return error;
  }
  return std::nullopt;
}

/// One conversion from its '%' at `start`; leaves `i` on its last character.
std::optional<FormatError> ArgumentPacker::packConversion(std::size_t start, std::size_t &i) {
  ++i;
  if (!isAscii(format[i]))
    return invalid("non-ASCII byte " + FormatText::printable(format[i]) +
                   " after the % at offset " + std::to_string(start));
  // Flags "0+- " and a width; no '#', no precision, no '*'.
  while (format[i] == '0' || format[i] == '+' || format[i] == '-' || format[i] == ' ')
    ++i;
  if (format[i] >= '1' && format[i] <= '9')
    while (isDigit(format[i]))
      ++i;
  if (format[i] == 'p')
    return packPointer(start, i);
  if (format[i] == 's')
    return packString(start, i, 's');
  if (format[i] == 'c') {
    if (room() == 0)
      return noSpace(start);
    binary.bytes[binary.used++] = static_cast<std::byte>(argument());
    ++conversions;
    return std::nullopt;
  }
  std::size_t size = 4;
  if (format[i] == 'l') {
    size = 8;
    ++i;
  }
  if (format[i] == 'l')
    ++i;
  if (std::string_view("iduxX").find(format[i]) == std::string::npos || format[i] == '\0')
    return invalid("unsupported conversion " + format.conversionAt(start) + " at offset " +
                   std::to_string(start));
  return packValue(start, size);
}

/// %p and its modifiers; `i` is on the 'p'.
std::optional<FormatError> ArgumentPacker::packPointer(std::size_t start, std::size_t &i) {
  const char modifier = format[i + 1];
  if (modifier == '\0' || isSpace(modifier) || isPunct(modifier))
    return packValue(start, 8);
  if ((modifier == 'k' || modifier == 'u') && format[i + 2] == 's') {
    i += 2;
    return packString(start, i, modifier);
  }
  if (modifier == 'K' || modifier == 'x' || modifier == 's' || modifier == 'S') {
    ++i;
    return packValue(start, 8);
  }
  if (modifier == 'B') {
    ++i;
    return packText(start, symbolText(argument()));
  }
  if ((modifier != 'i' && modifier != 'I') || (format[i + 2] != '4' && format[i + 2] != '6'))
    return invalid("unsupported conversion " + format.conversionAt(start) + " at offset " +
                   std::to_string(start));
  i += 2;
  const std::size_t size = format[i] == '4' ? 4 : 16;
  if (room() < size)
    return noSpace(start);
  // copy_from_kernel_nofault: all or nothing; a fault leaves zeros.
  std::array<std::byte, 16> address{};
  const std::span<std::byte> wanted(address.data(), size);
  if (memory(argument(), wanted) < size)
    std::fill(wanted.begin(), wanted.end(), std::byte{0});
  return packText(start, addressText(modifier, format[i], wanted));
}

/// %s, %pks, %pus (`kind` 's', 'k', 'u'); `i` is on the final 's'.
std::optional<FormatError> ArgumentPacker::packString(std::size_t start, std::size_t &i,
                                                      char kind) {
  const char next = format[i + 1];
  if (next != '\0' && !isSpace(next) && !isPunct(next))
    return invalid(std::string("%") + (kind == 's' ? "s" : std::string("p") + kind + "s") +
                   " at offset " + std::to_string(start) + " is followed by " +
                   FormatText::printable(next) +
                   " (the kernel wants a space, punctuation or the end)");
  if (room() == 0)
    return noSpace(start);
  // strncpy_from_kernel_nofault / strncpy_from_user_nofault with the room left as the limit: a
  // longer string is cut to room - 1 bytes; a fault before the NUL gives "" (one byte).
  const std::size_t limit = room();
  std::array<std::byte, BinaryArgumentsSize> copied{};
  const std::size_t readable = std::min(memory(argument(), std::span(copied.data(), limit)), limit);
  const auto readEnd = copied.begin() + static_cast<std::ptrdiff_t>(readable);
  const auto terminator = std::find(copied.begin(), readEnd, std::byte{0});
  std::size_t stored; // bytes taken in bin_args, the NUL included
  if (terminator != readEnd)
    stored = static_cast<std::size_t>(terminator - copied.begin()) + 1;
  else if (readable == limit)
    stored = limit;
  else
    stored = 1;
  std::copy_n(copied.begin(), stored - 1,
              binary.bytes.begin() + static_cast<std::ptrdiff_t>(binary.used));
  binary.bytes[binary.used + stored - 1] = std::byte{0};
  binary.used += stored;
  ++conversions;
  return std::nullopt;
}

/// A number or a pointer value (the nocopy_fmt path): 4-byte aligned, 4 or 8 bytes.
std::optional<FormatError> ArgumentPacker::packValue(std::size_t start, std::size_t size) {
  binary.used = (binary.used + 3) & ~std::size_t(3);
  if (room() < size)
    return noSpace(start);
  const std::uint64_t value = argument();
  for (std::size_t byte = 0; byte < size; ++byte)
    binary.bytes[binary.used + byte] = static_cast<std::byte>(value >> (8 * byte));
  binary.used += size;
  ++conversions;
  return std::nullopt;
}

/// %pB and the IP conversions: text pre-formatted with snprintf into the room left.
std::optional<FormatError> ArgumentPacker::packText(std::size_t start, const std::string &text) {
  // The kernel advances by the untruncated length + 1 even past its buffer (and then writes
  // beyond it); refused here rather than imitated.
  if (text.size() + 1 > room())
    return noSpace(start);
  for (std::size_t k = 0; k < text.size(); ++k)
    binary.bytes[binary.used + k] = static_cast<std::byte>(text[k]);
  binary.bytes[binary.used + text.size()] = std::byte{0};
  binary.used += text.size() + 1;
  ++conversions;
  return std::nullopt;
}

// ---- bstr_printf

/// The destination: bytes past its end are counted (the return value), not stored.
class Destination {
public:
  explicit Destination(std::size_t size) : size(size) {}

  bool full() const { return length >= size; }
  void put(char c) { putRepeated(c, 1); }
  void putRepeated(char c, std::uint64_t count) {
    if (!full())
      stored.append(static_cast<std::size_t>(std::min<std::uint64_t>(count, size - length)), c);
    length += count;
  }
  void put(std::string_view text) {
    if (!full())
      stored.append(text.substr(0, static_cast<std::size_t>(size - length)));
    length += text.size();
  }
  std::uint64_t written() const { return length; }
  /// The bytes before the terminating NUL bstr_printf stores (at end - 1 when full).
  std::string text() const {
    return size == 0 ? std::string()
                     : stored.substr(0, std::min<std::size_t>(stored.size(), size - 1));
  }

private:
  std::uint64_t size;
  std::uint64_t length = 0;
  std::string stored;
};

/// get_arg over bin_args: 8-byte values are 4-byte aligned, others aligned to their size.
class ArgumentCursor {
public:
  explicit ArgumentCursor(const BinaryArguments &binary) : binary(binary) {}

  std::uint64_t read(std::size_t size) {
    const std::size_t alignment = size == 8 ? 4 : size;
    offset = (offset + alignment - 1) / alignment * alignment;
    std::uint64_t value = 0;
    for (std::size_t byte = 0; byte < size; ++byte)
      value |= std::uint64_t(byteAt(offset + byte)) << (8 * byte);
    offset += size;
    return value;
  }
  /// The string at the cursor, which stays put.
  std::string peekString() const {
    std::string text;
    for (std::size_t at = offset; byteAt(at) != 0; ++at)
      text += static_cast<char>(byteAt(at));
    return text;
  }
  void skip(std::size_t bytes) { offset += bytes; }

private:
  unsigned byteAt(std::size_t at) const {
    return at < binary.bytes.size() ? std::to_integer<unsigned>(binary.bytes[at]) : 0;
  }

  const BinaryArguments &binary;
  std::size_t offset = 0;
};

enum SpecFlag : unsigned { Sign = 1, Left = 2, Plus = 4, Space = 8, ZeroPad = 16, Small = 32 };

/// printf_spec: what format_decode read (precision is always -1: bpf refuses '.').
struct Spec {
  unsigned flags = 0;
  int fieldWidth = -1;
  unsigned base = 10;
};

/// number(): sign, padding and digits.
void printNumber(Destination &out, std::uint64_t value, Spec spec) {
  int fieldWidth = spec.fieldWidth;
  if (spec.flags & Left)
    spec.flags &= ~unsigned(ZeroPad);
  char sign = 0;
  if (spec.flags & Sign) {
    if (static_cast<std::int64_t>(value) < 0) {
      sign = '-';
      value = 0 - value;
      --fieldWidth;
    } else if (spec.flags & Plus) {
      sign = '+';
      --fieldWidth;
    } else if (spec.flags & Space) {
      sign = ' ';
      --fieldWidth;
    }
  }
  const char *digitSet = (spec.flags & Small) ? "0123456789abcdef" : "0123456789ABCDEF";
  std::string digits;
  do {
    digits.insert(digits.begin(), digitSet[value % spec.base]);
    value /= spec.base;
  } while (value);
  fieldWidth -= static_cast<int>(digits.size());
  auto pad = [&](char c) {
    if (fieldWidth > 0)
      out.putRepeated(c, static_cast<std::uint64_t>(fieldWidth));
    fieldWidth = 0;
  };
  if (!(spec.flags & (ZeroPad | Left)))
    pad(' ');
  if (sign)
    out.put(sign);
  if (!(spec.flags & Left))
    pad((spec.flags & ZeroPad) ? '0' : ' ');
  out.put(std::string_view(digits));
  pad(' ');
}

/// string_nocheck + widen_string: the text, padded with spaces to the width.
void printString(Destination &out, std::string_view text, const Spec &spec) {
  const std::uint64_t padding = spec.fieldWidth > static_cast<int>(text.size())
                                    ? static_cast<std::uint64_t>(spec.fieldWidth) - text.size()
                                    : 0;
  if (!(spec.flags & Left))
    out.putRepeated(' ', padding);
  out.put(text);
  if (spec.flags & Left)
    out.putRepeated(' ', padding);
}

/// pointer_string: 16 zero-padded hex digits unless a width is given.
void printPointerValue(Destination &out, std::uint64_t value, Spec spec) {
  spec.base = 16;
  spec.flags |= Small;
  if (spec.fieldWidth == -1) {
    spec.fieldWidth = 16;
    spec.flags |= ZeroPad;
  }
  printNumber(out, value, spec);
}

/// pointer() for what bstr_printf still processes: %ps %pS (symbols), %px, %pK and plain %p
/// (hashed by the kernel, printed raw here: see FormatString.h).
void printPointer(Destination &out, char modifier, std::uint64_t value, const Spec &spec) {
  if (modifier == 's' || modifier == 'S')
    printString(out, symbolText(value), spec);
  else
    printPointerValue(out, value, spec);
}

/// skip_atoi into the 24-bit field_width: wraps like the kernel's int and bitfield.
int readWidth(const FormatText &format, std::size_t &position) {
  std::uint32_t value = 0;
  while (isDigit(format[position]))
    value = value * 10 + static_cast<std::uint32_t>(format[position++] - '0');
  const std::uint32_t low = value & 0xffffff;
  return low & 0x800000 ? static_cast<int>(low) - 0x1000000 : static_cast<int>(low);
}

/// bstr_printf: prints `format` with the packed arguments into `out`.
void printFromBinary(Destination &out, const FormatText &format, const BinaryArguments &binary) {
  ArgumentCursor arguments(binary);
  std::size_t position = 0;
  while (position < format.size()) {
    if (format[position] != '%') {
      const std::size_t start = position;
      while (position < format.size() && format[position] != '%')
        ++position;
      out.put(format.slice(start, position));
      continue;
    }
    Spec spec;
    for (++position;; ++position) {
      const char flag = format[position];
      if (flag == '-')
        spec.flags |= Left;
      else if (flag == '+')
        spec.flags |= Plus;
      else if (flag == ' ')
        spec.flags |= Space;
      else if (flag == '0')
        spec.flags |= ZeroPad;
      else
        break;
    }
    if (isDigit(format[position]))
      spec.fieldWidth = readWidth(format, position);
    std::size_t size = 4;
    if (format[position] == 'l') {
      size = 8;
      ++position;
      if (format[position] == 'l')
        ++position;
    }
    const char conversion = format[position++];
    switch (conversion) {
    case '%':
      out.put('%');
      break;
    case 'c': {
      if (!(spec.flags & Left))
        while (--spec.fieldWidth > 0)
          out.put(' ');
      out.put(static_cast<char>(arguments.read(1)));
      while (--spec.fieldWidth > 0)
        out.put(' ');
      break;
    }
    case 's': {
      const std::string text = arguments.peekString();
      arguments.skip(text.size() + 1);
      printString(out, text, spec);
      break;
    }
    case 'p': {
      const char modifier = format[position];
      const bool processed = modifier == 'S' || modifier == 's' || modifier == 'x' ||
                             modifier == 'K' || modifier == 'e' || !isAlnum(modifier);
      if (processed) {
        printPointer(out, modifier, arguments.read(8), spec);
      } else if (!out.full()) {
        // Pre-formatted by bpf_bprintf_prepare (%pks %pus %pB %pI4 ...): copied without the
        // width; once the destination is full, neither counted nor skipped.
        const std::string text = arguments.peekString();
        out.put(std::string_view(text));
        arguments.skip(text.size() + 1);
      }
      while (isAlnum(format[position]))
        ++position;
      break;
    }
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X': {
      const bool isSigned = conversion == 'd' || conversion == 'i';
      std::uint64_t value = arguments.read(size);
      if (size == 4 && isSigned)
        value = static_cast<std::uint64_t>(static_cast<std::int64_t>(
            static_cast<std::int32_t>(static_cast<std::uint32_t>(value))));
      if (isSigned)
        spec.flags |= Sign;
      if (conversion == 'x')
        spec.flags |= Small;
      spec.base = conversion == 'x' || conversion == 'X' ? 16 : 10;
      printNumber(out, value, spec);
      break;
    }
    default:
      return; // FORMAT_TYPE_INVALID (refused earlier by bpf_bprintf_prepare)
    }
  }
}

std::string formatBytes(std::span<const std::byte> format, std::size_t length) {
  std::string text(length, '\0');
  for (std::size_t i = 0; i < length; ++i)
    text[i] = static_cast<char>(format[i]);
  return text;
}

} // namespace

FormatResult formatLikeKernel(std::span<const std::byte> format,
                              std::span<const std::uint64_t> arguments, FormatFlavor flavor,
                              const MemoryReader &memory, std::size_t destinationSize) {
  const std::size_t limit =
      flavor == FormatFlavor::TracePrintk ? TracePrintkArguments : MaxFormatArguments;
  if (arguments.size() > limit)
    return invalid(std::to_string(arguments.size()) + " arguments, at most " +
                   std::to_string(limit));
  const auto terminator = std::find(format.begin(), format.end(), std::byte{0});
  if (terminator == format.end())
    return invalid("format has no NUL within its " + std::to_string(format.size()) + " bytes");
  const FormatText text(formatBytes(format, static_cast<std::size_t>(terminator - format.begin())));

  ArgumentPacker packer(text, arguments, memory);
  if (auto error = packer.run())
    return *error;

  // bstr_printf refuses sizes above INT_MAX (WARN_ON_ONCE) and returns 0.
  FormattedOutput output;
  if (destinationSize <= std::size_t(INT_MAX)) {
    Destination destination(destinationSize);
    printFromBinary(destination, text, packer.packed());
    output.text = destination.text();
    output.length = destination.written();
  }
  switch (flavor) {
  case FormatFlavor::Snprintf:
    output.helperResult = static_cast<long>(output.length) + 1;
    break;
  case FormatFlavor::TracePrintk:
  case FormatFlavor::TraceVprintk:
    output.helperResult = static_cast<long>(output.length);
    break;
  case FormatFlavor::SeqPrintf:
    output.helperResult = output.length < destinationSize ? 0 : -long(EOVERFLOW);
    break;
  }
  return output;
}

} // namespace bpfcheck::runtime
