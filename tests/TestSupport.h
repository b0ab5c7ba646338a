// Small helpers shared by the unit tests: raw instruction slots and file bytes.
#pragma once

#include "bpfcheck/ir/Encoding.h"

#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace bpfcheck::test {

inline encoding::RawInstruction raw(std::uint8_t opcode, std::uint8_t dst, std::uint8_t src,
                                    std::int16_t offset, std::int32_t imm) {
  return encoding::RawInstruction::make(opcode, dst, src, offset, imm);
}

inline const encoding::RawInstruction exitInsn = raw(0x95, 0, 0, 0, 0);

/// The bytes of a file (empty if it cannot be read).
inline std::vector<std::byte> readFileBytes(const std::filesystem::path &path) {
  std::ifstream file(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  if (!chars.empty())
    std::memcpy(bytes.data(), chars.data(), chars.size());
  return bytes;
}

/// The object paths listed in a corpus.list (object TAB source per line).
inline std::vector<std::string> corpusObjects(const std::string &listPath) {
  std::vector<std::string> objects;
  std::ifstream list(listPath);
  std::string line;
  while (std::getline(list, line))
    if (auto tab = line.find('\t'); tab != std::string::npos)
      objects.push_back(line.substr(0, tab));
  return objects;
}

} // namespace bpfcheck::test
