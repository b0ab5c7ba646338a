// Rows for lookupResultOf and lookupOfConstantKeyIsNeverNull (MapTypeRules.h): what
// bpf_map_lookup_elem returns per map type in Linux 6.18 (check_helper_call's
// RET_PTR_TO_MAP_VALUE handling, map-in-map and sockmap lookups; can_elide_value_nullness).

#include "bpfcheck/platform/MapTypeRules.h"

namespace bpfcheck {

namespace {

struct LookupRow {
  MapType map;
  LookupResult result;
  bool constantKeyNeverNull;
};

constexpr LookupRow lookupRows[] = {
    {MapType::Array, LookupResult::Value, true},
    {MapType::PercpuArray, LookupResult::Value, true},
    {MapType::ArrayOfMaps, LookupResult::InnerMap, false},
    {MapType::HashOfMaps, LookupResult::InnerMap, false},
    {MapType::Sockmap, LookupResult::Socket, false},
    {MapType::Sockhash, LookupResult::Socket, false},
};

const LookupRow *findLookupRow(MapType map) {
  for (const LookupRow &row : lookupRows)
    if (row.map == map)
      return &row;
  return nullptr;
}

} // namespace

LookupResult lookupResultOf(MapType map) {
  const LookupRow *row = findLookupRow(map);
  return row ? row->result : LookupResult::Value;
}

bool valueIsSocket(MapType map) {
  return lookupResultOf(map) == LookupResult::Socket;
}

bool lookupOfConstantKeyIsNeverNull(MapType map) {
  const LookupRow *row = findLookupRow(map);
  return row && row->constantKeyNeverNull;
}

} // namespace bpfcheck
