// .BTF.ext layout (kernel Documentation/bpf/btf.rst): a header (magic 0xeb9f, version 1,
// header length, then offset/length pairs relative to the end of the header) followed by
// subsections that each start with a record size and hold, per code section, a section
// name offset, a record count and the records.
#include "bpfcheck/frontend/BtfExt.h"

#include <cstring>
#include <functional>

namespace bpfcheck {
namespace {

constexpr std::uint16_t BtfMagic = 0xeb9f;
constexpr std::size_t MinimumHeaderSize = 24; // up to line_info_len
constexpr std::size_t CoReHeaderSize = 32;    // with core_relo_off/len

std::string at(std::size_t offset) {
  return " at .BTF.ext offset " + std::to_string(offset);
}

class Reader {
public:
  explicit Reader(std::span<const std::byte> bytes) : bytes(bytes) {}

  bool has(std::size_t offset, std::size_t size) const {
    return offset <= bytes.size() && size <= bytes.size() - offset;
  }
  std::uint32_t u32(std::size_t offset) const {
    std::uint32_t value;
    std::memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
  }
  std::uint16_t u16(std::size_t offset) const {
    std::uint16_t value;
    std::memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
  }
  std::uint8_t u8(std::size_t offset) const { return std::uint8_t(bytes[offset]); }

private:
  std::span<const std::byte> bytes;
};

/// Walks one subsection, calling `record(sectionNameOffset, recordOffset)` per record.
Expected<bool> walkSubsection(const Reader &reader, const char *name, std::size_t start,
                              std::size_t length, std::size_t minimumRecordSize,
                              const std::function<void(std::uint32_t, std::size_t)> &record) {
  if (length == 0)
    return true;
  if (!reader.has(start, length))
    return Error(std::string(name) + " subsection of " + std::to_string(length) +
                 " bytes runs past the end of the section" + at(start));
  if (length < 4)
    return Error(std::string(name) + " subsection is too short for its record size" + at(start));
  const std::uint32_t recordSize = reader.u32(start);
  if (recordSize < minimumRecordSize || recordSize % 4 != 0 || recordSize > 1024)
    return Error(std::string(name) + " record size " + std::to_string(recordSize) +
                 " is invalid (at least " + std::to_string(minimumRecordSize) +
                 ", a multiple of 4)" + at(start));
  const std::size_t end = start + length;
  std::size_t offset = start + 4;
  while (offset < end) {
    if (end - offset < 8)
      return Error(std::string(name) + " section header is truncated" + at(offset));
    const std::uint32_t sectionName = reader.u32(offset);
    const std::uint32_t count = reader.u32(offset + 4);
    offset += 8;
    if (count == 0)
      return Error(std::string(name) + " section entry has no records" + at(offset - 8));
    if (std::uint64_t(count) * recordSize > end - offset)
      return Error(std::string(name) + " section entry claims " + std::to_string(count) +
                   " records of " + std::to_string(recordSize) +
                   " bytes, more than the subsection holds" + at(offset - 8));
    for (std::uint32_t i = 0; i < count; ++i, offset += recordSize)
      record(sectionName, offset);
  }
  return true;
}

} // namespace

Expected<BtfExtRecords> parseBtfExt(std::span<const std::byte> bytes) {
  const Reader reader(bytes);
  if (!reader.has(0, MinimumHeaderSize))
    return Error(".BTF.ext is " + std::to_string(bytes.size()) + " bytes, shorter than its header");
  if (reader.u16(0) != BtfMagic)
    return Error(".BTF.ext has a bad magic number (expected 0xeb9f)" + at(0));
  if (reader.u8(2) != 1)
    return Error(".BTF.ext version " + std::to_string(reader.u8(2)) + " is not supported" + at(2));
  const std::uint32_t headerLength = reader.u32(4);
  if (headerLength < MinimumHeaderSize || !reader.has(0, headerLength))
    return Error(".BTF.ext header length " + std::to_string(headerLength) + " is invalid" + at(4));

  BtfExtRecords records;
  auto locate = [&](std::size_t field) -> std::pair<std::size_t, std::size_t> {
    return {std::size_t(headerLength) + reader.u32(field), reader.u32(field + 4)};
  };

  auto [funcStart, funcLength] = locate(8);
  auto func = walkSubsection(reader, "func_info", funcStart, funcLength, 8,
                             [&](std::uint32_t section, std::size_t offset) {
                               records.funcInfo[section].push_back(
                                   {reader.u32(offset), reader.u32(offset + 4)});
                             });
  if (!func)
    return func.takeError();

  auto [lineStart, lineLength] = locate(16);
  auto line = walkSubsection(reader, "line_info", lineStart, lineLength, 16,
                             [&](std::uint32_t section, std::size_t offset) {
                               const std::uint32_t lineColumn = reader.u32(offset + 12);
                               records.lineInfo[section].push_back(
                                   {reader.u32(offset), reader.u32(offset + 4),
                                    reader.u32(offset + 8), lineColumn >> 10, lineColumn & 0x3ff});
                             });
  if (!line)
    return line.takeError();

  if (headerLength >= CoReHeaderSize) {
    auto [coreStart, coreLength] = locate(24);
    auto core = walkSubsection(reader, "core_relo", coreStart, coreLength, 16,
                               [&](std::uint32_t section, std::size_t offset) {
                                 records.coreRelocations[section].push_back(
                                     {reader.u32(offset), reader.u32(offset + 4),
                                      reader.u32(offset + 8), CoReKind(reader.u32(offset + 12))});
                               });
    if (!core)
      return core.takeError();
  }
  return records;
}

} // namespace bpfcheck
