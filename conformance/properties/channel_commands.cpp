// What each channel command does to the model and, on the caller fiber, to the channel.
#include "conformance/properties/channel_model.h"

#include <string>

namespace lockstep::conformance::properties {

namespace {

std::string body_of(std::size_t bytes) {
  return std::string(bytes, 'b');
}

// Leaves an asynchronous call in flight if the shape says so, else waits for it.
void keep_or_wait(ChannelCaller& caller, harness::MonitoredCall& call,
                  const ChannelCallShape& shape) {
  if (shape.with_context && shape.keep_in_flight) {
    caller.in_flight.push_back(&call);
  } else {
    caller.driver->wait(call);
  }
}

}  // namespace

ChannelCallShape::ChannelCallShape()
    : with_context(!generate_chance(1, 4)),
      with_error(generate_chance(1, 2)),
      keep_in_flight(generate_chance(1, 2)),
      callback(with_context ? callback_behaviour_at(static_cast<std::uint64_t>(*full_range(
                                  0, static_cast<int>(callback_behaviour_choices()))))
                            : CallbackBehaviour::return_at_once) {}

void ChannelCallShape::show(std::ostream& os) const {
  os << (with_context ? "context" : "null-context") << ", " << (with_error ? "error" : "no-error")
     << (with_context && keep_in_flight ? ", in-flight" : ", waited");
  if (callback != CallbackBehaviour::return_at_once) {
    os << ", callback " << callback_behaviour_name(callback);
  }
}

void OpenCommand::apply(ChannelModel& model) const {
  if (model.phase == ChannelModel::Phase::created) {
    model.phase = ChannelModel::Phase::open;
  }
}

void OpenCommand::run(const ChannelModel& /*model*/, ChannelSystem& system) const {
  // Open is always awaited: the model's echo count assumes sends after it find it OPEN.
  const CallShape call_shape = shape.call_shape();
  system.run_on_caller([call_shape](ChannelCaller& caller) {
    caller.driver->wait(caller.driver->open(ChannelCaller::kPeerAddress, call_shape));
  });
}

void OpenCommand::show(std::ostream& os) const {
  os << "Open(";
  shape.show(os);
  os << ")";
}

void SendCommand::apply(ChannelModel& model) const {
  if (model.echoing()) {
    ++model.echoes_owed;
  }
}

void SendCommand::run(const ChannelModel& /*model*/, ChannelSystem& system) const {
  const ChannelCallShape send_shape = shape;
  const std::size_t bytes = body_bytes;
  system.run_on_caller([send_shape, bytes](ChannelCaller& caller) {
    keep_or_wait(caller, caller.driver->send(body_of(bytes), send_shape.call_shape()), send_shape);
  });
}

void SendCommand::show(std::ostream& os) const {
  os << "Send(" << body_bytes << " bytes, ";
  shape.show(os);
  os << ")";
}

void ReceiveCommand::checkPreconditions(const ChannelModel& model) const {
  RC_PRE(!model.echoing() || model.echoes_owed > 0);
}

void ReceiveCommand::apply(ChannelModel& model) const {
  if (model.echoing()) {
    --model.echoes_owed;
  }
}

void ReceiveCommand::run(const ChannelModel& /*model*/, ChannelSystem& system) const {
  const ChannelCallShape receive_shape = shape;
  const std::size_t capacity = capacity_bytes;
  const bool is_optional = optional;
  const std::uint64_t lead = lead_ns;
  system.run_on_caller([receive_shape, capacity, is_optional, lead](ChannelCaller& caller) {
    if (lead > 0) {
      caller.simulation->sleep_for(lead);
    }
    keep_or_wait(caller, caller.driver->receive(is_optional, capacity, receive_shape.call_shape()),
                 receive_shape);
  });
}

void ReceiveCommand::show(std::ostream& os) const {
  os << "Receive(" << capacity_bytes << " bytes, " << (optional ? "optional" : "required") << ", ";
  shape.show(os);
  if (lead_ns > 0) {
    os << ", after " << lead_ns << " ns";
  }
  os << ")";
}

void RequestReplyCommand::run(const ChannelModel& /*model*/, ChannelSystem& system) const {
  const ChannelCallShape request_shape = shape;
  const std::size_t bytes = request_bytes;
  const std::size_t capacity = capacity_bytes;
  system.run_on_caller([request_shape, bytes, capacity](ChannelCaller& caller) {
    keep_or_wait(caller,
                 caller.driver->request_reply(body_of(bytes), capacity, request_shape.call_shape()),
                 request_shape);
  });
}

void RequestReplyCommand::show(std::ostream& os) const {
  os << "RequestReply(" << request_bytes << " bytes, reply " << capacity_bytes << " bytes, ";
  shape.show(os);
  os << ")";
}

void AbortCommand::apply(ChannelModel& model) const {
  if (model.phase == ChannelModel::Phase::open) {
    model.phase = ChannelModel::Phase::faulted;
  }
}

void AbortCommand::run(const ChannelModel& /*model*/, ChannelSystem& system) const {
  system.run_on_caller([](ChannelCaller& caller) { caller.driver->abort(); });
}

void AbortCommand::show(std::ostream& os) const {
  os << "Abort";
}

void CloseCommand::apply(ChannelModel& model) const {
  model.phase = ChannelModel::Phase::closed;
  model.closed_by_commands = true;
}

void CloseCommand::run(const ChannelModel& /*model*/, ChannelSystem& system) const {
  const ChannelCallShape close_shape = shape;
  system.run_on_caller([close_shape](ChannelCaller& caller) {
    keep_or_wait(caller, caller.driver->close(close_shape.call_shape()), close_shape);
  });
}

void CloseCommand::show(std::ostream& os) const {
  os << "Close(";
  shape.show(os);
  os << ")";
}

void InjectDropCommand::checkPreconditions(const ChannelModel& model) const {
  RC_PRE(model.phase == ChannelModel::Phase::open || model.phase == ChannelModel::Phase::closed);
}

void InjectDropCommand::apply(ChannelModel& model) const {
  if (model.phase == ChannelModel::Phase::open) {
    model.phase = ChannelModel::Phase::faulted;
  }
  model.session_over = true;
}

void InjectDropCommand::run(const ChannelModel& /*model*/, ChannelSystem& system) const {
  system.run_on_caller([](ChannelCaller& caller) { caller.peer->drop_connections(); });
}

void InjectDropCommand::show(std::ostream& os) const {
  os << "InjectDrop";
}

void InjectSessionEndCommand::checkPreconditions(const ChannelModel& model) const {
  RC_PRE(model.phase == ChannelModel::Phase::open);
}

void InjectSessionEndCommand::apply(ChannelModel& model) const {
  model.session_over = true;
}

void InjectSessionEndCommand::run(const ChannelModel& /*model*/, ChannelSystem& system) const {
  system.run_on_caller([](ChannelCaller& caller) { caller.peer->end_sessions(); });
}

void InjectSessionEndCommand::show(std::ostream& os) const {
  os << "InjectSessionEnd";
}

void PauseCommand::run(const ChannelModel& /*model*/, ChannelSystem& system) const {
  const std::uint64_t duration = duration_ns;
  system.run_on_caller([duration](ChannelCaller& caller) {
    if (duration > 0) {
      caller.simulation->sleep_for(duration);
    }
  });
}

void PauseCommand::show(std::ostream& os) const {
  os << "Pause(" << duration_ns << " ns)";
}

void AwaitAllCommand::run(const ChannelModel& /*model*/, ChannelSystem& system) const {
  system.run_on_caller([](ChannelCaller& caller) { caller.await_all(); });
}

void AwaitAllCommand::show(std::ostream& os) const {
  os << "AwaitAll";
}

}  // namespace lockstep::conformance::properties
