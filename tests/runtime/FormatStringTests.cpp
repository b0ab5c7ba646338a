// Format strings of bpf_trace_printk, bpf_snprintf, bpf_trace_vprintk and bpf_seq_printf: what
// bpf_bprintf_prepare (kernel/bpf/helpers.c) accepts and refuses, and what bstr_printf
// (lib/vsprintf.c) prints. Expected texts follow printf's semantics and the kernel sources
// (Documentation/core-api/printk-formats.rst for the %p extensions), worked out by hand.
#include "bpfcheck/runtime/FormatString.h"

#include <doctest/doctest.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

using namespace bpfcheck::runtime;

namespace {

/// Program memory: a few readable regions; everything else faults.
struct FakeMemory {
  struct Region {
    std::uint64_t address;
    std::string bytes;
  };
  std::vector<Region> regions;

  MemoryReader reader() const {
    return [this](std::uint64_t address, std::span<std::byte> out) -> std::size_t {
      for (const Region &region : regions) {
        if (address < region.address || address >= region.address + region.bytes.size())
          continue;
        const std::size_t offset = address - region.address;
        const std::size_t count = std::min(out.size(), region.bytes.size() - offset);
        std::memcpy(out.data(), region.bytes.data() + offset, count);
        return count;
      }
      return 0;
    };
  }
};

const FakeMemory NoMemory;

std::vector<std::byte> withNul(std::string_view text) {
  std::vector<std::byte> bytes(text.size() + 1, std::byte{0});
  std::memcpy(bytes.data(), text.data(), text.size());
  return bytes;
}

FormatResult run(std::string_view format, std::vector<std::uint64_t> arguments,
                 FormatFlavor flavor = FormatFlavor::Snprintf, std::size_t size = 256,
                 const FakeMemory &memory = NoMemory) {
  return formatLikeKernel(withNul(format), arguments, flavor, memory.reader(), size);
}

/// The text bpf_snprintf writes into a 256-byte buffer.
std::string printed(std::string_view format, std::vector<std::uint64_t> arguments = {},
                    const FakeMemory &memory = NoMemory) {
  FormatResult result = run(format, std::move(arguments), FormatFlavor::Snprintf, 256, memory);
  if (!result) {
    FAIL_CHECK("refused: " << result.error().message);
    return {};
  }
  return result->text;
}

/// The errno of a refusal (0 when accepted).
int refusal(std::string_view format, std::vector<std::uint64_t> arguments = {1, 2, 3},
            FormatFlavor flavor = FormatFlavor::Snprintf, const FakeMemory &memory = NoMemory) {
  FormatResult result = run(format, std::move(arguments), flavor, 256, memory);
  return result ? 0 : result.error().code;
}

std::uint64_t negative(std::int64_t value) {
  return static_cast<std::uint64_t>(value);
}

constexpr std::uint64_t StringAddress = 0x1000;
constexpr std::uint64_t AddressV4 = 0x2000;
constexpr std::uint64_t AddressV6 = 0x3000;

FakeMemory sampleMemory() {
  FakeMemory memory;
  memory.regions.push_back({StringAddress, std::string("bpf\0", 4)});
  memory.regions.push_back({AddressV4, std::string("\xc0\xa8\x01\x0a", 4)});
  // 2001:db8::1
  memory.regions.push_back(
      {AddressV6, std::string("\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16)});
  return memory;
}

} // namespace

TEST_CASE("%d %i %u use the low 32 bits, and negative values differ between signed and unsigned") {
  CHECK(printed("%d", {negative(-5)}) == "-5");
  CHECK(printed("%i", {negative(-5)}) == "-5");
  CHECK(printed("%u", {negative(-5)}) == "4294967291");
  CHECK(printed("%d", {0x100000005}) == "5");
  CHECK(printed("%d", {2147483648u}) == "-2147483648");
  CHECK(printed("%u", {2147483648u}) == "2147483648");
  CHECK(printed("%d %u", {0, 0}) == "0 0");
}

TEST_CASE("l and ll take all 64 bits") {
  CHECK(printed("%ld", {negative(-5)}) == "-5");
  CHECK(printed("%lu", {negative(-1)}) == "18446744073709551615");
  CHECK(printed("%lld", {negative(INT64_MIN)}) == "-9223372036854775808");
  CHECK(printed("%lli", {0x7fffffffffffffff}) == "9223372036854775807");
  CHECK(printed("%llu", {negative(-1)}) == "18446744073709551615");
  CHECK(printed("%llx", {0x123456789abcdef0}) == "123456789abcdef0");
  CHECK(printed("%lX", {0xfedcba9876543210}) == "FEDCBA9876543210");
}

TEST_CASE("%x and %X: lower and upper case hex of the low 32 bits, no prefix") {
  CHECK(printed("%x", {0xdeadbeef}) == "deadbeef");
  CHECK(printed("%X", {0xdeadbeef}) == "DEADBEEF");
  CHECK(printed("%x", {0x123456789}) == "23456789");
  CHECK(printed("%x", {negative(-1)}) == "ffffffff");
  CHECK(printed("%lx", {negative(-1)}) == "ffffffffffffffff");
  CHECK(printed("%x", {0}) == "0");
}

TEST_CASE("flags 0 + - space and a width") {
  CHECK(printed("%5d|", {42}) == "   42|");
  CHECK(printed("%-5d|", {42}) == "42   |");
  CHECK(printed("%05d", {negative(-42)}) == "-0042");
  CHECK(printed("%+d %+d", {42, negative(-42)}) == "+42 -42");
  CHECK(printed("% d", {42}) == " 42");
  CHECK(printed("%+ d", {5}) == "+5");
  CHECK(printed("%-05d|", {42}) == "42   |");
  CHECK(printed("%08x", {0xbeef}) == "0000beef");
  CHECK(printed("%2d", {100}) == "100");
  CHECK(printed("%+u", {5}) == "5"); // '+' and ' ' only apply to signed conversions
  CHECK(printed("%12lld|", {negative(-1234567890)}) == " -1234567890|");
}

TEST_CASE("%c prints the low byte, with a width, and %% prints a percent sign") {
  CHECK(printed("%c%c", {'h', 'i'}) == "hi");
  CHECK(printed("%c", {0x141}) == "A");
  CHECK(printed("%3c|%-3c|", {'x', 'y'}) == "  x|y  |");
  CHECK(printed("100%%") == "100%");
  CHECK(printed("%d%%", {7}) == "7%");
  FormatResult withNulByte = run("a%cb", {0});
  REQUIRE(withNulByte);
  CHECK(withNulByte->text == std::string("a\0b", 3));
}

TEST_CASE("%s, %pks and %pus read a NUL-terminated string from memory") {
  const FakeMemory memory = sampleMemory();
  CHECK(printed("name=%s!", {StringAddress}, memory) == "name=bpf!");
  CHECK(printed("%pks|%pus", {StringAddress, StringAddress}, memory) == "bpf|bpf");
  CHECK(printed("[%6s][%-6s]", {StringAddress, StringAddress}, memory) == "[   bpf][bpf   ]");
  CHECK(printed("%s", {StringAddress + 2}, memory) == "f");
  // %pks is copied as pre-formatted text: the width does not apply.
  CHECK(printed("[%6pks]", {StringAddress}, memory) == "[bpf]");
}

TEST_CASE("%s of unreadable memory prints an empty string") {
  FakeMemory memory;
  memory.regions.push_back({0x5000, "abc"}); // no NUL before the end of readable memory
  CHECK(printed("<%s>", {0x9000}, memory) == "<>");
  CHECK(printed("<%s>", {0}, memory) == "<>");
  CHECK(printed("<%s>", {0x5000}, memory) == "<>");
  CHECK(printed("<%s|%d>", {0x9000, 7}, memory) == "<|7>");
}

TEST_CASE("%s is cut at the room left in the 512-byte argument buffer") {
  FakeMemory memory;
  memory.regions.push_back({0x8000, std::string(600, 'a') + '\0'});
  CHECK(printed("%s", {0x8000}, memory) == std::string(255, 'a'));
  FormatResult result = run("%s", {0x8000}, FormatFlavor::Snprintf, 1024, memory);
  REQUIRE(result);
  CHECK(result->text == std::string(511, 'a'));
  CHECK(result->length == 511);
  // Nothing is left for what follows: -ENOSPC.
  CHECK(refusal("%s %d", {0x8000, 1}, FormatFlavor::Snprintf, memory) == ENOSPC);
  CHECK(refusal("%s%c", {0x8000, 1}, FormatFlavor::Snprintf, memory) == ENOSPC);
  CHECK(refusal("%s%s", {0x8000, 0x8000}, FormatFlavor::Snprintf, memory) == ENOSPC);
  CHECK(refusal("%s %pI4", {0x8000, AddressV4}, FormatFlavor::Snprintf, memory) == ENOSPC);
}

TEST_CASE("%s must be followed by the end, a space or punctuation") {
  const FakeMemory memory = sampleMemory();
  CHECK(refusal("%sx", {StringAddress}, FormatFlavor::Snprintf, memory) == EINVAL);
  CHECK(refusal("%s1", {StringAddress}, FormatFlavor::Snprintf, memory) == EINVAL);
  CHECK(refusal("%pksa", {StringAddress}, FormatFlavor::Snprintf, memory) == EINVAL);
  CHECK(printed("%s.", {StringAddress}, memory) == "bpf.");
  CHECK(printed("%s\n", {StringAddress}, memory) == "bpf\n");
}

TEST_CASE("%pI4 %pi4 %pI6 %pi6 format addresses read from memory") {
  const FakeMemory memory = sampleMemory();
  CHECK(printed("%pI4", {AddressV4}, memory) == "192.168.1.10");
  CHECK(printed("%pi4", {AddressV4}, memory) == "192.168.001.010");
  CHECK(printed("%pI6", {AddressV6}, memory) == "2001:0db8:0000:0000:0000:0000:0000:0001");
  CHECK(printed("%pi6", {AddressV6}, memory) == "20010db8000000000000000000000001");
  CHECK(printed("%pI4 %d", {AddressV4, 5}, memory) == "192.168.1.10 5");
  // bpf formats "%pI6" without the 'c' (no compression); bstr_printf then skips the 'c'.
  CHECK(printed("%pI6c", {AddressV6}, memory) == "2001:0db8:0000:0000:0000:0000:0000:0001");
  // Pre-formatted text: no width.
  CHECK(printed("[%20pI4]", {AddressV4}, memory) == "[192.168.1.10]");
}

TEST_CASE("unreadable addresses print as zeros") {
  CHECK(printed("%pI4", {0x9999}) == "0.0.0.0");
  CHECK(printed("%pi4", {0}) == "000.000.000.000");
  CHECK(printed("%pI6", {0x9999}) == "0000:0000:0000:0000:0000:0000:0000:0000");
}

TEST_CASE("%px %p %pK print the value, and %ps %pS %pB print 0x<hex> for non-symbols") {
  CHECK(printed("%px", {0xffff888012345678}) == "ffff888012345678");
  CHECK(printed("%px", {0x1234}) == "0000000000001234");
  CHECK(printed("%20px|", {0x1234}) == "                1234|");
  // NULL is printed as is even by a kernel that hashes pointers.
  CHECK(printed("%p", {0}) == "0000000000000000");
  CHECK(printed("%p, %pK.", {0, 0}) == "0000000000000000, 0000000000000000.");
  CHECK(printed("%ps", {0xffffffff81000000}) == "0xffffffff81000000");
  CHECK(printed("%pS", {0x10}) == "0x10");
  CHECK(printed("%pB", {0xffffffffa0001234}) == "0xffffffffa0001234");
}

TEST_CASE("unsupported pointer modifiers are refused") {
  CHECK(refusal("%pM") == EINVAL);
  CHECK(refusal("%pe") == EINVAL);
  CHECK(refusal("%pa") == EINVAL);
  CHECK(refusal("%pi5") == EINVAL);
  CHECK(refusal("%pIS") == EINVAL);
  CHECK(refusal("%pk") == EINVAL);
  CHECK(refusal("%pd") == EINVAL);
  CHECK(refusal("%pE") == EINVAL);
}

TEST_CASE("unsupported conversions, length modifiers, precision and flags are refused") {
  for (const char *format :
       {"%n",  "%f",  "%o",  "%lo", "%e",    "%g",  "%a",   "%hd", "%hhd", "%zu", "%td",  "%jd",
        "%Lf", "%lc", "%ls", "%lp", "%llld", "%#x", "%.3d", "%.s", "%*d",  "%5%", "abc%", "%-"}) {
    CAPTURE(format);
    CHECK(refusal(format) == EINVAL);
  }
}

TEST_CASE("the error names the conversion and its offset") {
  FormatResult result = run("count=%d %n", {1, 2});
  REQUIRE_FALSE(result);
  CHECK(result.error().code == EINVAL);
  CHECK(result.error().message == "unsupported conversion %n at offset 9");
  CHECK(result.helperResult() == -EINVAL);
  FormatResult pointer = run("%pM", {1});
  REQUIRE_FALSE(pointer);
  CHECK(pointer.error().message == "unsupported conversion %pM at offset 0");
}

TEST_CASE("control characters are refused, and UTF-8 text passes but not after %") {
  CHECK(refusal("bell\a") == EINVAL);
  CHECK(refusal("\x7f") == EINVAL);
  CHECK(printed("tab\tnewline\n") == "tab\tnewline\n");
  CHECK(printed("caf\xc3\xa9 %d", {1}) == "caf\xc3\xa9 1");
  CHECK(refusal("%\xc3\xa9") == EINVAL);
  // After %s the kernel's (Latin-1) ctype sees 0xc3 as a letter.
  CHECK(refusal("%s\xc3\xa9", {0x1000}) == EINVAL);
}

TEST_CASE("bpf_trace_printk: at most three conversions") {
  FormatResult three = run("%d %d %d", {1, 2, 3}, FormatFlavor::TracePrintk, TraceBufferSize);
  REQUIRE(three);
  CHECK(three->text == "1 2 3");
  CHECK(three->helperResult == 5);
  CHECK(refusal("%d %d %d %d", {1, 2, 3}, FormatFlavor::TracePrintk) == EINVAL);
  CHECK(refusal("%d", {1, 2, 3, 4}, FormatFlavor::TracePrintk) == EINVAL);
  // %% is no conversion.
  CHECK(refusal("%% %d %d %d %%", {1, 2, 3}, FormatFlavor::TracePrintk) == 0);
}

TEST_CASE("bpf_snprintf, bpf_trace_vprintk, bpf_seq_printf: at most 12 arguments") {
  const std::vector<std::uint64_t> twelve{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  const std::string twelveConversions = "%d %d %d %d %d %d %d %d %d %d %d %d";
  CHECK(printed(twelveConversions, twelve) == "1 2 3 4 5 6 7 8 9 10 11 12");
  CHECK(refusal(twelveConversions + " %d", twelve) == EINVAL);
  std::vector<std::uint64_t> thirteen = twelve;
  thirteen.push_back(13);
  for (FormatFlavor flavor :
       {FormatFlavor::Snprintf, FormatFlavor::TraceVprintk, FormatFlavor::SeqPrintf}) {
    CHECK(refusal(twelveConversions, twelve, flavor) == 0);
    CHECK(refusal("%d", thirteen, flavor) == EINVAL);
  }
  // Fewer conversions than arguments is fine; a conversion without one is not.
  CHECK(printed("%d", {1, 2, 3}) == "1");
  CHECK(refusal("%d", {}) == EINVAL);
  CHECK(printed("no conversions") == "no conversions");
}

TEST_CASE("the format must hold a NUL within its size, and what follows it is ignored") {
  const std::string text = "abc";
  std::vector<std::byte> unterminated(text.size());
  std::memcpy(unterminated.data(), text.data(), text.size());
  FormatResult result =
      formatLikeKernel(unterminated, {}, FormatFlavor::TracePrintk, NoMemory.reader(), 1024);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == EINVAL);
  std::vector<std::byte> early = withNul(std::string("ab\0%n", 5));
  FormatResult stopped =
      formatLikeKernel(early, {}, FormatFlavor::TracePrintk, NoMemory.reader(), 1024);
  REQUIRE(stopped);
  CHECK(stopped->text == "ab");
}

TEST_CASE("bpf_snprintf returns the length the whole output needs, NUL included") {
  FormatResult cut = run("hello world %d", {42}, FormatFlavor::Snprintf, 8);
  REQUIRE(cut);
  CHECK(cut->text == "hello w");
  CHECK(cut->length == 14);
  CHECK(cut->helperResult == 15);
  FormatResult exact = run("hello world %d", {42}, FormatFlavor::Snprintf, 15);
  REQUIRE(exact);
  CHECK(exact->text == "hello world 42");
  CHECK(exact->helperResult == 15);
  FormatResult one = run("hello", {}, FormatFlavor::Snprintf, 1);
  REQUIRE(one);
  CHECK(one->text.empty());
  CHECK(one->helperResult == 6);
  FormatResult none = run("%5d", {1}, FormatFlavor::Snprintf, 0);
  REQUIRE(none);
  CHECK(none->text.empty());
  CHECK(none->helperResult == 6);
  CHECK(run("%d", {1}, FormatFlavor::Snprintf, 4).helperResult() == 2);
  CHECK(run("%n", {1}, FormatFlavor::Snprintf, 4).helperResult() == -EINVAL);
}

TEST_CASE("bstr_printf neither counts nor skips pre-formatted text once the buffer is full") {
  const FakeMemory memory = sampleMemory();
  // "192.168.1.10" is not counted when nothing fits.
  FormatResult empty = run("%pI4", {AddressV4}, FormatFlavor::Snprintf, 0, memory);
  REQUIRE(empty);
  CHECK(empty->helperResult == 1);
  // Then %d reads from where the address text is: "192." as a little-endian int.
  FormatResult shifted = run("%pI4 %d", {AddressV4, 5}, FormatFlavor::Snprintf, 0, memory);
  REQUIRE(shifted);
  CHECK(shifted->length == std::string(" 775043377").size());
  // With room, all is counted.
  FormatResult counted = run("ip %pI4", {AddressV4}, FormatFlavor::Snprintf, 5, memory);
  REQUIRE(counted);
  CHECK(counted->text == "ip 1");
  CHECK(counted->helperResult == 16);
}

TEST_CASE("bpf_trace_printk prints into 1024 bytes and returns the untruncated length") {
  FormatResult long_ = run("%1000d%100d", {1, 2}, FormatFlavor::TracePrintk, TraceBufferSize);
  REQUIRE(long_);
  CHECK(long_->text.size() == 1023);
  CHECK(long_->text.substr(995, 5) == "    1");
  CHECK(long_->length == 1100);
  CHECK(long_->helperResult == 1100);
  FormatResult vprintk = run("x=%llu", {7}, FormatFlavor::TraceVprintk, TraceBufferSize);
  REQUIRE(vprintk);
  CHECK(vprintk->text == "x=7");
  CHECK(vprintk->helperResult == 3);
}

TEST_CASE("bpf_seq_printf returns 0, or -EOVERFLOW when the output does not fit") {
  FormatResult fits = run("%d", {12345}, FormatFlavor::SeqPrintf, 6);
  REQUIRE(fits);
  CHECK(fits->helperResult == 0);
  FormatResult overflows = run("%d", {123456}, FormatFlavor::SeqPrintf, 6);
  REQUIRE(overflows);
  CHECK(overflows->helperResult == -EOVERFLOW);
}
