// `bpfcheck run`: runs one program of an object in bpfcheck's interpreter, on a packet and
// context built as BPF_PROG_TEST_RUN builds them, and prints what it returned, the packet
// it left, its trace lines, redirects and the time per run. Only programs bpfcheck accepts
// run, unless --unverified, which runs in checked mode with an instruction budget.
#include "Commands.h"

#include "bpfcheck/driver/ObjectRun.h"
#include "bpfcheck/driver/ObjectVerification.h"
#include "bpfcheck/ir/Hex.h"
#include "bpfcheck/smt/PathProver.h"

#include <linux/bpf.h>

#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#include <cstddef>
#include <cstring>

namespace bpfcheck::tool {
namespace {

using llvm::errs;
using llvm::outs;

int fail(const std::string &message) {
  errs() << "bpfcheck: error: " << message << "\n";
  return ExitBadInput;
}

Expected<std::vector<std::byte>> readFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return Error(path + ": " + buffer.getError().message());
  const llvm::StringRef bytes = (*buffer)->getBuffer();
  std::vector<std::byte> out(bytes.size());
  std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

/// A context field a --ctx file may set, by its uapi name.
struct ContextField {
  std::string_view name;
  std::size_t offset, size, count;
};
#define FIELD(type, name, count)                                                                   \
  ContextField {                                                                                   \
    #name, offsetof(type, name), sizeof(type::name) / (count), count                               \
  }
constexpr ContextField socketBufferFields[] = {
    FIELD(__sk_buff, mark, 1),     FIELD(__sk_buff, priority, 1), FIELD(__sk_buff, ifindex, 1),
    FIELD(__sk_buff, cb, 5),       FIELD(__sk_buff, tstamp, 1),   FIELD(__sk_buff, wire_len, 1),
    FIELD(__sk_buff, gso_segs, 1), FIELD(__sk_buff, gso_size, 1), FIELD(__sk_buff, hwtstamp, 1),
};
constexpr ContextField xdpFields[] = {
    FIELD(xdp_md, ingress_ifindex, 1),
    FIELD(xdp_md, rx_queue_index, 1),
};
#undef FIELD

void store(std::vector<std::byte> &bytes, std::size_t offset, std::size_t size,
           std::uint64_t value) {
  std::memcpy(bytes.data() + offset, &value, size); // little-endian host, as the kernel's
}

/// The ctx bytes a --ctx JSON file describes: {"mark": 7, "cb": [1, 2, 3, 4, 5]} for
/// socket-buffer programs, {"ingress_ifindex": 1} for XDP, {"args": [1, 2]} (64-bit
/// arguments) or {"hex": "0102..."} for syscall and tracing programs.
Expected<std::vector<std::byte>> contextFromJson(const std::string &path, ProgramType type) {
  auto text = readFile(path);
  if (!text)
    return text.takeError();
  auto parsed = llvm::json::parse(
      llvm::StringRef(reinterpret_cast<const char *>(text->data()), text->size()));
  if (!parsed)
    return Error(path + ": " + llvm::toString(parsed.takeError()));
  const llvm::json::Object *object = parsed->getAsObject();
  if (!object)
    return Error(path + ": the context must be a JSON object");
  const auto shape = runtime::contextShapeOf(type);
  if (!shape)
    return Error("bpfcheck cannot build the context of " + std::string(nameOf(type)) + " programs");
  std::vector<std::byte> bytes;
  if (*shape == runtime::ContextShape::Bytes) {
    for (const auto &[key, value] : *object) {
      if (key == "args") {
        const llvm::json::Array *arguments = value.getAsArray();
        if (!arguments)
          return Error(path + ": \"args\" must be an array of integers");
        for (const llvm::json::Value &argument : *arguments) {
          const auto number = argument.getAsUINT64();
          if (!number)
            return Error(path + ": \"args\" must be an array of integers");
          bytes.resize(bytes.size() + 8);
          store(bytes, bytes.size() - 8, 8, *number);
        }
      } else if (key == "hex") {
        const auto hex = value.getAsString();
        if (!hex || hex->size() % 2)
          return Error(path + ": \"hex\" must be a string of hex digit pairs");
        for (std::size_t i = 0; i < hex->size(); i += 2) {
          unsigned byte = 0;
          if (hex->substr(i, 2).getAsInteger(16, byte))
            return Error(path + ": \"hex\" must be a string of hex digit pairs");
          bytes.push_back(std::byte(byte));
        }
      } else {
        return Error(path + ": unknown key \"" + key.str() + "\" (expected \"args\" or \"hex\")");
      }
    }
    return bytes;
  }
  const bool xdp = *shape == runtime::ContextShape::Xdp;
  const std::span<const ContextField> fields =
      xdp ? std::span<const ContextField>(xdpFields) : socketBufferFields;
  bytes.assign(xdp ? sizeof(xdp_md) : sizeof(__sk_buff), std::byte{0});
  for (const auto &[key, value] : *object) {
    const auto field = std::find_if(fields.begin(), fields.end(),
                                    [&](const ContextField &f) { return f.name == key.str(); });
    if (field == fields.end()) {
      std::string known;
      for (const ContextField &f : fields)
        known += (known.empty() ? "" : ", ") + std::string(f.name);
      return Error(path + ": " + (xdp ? "xdp_md" : "__sk_buff") + " field \"" + key.str() +
                   "\" cannot be set (settable: " + known + ")");
    }
    std::vector<std::uint64_t> values;
    if (const llvm::json::Array *array = value.getAsArray()) {
      for (const llvm::json::Value &element : *array)
        if (auto number = element.getAsUINT64())
          values.push_back(*number);
        else
          return Error(path + ": \"" + key.str() + "\" must hold integers");
    } else if (auto number = value.getAsUINT64()) {
      values.push_back(*number);
    } else {
      return Error(path + ": \"" + key.str() + "\" must be an integer");
    }
    if (values.size() > field->count)
      return Error(path + ": \"" + key.str() + "\" has " + std::to_string(field->count) +
                   " element(s)");
    for (std::size_t i = 0; i < values.size(); ++i)
      store(bytes, field->offset + i * field->size, field->size, values[i]);
  }
  return bytes; // for XDP, ctx_in's data_end (the frame's length) is set once the frame is read
}

} // namespace

int runProgram(const RunOptions &options) {
  auto object = loadObjectFile(options.objectPath, options.load);
  if (!object)
    return fail(object.error().message);
  const Program *program = object->findProgram(options.programName);
  if (!program)
    return fail(options.objectPath + " has no program '" + options.programName + "'");

  interp::RunOptions runOptions;
  if (options.unverified) {
    runOptions.mode = interp::ExecutionMode::Checked;
    runOptions.instructionBudget = options.instructionBudget;
  } else {
    absint::VerifyOptions verifyOptions;
    smt::PathProver prover;
    verifyOptions.prover = &prover;
    const auto results = driver::verifyObject(*object, verifyOptions, options.programName);
    const absint::VerifyResult &verdict = results.front().result;
    if (verdict.verdict != absint::Verdict::Accept) {
      errs() << "bpfcheck: error: " << options.programName << " is not accepted by bpfcheck ("
             << absint::nameOf(verdict.verdict) << ")";
      if (const absint::Diagnostic *error = absint::rejection(verdict))
        errs() << ": " << error->message;
      errs() << "; run it anyway, in checked mode, with --unverified\n";
      return ExitRejected;
    }
    if (options.checked)
      runOptions.mode = interp::ExecutionMode::Checked;
  }

  runtime::ContextInput input;
  if (!options.packetPath.empty()) {
    auto packet = readFile(options.packetPath);
    if (!packet)
      return fail(packet.error().message);
    input.packet = std::move(*packet);
  }
  if (!options.contextPath.empty()) {
    auto context = contextFromJson(options.contextPath, program->type);
    if (!context)
      return fail(context.error().message);
    input.context = std::move(*context);
    if (program->type == ProgramType::Xdp) {
      auto *md = reinterpret_cast<xdp_md *>(input.context.data());
      md->data_end = static_cast<std::uint32_t>(input.packet.size());
    }
  }

  auto runner = driver::ObjectRunner::create(*object);
  if (!runner)
    return fail(runner.error().message);
  auto outcome = (*runner)->run(options.programName, input, runOptions, options.repeat);
  if (!outcome)
    return fail(outcome.error().message);

  const interp::RunResult &result = outcome->result;
  if (options.json) {
    llvm::json::Object out{
        {"program", options.programName},
        {"completed", result.completed()},
        {"retval", static_cast<std::int64_t>(result.returnValue)},
        {"instructions", static_cast<std::int64_t>(result.instructionsExecuted)},
        {"time_ns", static_cast<std::int64_t>(outcome->averageTime.count())},
        {"repeat", options.repeat},
        {"packet_out", hexBytes(outcome->packetOut)},
        {"ctx_out", hexBytes(outcome->contextOut)},
    };
    llvm::json::Array trace;
    for (const std::string &line : outcome->effects.traceLines)
      trace.push_back(line);
    out["trace"] = std::move(trace);
    llvm::json::Array redirects;
    for (const runtime::RedirectAction &action : outcome->effects.redirects)
      redirects.push_back(llvm::json::Object{
          {"helper", std::string(helperName(static_cast<std::uint32_t>(action.helper)))},
          {"ifindex", action.ifindex},
          {"flags", static_cast<std::int64_t>(action.flags)}});
    out["redirects"] = std::move(redirects);
    if (result.fault)
      out["fault"] = result.fault->message;
    outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(out))) << "\n";
  } else {
    if (result.fault)
      outs() << options.programName << ": stopped: " << result.fault->message << "\n";
    else
      outs() << options.programName << ": returned " << result.returnValue << " ("
             << hexNumber(result.returnValue) << ")\n";
    outs() << "  " << result.instructionsExecuted << " instructions, "
           << outcome->averageTime.count() << " ns per run over " << options.repeat << " run(s)\n";
    if (!outcome->packetOut.empty())
      outs() << "  packet out (" << outcome->packetOut.size()
             << " bytes): " << hexBytes(outcome->packetOut) << "\n";
    for (const std::string &line : outcome->effects.traceLines)
      outs() << "  trace: " << line << "\n";
    for (const runtime::RedirectAction &action : outcome->effects.redirects)
      outs() << "  " << helperName(static_cast<std::uint32_t>(action.helper)) << " to ifindex "
             << action.ifindex << " flags " << hexNumber(action.flags) << "\n";
  }
  return result.completed() ? ExitSuccess : ExitRejected;
}

} // namespace bpfcheck::tool
