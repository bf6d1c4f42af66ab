// What each service command does to the model and, on the caller fiber, to the host and its
// clients.
#include <algorithm>

#include "conformance/properties/service_model.h"

namespace lockstep::conformance::properties {

void ConnectClientCommand::checkPreconditions(const ServiceModel& model) const {
  RC_PRE(model.client_gone.size() < ServiceModel::kMaxClients);
}

void ConnectClientCommand::apply(ServiceModel& model) const {
  model.client_gone.push_back(false);
}

void ConnectClientCommand::run(const ServiceModel& /*model*/, ServiceSystem& system) const {
  system.run_on_caller([](ServiceCaller& caller) { caller.connect_client(); });
}

void ConnectClientCommand::show(std::ostream& os) const {
  os << "ConnectClient";
}

ClientCommand::ClientCommand(const ServiceModel& model)
    : client(static_cast<std::size_t>(
          *full_range(0, static_cast<int>(std::max<std::size_t>(1, model.client_gone.size()))))) {}

void ClientCommand::checkPreconditions(const ServiceModel& model) const {
  RC_PRE(model.client_usable(client));
}

RequestCommand::RequestCommand(const ServiceModel& model)
    : ClientCommand(model), await_reply(!generate_chance(1, 5)) {}

void RequestCommand::apply(ServiceModel& model) const {
  ++model.requests;
  if (!await_reply) {
    model.client_gone[client] = true;
  }
}

void RequestCommand::run(const ServiceModel& /*model*/, ServiceSystem& system) const {
  const std::size_t index = client;
  const bool await = await_reply;
  system.run_on_caller([index, await](ServiceCaller& caller) { caller.request(index, await); });
}

void RequestCommand::show(std::ostream& os) const {
  os << "Request(client " << client << (await_reply ? ", awaits the reply)" : ", walks away)");
}

void LeaveCommand::apply(ServiceModel& model) const {
  model.client_gone[client] = true;
}

void LeaveCommand::run(const ServiceModel& /*model*/, ServiceSystem& system) const {
  const std::size_t index = client;
  system.run_on_caller([index](ServiceCaller& caller) { caller.leave(index); });
}

void LeaveCommand::show(std::ostream& os) const {
  os << "Leave(client " << client << ")";
}

void DropClientCommand::apply(ServiceModel& model) const {
  model.client_gone[client] = true;
}

void DropClientCommand::run(const ServiceModel& /*model*/, ServiceSystem& system) const {
  const std::size_t index = client;
  system.run_on_caller([index](ServiceCaller& caller) { caller.drop(index); });
}

void DropClientCommand::show(std::ostream& os) const {
  os << "DropClient(client " << client << ")";
}

void AbortHostCommand::checkPreconditions(const ServiceModel& model) const {
  RC_PRE(!model.aborted && model.requests > 0);
}

void AbortHostCommand::apply(ServiceModel& model) const {
  model.aborted = true;
}

void AbortHostCommand::run(const ServiceModel& /*model*/, ServiceSystem& system) const {
  const bool error = with_error;
  system.run_on_caller([error](ServiceCaller& caller) { caller.driver->abort(error); });
}

void AbortHostCommand::show(std::ostream& os) const {
  os << "AbortHost(" << (with_error ? "error" : "no-error") << ")";
}

void CloseHostCommand::checkPreconditions(const ServiceModel& model) const {
  RC_PRE(!model.close_started && model.requests > 0);
}

void CloseHostCommand::apply(ServiceModel& model) const {
  model.close_started = true;
}

void CloseHostCommand::run(const ServiceModel& /*model*/, ServiceSystem& system) const {
  const HostCallShape call_shape = shape;
  system.run_on_caller([call_shape](ServiceCaller& caller) { caller.start_close(call_shape); });
}

void CloseHostCommand::show(std::ostream& os) const {
  os << "CloseHost(" << host_call_shape_text(shape) << ")";
}

void ServicePauseCommand::run(const ServiceModel& /*model*/, ServiceSystem& system) const {
  const std::uint64_t duration = duration_ns;
  system.run_on_caller(
      [duration](ServiceCaller& caller) { caller.world->simulation().sleep_for(duration); });
}

void ServicePauseCommand::show(std::ostream& os) const {
  os << "Pause(" << duration_ns << " ns)";
}

}  // namespace lockstep::conformance::properties
