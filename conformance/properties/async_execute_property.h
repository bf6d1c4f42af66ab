// The async-execute chains property: a RapidCheck test case is a schedule seed, the case's
// settings (the host's worker threads) and a command sequence of WsAsyncExecute chains
// (each with a generated script), waits and pauses; it passes when the World, run to its end
// after the commands (every chain awaited, the end-of-chain checks, the liveness bound),
// recorded no violation.
//
// run_async_execute_case runs one case outside RapidCheck too (for replays). Invariant: the
// same seed, settings, commands and decision log give the same trace hash.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "conformance/properties/async_execute_model.h"
#include "conformance/properties/property_case.h"
#include "lockstep/implementation.h"

namespace lockstep::conformance::properties {

/// The rules the async-execute chains property's verdict covers.
extern const std::vector<std::string> kAsyncExecuteChainRules;

/// Runs one case: `strategy` null means the seed's own strategy.
PropertyCase run_async_execute_case(const lockstep_implementation& implementation,
                                    std::uint64_t schedule_seed,
                                    const AsyncExecuteCaseSettings& settings,
                                    const rc::state::Commands<AsyncExecuteCommand>& commands,
                                    std::unique_ptr<Strategy> strategy = nullptr);

/// The last failing case of an async-execute property check, with what it takes to re-run it.
struct AsyncExecuteCaseRecorder {
  CaseRecorder cases;
  AsyncExecuteCaseSettings last_failing_settings;
  rc::state::Commands<AsyncExecuteCommand> last_failing_commands;
  std::uint64_t steps_run = 0;  ///< over every case: a property whose steps never run proves little
};

/// The body of the property (draws the seed, settings and commands; RC_FAILs on a failure).
/// With `focus_rule`, only a violation of that rule fails the case (see PropertyCase).
/// A case that breaks only `accepted_rules` (known false alarms) holds.
void check_async_execute_case(const lockstep_implementation& implementation,
                              AsyncExecuteCaseRecorder& recorder,
                              const std::string& focus_rule = {},
                              const std::vector<std::string>& accepted_rules = {});

}  // namespace lockstep::conformance::properties
