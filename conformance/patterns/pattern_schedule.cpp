// A pattern schedule: hosts, the dispatcher and its service, the clients, the end checks.
#include "conformance/patterns/pattern_schedule.h"

#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "conformance/patterns/pattern_client.h"
#include "conformance/patterns/pattern_dispatcher.h"
#include "conformance/patterns/pattern_parts.h"
#include "conformance/patterns/pattern_scenario.h"
#include "conformance/patterns/pattern_service_side.h"
#include "conformance/patterns/service_work.h"
#include "harness/plugin/implementation_parts.h"

namespace lockstep::conformance {

namespace {

constexpr const char* kPatternServiceAddress = "patterns://service";

// Whether the family's part has its client role and its service role.
std::pair<bool, bool> roles_of(const lockstep_implementation& implementation,
                               PatternFamily family) {
  const auto roles = [](const auto* part) {
    return part == nullptr ? std::pair<bool, bool>{false, false}
                           : std::pair<bool, bool>{part->create_proxy != nullptr,
                                                   part->create_service != nullptr};
  };
  switch (family) {
    case PatternFamily::async_result:
      return roles(harness::async_result_part(implementation));
    case PatternFamily::event_based:
      return roles(harness::event_based_part(implementation));
    case PatternFamily::task_based:
      return roles(harness::task_based_part(implementation));
  }
  return {false, false};
}

}  // namespace

bool provides_pattern(const lockstep_implementation& implementation, PatternFamily family) {
  switch (family) {
    case PatternFamily::async_result:
      return harness::async_result_part(implementation) != nullptr;
    case PatternFamily::event_based:
      return harness::event_based_part(implementation) != nullptr;
    case PatternFamily::task_based:
      return harness::task_based_part(implementation) != nullptr;
  }
  return false;
}

namespace {

PatternScheduleResult run(const lockstep_implementation& implementation,
                          std::optional<PatternFamily> family,
                          std::optional<PatternCombination> fixed, std::uint64_t schedule_seed,
                          std::unique_ptr<Strategy> strategy,
                          const harness::ScheduleOptions& options) {
  harness::WorldConfig config;
  config.seed = schedule_seed;
  config.keep_trace_events = options.keep_trace_events;
  config.stack_pool = options.stack_pool;
  config.max_steps = 400'000;
  harness::World world(config, std::move(strategy));
  Simulation& simulation = world.simulation();
  PatternScenario scenario(simulation);
  const PatternParts parts = resolve_pattern_parts(implementation);
  PatternCombination combination;
  if (fixed) {
    combination = *fixed;
  } else {
    const auto roles = roles_of(implementation, *family);
    combination = scenario.combination(*family, roles.first, roles.second);
  }
  simulation.annotate(std::string("patterns: ") + client_pattern_name(combination.client) +
                      " against " + service_pattern_name(combination.service));
  harness::HostConfig client_config;
  client_config.name = "pattern-client";
  client_config.worker_threads = scenario.worker_threads();
  harness::HostConfig service_config;
  service_config.name = "pattern-service";
  service_config.worker_threads = scenario.worker_threads();
  harness::HostConfig backend_config;
  backend_config.name = "pattern-backend";
  backend_config.worker_threads = 2;
  harness::SimulatedHost& client_host = world.add_host(client_config);
  harness::SimulatedHost& service_host = world.add_host(service_config);
  harness::SimulatedHost& backend_host = world.add_host(backend_config);

  ExchangeLedger ledger(world);
  ServiceWork work(ledger, backend_host,
                   [&scenario](const PatternCall&, bool with_context, bool with_token) {
                     return scenario.work_choice(with_context, with_token);
                   });
  PatternServiceSide service(ledger, scenario, combination.service, parts, service_host, work);
  if (!service.created()) {
    throw std::runtime_error(std::string(service_pattern_name(combination.service)) +
                             ": create_service failed");
  }
  PatternDispatcher dispatcher(ledger, kPatternServiceAddress,
                               [&service](PatternCall& call, PatternDispatcher::Reply reply) {
                                 service.invoke(call, reply);
                               });
  dispatcher.start();

  std::deque<std::unique_ptr<PatternClient>> clients;
  const std::uint32_t client_count = scenario.client_count();
  for (std::uint32_t index = 0; index < client_count; ++index) {
    PatternClient& client = *clients.emplace_back(std::make_unique<PatternClient>(
        ledger, scenario, combination.client, parts, client_host, kPatternServiceAddress, index));
    world.spawn_caller("client-" + std::to_string(index + 1), [&client] { client.run(); });
  }
  world.on_schedule_end([&](bool) {
    for (const auto& client : clients) {
      client->finish();
    }
    service.finish();
  });
  world.run();
  PatternScheduleResult result;
  static_cast<harness::ScheduleOutcome&>(result) = world.outcome();
  result.combination = combination;
  result.calls = ledger.calls().size();
  // Fibers and queued work refer to the clients, the service and the dispatcher: unwind them
  // first; then nothing of the implementation runs any more, and its instances can go.
  simulation.shutdown();
  for (const auto& client : clients) {
    client->free_instance();
  }
  service.free_instance();
  return result;
}

}  // namespace

PatternScheduleResult run_pattern_schedule(const lockstep_implementation& implementation,
                                           PatternFamily family, std::uint64_t schedule_seed,
                                           std::unique_ptr<Strategy> strategy,
                                           const harness::ScheduleOptions& options) {
  return run(implementation, family, std::nullopt, schedule_seed, std::move(strategy), options);
}

PatternScheduleResult run_pattern_schedule_with(const lockstep_implementation& implementation,
                                                PatternCombination combination,
                                                std::uint64_t schedule_seed,
                                                std::unique_ptr<Strategy> strategy,
                                                const harness::ScheduleOptions& options) {
  return run(implementation, std::nullopt, combination, schedule_seed, std::move(strategy),
             options);
}

}  // namespace lockstep::conformance
