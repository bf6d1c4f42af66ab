// The suites: each runs one schedule of its scenario family on an implementation.
//
// A suite applies to an implementation when the implementation provides the part the suite
// exercises; otherwise the suite is "not applicable" for it (never "passed"). A schedule is a
// pure function of (implementation, schedule seed, strategy): that is what replay relies on.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/registry/implementations.h"
#include "harness/host/world.h"
#include "scheduler/strategy.h"

namespace lockstep::conformance {

struct Suite {
  std::string name;
  std::string description;
  std::vector<std::string> rules;  ///< the catalogue ids this suite's checks can report
  std::function<bool(const Implementation&)> applies;
  std::function<harness::ScheduleOutcome(const Implementation&, std::uint64_t schedule_seed,
                                         std::unique_ptr<Strategy> strategy,
                                         const harness::ScheduleOptions& options)>
      run;
  /// PCT's k (Burckhardt et al.: the number of steps of a schedule), over which the d-1 change
  /// points of pct:d are drawn: the mean length in scheduler steps of this suite's schedules
  /// on the reference, measured (conformance/tests/suite_rules_test.cpp keeps it honest).
  /// Replay files record the k a schedule ran with.
  std::uint64_t pct_estimated_steps = 0;
  /// The coverage probes its schedules are meant to reach (a PASS says how often each was);
  /// one that no schedule of a run reached is reported as a gap. For a part with every role.
  std::vector<harness::Probe> probes = {};
  /// When set, the probes expected of one implementation instead (a pattern part with one
  /// role runs only the combinations of that role); always a subset of `probes`.
  std::function<std::vector<harness::Probe>(const Implementation&)> probes_for = {};
};

/// The probes `suite` expects of `implementation`: probes_for's answer when set, else probes.
std::vector<harness::Probe> expected_probes(const Suite& suite,
                                            const Implementation& implementation);

const std::vector<Suite>& suites();
const Suite* find_suite(std::string_view name);
/// The names of the suites that check `rule` (by their rule lists), in suite order; empty
/// when no suite checks it (`lockstep list` and `lockstep explain` say so).
std::vector<std::string> suites_checking(std::string_view rule);

}  // namespace lockstep::conformance
