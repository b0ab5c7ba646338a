// The target kernel's BTF (for CO-RE and kfunc resolution), loaded on first use.
#pragma once

#include "bpfcheck/ir/Expected.h"

#include <memory>
#include <string>

struct btf;

namespace bpfcheck {

/// Owns a libbpf `struct btf`.
using BtfHandle = std::unique_ptr<btf, void (*)(btf *)>;

/// Parses BTF bytes taken from an object's `.BTF` section.
Expected<BtfHandle> parseBtfBytes(const void *data, std::size_t size, const std::string &where);

class TargetBtf {
public:
  explicit TargetBtf(std::string path, const btf *preloaded = nullptr)
      : path(std::move(path)), preloaded(preloaded) {}
  /// The target BTF; `purpose` says in an error why it was needed.
  Expected<const btf *> get(const std::string &purpose);

private:
  std::string path;
  const btf *preloaded;
  BtfHandle loaded{nullptr, nullptr};
  bool attempted = false;
  std::string failure;
};

} // namespace bpfcheck
