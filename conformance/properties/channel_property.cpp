// Running channel lifecycle cases, inside RapidCheck or as a replay.
#include "conformance/properties/channel_property.h"

#include "conformance/properties/property_commands.h"

namespace lockstep::conformance::properties {

const std::vector<std::string> kChannelLifecycleRules = {"AM1", "AM2", "AM3", "AM4",  "AM5", "AM6",
                                                         "AM7", "AM8", "AM9", "AM11", "CH1", "CH2",
                                                         "CH3", "CH4", "CH5", "CH6",  "CH7", "RS1"};
const std::vector<std::string> kChannelNeverFaultsRules = {"CH2"};

PropertyCase run_channel_case(const lockstep_implementation& implementation,
                              std::uint64_t schedule_seed,
                              const rc::state::Commands<ChannelCommand>& commands,
                              ChannelClaim claim, std::unique_ptr<Strategy> strategy) {
  PropertyCase run = new_property_case(
      claim == ChannelClaim::rules_only ? "channel lifecycle" : "channel never faults",
      implementation, schedule_seed, {}, commands);
  ChannelSystem system(implementation, schedule_seed, std::move(strategy));
  const ChannelModel model = run_commands(commands, system);
  run.outcome = system.finish(model.closed_by_commands);
  if (claim == ChannelClaim::never_faulted && system.observed_faulted()) {
    run.claim_broken = "the channel was FAULTED after a command";
  }
  return run;
}

void check_channel_case(const lockstep_implementation& implementation, ChannelClaim claim,
                        ChannelCaseRecorder& recorder, const std::string& focus_rule) {
  const auto schedule_seed = *rc::gen::arbitrary<std::uint64_t>();
  const auto commands = *rc::state::gen::commands(ChannelModel{}, channel_command_generator());
  PropertyCase run = run_channel_case(implementation, schedule_seed, commands, claim);
  run.focus_rule = focus_rule;
  recorder.cases.record(run);
  if (run.failed()) {
    recorder.last_failing_commands = commands;
    RC_FAIL(failure_message(run));
  }
}

}  // namespace lockstep::conformance::properties
