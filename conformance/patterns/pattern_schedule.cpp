// A pattern schedule: hosts, the dispatcher and its service, the clients, the end checks.
#include "conformance/patterns/pattern_schedule.h"

#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "conformance/patterns/pattern_world.h"
#include "harness/plugin/implementation_parts.h"

namespace lockstep::conformance {

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

PatternRoles pattern_roles(const lockstep_implementation& implementation, PatternFamily family) {
  const auto roles = [](const auto* part) {
    return part == nullptr
               ? PatternRoles{}
               : PatternRoles{part->create_proxy != nullptr, part->create_service != nullptr};
  };
  switch (family) {
    case PatternFamily::async_result:
      return roles(harness::async_result_part(implementation));
    case PatternFamily::event_based:
      return roles(harness::event_based_part(implementation));
    case PatternFamily::task_based:
      return roles(harness::task_based_part(implementation));
  }
  return {};
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
  PatternWorld patterns(implementation, family, fixed, config, std::move(strategy));
  const std::uint32_t client_count = patterns.scenario().client_count();
  for (std::uint32_t index = 0; index < client_count; ++index) {
    PatternClient& client = patterns.add_client();
    patterns.world().spawn_caller("client-" + std::to_string(index + 1),
                                  [&client] { client.run(); });
  }
  patterns.world().run();
  PatternScheduleResult result;
  static_cast<harness::ScheduleOutcome&>(result) = patterns.world().outcome();
  result.combination = patterns.combination();
  result.calls = patterns.ledger().calls().size();
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
