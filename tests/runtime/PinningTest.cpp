// Pinning: a map pinned under a directory is reopened by path, with its contents, by another
// process (fork), which changes it and syncs; the first process then sees the change.
#include "RuntimeTestSupport.h"

#include "bpfcheck/runtime/Pinning.h"

#include <linux/bpf.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

using namespace bpfcheck;
using namespace bpfcheck::runtime;
using namespace bpfcheck::runtime::test;

namespace {

/// A fresh directory under the system's temporary directory, removed at the end.
struct TemporaryDirectory {
  TemporaryDirectory() {
    path = std::filesystem::temp_directory_path() /
           ("bpfcheck-pin-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path);
  }
  ~TemporaryDirectory() {
    std::error_code error;
    std::filesystem::remove_all(path, error);
  }
  std::filesystem::path path;
  static inline int counter = 0;
};

/// Runs `child` in a forked process; its exit status (0: every check there held).
int inChildProcess(const std::function<int()> &child) {
  const pid_t pid = fork();
  if (pid == 0)
    _exit(child());
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

} // namespace

TEST_CASE("pinning: a hash map travels to another process and back") {
  TemporaryDirectory directory;
  const auto pin = directory.path / "counts";
  auto env = makeEnvironment();
  auto map = mustCreate(specOf(MapType::Hash, 4, 8, 16), env);
  for (std::uint32_t key = 1; key <= 5; ++key)
    REQUIRE(updateOf(*map, key, std::uint64_t(key * 100)) == 0);
  REQUIRE(pinMap(*map, pin));
  CHECK(pinMap(*map, pin).code() == EEXIST);
  CHECK(pinMap(*map, directory.path / "missing" / "x").code() == ENOENT);

  const int childStatus = inChildProcess([&] {
    auto childEnv = makeEnvironment();
    auto opened = openPinnedMap(pin, childEnv);
    if (!opened)
      return 1;
    Map &copy = **opened;
    if (copy.type() != MapType::Hash || copy.maxEntries() != 16 || copy.spec().name != "test")
      return 2;
    for (std::uint32_t key = 1; key <= 5; ++key) {
      int code = 0;
      if (lookupOf<std::uint64_t>(copy, key, &code) != key * 100 || code != 0)
        return 3;
    }
    if (updateOf(copy, std::uint32_t(6), std::uint64_t(600)) != 0 ||
        removeOf(copy, std::uint32_t(1)) != 0)
      return 4;
    return syncPinnedMap(copy, pin) ? 0 : 5;
  });
  CHECK(childStatus == 0);

  auto reopened = openPinnedMap(pin, env);
  REQUIRE(reopened);
  int code = 0;
  CHECK(lookupOf<std::uint64_t>(**reopened, std::uint32_t(6)) == 600);
  lookupOf<std::uint64_t>(**reopened, std::uint32_t(1), &code);
  CHECK(code == ENOENT);
  CHECK(walkKeys<std::uint32_t>(**reopened).size() == 5);
  // The original map is a separate map: unchanged.
  CHECK(lookupOf<std::uint64_t>(*map, std::uint32_t(1)) == 100);
}

TEST_CASE("pinning: arrays, per-CPU values and queues keep their contents and order") {
  TemporaryDirectory directory;
  auto env = makeEnvironment(2);
  auto array = mustCreate(specOf(MapType::PercpuArray, 4, 4, 3), env);
  const std::uint32_t perCpu[4] = {1, 0, 2, 0};
  REQUIRE(array->update(bytesOf(std::uint32_t(2)), bytesOf(perCpu)));
  REQUIRE(pinMap(*array, directory.path / "array"));
  auto queue = mustCreate(specOf(MapType::Queue, 0, 4, 4), env);
  for (std::uint32_t v : {5u, 6u, 7u})
    REQUIRE(queue->update({}, bytesOf(v)));
  REQUIRE(pinMap(*queue, directory.path / "queue"));

  const int childStatus = inChildProcess([&] {
    auto childEnv = makeEnvironment(2);
    auto openedArray = openPinnedMap(directory.path / "array", childEnv);
    auto openedQueue = openPinnedMap(directory.path / "queue", childEnv);
    if (!openedArray || !openedQueue)
      return 1;
    std::uint32_t seen[4] = {};
    if (!(*openedArray)->lookup(bytesOf(std::uint32_t(2)), mutableBytesOf(seen)) || seen[0] != 1 ||
        seen[2] != 2)
      return 2;
    for (std::uint32_t expected : {5u, 6u, 7u}) {
      std::uint32_t value = 0;
      if (!(*openedQueue)->lookupAndDelete({}, mutableBytesOf(value)) || value != expected)
        return 3;
    }
    // A different number of CPUs cannot hold the per-CPU values.
    auto otherCpus = openPinnedMap(directory.path / "array", makeEnvironment(3));
    return otherCpus.code() == EINVAL ? 0 : 4;
  });
  CHECK(childStatus == 0);
}

TEST_CASE("pinning: process-local maps are refused, bad files are not pins") {
  TemporaryDirectory directory;
  auto env = makeEnvironment();
  auto ring = mustCreate(specOf(MapType::Ringbuf, 0, 0, 4096), env);
  CHECK(pinMap(*ring, directory.path / "ring").code() == EOPNOTSUPP);
  CHECK_FALSE(std::filesystem::exists(directory.path / "ring"));
  CHECK(openPinnedMap(directory.path / "nothing", env).code() == ENOENT);
  {
    std::ofstream junk(directory.path / "junk");
    junk << "not a pin";
  }
  CHECK(openPinnedMap(directory.path / "junk", env).code() == EINVAL);
  auto array = mustCreate(specOf(MapType::Array, 4, 4, 2), env);
  CHECK(syncPinnedMap(*array, directory.path / "never").code() == ENOENT);
}
