// Running async-execute chains cases, inside RapidCheck or as a replay.
#include "conformance/properties/async_execute_property.h"

#include "conformance/properties/property_commands.h"

namespace lockstep::conformance::properties {

// AM10 from the steps and the end-of-chain checks; AM1-AM7 and AM11 from the call monitor.
const std::vector<std::string> kAsyncExecuteChainRules = {"AM1", "AM2", "AM3",  "AM4", "AM5",
                                                          "AM6", "AM7", "AM10", "AM11"};

namespace {

PropertyCase run_async_execute_case_counting(
    const lockstep_implementation& implementation, std::uint64_t schedule_seed,
    const AsyncExecuteCaseSettings& settings,
    const rc::state::Commands<AsyncExecuteCommand>& commands, std::unique_ptr<Strategy> strategy,
    std::uint64_t& steps_run) {
  PropertyCase run = new_property_case("async-execute chains", implementation, schedule_seed,
                                       settings.to_text(), commands);
  AsyncExecuteSystem system(implementation, schedule_seed, settings, std::move(strategy));
  run_commands(commands, system);
  run.outcome = system.finish();
  steps_run += system.steps_run();
  return run;
}

}  // namespace

PropertyCase run_async_execute_case(const lockstep_implementation& implementation,
                                    std::uint64_t schedule_seed,
                                    const AsyncExecuteCaseSettings& settings,
                                    const rc::state::Commands<AsyncExecuteCommand>& commands,
                                    std::unique_ptr<Strategy> strategy) {
  std::uint64_t steps_run = 0;
  return run_async_execute_case_counting(implementation, schedule_seed, settings, commands,
                                         std::move(strategy), steps_run);
}

void check_async_execute_case(const lockstep_implementation& implementation,
                              AsyncExecuteCaseRecorder& recorder, const std::string& focus_rule,
                              const std::vector<std::string>& accepted_rules) {
  const auto schedule_seed = *rc::gen::arbitrary<std::uint64_t>();
  const AsyncExecuteCaseSettings settings = generate_async_execute_settings();
  const auto commands =
      *rc::state::gen::commands(AsyncExecuteModel{}, async_execute_command_generator());
  PropertyCase run = run_async_execute_case_counting(implementation, schedule_seed, settings,
                                                     commands, nullptr, recorder.steps_run);
  run.focus_rule = focus_rule;
  run.accepted_rules = accepted_rules;
  recorder.cases.record(run);
  if (run.failed()) {
    recorder.last_failing_settings = settings;
    recorder.last_failing_commands = commands;
    RC_FAIL(failure_message(run));
  }
}

}  // namespace lockstep::conformance::properties
