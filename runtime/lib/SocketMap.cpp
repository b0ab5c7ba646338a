// Socket maps with cookies for sockets: sock_map_update_common's index and flag rules,
// __sock_map_delete's EINVAL for an empty slot, sock_map_lookup_sys's 8-byte cookie.
#include "bpfcheck/runtime/SocketMap.h"

#include <linux/bpf.h>

#include <cerrno>
#include <cstring>

namespace bpfcheck::runtime {
namespace {

/// The cookie a user-space value carries (4-byte values are zero-extended).
std::uint64_t cookieOf(ByteView value) {
  std::uint64_t cookie = 0;
  std::memcpy(&cookie, value.data(), std::min<std::size_t>(value.size(), sizeof cookie));
  return cookie;
}

} // namespace

SockMap::SockMap(MapSpec spec, std::shared_ptr<MapEnvironment> environment)
    : Map(std::move(spec), std::move(environment)), cookies(maxEntries()) {}

void *SockMap::programLookup(const void *key, unsigned) {
  const std::uint32_t index = readU32(static_cast<const std::byte *>(key));
  std::lock_guard lock(mutex);
  if (index >= cookies.size() || !cookies[index])
    return nullptr;
  return &*cookies[index];
}

MapStatus SockMap::doLookup(ByteView key, MutableByteView value) const {
  if (valueSize() != sizeof(std::uint64_t))
    return fail(ENOSPC, "socket cookies are read through 8-byte values");
  const std::uint32_t index = readU32(key.data());
  std::lock_guard lock(mutex);
  if (index >= cookies.size() || !cookies[index])
    return fail(ENOENT, "no socket at index " + std::to_string(index));
  std::memcpy(value.data(), &*cookies[index], sizeof(std::uint64_t));
  return {};
}

MapStatus SockMap::doUpdate(ByteView key, ByteView value, std::uint64_t flags) {
  if (flags > BPF_EXIST)
    return fail(EINVAL, "update flags must be BPF_ANY, BPF_NOEXIST or BPF_EXIST");
  const std::uint32_t index = readU32(key.data());
  if (index >= maxEntries())
    return indexPastEnd(index);
  std::lock_guard lock(mutex);
  if (cookies[index] && flags == BPF_NOEXIST)
    return fail(EEXIST, "BPF_NOEXIST: the slot holds a socket");
  if (!cookies[index] && flags == BPF_EXIST)
    return fail(ENOENT, "BPF_EXIST: the slot is empty");
  cookies[index] = cookieOf(value);
  return {};
}

MapStatus SockMap::doDelete(ByteView key) {
  const std::uint32_t index = readU32(key.data());
  std::lock_guard lock(mutex);
  if (index >= cookies.size() || !cookies[index])
    return fail(EINVAL, "no socket at index " + std::to_string(index));
  cookies[index].reset();
  return {};
}

MapStatus SockMap::doNextKey(const std::byte *key, MutableByteView next) const {
  return arrayNextKey(key, next);
}

SockHash::SockHash(MapSpec spec, std::shared_ptr<MapEnvironment> environment)
    : HashMap(std::move(spec), std::move(environment), sizeof(std::uint64_t)) {}

long SockHash::programUpdate(const void *, const void *, std::uint64_t, unsigned) {
  return negative(EOPNOTSUPP); // programs store sockets, which the runtime does not have
}

MapStatus SockHash::doLookup(ByteView key, MutableByteView value) const {
  if (valueSize() != sizeof(std::uint64_t))
    return fail(ENOSPC, "socket cookies are read through 8-byte values");
  return HashMap::doLookup(key, value);
}

MapStatus SockHash::doUpdate(ByteView key, ByteView value, std::uint64_t flags) {
  if (flags > BPF_EXIST)
    return fail(EINVAL, "update flags must be BPF_ANY, BPF_NOEXIST or BPF_EXIST");
  const std::uint64_t cookie = cookieOf(value);
  std::byte stored[sizeof cookie];
  std::memcpy(stored, &cookie, sizeof cookie);
  switch (storeElement(key.data(), stored, flags, ValueSource::User, 0)) {
  case 0:
    return {};
  case EEXIST:
    return fail(EEXIST, "BPF_NOEXIST: the key holds a socket");
  case ENOENT:
    return fail(ENOENT, "BPF_EXIST: no socket with this key");
  case E2BIG:
    return fail(E2BIG, "the map is full");
  default:
    return fail(EINVAL, "update refused");
  }
}

MapStatus SockHash::doLookupAndDelete(ByteView, MutableByteView) {
  return fail(KernelENOTSUPP, "sockhash has no lookup-and-delete");
}

MapResult<BatchLookup> SockHash::doLookupBatch(ByteView, std::uint32_t, bool) {
  return fail(KernelENOTSUPP, "sockhash has no batch operations");
}

} // namespace bpfcheck::runtime
