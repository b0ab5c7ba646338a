// Error values for bpfcheck's libraries: the library never prints and never exits;
// failures travel as an Error (a message with where it happened) inside an Expected<T>.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace bpfcheck {

/// A failure with a human-readable message that already names the place
/// (file, section, offset, instruction index) where it was detected.
struct Error {
  std::string message;

  explicit Error(std::string text) : message(std::move(text)) {}
};

/// Either a value or an Error. Check with `if (!result)` before dereferencing.
template <typename T> class [[nodiscard]] Expected {
public:
  Expected(T value) : storage(std::move(value)) {}
  Expected(Error error) : storage(std::move(error)) {}

  explicit operator bool() const { return std::holds_alternative<T>(storage); }

  T &operator*() {
    assert(*this && "dereferencing an Expected that holds an error");
    return std::get<T>(storage);
  }
  const T &operator*() const {
    assert(*this && "dereferencing an Expected that holds an error");
    return std::get<T>(storage);
  }
  T *operator->() { return &**this; }
  const T *operator->() const { return &**this; }

  const Error &error() const {
    assert(!*this && "asking for the error of an Expected that holds a value");
    return std::get<Error>(storage);
  }
  Error takeError() { return std::move(std::get<Error>(storage)); }

private:
  std::variant<T, Error> storage;
};

} // namespace bpfcheck
