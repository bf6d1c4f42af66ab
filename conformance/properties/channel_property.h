// The channel lifecycle property: a RapidCheck test case is a schedule seed plus a command
// sequence over one client channel; it passes when the World, run to its end after the
// commands (healed phase, liveness bound), recorded no violation.
//
// run_channel_case runs one case outside RapidCheck too (for replays). Invariant: the same
// seed, commands and decision log give the same trace hash.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "conformance/properties/channel_model.h"
#include "conformance/properties/property_case.h"
#include "lockstep/implementation.h"

namespace lockstep::conformance::properties {

/// The rules the channel lifecycle property's verdict covers.
extern const std::vector<std::string> kChannelLifecycleRules;
/// The canary's claim, false for every correct channel: abort faults it.
extern const std::vector<std::string> kChannelNeverFaultsRules;

/// What a channel property asserts beyond the rule checks.
enum class ChannelClaim {
  rules_only,     ///< the lifecycle property
  never_faulted,  ///< the canary: "the channel is never FAULTED after a command"
};

/// Runs one case: `strategy` null means the seed's own strategy.
PropertyCase run_channel_case(const lockstep_implementation& implementation,
                              std::uint64_t schedule_seed,
                              const rc::state::Commands<ChannelCommand>& commands,
                              ChannelClaim claim, std::unique_ptr<Strategy> strategy = nullptr);

/// The last failing case of a channel property check, with its commands (for replays).
struct ChannelCaseRecorder {
  CaseRecorder cases;
  rc::state::Commands<ChannelCommand> last_failing_commands;
};

/// The body of the property (draws the seed and the commands; RC_FAILs on a failing case).
/// With `focus_rule`, only a violation of that rule fails the case (see PropertyCase).
/// A case that breaks only `accepted_rules` (known false alarms) holds.
void check_channel_case(const lockstep_implementation& implementation, ChannelClaim claim,
                        ChannelCaseRecorder& recorder, const std::string& focus_rule = {},
                        const std::vector<std::string>& accepted_rules = {});

}  // namespace lockstep::conformance::properties
