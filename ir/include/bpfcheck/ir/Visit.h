// `visit(variant, lambdas...)`: std::visit over a set of lambdas, one per alternative, the
// way the IR is inspected outside the decoder (instead of switching on opcodes).
#pragma once

#include <utility>
#include <variant>

namespace bpfcheck {

template <typename... Handlers> struct Overloaded : Handlers... {
  using Handlers::operator()...;
};
template <typename... Handlers> Overloaded(Handlers...) -> Overloaded<Handlers...>;

template <typename Variant, typename... Handlers>
decltype(auto) visit(Variant &&value, Handlers &&...handlers) {
  return std::visit(Overloaded{std::forward<Handlers>(handlers)...}, std::forward<Variant>(value));
}

} // namespace bpfcheck
