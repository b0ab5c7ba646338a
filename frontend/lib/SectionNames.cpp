#include "bpfcheck/frontend/SectionNames.h"

namespace bpfcheck {
namespace {

enum SectionFlags : unsigned { Exact = 1, Prefix = 2, Sleepable = 4 };

/// The attach types as optionals, plus `None`, so that table rows can name either.
namespace attach {
inline constexpr std::optional<AttachType> None{};
#define ATTACH_TYPE(Name, value, text)                                                             \
  inline constexpr std::optional<AttachType> Name{AttachType::Name};
#include "bpfcheck/platform/AttachTypes.def"
} // namespace attach

struct SectionConvention {
  std::string_view pattern;
  ProgramType type;
  std::optional<AttachType> attachType;
  unsigned flags;
};

constexpr SectionConvention conventions[] = {
#define SECTION(pattern, type, attachType, flags)                                                  \
  {pattern, ProgramType::type, attach::attachType, flags},
#include "bpfcheck/frontend/SectionNames.def"
};

} // namespace

std::optional<SectionMeaning> classifySection(std::string_view sectionName) {
  for (const SectionConvention &convention : conventions) {
    std::string target;
    if (sectionName == convention.pattern) {
      // exact match: no attach target
    } else if ((convention.flags & Prefix) && sectionName.size() > convention.pattern.size() &&
               sectionName.starts_with(convention.pattern) &&
               sectionName[convention.pattern.size()] == '/') {
      target = std::string(sectionName.substr(convention.pattern.size() + 1));
    } else {
      continue;
    }
    return SectionMeaning{convention.type, convention.attachType, std::move(target),
                          (convention.flags & Sleepable) != 0};
  }
  return std::nullopt;
}

} // namespace bpfcheck
