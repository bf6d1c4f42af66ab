// Running one schedule in a child process, so that an implementation that crashes, hangs or
// eats memory becomes a failure of that schedule instead of the end of the run.
//
// The child runs the schedule and sends back its ScheduleRecord line. When it does not come
// back, the record's abnormal outcome names why, as a rule id of its own: "crash-SIGSEGV"
// (the signal's name), "hang" (the wall-clock watchdog fired), "memory-exceeded", or
// "isolation-failed". Those ids are what replay files and reports carry; replaying such a file
// runs the schedule under the same isolation and expects the same id.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "harness/isolation/run_isolated.h"
#include "runner/schedule_tasks.h"

namespace lockstep::runner {

/// The limits an isolated schedule runs under: `wall_clock_ms` (0: the default, 10 s).
harness::IsolationLimits schedule_isolation_limits(std::uint64_t wall_clock_ms = 0);

/// True for the ids above.
bool is_isolation_rule(const std::string& rule);

struct IsolatedSchedule {
  ScheduleRecord record;
  std::string explanation;  ///< one line; empty when the child completed normally
};

/// Runs `work` in a child. `task` numbers the record made when the child does not come back.
IsolatedSchedule run_schedule_isolated(std::uint64_t task,
                                       const std::function<ScheduleRecord()>& work,
                                       const harness::IsolationLimits& limits);

}  // namespace lockstep::runner
