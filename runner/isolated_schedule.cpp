// Worker limits and the rule ids of the ways a schedule can fail to come back.
#include "runner/isolated_schedule.h"

#include <algorithm>

namespace lockstep::runner {

std::uint64_t schedule_timeout_ms(std::uint64_t requested) {
  return requested == 0 ? kDefaultScheduleTimeoutMs : requested;
}

harness::WorkerLimits schedule_worker_limits() {
  harness::WorkerLimits limits;
  limits.memory_bytes = std::uint64_t{2} << 30;
  return limits;
}

bool is_isolation_rule(const std::string& rule) {
  return rule.rfind("crash-", 0) == 0 || rule == "hang" || rule == "memory-exceeded" ||
         rule == "isolation-failed";
}

std::string isolation_rule_of(const harness::IsolatedOutcome& outcome) {
  switch (outcome.kind) {
    case harness::IsolatedOutcomeKind::crashed: {
      // One word: ids are space-separated in records ("signal 42" becomes "signal-42").
      std::string name = harness::signal_name(outcome.signal_number);
      std::replace(name.begin(), name.end(), ' ', '-');
      return "crash-" + name;
    }
    case harness::IsolatedOutcomeKind::timed_out:
      return "hang";
    case harness::IsolatedOutcomeKind::memory_exceeded:
      return "memory-exceeded";
    default:
      return "isolation-failed";
  }
}

std::string isolation_explanation(const harness::IsolatedOutcome& outcome) {
  return "the implementation did not come back from its worker process: " + outcome.describe();
}

}  // namespace lockstep::runner
