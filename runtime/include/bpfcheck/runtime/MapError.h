// Errors of map operations as values: the kernel's errno (what bpf() would set) and a message
// naming the map and the problem. The runtime never prints and never exits.
#pragma once

#include "bpfcheck/ir/Expected.h"

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace bpfcheck::runtime {

/// The kernel's internal ENOTSUPP (524): bpf() returns it for operations a map type lacks
/// (ringbuf lookups, batch operations on types without them, LRU maps without preallocation).
/// User-space errno.h does not name it.
inline constexpr int KernelENOTSUPP = 524;

/// A failed map operation: `code` is the positive errno the kernel's bpf() reports.
struct MapError {
  int code = 0;
  std::string message;

  /// The project's plain Error, for callers that only report messages.
  Error toError() const { return Error(message); }
};

/// Either a value or a MapError.
template <typename T> class [[nodiscard]] MapResult {
public:
  MapResult(T value) : storage(std::move(value)) {}
  MapResult(MapError error) : storage(std::move(error)) {}

  explicit operator bool() const { return std::holds_alternative<T>(storage); }
  T &operator*() {
    assert(*this && "dereferencing a MapResult that holds an error");
    return std::get<T>(storage);
  }
  const T &operator*() const {
    assert(*this && "dereferencing a MapResult that holds an error");
    return std::get<T>(storage);
  }
  T *operator->() { return &**this; }
  const T *operator->() const { return &**this; }
  const MapError &error() const {
    assert(!*this && "asking for the error of a MapResult that holds a value");
    return std::get<MapError>(storage);
  }
  /// The errno, 0 on success.
  int code() const { return *this ? 0 : error().code; }

private:
  std::variant<T, MapError> storage;
};

/// Success, or a MapError (the result of operations without a value).
class [[nodiscard]] MapStatus {
public:
  MapStatus() = default;
  MapStatus(MapError error) : failure(std::move(error)) {}

  explicit operator bool() const { return !failure; }
  const MapError &error() const {
    assert(failure && "asking for the error of a successful MapStatus");
    return *failure;
  }
  /// The errno, 0 on success.
  int code() const { return failure ? failure->code : 0; }

private:
  std::optional<MapError> failure;
};

inline MapError mapError(int code, std::string message) {
  return MapError{code, std::move(message)};
}

} // namespace bpfcheck::runtime
