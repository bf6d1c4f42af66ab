// Child-process schedules and the rule ids of the ways they can fail to come back.
#include "runner/isolated_schedule.h"

namespace lockstep::runner {

harness::IsolationLimits schedule_isolation_limits(std::uint64_t wall_clock_ms) {
  harness::IsolationLimits limits;
  limits.wall_clock_ms = wall_clock_ms == 0 ? 10'000 : wall_clock_ms;
  limits.memory_bytes = std::uint64_t{2} << 30;
  return limits;
}

bool is_isolation_rule(const std::string& rule) {
  return rule.rfind("crash-", 0) == 0 || rule == "hang" || rule == "memory-exceeded" ||
         rule == "isolation-failed";
}

IsolatedSchedule run_schedule_isolated(std::uint64_t task,
                                       const std::function<ScheduleRecord()>& work,
                                       const harness::IsolationLimits& limits) {
  const harness::IsolatedOutcome outcome =
      harness::run_isolated([&work] { return work().to_line(); }, limits);
  IsolatedSchedule schedule;
  if (outcome.kind == harness::IsolatedOutcomeKind::completed) {
    if (std::optional<ScheduleRecord> record = ScheduleRecord::parse(outcome.result)) {
      schedule.record = std::move(*record);
      return schedule;
    }
  }
  schedule.record.task = task;
  switch (outcome.kind) {
    case harness::IsolatedOutcomeKind::crashed:
      schedule.record.abnormal_outcome = "crash-" + harness::signal_name(outcome.signal_number);
      break;
    case harness::IsolatedOutcomeKind::timed_out:
      schedule.record.abnormal_outcome = "hang";
      break;
    case harness::IsolatedOutcomeKind::memory_exceeded:
      schedule.record.abnormal_outcome = "memory-exceeded";
      break;
    default:
      schedule.record.abnormal_outcome = "isolation-failed";
  }
  schedule.explanation =
      "the implementation did not come back from its child process: " + outcome.describe();
  return schedule;
}

}  // namespace lockstep::runner
