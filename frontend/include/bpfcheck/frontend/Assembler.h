// Assembling BPF text in LLVM's syntax (what llvm-objdump prints and what the kernel's
// selftests write in inline asm) with LLVM MC, so that tests and users can write programs
// as strings.
#pragma once

#include "bpfcheck/frontend/ObjectLoader.h"
#include "bpfcheck/ir/Encoding.h"
#include "bpfcheck/ir/Expected.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bpfcheck {

struct AssemblerOptions {
  std::string cpu = "v4"; ///< -mcpu: v1, v2, v3 or v4
};

/// Assembles a complete assembly file (sections, symbols, directives) into an ELF object,
/// which loadObject reads like one clang produced. Errors carry `line:column: message`.
Expected<std::vector<std::byte>> assembleObject(std::string_view text,
                                                const AssemblerOptions &options = {});

/// Assembles the instructions of one program (no directives needed; labels, `call label`
/// for subprograms and `exit` as usual) into its slots, subprograms linked after it.
Expected<std::vector<encoding::RawInstruction>>
assembleProgram(std::string_view instructions, const AssemblerOptions &options = {});

} // namespace bpfcheck
