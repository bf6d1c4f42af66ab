// The stateful properties as a run checks them on any implementation, bundled or a plugin:
// which ones apply (the part the implementation provides), and one check of one property,
// RapidCheck seeded by the run, with its shrunk case and its reproduce string.
//
// Why it exists: `lockstep run` (in its worker processes) and `lockstep_add_conformance_test`
// give a plugin every check a bundled implementation gets, the properties included; the
// GoogleTest suites judge the bundled ones with the same bodies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lockstep/implementation.h"

namespace lockstep::conformance::properties {

/// A property a run can check: its name, the part it exercises and the rules it vouches for.
struct RunnableProperty {
  std::string name;  ///< "channel lifecycle", as in reports
  std::string part;  ///< "channel", "service-host", "async-execute", "async-result", ...
  std::string suite;  ///< the suite that exercises the same part: --suite selects both
  std::vector<std::string> rules;
};

/// Every property a run checks, in a fixed order (the canary, which must fail, is not one).
const std::vector<RunnableProperty>& runnable_properties();

/// True when `implementation` provides `part` (the names of RunnableProperty::part).
bool implementation_provides(const lockstep_implementation& implementation, std::string_view part);

/// The positions in runnable_properties() of those whose part `implementation` provides.
std::vector<std::size_t> properties_for(const lockstep_implementation& implementation);

/// What one check of one property concluded.
struct PropertyVerdict {
  bool failed = false;
  bool gave_up = false;     ///< too many generated cases were discarded: no verdict
  std::uint64_t cases = 0;  ///< cases that held (before the failure, or in all)
  std::string message;      ///< RapidCheck's description of the failure or of giving up
  /// For a failure: the value of RC_PARAMS that re-runs exactly the shrunk case.
  std::string reproduce;
  /// For a failure: the shrunk case (commands, violations, decision log) as text.
  std::string shrunk_case;
  /// For a failure: the rules the shrunk case broke, and its abnormal end if any, in order.
  std::vector<std::string> rules_broken;
};

/// Checks property `property` (a position in runnable_properties()) on `implementation` with
/// `max_success` cases from RapidCheck seed `seed`. With `focus_rule`, only a violation of that
/// rule fails a case (so shrinking keeps a counterexample of it).
PropertyVerdict check_runnable_property(const lockstep_implementation& implementation,
                                        std::size_t property, std::uint64_t seed,
                                        int max_success, const std::string& focus_rule = {});

}  // namespace lockstep::conformance::properties
