#include "bpfcheck/ir/Graphviz.h"

#include <algorithm>
#include <sstream>

namespace bpfcheck {
namespace {

/// Escapes text for a dot record label (left-justified lines).
std::string escape(const std::string &text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\' || c == '{' || c == '}' || c == '<' || c == '>' || c == '|')
      out += '\\';
    out += c == '\t' ? ' ' : c;
  }
  return out;
}

bool isBackEdge(const Function &function, std::uint32_t from, std::uint32_t to) {
  return std::any_of(function.loops.begin(), function.loops.end(), [&](const Loop &loop) {
    return loop.header == to &&
           std::find(loop.latches.begin(), loop.latches.end(), from) != loop.latches.end();
  });
}

} // namespace

std::string writeGraphviz(const ProgramCode &program, const std::string &graphName,
                          RegisterStyle style) {
  std::ostringstream dot;
  dot << "digraph \"" << escape(graphName) << "\" {\n"
      << "  node [shape=record, fontname=\"monospace\", fontsize=10];\n";
  for (std::size_t f = 0; f < program.functions.size(); ++f) {
    const Function &function = program.functions[f];
    dot << "  subgraph cluster_" << f << " {\n    label=\"" << escape(function.name) << "\";\n";
    for (std::size_t b = 0; b < function.blocks.size(); ++b) {
      const BasicBlock &block = function.blocks[b];
      const bool isHeader = std::any_of(function.loops.begin(), function.loops.end(),
                                        [&](const Loop &loop) { return loop.header == b; });
      dot << "    f" << f << "b" << b << " [label=\"{";
      for (std::uint32_t i = block.first; i <= block.last; ++i) {
        const PlacedInstruction &placed = program.instructions[i];
        dot << placed.pc << ": " << escape(printInstruction(placed.insn, style)) << "\\l";
      }
      dot << "}\"";
      if (!block.reachable)
        dot << ", style=filled, fillcolor=lightgrey";
      if (isHeader)
        dot << ", penwidth=2";
      dot << "];\n";
    }
    for (std::size_t b = 0; b < function.blocks.size(); ++b)
      for (std::uint32_t successor : function.blocks[b].successors) {
        dot << "    f" << f << "b" << b << " -> f" << f << "b" << successor;
        if (isBackEdge(function, std::uint32_t(b), successor))
          dot << " [style=dashed, label=\"back\"]";
        dot << ";\n";
      }
    dot << "  }\n";
  }
  dot << "}\n";
  return dot.str();
}

} // namespace bpfcheck
