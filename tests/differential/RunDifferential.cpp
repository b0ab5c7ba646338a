// bpfcheck-run-differential: runs the corpus programs that take a frame in BPF_PROG_TEST_RUN
// (socket filter, tc, cgroup skb, lwt, XDP) in bpfcheck's interpreter and in the running kernel on
// the same generated frames, and compares the return value and the packet out.
//
//   bpfcheck-run-differential CORPUS_LIST [--packets N] [--show]
//
// Programs are those the corpus states the kernel accepts and bpfcheck accepts too; each
// runs on N frames (IPv4 UDP/TCP/ICMP, IPv6, ARP, VLAN-tagged, broadcast, bare Ethernet,
// random bytes) from a fixed seed. Prints programs × frames compared and every
// disagreement; runs that stop at a helper or kfunc the runtime does not implement yet are
// counted apart, with what is missing. Exit status 0 when all agree, 1 on a disagreement, 77
// (ctest: skipped) where bpf() is not permitted, 2 for bad usage.

#include "../corpus/CorpusAnnotations.h"
#include "../oracle/KernelOracle.h"
#include "bpfcheck/ir/Hex.h"

#include "bpfcheck/driver/ObjectRun.h"
#include "bpfcheck/driver/ObjectVerification.h"
#include "bpfcheck/frontend/ObjectLoader.h"

#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace bpfcheck;

