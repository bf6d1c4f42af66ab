// The channel lifecycle property's model and commands.
//
// The model is what the caller can know without asking the channel: the phase its own
// commands led to, how many echoes are owed (messages sent minus receives that claimed one),
// and whether the peer ended the session or the line dropped. It exists for the
// preconditions: a receive on an OPEN channel is only issued while an echo is owed, so that a
// correct channel never strands the caller. The rule verdicts come from the ChannelDriver and
// the call monitor, not from the model. The model does not follow two state changes the
// channel makes on its own, because neither can strand the caller: a message larger than a
// receive's or request-reply's buffer faults the channel (CH5), and a faulted channel
// answers every later call at once; and a close on a closed channel simply succeeds (CH5), so
// CloseCommand stays valid in every phase. Commands are immutable values; their generated fields
// are drawn in the constructor and shrink like any RapidCheck value.
#pragma once

#include <cstdint>
#include <ostream>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include "conformance/properties/channel_system.h"
#include "conformance/properties/property_generators.h"

namespace lockstep::conformance::properties {

struct ChannelModel {
  enum class Phase { created, open, faulted, closed };
  Phase phase = Phase::created;
  std::int64_t echoes_owed = 0;
  bool session_over = false;  ///< the peer ended the session or the connection dropped
  bool closed_by_commands = false;

  bool echoing() const { return phase == Phase::open && !session_over; }
};

using ChannelCommand = rc::state::Command<ChannelModel, ChannelSystem>;

/// How a call is made, whether the caller leaves it in flight (only with a context), and what
/// its callback does (the channel suite's behaviours and weights, callback_behaviour.h).
struct ChannelCallShape {
  bool with_context = false;
  bool with_error = false;
  bool keep_in_flight = false;
  CallbackBehaviour callback = CallbackBehaviour::return_at_once;

  ChannelCallShape();
  CallShape call_shape() const { return CallShape{with_context, with_error, callback}; }
  void show(std::ostream& os) const;
};

struct OpenCommand : ChannelCommand {
  ChannelCallShape shape;
  void apply(ChannelModel& model) const override;
  void run(const ChannelModel& model, ChannelSystem& system) const override;
  void show(std::ostream& os) const override;
};

struct SendCommand : ChannelCommand {
  std::size_t body_bytes = static_cast<std::size_t>(*full_range(1, 24));
  ChannelCallShape shape;
  void apply(ChannelModel& model) const override;
  void run(const ChannelModel& model, ChannelSystem& system) const override;
  void show(std::ostream& os) const override;
};

struct ReceiveCommand : ChannelCommand {
  std::size_t capacity_bytes = generate_one_of<std::size_t>({64, 32, 3, 1});
  bool optional = *rc::gen::arbitrary<bool>();
  /// The caller first sleeps this long: often enough for the echo to be buffered already, so
  /// that the receive is served at once (the synchronous-completion path).
  std::uint64_t lead_ns = generate_chance(1, 3) ? 50'000'000 : 0;
  ChannelCallShape shape;
  void checkPreconditions(const ChannelModel& model) const override;
  void apply(ChannelModel& model) const override;
  void run(const ChannelModel& model, ChannelSystem& system) const override;
  void show(std::ostream& os) const override;
};

struct RequestReplyCommand : ChannelCommand {
  std::size_t request_bytes = static_cast<std::size_t>(*full_range(1, 24));
  std::size_t capacity_bytes = generate_one_of<std::size_t>({64, 32, 3, 1});
  ChannelCallShape shape;
  void run(const ChannelModel& model, ChannelSystem& system) const override;
  void show(std::ostream& os) const override;
};

struct AbortCommand : ChannelCommand {
  void apply(ChannelModel& model) const override;
  void run(const ChannelModel& model, ChannelSystem& system) const override;
  void show(std::ostream& os) const override;
};

struct CloseCommand : ChannelCommand {
  ChannelCallShape shape;
  void apply(ChannelModel& model) const override;
  void run(const ChannelModel& model, ChannelSystem& system) const override;
  void show(std::ostream& os) const override;
};

/// The line drops under the channel (CH6); while a close is in flight it fails the graceful
/// shutdown (CH4).
struct InjectDropCommand : ChannelCommand {
  void checkPreconditions(const ChannelModel& model) const override;
  void apply(ChannelModel& model) const override;
  void run(const ChannelModel& model, ChannelSystem& system) const override;
  void show(std::ostream& os) const override;
};

/// The peer ends the session (CH7, and the rare path of sends queued behind the I/O limit).
struct InjectSessionEndCommand : ChannelCommand {
  void checkPreconditions(const ChannelModel& model) const override;
  void apply(ChannelModel& model) const override;
  void run(const ChannelModel& model, ChannelSystem& system) const override;
  void show(std::ostream& os) const override;
};

/// The caller sleeps: deliveries and completions land before its next call.
struct PauseCommand : ChannelCommand {
  std::uint64_t duration_ns =
      generate_one_of<std::uint64_t>({0, 1'000, 100'000, 5'000'000, 50'000'000});
  void run(const ChannelModel& model, ChannelSystem& system) const override;
  void show(std::ostream& os) const override;
};

struct AwaitAllCommand : ChannelCommand {
  void run(const ChannelModel& model, ChannelSystem& system) const override;
  void show(std::ostream& os) const override;
};

/// The generator of one command for a model state (for rc::state::gen::commands).
inline auto channel_command_generator() {
  return rc::state::gen::execOneOfWithArgs<
      OpenCommand, SendCommand, ReceiveCommand, RequestReplyCommand, AbortCommand, CloseCommand,
      InjectDropCommand, InjectSessionEndCommand, PauseCommand, AwaitAllCommand>();
}

}  // namespace lockstep::conformance::properties
