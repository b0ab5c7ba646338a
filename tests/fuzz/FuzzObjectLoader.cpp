// libFuzzer target: any bytes through the whole ELF frontend (libelf, maps, BTF, .BTF.ext,
// relocations, linking, decoding, CFG). It must return an Error or an Object, never crash,
// hang or grow without bound.
#include "bpfcheck/frontend/ObjectLoader.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  // CO-RE and kfuncs resolve against one target BTF, loaded once.
  static btf *target = btf__parse(BPFCHECK_FUZZ_TARGET_BTF, nullptr);
  bpfcheck::LoadOptions options;
  options.targetBtfPath = "/nonexistent/target.btf";
  options.targetBtf = libbpf_get_error(target) ? nullptr : target;
  auto object = bpfcheck::loadObject(
      std::span<const std::byte>(reinterpret_cast<const std::byte *>(data), size), options,
      "fuzz.o");
  if (object) {
    std::size_t instructions = 0;
    for (const bpfcheck::Program &program : object->programs)
      instructions += program.code.instructions.size();
    (void)instructions;
  }
  return 0;
}
