// PathProver (PathProver.h): one Z3 query per obligation, and the input a model describes.

#include "bpfcheck/smt/PathProver.h"

#include "PathEncoder.h"

#include "bpfcheck/ir/Hex.h"
#include "bpfcheck/platform/Helpers.h"

#include <chrono>

namespace bpfcheck::smt {

using absint::ObligationAnswer;
using absint::ObligationKind;
using absint::ObligationStatus;

namespace {

/// Packets a model may describe byte by byte (longer ones are summarised by length).
constexpr std::uint64_t largestShownPacket = 65535;
/// Z3's resource units per millisecond of the time budget (measured on this kind of query:
/// about what Z3 spends in a millisecond).
constexpr unsigned rlimitPerMillisecond = 2000;
/// The length a model is first asked to keep to: an Ethernet frame.
constexpr std::uint64_t typicalPacket = 1514;

std::uint64_t valueOf(const z3::model &model, const z3::expr &e) {
  std::uint64_t value = 0;
  model.eval(e, true).is_numeral_u64(value);
  return value;
}

/// What the model says about the input: in words for the diagnostic, and as JSON.
struct ModelReport {
  std::string words;
  std::string json;
};

ModelReport describeModel(const z3::model &model, const detail::SymbolicMachine &machine,
                          const detail::PathEncoder &encoder, const absint::ProgramInput &input,
                          const absint::Obligation &obligation) {
  const ProgramCode &code = *input.code;
  std::vector<std::string> facts;
  std::string json = "{\"version\":1,\"program\":\"" + input.name +
                     "\",\"insn\":" + std::to_string(code.instructions[obligation.index].pc) +
                     ",\"obligation\":\"" + std::string(absint::nameOf(obligation.kind)) +
                     "\",\"rule\":\"" + std::string(absint::identifierOf(obligation.rule)) + "\"";
  const std::uint64_t length = valueOf(model, machine.initialPacketLength());
  if (encoder.touchesPacket) {
    facts.push_back("packet length " + std::to_string(length));
    json += ",\"packet_length\":" + std::to_string(length);
    if (length <= largestShownPacket) {
      std::vector<std::byte> bytes(length);
      for (std::uint64_t i = 0; i < length; ++i)
        bytes[i] = static_cast<std::byte>(
            valueOf(model, z3::select(machine.initialPacket(),
                                      machine.initialPacketData() + machine.constant(i))));
      json += ",\"packet\":\"" + hexBytes(bytes) + "\"";
    }
  }
  json += ",\"context\":[";
  for (std::size_t k = 0; k < encoder.contextReads.size(); ++k) {
    const detail::ContextRead &read = encoder.contextReads[k];
    const std::uint64_t offset = valueOf(model, read.offset);
    std::uint64_t value = 0;
    for (unsigned b = 0; b < read.bytes; ++b)
      value |= valueOf(model, z3::select(machine.initialContext(),
                                         machine.contextStart + machine.constant(offset + b)))
               << (8 * b);
    facts.push_back("ctx+" + std::to_string(offset) + " = " + std::to_string(value));
    json += std::string(k ? "," : "") + "{\"offset\":" + std::to_string(offset) +
            ",\"size\":" + std::to_string(read.bytes) + ",\"value\":" + std::to_string(value) + "}";
  }
  json += "],\"results\":[";
  for (std::size_t k = 0; k < encoder.externalResults.size(); ++k) {
    const detail::ExternalResult &result = encoder.externalResults[k];
    const std::uint64_t value = valueOf(model, result.value);
    const Instruction &insn = code.instructions[result.index].insn;
    std::string callee = "the call";
    if (const auto *call = std::get_if<Call>(&insn); call && call->kind == Call::Kind::Helper)
      callee = std::string(helperName(static_cast<std::uint32_t>(call->imm)));
    const std::string returned = result.pointer ? (value == 0 ? "NULL" : "a pointer")
                                                : std::to_string(static_cast<std::int64_t>(value));
    facts.push_back(callee + " at insn " + std::to_string(code.instructions[result.index].pc) +
                    " returning " + returned);
    json += std::string(k ? "," : "") +
            "{\"insn\":" + std::to_string(code.instructions[result.index].pc) + ",\"callee\":\"" +
            callee + "\"," +
            (result.pointer ? std::string("\"null\":") + (value == 0 ? "true" : "false")
                            : "\"value\":" + std::to_string(value)) +
            "}";
  }
  json += "]}\n";
  std::string words = "with ";
  for (std::size_t k = 0; k < facts.size(); ++k)
    words += (k ? (k + 1 == facts.size() ? " and " : ", ") : "") + facts[k];
  if (facts.empty())
    words = "with any input";
  return {words + ", insn " + std::to_string(code.instructions[obligation.index].pc) +
              " goes out of bounds",
          json};
}

} // namespace

ObligationAnswer PathProver::prove(const absint::ProgramInput &input,
                                   const absint::Obligation &obligation) {
  const auto start = std::chrono::steady_clock::now();
  ObligationAnswer answer;
  try {
    z3::context c;
    detail::SymbolicMachine machine(c, input);
    detail::PathEncoder encoder(machine, input,
                                start + std::chrono::milliseconds(options.timeoutMilliseconds));
    encoder.follow(obligation);
    z3::solver solver(c);
    z3::params parameters(c);
    parameters.set("timeout", options.timeoutMilliseconds);
    // Z3's timer does not interrupt every phase of a check; its resource counter does.
    parameters.set("rlimit", rlimitPerMillisecond * options.timeoutMilliseconds);
    solver.set(parameters);
    z3::expr_vector assumptions(c);
    for (const z3::expr &assumption : machine.assumptions)
      assumptions.push_back(assumption);
    solver.add(z3::mk_and(assumptions));
    if (obligation.kind == ObligationKind::InBounds)
      solver.add(encoder.accessOutside(obligation.index));
    switch (solver.check()) {
    case z3::unsat:
      answer.status = ObligationStatus::Proven;
      break;
    case z3::sat: {
      answer.status = ObligationStatus::Refuted;
      if (!obligation.path.fromEntry)
        break;
      // A small packet makes a readable counterexample, when one exists.
      solver.push();
      solver.add(z3::ule(machine.initialPacketLength(), machine.constant(typicalPacket)));
      if (solver.check() != z3::sat) {
        solver.pop();
        solver.check();
      }
      const ModelReport report =
          describeModel(solver.get_model(), machine, encoder, input, obligation);
      answer.explanation = report.words;
      answer.counterexample = report.json;
      break;
    }
    case z3::unknown:
      answer.explanation = "Z3 answered unknown: " + solver.reason_unknown();
      break;
    }
  } catch (const detail::EncodingGap &gap) {
    answer.explanation = gap.reason;
  } catch (const z3::exception &error) {
    answer.explanation = std::string("Z3 failed: ") + error.msg();
  }
  answer.microseconds =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now() - start)
                                     .count());
  return answer;
}

} // namespace bpfcheck::smt