namespace {

constexpr int ExitSkipped = 77;

using Frame = std::vector<std::byte>;

void append(Frame &frame, std::initializer_list<unsigned> bytes) {
  for (unsigned byte : bytes)
    frame.push_back(std::byte(byte));
}

/// An Ethernet header to the loopback's all-zero address (or broadcast) with `type`.
Frame ethernet(unsigned type, bool broadcast = false) {
  Frame frame;
  for (int i = 0; i < 6; ++i)
    frame.push_back(std::byte(broadcast ? 0xff : 0));
  append(frame, {0x02, 0, 0, 0, 0, 1, type >> 8, type & 0xff});
  return frame;
}

Frame ipv4(unsigned protocol, std::mt19937 &random, unsigned payload) {
  Frame frame = ethernet(0x0800);
  const unsigned total = 20 + payload;
  append(frame, {0x45, 0, total >> 8, total & 0xff, 0, 1, 0, 0, 64, protocol, 0, 0});
  append(frame, {10, 0, 0, 1, 10, 0, 0, static_cast<unsigned>(random() % 4 + 1)});
  for (unsigned i = 0; i < payload; ++i)
    frame.push_back(std::byte(random()));
  if (protocol == 17 && payload >= 8) { // UDP ports from a small set, so programs match some
    static constexpr unsigned ports[] = {53, 80, 443, 8080, 9, 7};
    const unsigned port = ports[random() % 6];
    frame[34 + 2] = std::byte(port >> 8);
    frame[34 + 3] = std::byte(port & 0xff);
  }
  return frame;
}

std::vector<Frame> generateFrames(unsigned count) {
  std::mt19937 random(20261125);
  std::vector<Frame> frames;
  for (unsigned i = 0; frames.size() < count; ++i) {
    switch (i % 8) {
    case 0:
      frames.push_back(ipv4(17, random, 8 + random() % 64));
      break;
    case 1:
      frames.push_back(ipv4(6, random, 20 + random() % 64));
      break;
    case 2:
      frames.push_back(ipv4(1, random, 8 + random() % 32));
      break;
    case 3: {
      Frame frame = ethernet(0x86dd);
      append(frame, {0x60, 0, 0, 0, 0, 16, 17, 64});
      for (int b = 0; b < 32; ++b)
        frame.push_back(std::byte(b % 16 == 15 ? 1 : 0));
      for (int b = 0; b < 16; ++b)
        frame.push_back(std::byte(random()));
      frames.push_back(frame);
      break;
    }
    case 4: {
      Frame frame = ethernet(0x0806, true);
      for (int b = 0; b < 28; ++b)
        frame.push_back(std::byte(random()));
      frames.push_back(frame);
      break;
    }
    case 5: {
      Frame frame = ethernet(0x8100);
      append(frame, {0, 5, 0x08, 0x00});
      Frame inner = ipv4(17, random, 16);
      frame.insert(frame.end(), inner.begin() + 14, inner.end());
      frames.push_back(frame);
      break;
    }
    case 6:
      frames.push_back(ethernet(0x0800));
      break;
    default: {
      Frame frame(14 + random() % 120);
      for (std::byte &byte : frame)
        byte = std::byte(random());
      frames.push_back(frame);
    }
    }
  }
  return frames;
}

/// Corpus programs not compared, by source file name and program: their result does not
/// follow from their input, or they use what the runtime cannot be (a kernel struct).
struct NotComparable {
  const char *file;
  const char *program;
  const char *why;
};
constexpr NotComparable notComparable[] = {
    {"uninit_stack_read.s", "read_unwritten_slot",
     "returns a stack slot it never wrote (the kernel's holds garbage)"},
    {"bpf_loop_nr_loops.c", "call_zero_or_once", "its result follows bpf_get_prandom_u32"},
    {"map_struct_read.c", "array_geometry",
     "reads struct bpf_array through the map pointer: the runtime's maps are not kernel structs"},
};

bool comparable(const std::string &source, const std::string &program) {
  for (const NotComparable &entry : notComparable) {
    const std::size_t length = std::strlen(entry.file);
    if (program == entry.program && source.size() >= length &&
        source.compare(source.size() - length, std::string::npos, entry.file) == 0)
      return false;
  }
  return true;
}

/// Whether the oracle's maps would differ from the object's: it does not fill prog arrays
/// and map-in-maps from their initialisers (libbpf does, and so does bpfcheck's runner).
bool hasSlotInitialisers(const Object &object) {
  for (const MapDefinition &map : object.maps)
    if (!map.initialSlots.empty())
      return true;
  return false;
}

/// Packet programs: the types whose test run takes a frame (every socket-buffer type and XDP).
bool runsOnFrames(ProgramType type) {
  const auto shape = runtime::contextShapeOf(type);
  return shape && *shape != runtime::ContextShape::Bytes;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bpfcheck-run-differential CORPUS_LIST [--packets N] [--show]\n");
    return 2;
  }
  unsigned packets = 24;
  bool show = false;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--packets") == 0 && i + 1 < argc)
      packets = static_cast<unsigned>(std::stoul(argv[++i]));
    else if (std::strcmp(argv[i], "--show") == 0)
      show = true;
    else {
      std::fprintf(stderr, "bpfcheck-run-differential: unknown argument '%s'\n", argv[i]);
      return 2;
    }
  }
  std::string why;
  if (!oracle::kernelAvailable(why)) {
    std::printf("SKIPPED: %s\n", why.c_str());
    return ExitSkipped;
  }
  const std::vector<Frame> frames = generateFrames(packets);
  unsigned programs = 0, compared = 0, disagreements = 0, notRun = 0, unimplemented = 0,
           skipped = 0;
  std::map<std::string, unsigned> missing; // what the runtime lacks, by message
  for (const corpus::CorpusFile &file : corpus::readCorpus(argv[1])) {
    auto object = loadObjectFile(file.object, {});
    if (!object)
      continue;
    for (const auto &[name, expectation] : file.programs) {
      const Program *program = object->findProgram(name);
      if (!program || !expectation.accept || expectation.environment ||
          !runsOnFrames(program->type))
        continue;
      const auto verdicts = driver::verifyObject(*object, {}, name);
      if (verdicts.front().result.verdict != absint::Verdict::Accept)
        continue;
      if (!comparable(file.source, name) || hasSlotInitialisers(*object)) {
        ++skipped;
        continue;
      }
      ++programs;
      for (const Frame &frame : frames) {
        oracle::TestRunInput input{frame, {}, 1};
        const oracle::KernelTestRun kernel = oracle::testRunInKernel(*object, *program, input);
        if (!kernel.ran) {
          ++notRun;
          continue;
        }
        // A fresh runner per frame: the kernel's run started from fresh maps too.
        auto runner = driver::ObjectRunner::create(*object);
        if (!runner) {
          std::printf("DISAGREE %s/%s: bpfcheck cannot set up the object: %s\n",
                      file.source.c_str(), name.c_str(), runner.error().message.c_str());
          ++disagreements;
          break;
        }
        auto ours = (*runner)->run(name, {frame, {}}, {interp::ExecutionMode::Checked});
        ++compared;
        if (ours && ours->result.fault &&
            ours->result.fault->kind == interp::FaultKind::HelperNotProvided) {
          ++unimplemented;
          const std::string &message = ours->result.fault->message;
          ++missing[message.substr(message.find(':') + 2)];
          continue;
        }
        std::string difference;
        if (!ours)
          difference = "bpfcheck refused the input: " + ours.error().message;
        else if (!ours->result.completed())
          difference = "bpfcheck's run stopped: " + ours->result.fault->message;
        else if (static_cast<std::uint32_t>(ours->result.returnValue) != kernel.returnValue)
          difference = "retval " + std::to_string(std::uint32_t(ours->result.returnValue)) +
                       ", kernel " + std::to_string(kernel.returnValue);
        else if (ours->packetOut != kernel.packetOut)
          difference =
              "packet out " + hexBytes(ours->packetOut) + ", kernel " + hexBytes(kernel.packetOut);
        if (!difference.empty()) {
          ++disagreements;
          std::printf("DISAGREE %s/%s on frame %s: %s\n", file.source.c_str(), name.c_str(),
                      hexBytes(frame).c_str(), difference.c_str());
        } else if (show) {
          std::printf("agree    %s/%s: retval %u\n", file.source.c_str(), name.c_str(),
                      kernel.returnValue);
        }
      }
    }
  }
  for (const auto &[message, count] : missing)
    std::printf("not provided (%u runs): %s\n", count, message.c_str());
  std::printf("%u programs x %u frames: %u runs compared, %u disagreements, %u stopped at a "
              "helper or kfunc the runtime lacks, %u frames the kernel did not run; %u programs "
              "skipped (not comparable, or prog-array / map-in-map slots)\n",
              programs, packets, compared - unimplemented, disagreements, unimplemented, notRun,
              skipped);
  return disagreements ? 1 : 0;
}
