// What the callback of each callback-calling helper receives and may return (the kernel's
// set_*_callback_state functions and callback_ret_range). Rows in lib/Callbacks.cpp.
#pragma once

#include "bpfcheck/platform/Helpers.h"

#include <array>
#include <cstdint>
#include <span>

namespace bpfcheck {

/// What one callback argument register holds.
enum class CallbackArgKind : std::uint8_t {
  None,        ///< not set (uninitialised)
  Scalar,      ///< an unknown number (bpf_loop's index)
  MapPointer,  ///< the map of the helper's map argument
  MapKey,      ///< a key of that map (key_size bytes, read-only)
  MapValue,    ///< a value of that map (value_size bytes, not NULL)
  CallerArg,   ///< what the helper's argument `callerArg` held (the callback context)
  BtfObject,   ///< a trusted kernel object of `btfType`
  Unsupported, ///< a kind bpfcheck does not model yet (dynptr)
};

struct CallbackArg {
  CallbackArgKind kind = CallbackArgKind::None;
  std::uint8_t callerArg = 0;    ///< for CallerArg: the helper argument (1-5)
  std::string_view btfType = {}; ///< for BtfObject
};

struct CallbackConvention {
  HelperId helper;
  std::uint8_t functionArg; ///< the helper argument (1-5) holding the callback
  std::uint8_t mapArg;      ///< the helper argument holding the map, 0: none
  std::array<CallbackArg, 5> args;
  std::int64_t returnMinimum; ///< values the callback may return
  std::int64_t returnMaximum;
  /// The helper argument whose value bounds how many times the callback is called per
  /// call of the helper (bpf_loop's nr_loops), 0: none. The kernel explores the callback
  /// at most umax(that argument) times.
  std::uint8_t callsBoundArg = 0;
};

/// The convention of a callback-calling helper, or null.
const CallbackConvention *findCallbackConvention(HelperId helper);
std::span<const CallbackConvention> allCallbackConventions();

} // namespace bpfcheck
