// Pinning maps under a directory, the bpffs idea with plain files: pinMap writes the map's
// spec and contents to a file at `path`; openPinnedMap, from this or another process, creates
// a map with that spec and contents; syncPinnedMap writes the current contents again.
//
// The file is a snapshot, not shared memory: changes become visible to other processes when
// the owner syncs (a pin is written to a temporary file and renamed into place, so readers
// never see half a snapshot). What can be pinned: arrays, hashes (plain, per-CPU, LRU),
// queues, stacks, bloom filters, stack traces and sockmaps; ring buffers, perf event arrays,
// prog arrays, map-in-maps and sockhashes hold process-local things and are refused with
// EOPNOTSUPP. Per-CPU contents need the same number of possible CPUs to reopen (EINVAL).
#pragma once

#include "bpfcheck/runtime/Map.h"

#include <filesystem>
#include <memory>

namespace bpfcheck::runtime {

/// BPF_OBJ_PIN: EEXIST if `path` exists, ENOENT if its directory does not.
MapStatus pinMap(const Map &map, const std::filesystem::path &path);
/// Rewrites an existing pin with the map's current contents (ENOENT if there is none).
MapStatus syncPinnedMap(const Map &map, const std::filesystem::path &path);
/// BPF_OBJ_GET: a new map in `environment` with the pinned spec and contents; ENOENT if
/// nothing is pinned there, EINVAL if the file is not a pin.
MapResult<std::shared_ptr<Map>> openPinnedMap(const std::filesystem::path &path,
                                              const std::shared_ptr<MapEnvironment> &environment);

} // namespace bpfcheck::runtime
