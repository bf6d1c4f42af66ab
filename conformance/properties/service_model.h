// The service host property's model and commands.
//
// The model is what the caller can know without asking the host: how many clients its
// commands made, which of them it let go (left, walked away from a call, or dropped), and
// whether it has aborted or started closing the host. It exists for the preconditions, so
// that shrinking drops commands about clients that no longer exist. The rule verdicts come
// from the ServiceDriver and the call monitor, not from the model. Commands are immutable
// values; their generated fields are drawn in the constructor and shrink like any RapidCheck
// value.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include "conformance/properties/property_generators.h"
#include "conformance/properties/service_system.h"

namespace lockstep::conformance::properties {

struct ServiceModel {
  static constexpr std::size_t kMaxClients = 6;
  std::vector<bool> client_gone;  ///< per client, in connect order
  std::size_t requests = 0;       ///< Request commands so far
  bool aborted = false;
  bool close_started = false;

  bool client_usable(std::size_t index) const {
    return index < client_gone.size() && !client_gone[index];
  }
};

using ServiceCommand = rc::state::Command<ServiceModel, ServiceSystem>;

/// How the user code calls open or close: mostly with a context, a WS_ERROR or not.
inline HostCallShape generate_host_call_shape() {
  HostCallShape shape;
  shape.with_context = !generate_chance(1, 4);
  shape.with_error = generate_chance(1, 2);
  return shape;
}

/// A new client connects (refused once the host is closed or aborted, which is fine).
struct ConnectClientCommand : ServiceCommand {
  void checkPreconditions(const ServiceModel& model) const override;
  void apply(ServiceModel& model) const override;
  void run(const ServiceModel& model, ServiceSystem& system) const override;
  void show(std::ostream& os) const override;
};

/// Commands about one existing client draw its index from the model.
struct ClientCommand : ServiceCommand {
  std::size_t client;
  explicit ClientCommand(const ServiceModel& model);
  void checkPreconditions(const ServiceModel& model) const override;
};

/// The client sends a request; it waits for the reply, or walks away with the call in flight.
struct RequestCommand : ClientCommand {
  bool await_reply;
  explicit RequestCommand(const ServiceModel& model);
  void apply(ServiceModel& model) const override;
  void run(const ServiceModel& model, ServiceSystem& system) const override;
  void show(std::ostream& os) const override;
};

/// The client closes its connection once its queued requests are done.
struct LeaveCommand : ClientCommand {
  using ClientCommand::ClientCommand;
  void apply(ServiceModel& model) const override;
  void run(const ServiceModel& model, ServiceSystem& system) const override;
  void show(std::ostream& os) const override;
};

/// The line under the client drops now, whatever it is doing (SV4's channel-faulted cancel).
struct DropClientCommand : ClientCommand {
  using ClientCommand::ClientCommand;
  void apply(ServiceModel& model) const override;
  void run(const ServiceModel& model, ServiceSystem& system) const override;
  void show(std::ostream& os) const override;
};

/// The caller aborts the host (SV4, SV5); only once some request was made, since an abort
/// ends what could follow.
struct AbortHostCommand : ServiceCommand {
  bool with_error = generate_chance(1, 2);
  void checkPreconditions(const ServiceModel& model) const override;
  void apply(ServiceModel& model) const override;
  void run(const ServiceModel& model, ServiceSystem& system) const override;
  void show(std::ostream& os) const override;
};

/// A closer thread starts closing the host while the commands go on (SV5, SV6); only once
/// some request was made.
struct CloseHostCommand : ServiceCommand {
  HostCallShape shape = generate_host_call_shape();
  void checkPreconditions(const ServiceModel& model) const override;
  void apply(ServiceModel& model) const override;
  void run(const ServiceModel& model, ServiceSystem& system) const override;
  void show(std::ostream& os) const override;
};

/// The caller sleeps: requests, operations and completions progress before its next command.
struct ServicePauseCommand : ServiceCommand {
  std::uint64_t duration_ns =
      generate_one_of<std::uint64_t>({0, 100'000, 1'000'000, 5'000'000, 25'000'000});
  void run(const ServiceModel& model, ServiceSystem& system) const override;
  void show(std::ostream& os) const override;
};

/// The generator of one command for a model state (for rc::state::gen::commands).
inline auto service_command_generator() {
  // Listed more than once: drawn more often. Requests are what the host is for; an abort or
  // a close ends most of what can follow.
  return rc::state::gen::execOneOfWithArgs<
      ConnectClientCommand, ConnectClientCommand, RequestCommand, RequestCommand, RequestCommand,
      RequestCommand, RequestCommand, RequestCommand, LeaveCommand, DropClientCommand,
      AbortHostCommand, CloseHostCommand, ServicePauseCommand, ServicePauseCommand>();
}

/// The settings a case starts with (fault disclosure, close timeout).
inline ServiceCaseSettings generate_service_settings() {
  ServiceCaseSettings settings;
  settings.full_fault_disclosure = generate_chance(1, 2);
  settings.close_timeout_ns = generate_one_of<std::uint64_t>({0, 1'000'000, 4'000'000});
  settings.open_shape = generate_host_call_shape();
  settings.final_close_shape = generate_host_call_shape();
  return settings;
}

}  // namespace lockstep::conformance::properties
