// The pin file: a magic, a format version, the number of possible CPUs, the spec, then the
// map's contents as the map saved them (little-endian host integers; pins do not travel
// between machines).
#include "bpfcheck/runtime/Pinning.h"

#include "bpfcheck/runtime/MapFactory.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace bpfcheck::runtime {
namespace {

constexpr char Magic[8] = {'B', 'P', 'F', 'C', 'P', 'I', 'N', '1'};
constexpr std::uint32_t FormatVersion = 1;

/// Appends integers and bytes to a pin file image.
class Writer {
public:
  template <typename T> void put(const T &value) {
    const auto *bytes = reinterpret_cast<const std::byte *>(&value);
    out.insert(out.end(), bytes, bytes + sizeof value);
  }
  void putBytes(const void *data, std::size_t size) {
    const auto *bytes = static_cast<const std::byte *>(data);
    out.insert(out.end(), bytes, bytes + size);
  }
  std::vector<std::byte> out;
};

/// Reads a pin file image back, refusing to read past its end.
class Reader {
public:
  explicit Reader(ByteView bytes) : in(bytes) {}
  template <typename T> bool get(T &value) {
    if (in.size() - offset < sizeof value)
      return false;
    std::memcpy(&value, in.data() + offset, sizeof value);
    offset += sizeof value;
    return true;
  }
  bool getBytes(std::size_t size, ByteView &bytes) {
    if (in.size() - offset < size)
      return false;
    bytes = in.subspan(offset, size);
    offset += size;
    return true;
  }
  bool atEnd() const { return offset == in.size(); }

private:
  ByteView in;
  std::size_t offset = 0;
};

MapResult<std::vector<std::byte>> encode(const Map &map) {
  auto contents = map.saveContents();
  if (!contents)
    return contents.error();
  const MapSpec &spec = map.spec();
  Writer writer;
  writer.putBytes(Magic, sizeof Magic);
  writer.put(FormatVersion);
  writer.put(std::uint32_t(map.possibleCpus()));
  writer.put(static_cast<std::uint32_t>(spec.type));
  writer.put(spec.keySize);
  writer.put(spec.valueSize);
  writer.put(spec.maxEntries);
  writer.put(spec.flags);
  writer.put(spec.mapExtra);
  writer.put(static_cast<std::uint32_t>(spec.name.size()));
  writer.putBytes(spec.name.data(), spec.name.size());
  writer.put(static_cast<std::uint64_t>(contents->size()));
  writer.putBytes(contents->data(), contents->size());
  return std::move(writer.out);
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into place.
MapStatus writeAtomically(const Map &map, const std::filesystem::path &path,
                          const std::vector<std::byte> &bytes) {
  std::filesystem::path temporary = path;
  temporary += ".tmp." + std::to_string(getpid());
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    if (!file)
      return mapError(EACCES, describeMap(map.spec()) + ": cannot write " + temporary.string());
    file.write(reinterpret_cast<const char *>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    if (!file.flush())
      return mapError(EIO, describeMap(map.spec()) + ": cannot write " + temporary.string());
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::filesystem::remove(temporary, error);
    return mapError(EIO, describeMap(map.spec()) + ": cannot pin at " + path.string());
  }
  return {};
}

MapStatus writePin(const Map &map, const std::filesystem::path &path, bool mustExist) {
  std::error_code error;
  const bool exists = std::filesystem::exists(path, error);
  if (mustExist && !exists)
    return mapError(ENOENT, describeMap(map.spec()) + ": nothing is pinned at " + path.string());
  if (!mustExist && exists)
    return mapError(EEXIST, describeMap(map.spec()) + ": " + path.string() + " exists");
  if (!std::filesystem::is_directory(path.parent_path().empty() ? "." : path.parent_path(), error))
    return mapError(ENOENT, describeMap(map.spec()) + ": no directory for " + path.string());
  auto bytes = encode(map);
  if (!bytes)
    return bytes.error();
  return writeAtomically(map, path, *bytes);
}

} // namespace

MapStatus pinMap(const Map &map, const std::filesystem::path &path) {
  return writePin(map, path, false);
}

MapStatus syncPinnedMap(const Map &map, const std::filesystem::path &path) {
  return writePin(map, path, true);
}

MapResult<std::shared_ptr<Map>> openPinnedMap(const std::filesystem::path &path,
                                              const std::shared_ptr<MapEnvironment> &environment) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return mapError(ENOENT, "nothing is pinned at " + path.string());
  std::vector<char> chars((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  std::memcpy(bytes.data(), chars.data(), chars.size());
  const MapError notAPin = mapError(EINVAL, path.string() + " is not a pinned map");

  Reader reader(bytes);
  char magic[sizeof Magic];
  std::uint32_t version = 0, cpus = 0, type = 0, nameLength = 0;
  MapSpec spec;
  if (!reader.get(magic) || std::memcmp(magic, Magic, sizeof Magic) != 0 || !reader.get(version) ||
      version != FormatVersion || !reader.get(cpus) || !reader.get(type) ||
      !reader.get(spec.keySize) || !reader.get(spec.valueSize) || !reader.get(spec.maxEntries) ||
      !reader.get(spec.flags) || !reader.get(spec.mapExtra) || !reader.get(nameLength))
    return notAPin;
  ByteView name, contents;
  std::uint64_t contentsLength = 0;
  if (!reader.getBytes(nameLength, name) || !reader.get(contentsLength) ||
      !reader.getBytes(contentsLength, contents) || !reader.atEnd())
    return notAPin;
  spec.type = static_cast<MapType>(type);
  spec.name.assign(reinterpret_cast<const char *>(name.data()), name.size());
  if (cpus != environment->possibleCpus() && isPercpuMapType(spec.type))
    return mapError(EINVAL, describeMap(spec) + ": pinned with " + std::to_string(cpus) +
                                " possible CPUs, opened with " +
                                std::to_string(environment->possibleCpus()));
  auto map = createMap(spec, environment);
  if (!map)
    return map.error();
  if (MapStatus restored = (*map)->restoreContents(contents); !restored)
    return restored.error();
  return map;
}

} // namespace bpfcheck::runtime
