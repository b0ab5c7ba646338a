// The `.BTF.ext` section of a BPF object: per code section, the function info, line info
// and CO-RE relocation records (layout as in the kernel's BTF documentation). libbpf 1.1
// keeps this section opaque, so bpfcheck reads it itself.
#pragma once

#include "bpfcheck/ir/Expected.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace bpfcheck {

/// `struct bpf_func_info`: the function starting at a byte offset has this BTF FUNC type.
struct FuncInfoRecord {
  std::uint32_t insnOffset = 0; ///< bytes from the start of the section
  std::uint32_t typeId = 0;
};

/// `struct bpf_line_info`: the instruction at a byte offset comes from this source line.
struct LineInfoRecord {
  std::uint32_t insnOffset = 0;
  std::uint32_t fileNameOffset = 0; ///< into the BTF string section
  std::uint32_t lineOffset = 0;     ///< into the BTF string section: the line's text
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

/// `enum bpf_core_relo_kind`.
enum class CoReKind : std::uint32_t {
  FieldByteOffset = 0,
  FieldByteSize = 1,
  FieldExists = 2,
  FieldSigned = 3,
  FieldLShiftU64 = 4,
  FieldRShiftU64 = 5,
  TypeIdLocal = 6,
  TypeIdTarget = 7,
  TypeExists = 8,
  TypeSize = 9,
  EnumValueExists = 10,
  EnumValue = 11,
  TypeMatches = 12,
};

/// `struct bpf_core_relo`: the instruction at a byte offset depends on a type's layout.
struct CoReRecord {
  std::uint32_t insnOffset = 0;
  std::uint32_t typeId = 0;             ///< local BTF type the access starts from
  std::uint32_t accessStringOffset = 0; ///< into the BTF string section, e.g. "0:1:2"
  CoReKind kind = CoReKind::FieldByteOffset;
};

/// Every record of a `.BTF.ext` section, grouped by the name of the code section it
/// describes (the names are BTF strings, resolved by the caller's BTF).
struct BtfExtRecords {
  std::map<std::uint32_t, std::vector<FuncInfoRecord>> funcInfo; ///< key: section name offset
  std::map<std::uint32_t, std::vector<LineInfoRecord>> lineInfo;
  std::map<std::uint32_t, std::vector<CoReRecord>> coreRelocations;
};

/// Parses `.BTF.ext` bytes; every malformed header, record size or count is an error that
/// names the subsection and the byte offset.
Expected<BtfExtRecords> parseBtfExt(std::span<const std::byte> bytes);

} // namespace bpfcheck
