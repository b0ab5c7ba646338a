#include "bpfcheck/platform/Types.h"

#include <span>

namespace bpfcheck {
namespace {

template <typename Enum> struct NamedValue {
  Enum value;
  std::string_view name;
};

constexpr NamedValue<ProgramType> programTypes[] = {
#define PROGRAM_TYPE(Name, value, text) {ProgramType::Name, text},
#include "bpfcheck/platform/ProgramTypes.def"
};
constexpr NamedValue<AttachType> attachTypes[] = {
#define ATTACH_TYPE(Name, value, text) {AttachType::Name, text},
#include "bpfcheck/platform/AttachTypes.def"
};
constexpr NamedValue<MapType> mapTypes[] = {
#define MAP_TYPE(Name, value, text) {MapType::Name, text},
#include "bpfcheck/platform/MapTypes.def"
};

template <typename Enum> std::string_view find(std::span<const NamedValue<Enum>> rows, Enum value) {
  for (const auto &row : rows)
    if (row.value == value)
      return row.name;
  return {};
}

template <typename Enum>
std::optional<Enum> find(std::span<const NamedValue<Enum>> rows, std::string_view name) {
  for (const auto &row : rows)
    if (row.name == name)
      return row.value;
  return std::nullopt;
}

} // namespace

std::string_view nameOf(ProgramType type) {
  return find<ProgramType>(programTypes, type);
}
std::string_view nameOf(AttachType type) {
  return find<AttachType>(attachTypes, type);
}
std::string_view nameOf(MapType type) {
  return find<MapType>(mapTypes, type);
}

std::optional<ProgramType> programTypeNamed(std::string_view name) {
  return find<ProgramType>(programTypes, name);
}
std::optional<AttachType> attachTypeNamed(std::string_view name) {
  return find<AttachType>(attachTypes, name);
}
std::optional<MapType> mapTypeNamed(std::string_view name) {
  return find<MapType>(mapTypes, name);
}

bool isKnownMapType(std::uint32_t value) {
  return !find<MapType>(mapTypes, MapType(value)).empty();
}

} // namespace bpfcheck
