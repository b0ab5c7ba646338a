// The kernel's program types, attach types and map types as C++ enums with the names
// libbpf and bpftool use for them. The rows live in the .def tables beside this header.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace bpfcheck {

enum class ProgramType : std::uint32_t {
#define PROGRAM_TYPE(Name, value, text) Name = value,
#include "bpfcheck/platform/ProgramTypes.def"
};

enum class AttachType : std::uint32_t {
#define ATTACH_TYPE(Name, value, text) Name = value,
#include "bpfcheck/platform/AttachTypes.def"
};

enum class MapType : std::uint32_t {
#define MAP_TYPE(Name, value, text) Name = value,
#include "bpfcheck/platform/MapTypes.def"
};

/// "xdp", "sched_cls", … ; "unknown(N)" style names are never returned: unknown values give "".
std::string_view nameOf(ProgramType type);
std::string_view nameOf(AttachType type);
std::string_view nameOf(MapType type);

std::optional<ProgramType> programTypeNamed(std::string_view name);
std::optional<AttachType> attachTypeNamed(std::string_view name);
std::optional<MapType> mapTypeNamed(std::string_view name);

/// Whether a raw kernel value names a known map type (map definitions in objects carry
/// raw numbers).
bool isKnownMapType(std::uint32_t value);

} // namespace bpfcheck
