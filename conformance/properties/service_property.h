// The service host property: a RapidCheck test case is a schedule seed, the case's settings
// (fault disclosure, close timeout) and a command sequence over one service host and the
// clients the commands make; it passes when the World, run to its end after the commands
// (every client leaves, the host is closed, the healed phase, the liveness bound), recorded
// no violation.
//
// run_service_case runs one case outside RapidCheck too (for replays). Invariant: the same
// seed, settings, commands and decision log give the same trace hash.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "conformance/properties/property_case.h"
#include "conformance/properties/service_model.h"
#include "lockstep/implementation.h"

namespace lockstep::conformance::properties {

/// The rules the service host property's verdict covers.
extern const std::vector<std::string> kServiceHostRules;

/// Runs one case: `strategy` null means the seed's own strategy.
PropertyCase run_service_case(const lockstep_implementation& implementation,
                              std::uint64_t schedule_seed, const ServiceCaseSettings& settings,
                              const rc::state::Commands<ServiceCommand>& commands,
                              std::unique_ptr<Strategy> strategy = nullptr);

/// The last failing case of a service property check, with what it takes to re-run it.
struct ServiceCaseRecorder {
  CaseRecorder cases;
  ServiceCaseSettings last_failing_settings;
  rc::state::Commands<ServiceCommand> last_failing_commands;
  std::uint64_t calls_invoked = 0;  ///< over every case: a property that never calls proves little
};

/// The body of the property (draws the seed, settings and commands; RC_FAILs on a failure).
/// With `focus_rule`, only a violation of that rule fails the case (see PropertyCase).
/// A case that breaks only `accepted_rules` (known false alarms) holds.
void check_service_case(const lockstep_implementation& implementation,
                        ServiceCaseRecorder& recorder, const std::string& focus_rule = {},
                        const std::vector<std::string>& accepted_rules = {});

}  // namespace lockstep::conformance::properties
