// libFuzzer target for BTF and CO-RE: the input is a 4-byte length, that many bytes of
// local BTF, and the rest as a .BTF.ext section. Both are parsed, and every CO-RE record
// is resolved against a fixed target BTF and patched into scratch instructions.
#include "bpfcheck/frontend/BtfExt.h"
#include "bpfcheck/frontend/CoRe.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <cstring>
#include <vector>

namespace {

const btf *targetBtf() {
  static btf *target = btf__parse(BPFCHECK_FUZZ_TARGET_BTF, nullptr);
  return libbpf_get_error(target) ? nullptr : target;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  if (size < 4)
    return 0;
  std::uint32_t btfSize;
  std::memcpy(&btfSize, data, 4);
  data += 4;
  size -= 4;
  if (btfSize > size)
    return 0;
  btf *local = btf__new(data, btfSize);
  if (libbpf_get_error(local))
    local = nullptr;
  auto records = bpfcheck::parseBtfExt(std::span<const std::byte>(
      reinterpret_cast<const std::byte *>(data + btfSize), size - btfSize));
  const btf *target = targetBtf();
  if (records && local && target) {
    for (const auto &[section, relocations] : records->coreRelocations)
      for (const bpfcheck::CoReRecord &record : relocations) {
        const char *access = btf__name_by_offset(local, record.accessStringOffset);
        auto resolution = bpfcheck::resolveCoRe(*local, *target, record, access ? access : "");
        if (!resolution)
          continue;
        std::vector<bpfcheck::encoding::RawInstruction> code(4);
        code[0] = bpfcheck::encoding::RawInstruction::make(0x79, 1, 2, 0, 0);
        (void)bpfcheck::patchCoRe(code, 0, record, *resolution);
      }
  }
  btf__free(local);
  return 0;
}
