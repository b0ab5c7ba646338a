// BPF_MAP_TYPE_SOCKMAP and BPF_MAP_TYPE_SOCKHASH, as far as they mean something without
// sockets: slots hold socket cookies (user space passes the cookie where the kernel takes a
// socket fd, and reads the cookie back as the kernel shows it, only with an 8-byte value,
// else ENOSPC). The kernel's index, flag and emptiness rules apply; redirection, verdict and
// parser programs and the socket references programs get from lookups are not modelled
// (programLookup gives a pointer to the stored cookie).
#pragma once

#include "bpfcheck/runtime/HashMap.h"

#include <mutex>
#include <optional>
#include <vector>

namespace bpfcheck::runtime {

/// sockmap: index → socket cookie.
class SockMap final : public Map {
public:
  SockMap(MapSpec spec, std::shared_ptr<MapEnvironment> environment);

  void *programLookup(const void *key, unsigned cpu) override;
  MapResult<std::vector<std::byte>> saveContents() const override { return saveKeyValuePairs(); }
  MapStatus restoreContents(ByteView contents) override { return restoreKeyValuePairs(contents); }

protected:
  MapStatus doLookup(ByteView key, MutableByteView value) const override;
  MapStatus doUpdate(ByteView key, ByteView value, std::uint64_t flags) override;
  MapStatus doDelete(ByteView key) override;
  MapStatus doNextKey(const std::byte *key, MutableByteView next) const override;

private:
  mutable std::mutex mutex;
  std::vector<std::optional<std::uint64_t>> cookies;
};

/// sockhash: key → socket cookie.
class SockHash final : public HashMap {
public:
  SockHash(MapSpec spec, std::shared_ptr<MapEnvironment> environment);

  long programUpdate(const void *, const void *, std::uint64_t, unsigned) override;
  MapResult<std::vector<std::byte>> saveContents() const override { return Map::saveContents(); }
  MapStatus restoreContents(ByteView contents) override { return Map::restoreContents(contents); }

protected:
  MapStatus doLookup(ByteView key, MutableByteView value) const override;
  MapStatus doUpdate(ByteView key, ByteView value, std::uint64_t flags) override;
  MapStatus doLookupAndDelete(ByteView key, MutableByteView value) override;
  MapResult<BatchLookup> doLookupBatch(ByteView inBatch, std::uint32_t count,
                                       bool deleteFound) override;
};

} // namespace bpfcheck::runtime
