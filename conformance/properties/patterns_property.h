// The pattern-calls property: a RapidCheck test case is a schedule seed, the case's settings
// (the family under test and one of its combinations) and a command sequence of the client's
// calls (each with its generated plan and completions), awaits and pauses; it passes when the
// PatternWorld, run to its end after the commands (every call awaited, the channel closed, the
// drivers' end checks), recorded no violation.
//
// run_pattern_case runs one case outside RapidCheck too (for replays). Invariant: the same
// seed, settings, commands and decision log give the same trace hash.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "conformance/properties/patterns_model.h"
#include "conformance/properties/property_case.h"
#include "lockstep/implementation.h"

namespace lockstep::conformance::properties {

/// The rules the property's verdict covers for `family`: its own and MX1.
std::vector<std::string> pattern_property_rules(PatternFamily family);
/// "pattern calls (task-based)".
std::string pattern_property_name(PatternFamily family);

/// Runs one case: `strategy` null means the seed's own strategy.
PropertyCase run_pattern_case(const lockstep_implementation& implementation,
                              std::uint64_t schedule_seed, const PatternCaseSettings& settings,
                              const rc::state::Commands<PatternCommand>& commands,
                              std::unique_ptr<Strategy> strategy = nullptr);

/// The last failing case of a pattern property check, with what it takes to re-run it.
struct PatternCaseRecorder {
  CaseRecorder cases;
  PatternCaseSettings last_failing_settings;
  rc::state::Commands<PatternCommand> last_failing_commands;
  std::uint64_t calls = 0;  ///< over every case
};

/// The body of the property for `family` (draws the seed, the combination among those the
/// implementation's part has roles for, and the commands; RC_FAILs on a failure). With
/// `focus_rule`, only a violation of that rule fails the case (see PropertyCase).
void check_pattern_case(const lockstep_implementation& implementation, PatternFamily family,
                        PatternCaseRecorder& recorder, const std::string& focus_rule = {});

}  // namespace lockstep::conformance::properties
