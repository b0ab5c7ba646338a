// Inputs the fuzzers once crashed on (tests/fuzz/regressions/, named after the target:
// loader-*, decoder-*, btf-*): each must now give a clean Error or a result. Where the
// fix produced a specific message, the test pins it.
#include "bpfcheck/frontend/BtfExt.h"
#include "bpfcheck/frontend/ObjectLoader.h"
#include "bpfcheck/ir/Decoder.h"

#include "../TestSupport.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

using namespace bpfcheck;

namespace {

/// The message a fixed crash must now produce (a fragment), by file name.
const std::map<std::string, std::string> expectedErrors = {
    {"loader-huge-bss.o", "bytes is too large for a map value"},
    {"loader-kconfig-wide-int.o", "expected 1, 2, 4 or 8"},
    {"loader-abs-symbol-load.o", "reserved section index"},
};

} // namespace

TEST_CASE("inputs that crashed the fuzzers are handled") {
  unsigned checked = 0;
  for (const auto &entry : std::filesystem::directory_iterator(BPFCHECK_FUZZ_REGRESSIONS)) {
    const std::string name = entry.path().filename().string();
    INFO(name);
    const std::vector<std::byte> bytes = test::readFileBytes(entry.path());
    if (name.rfind("loader-", 0) == 0) {
      LoadOptions options;
      options.targetBtfPath = "/nonexistent/vmlinux";
      auto object = loadObject(bytes, options, name);
      if (auto expected = expectedErrors.find(name); expected != expectedErrors.end()) {
        // The problem is reported for the object, or for the one program it concerns.
        std::string reported;
        if (!object)
          reported = object.error().message;
        else
          for (const Program &program : object->programs)
            reported += program.malformed + "\n";
        CHECK(reported.find(expected->second) != std::string::npos);
      }
    } else if (name.rfind("decoder-", 0) == 0) {
      std::vector<encoding::RawInstruction> slots(bytes.size() / 8);
      std::memcpy(slots.data(), bytes.data(), slots.size() * 8);
      (void)decodeProgram(slots);
    } else if (name.rfind("btf-", 0) == 0) {
      // FuzzBtf's input: a 4-byte BTF length, the BTF, then .BTF.ext bytes.
      std::uint32_t btfSize = 0;
      if (bytes.size() >= 4)
        std::memcpy(&btfSize, bytes.data(), 4);
      const std::size_t extStart = std::min<std::size_t>(bytes.size(), 4 + std::size_t(btfSize));
      (void)parseBtfExt(std::span<const std::byte>(bytes).subspan(extStart));
    } else {
      FAIL("unknown regression kind: name it loader-*, decoder-* or btf-*");
    }
    ++checked;
  }
  CHECK(checked >= expectedErrors.size());
}
