// Running pattern-calls cases, inside RapidCheck or as a replay.
#include "conformance/properties/patterns_property.h"

#include "conformance/properties/property_commands.h"
#include "harness/plugin/implementation_parts.h"

namespace lockstep::conformance::properties {

namespace {

// The combinations of `family` the implementation's part has roles for, in the suite's order:
// its client against the four services, then the other clients against its service.
std::vector<PatternCombination> combinations_of(const lockstep_implementation& implementation,
                                                PatternFamily family) {
  static constexpr ClientPattern kClients[] = {ClientPattern::async_result,
                                               ClientPattern::event_based,
                                               ClientPattern::task_based, ClientPattern::channel};
  static constexpr ServicePattern kServices[] = {
      ServicePattern::begin_end, ServicePattern::event_based, ServicePattern::task_based,
      ServicePattern::synchronous};
  const auto roles = [](const auto* part) {
    return std::pair<bool, bool>{part != nullptr && part->create_proxy != nullptr,
                                 part != nullptr && part->create_service != nullptr};
  };
  std::pair<bool, bool> has{false, false};
  switch (family) {
    case PatternFamily::async_result:
      has = roles(harness::async_result_part(implementation));
      break;
    case PatternFamily::event_based:
      has = roles(harness::event_based_part(implementation));
      break;
    case PatternFamily::task_based:
      has = roles(harness::task_based_part(implementation));
      break;
  }
  const ClientPattern own_client = kClients[static_cast<int>(family)];
  const ServicePattern own_service = kServices[static_cast<int>(family)];
  std::vector<PatternCombination> all;
  if (has.first) {
    for (const ServicePattern service : kServices) {
      all.push_back({own_client, service});
    }
  }
  if (has.second) {
    for (const ClientPattern client : kClients) {
      if (client != own_client || !has.first) {
        all.push_back({client, own_service});
      }
    }
  }
  return all;
}

PropertyCase run_counting(const lockstep_implementation& implementation,
                          std::uint64_t schedule_seed, const PatternCaseSettings& settings,
                          const rc::state::Commands<PatternCommand>& commands,
                          std::unique_ptr<Strategy> strategy, std::uint64_t& calls) {
  PropertyCase run = new_property_case(pattern_property_name(settings.family), implementation,
                                       schedule_seed, settings.to_text(), commands);
  PatternSystem system(implementation, schedule_seed, settings, std::move(strategy));
  PatternModel model;
  model.client = settings.combination.client;
  for (const auto& command : commands) {
    command->run(model, system);
    command->apply(model);
  }
  run.outcome = system.finish();
  calls += system.calls();
  return run;
}

}  // namespace

std::vector<std::string> pattern_property_rules(PatternFamily family) {
  switch (family) {
    case PatternFamily::async_result:
      return {"AP1", "AP2", "AP3", "AP4", "AP5", "MX1"};
    case PatternFamily::event_based:
      return {"EV1", "EV2", "EV3", "EV4", "EV5", "EV6", "EV7", "MX1"};
    case PatternFamily::task_based:
      return {"TK1", "TK2", "TK3", "TK4", "TK5", "MX1"};
  }
  return {};
}

std::string pattern_property_name(PatternFamily family) {
  return std::string("pattern calls (") + pattern_family_name(family) + ")";
}

PropertyCase run_pattern_case(const lockstep_implementation& implementation,
                              std::uint64_t schedule_seed, const PatternCaseSettings& settings,
                              const rc::state::Commands<PatternCommand>& commands,
                              std::unique_ptr<Strategy> strategy) {
  std::uint64_t calls = 0;
  return run_counting(implementation, schedule_seed, settings, commands, std::move(strategy),
                      calls);
}

void check_pattern_case(const lockstep_implementation& implementation, PatternFamily family,
                        PatternCaseRecorder& recorder, const std::string& focus_rule) {
  const std::vector<PatternCombination> combinations = combinations_of(implementation, family);
  RC_PRE(!combinations.empty());
  const auto schedule_seed = *rc::gen::arbitrary<std::uint64_t>();
  PatternCaseSettings settings;
  settings.family = family;
  settings.combination =
      combinations[static_cast<std::size_t>(*full_range(0, static_cast<int>(combinations.size())))];
  PatternModel initial;
  initial.client = settings.combination.client;
  const auto commands = *rc::state::gen::commands(initial, pattern_command_generator());
  PropertyCase run =
      run_counting(implementation, schedule_seed, settings, commands, nullptr, recorder.calls);
  run.focus_rule = focus_rule;
  recorder.cases.record(run);
  if (run.failed()) {
    recorder.last_failing_settings = settings;
    recorder.last_failing_commands = commands;
    RC_FAIL(failure_message(run));
  }
}

}  // namespace lockstep::conformance::properties
