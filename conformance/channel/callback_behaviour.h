// What a caller's callback does before it returns (rule AM8), described once for every driver
// of the client channel: the seeded channel suite draws it with the schedule's Simulation, the
// channel property generates it with RapidCheck, both from the weights below, so the two never
// describe different callers.
#pragma once

#include <cstdint>
#include <string_view>

namespace lockstep::conformance {

/// What the caller does inside a call's callback. Only a call made with a context has a
/// callback; the calls these start have callbacks that return at once.
enum class CallbackBehaviour {
  return_at_once,
  start_next_send,  ///< a send on the same channel: short, non-blocking work
  abort_channel,    ///< WsAbortChannel on its own channel
  close_channel,    ///< WsCloseChannel (with a context) on its own channel, not waited for
  /// LONG only: waits for another call of the channel that is pending; under SHORT it returns
  /// at once, as the model demands.
  block_until_another_completes,
};

struct WeightedCallbackBehaviour {
  CallbackBehaviour behaviour;
  std::uint64_t weight;
};

/// Mostly nothing; often the next send or, under LONG, a wait for another call (weighted up:
/// LONG callbacks with another call pending are rare, and under SHORT it returns at once); now
/// and then an abort or a close of its own channel (rarely: either ends the channel's work).
/// Returning at once comes first, so that shrinking a generated choice goes towards it.
inline constexpr WeightedCallbackBehaviour kCallbackBehaviours[] = {
    {CallbackBehaviour::return_at_once, 40},
    {CallbackBehaviour::start_next_send, 10},
    {CallbackBehaviour::block_until_another_completes, 24},
    {CallbackBehaviour::abort_channel, 1},
    {CallbackBehaviour::close_channel, 1},
};

/// The sum of the weights: a choice is a number below it.
constexpr std::uint64_t callback_behaviour_choices() {
  std::uint64_t total = 0;
  for (const WeightedCallbackBehaviour& entry : kCallbackBehaviours) {
    total += entry.weight;
  }
  return total;
}

/// The behaviour that `choice` (below callback_behaviour_choices()) falls on.
constexpr CallbackBehaviour callback_behaviour_at(std::uint64_t choice) {
  for (const WeightedCallbackBehaviour& entry : kCallbackBehaviours) {
    if (choice < entry.weight) {
      return entry.behaviour;
    }
    choice -= entry.weight;
  }
  return CallbackBehaviour::return_at_once;
}

/// "start-next-send", for commands and reports.
constexpr std::string_view callback_behaviour_name(CallbackBehaviour behaviour) {
  switch (behaviour) {
    case CallbackBehaviour::return_at_once:
      return "return-at-once";
    case CallbackBehaviour::start_next_send:
      return "start-next-send";
    case CallbackBehaviour::abort_channel:
      return "abort-channel";
    case CallbackBehaviour::close_channel:
      return "close-channel";
    case CallbackBehaviour::block_until_another_completes:
      return "block-until-another-completes";
  }
  return "unknown";
}

}  // namespace lockstep::conformance
