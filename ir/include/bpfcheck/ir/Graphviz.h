// Writing a program's control-flow graph in Graphviz's dot language: one cluster per
// function, one node per basic block (its instructions in llvm-objdump syntax), loop heads
// and back edges marked, unreachable blocks greyed.
#pragma once

#include "bpfcheck/ir/Printer.h"
#include "bpfcheck/ir/Program.h"

#include <string>

namespace bpfcheck {

std::string writeGraphviz(const ProgramCode &program, const std::string &graphName,
                          RegisterStyle style = RegisterStyle::Plain);

} // namespace bpfcheck
