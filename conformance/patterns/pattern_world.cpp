// Building a pattern schedule's world, and taking it down in the right order.
#include "conformance/patterns/pattern_world.h"

#include <stdexcept>
#include <string>
#include <utility>

#include "conformance/patterns/pattern_probes.h"
#include "conformance/patterns/pattern_schedule.h"

namespace lockstep::conformance {

namespace {

constexpr const char* kPatternServiceAddress = "patterns://service";

}  // namespace

PatternWorld::PatternWorld(const lockstep_implementation& implementation,
                           std::optional<PatternFamily> family,
                           std::optional<PatternCombination> fixed,
                           const harness::WorldConfig& config, std::unique_ptr<Strategy> strategy)
    : world_(std::make_unique<harness::World>(config, std::move(strategy))),
      scenario_(std::make_unique<PatternScenario>(world_->simulation())),
      parts_(resolve_pattern_parts(implementation)) {
  if (fixed) {
    combination_ = *fixed;
  } else {
    const PatternRoles roles = pattern_roles(implementation, *family);
    combination_ = scenario_->combination(*family, roles.client, roles.service);
  }
  if (const std::optional<harness::Probe> probe = combination_probe(combination_)) {
    world_->violations().reach(*probe);
  }
  world_->simulation().annotate(std::string("patterns: ") +
                                client_pattern_name(combination_.client) + " against " +
                                service_pattern_name(combination_.service));
  harness::HostConfig client_config;
  client_config.name = "pattern-client";
  client_config.worker_threads = scenario_->worker_threads();
  harness::HostConfig service_config;
  service_config.name = "pattern-service";
  service_config.worker_threads = scenario_->worker_threads();
  harness::HostConfig backend_config;
  backend_config.name = "pattern-backend";
  backend_config.worker_threads = 2;
  client_host_ = &world_->add_host(client_config);
  harness::SimulatedHost& service_host = world_->add_host(service_config);
  harness::SimulatedHost& backend_host = world_->add_host(backend_config);

  ledger_ = std::make_unique<ExchangeLedger>(*world_);
  work_ = std::make_unique<ServiceWork>(
      *ledger_, backend_host, [this](const PatternCall& call, bool with_context, bool with_token) {
        return work_choice(call, with_context, with_token);
      });
  service_ = std::make_unique<PatternServiceSide>(*ledger_, *scenario_, combination_.service,
                                                  parts_, service_host, *work_);
  if (!service_->created()) {
    throw std::runtime_error(std::string(service_pattern_name(combination_.service)) +
                             ": create_service failed");
  }
  dispatcher_ = std::make_unique<PatternDispatcher>(
      *ledger_, kPatternServiceAddress,
      [this](PatternCall& call, PatternDispatcher::Reply reply) { service_->invoke(call, reply); });
  dispatcher_->start();
  world_->on_schedule_end([this](bool) {
    for (const auto& client : clients_) {
      client->finish();
    }
    service_->finish();
  });
}

PatternWorld::~PatternWorld() {
  // Fibers and queued work refer to the clients, the service and the dispatcher: unwind them
  // first; then nothing of the implementation runs any more, and its instances can go.
  world_->simulation().shutdown();
  for (const auto& client : clients_) {
    client->free_instance();
  }
  service_->free_instance();
}

PatternClient& PatternWorld::add_client() {
  const auto index = static_cast<std::uint32_t>(clients_.size());
  return *clients_.emplace_back(std::make_unique<PatternClient>(
      *ledger_, *scenario_, combination_.client, parts_, *client_host_, kPatternServiceAddress,
      index, [this](const PatternCall& call, bool with_context) {
        return channel_mode(call, with_context);
      }));
}

void PatternWorld::set_call_choices(const PatternCall& call, CallChoices choices) {
  call_choices_[call.id] = choices;
}

UnderlyingMode PatternWorld::channel_mode(const PatternCall& call, bool with_context) {
  const auto given = call_choices_.find(call.id);
  if (given == call_choices_.end()) {
    return scenario_->channel_mode(with_context);
  }
  const UnderlyingMode mode = given->second.channel_mode;
  if (!with_context && (mode == UnderlyingMode::later || mode == UnderlyingMode::early)) {
    return UnderlyingMode::synchronous;
  }
  return mode;
}

WorkChoice PatternWorld::work_choice(const PatternCall& call, bool with_context, bool with_token) {
  const auto given = call_choices_.find(call.id);
  if (given == call_choices_.end()) {
    return scenario_->work_choice(with_context, with_token);
  }
  WorkChoice choice = given->second.work;
  choice.honours_cancellation = choice.honours_cancellation && with_token;
  return choice;
}

}  // namespace lockstep::conformance
