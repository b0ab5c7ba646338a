// Classifying an ELF section name by libbpf's SEC() conventions (SectionNames.def).
#pragma once

#include "bpfcheck/platform/Types.h"

#include <optional>
#include <string>
#include <string_view>

namespace bpfcheck {

/// What a program section's name says about its programs.
struct SectionMeaning {
  ProgramType type;
  std::optional<AttachType> expectedAttachType;
  std::string attachTarget; ///< the part after the first '/', for Prefix patterns
  bool sleepable = false;
};

/// The meaning of `sectionName`, or nothing when no convention matches.
std::optional<SectionMeaning> classifySection(std::string_view sectionName);

} // namespace bpfcheck
