// Running service host cases, inside RapidCheck or as a replay.
#include "conformance/properties/service_property.h"

#include "conformance/properties/property_commands.h"

namespace lockstep::conformance::properties {

const std::vector<std::string> kServiceHostRules = {"AM1", "AM2",  "AM3", "AM4", "AM5", "AM6",
                                                    "AM7", "AM11", "SV1", "SV2", "SV3", "SV4",
                                                    "SV5", "SV6",  "SV7", "RS1"};

namespace {

PropertyCase run_service_case_counting(const lockstep_implementation& implementation,
                                       std::uint64_t schedule_seed,
                                       const ServiceCaseSettings& settings,
                                       const rc::state::Commands<ServiceCommand>& commands,
                                       std::unique_ptr<Strategy> strategy,
                                       std::uint64_t& calls_invoked) {
  PropertyCase run = new_property_case("service host", implementation, schedule_seed,
                                       settings.to_text(), commands);
  ServiceSystem system(implementation, schedule_seed, settings, std::move(strategy));
  run_commands(commands, system);
  run.outcome = system.finish();
  calls_invoked += system.calls_invoked();
  return run;
}

}  // namespace

PropertyCase run_service_case(const lockstep_implementation& implementation,
                              std::uint64_t schedule_seed, const ServiceCaseSettings& settings,
                              const rc::state::Commands<ServiceCommand>& commands,
                              std::unique_ptr<Strategy> strategy) {
  std::uint64_t calls_invoked = 0;
  return run_service_case_counting(implementation, schedule_seed, settings, commands,
                                   std::move(strategy), calls_invoked);
}

void check_service_case(const lockstep_implementation& implementation,
                        ServiceCaseRecorder& recorder, const std::string& focus_rule) {
  const auto schedule_seed = *rc::gen::arbitrary<std::uint64_t>();
  const ServiceCaseSettings settings = generate_service_settings();
  const auto commands = *rc::state::gen::commands(ServiceModel{}, service_command_generator());
  PropertyCase run = run_service_case_counting(implementation, schedule_seed, settings, commands,
                                               nullptr, recorder.calls_invoked);
  run.focus_rule = focus_rule;
  recorder.cases.record(run);
  if (run.failed()) {
    recorder.last_failing_settings = settings;
    recorder.last_failing_commands = commands;
    RC_FAIL(failure_message(run));
  }
}

}  // namespace lockstep::conformance::properties
