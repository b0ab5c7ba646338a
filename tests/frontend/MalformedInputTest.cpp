// Hostile and broken input to the frontend: every truncation and many corruptions of real
// objects, wrong file kinds and broken .BTF.ext sections give an Error naming the problem,
// never a crash (these tests also run under ASan and UBSan).
#include "bpfcheck/frontend/BtfExt.h"
#include "bpfcheck/frontend/ObjectLoader.h"

#include "../TestSupport.h"

#include <doctest/doctest.h>

#include <cstring>
#include <fstream>
#include <iterator>

using namespace bpfcheck;

namespace {

std::vector<std::byte> readCorpusObject(const std::string &relativePath) {
  std::vector<std::byte> bytes =
      test::readFileBytes(std::string(BPFCHECK_CORPUS_DIR) + "/" + relativePath);
  REQUIRE(!bytes.empty());
  return bytes;
}

Expected<Object> loadBytes(const std::vector<std::byte> &bytes) {
  LoadOptions options;
  options.targetBtfPath = "/nonexistent/vmlinux"; // no dependence on the machine
  return loadObject(bytes, options, "broken.o");
}

std::vector<std::byte> bytesOf(std::initializer_list<unsigned> values) {
  std::vector<std::byte> bytes;
  for (unsigned v : values)
    bytes.push_back(std::byte(v));
  return bytes;
}

} // namespace

TEST_CASE("files that are not BPF objects are refused with the reason") {
  auto empty = loadBytes({});
  REQUIRE_FALSE(empty);
  CHECK(empty.error().message == "broken.o: not an ELF file (bad magic number at offset 0)");

  auto text = loadBytes(
      bytesOf({'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!', 0, 0, 0, 0, 0, 0}));
  REQUIRE_FALSE(text);
  CHECK(text.error().message.find("not an ELF file") != std::string::npos);

  std::vector<std::byte> object = readCorpusObject("net/xdp_pass.o");
  std::vector<std::byte> otherMachine = object;
  otherMachine[18] = std::byte{62}; // e_machine = EM_X86_64
  otherMachine[19] = std::byte{0};
  auto x86 = loadBytes(otherMachine);
  REQUIRE_FALSE(x86);
  CHECK(x86.error().message ==
        "broken.o: not a BPF object: e_machine is 62, expected 247 (EM_BPF)");

  std::vector<std::byte> bigEndian = object;
  bigEndian[5] = std::byte{2}; // EI_DATA = ELFDATA2MSB
  auto be = loadBytes(bigEndian);
  REQUIRE_FALSE(be);
  CHECK(be.error().message.find("big-endian") != std::string::npos);

  auto missing = loadObjectFile("/nonexistent/prog.o", {});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("/nonexistent/prog.o: cannot open the file") == 0);
}

TEST_CASE("every truncation of an object is refused without a crash") {
  const std::vector<std::byte> object = readCorpusObject("trace/bpf_loop_callback.o");
  REQUIRE(loadBytes(object));
  unsigned refused = 0;
  for (std::size_t length = 0; length < object.size(); length += 13) {
    std::vector<std::byte> truncated(object.begin(), object.begin() + std::ptrdiff_t(length));
    auto result = loadBytes(truncated);
    if (!result) {
      ++refused;
      CHECK(result.error().message.rfind("broken.o: ", 0) == 0);
    }
  }
  // The section headers sit at the end of the file: no truncation can succeed.
  CHECK(refused == (object.size() + 12) / 13);
}

TEST_CASE("corrupting any byte of the ELF header or section headers never crashes") {
  const std::vector<std::byte> object = readCorpusObject("maps/array_of_maps.o");
  std::uint64_t sectionHeaders;
  std::memcpy(&sectionHeaders, object.data() + 0x28, 8); // e_shoff
  REQUIRE(sectionHeaders < object.size());
  unsigned loads = 0;
  auto corruptAt = [&](std::size_t offset) {
    for (unsigned value : {0x00u, 0xffu, 0x7fu}) {
      std::vector<std::byte> corrupted = object;
      corrupted[offset] = std::byte(value);
      auto result = loadBytes(corrupted);
      if (!result)
        CHECK_FALSE(result.error().message.empty());
      ++loads;
    }
  };
  for (std::size_t offset = 0; offset < 64; ++offset)
    corruptAt(offset);
  for (std::size_t offset = sectionHeaders; offset < object.size(); ++offset)
    corruptAt(offset);
  CHECK(loads > 1000);
}

TEST_CASE("malformed .BTF.ext sections are refused with the offset") {
  auto tooShort = parseBtfExt(std::vector<std::byte>(8));
  REQUIRE_FALSE(tooShort);
  CHECK(tooShort.error().message == ".BTF.ext is 8 bytes, shorter than its header");

  // magic, version 1, flags 0, hdr_len 32, func_info at 0 len 4+8+8, others empty
  std::vector<std::uint32_t> words = {0x0001eb9f,
                                      32,
                                      0,
                                      20,
                                      20,
                                      0,
                                      0,
                                      0,
                                      /* func_info: rec size */ 8,
                                      /* section name */ 1,
                                      /* count */ 5,
                                      0,
                                      0};
  std::vector<std::byte> bytes(words.size() * 4);
  std::memcpy(bytes.data(), words.data(), bytes.size());
  auto overflow = parseBtfExt(bytes);
  REQUIRE_FALSE(overflow);
  CHECK(overflow.error().message.find("claims 5 records of 8 bytes") != std::string::npos);

  words[8] = 3; // a record size that is not a multiple of 4
  std::memcpy(bytes.data(), words.data(), bytes.size());
  auto badSize = parseBtfExt(bytes);
  REQUIRE_FALSE(badSize);
  CHECK(badSize.error().message.find("func_info record size 3 is invalid") == 0);

  words[0] = 0x0001beef;
  std::memcpy(bytes.data(), words.data(), bytes.size());
  auto badMagic = parseBtfExt(bytes);
  REQUIRE_FALSE(badMagic);
  CHECK(badMagic.error().message.find("bad magic") != std::string::npos);

  words[0] = 0x0001eb9f;
  words[8] = 8;
  words[10] = 1; // one record: well formed
  std::memcpy(bytes.data(), words.data(), bytes.size());
  auto good = parseBtfExt(bytes);
  REQUIRE(good);
  REQUIRE(good->funcInfo.count(1));
  CHECK(good->funcInfo.at(1).size() == 1);
}
