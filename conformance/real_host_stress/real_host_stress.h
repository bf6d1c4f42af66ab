// The real-thread stress loop: the same implementation binary that the simulated suites run,
// hammered on the real host (harness/real_host/) by real threads for a CPU budget.
//
// This is what a user would otherwise write: real threads, a real clock, a network with small
// real delays and faults, and the checks that real threads let one observe (stress_calls.h,
// channel_stress.h, service_stress.h, async_execute_stress.h, echo_call_stress.h). It is not
// replayable: a failure says which rule, in which round, after how much CPU time, and nothing
// can make it happen again on demand. Rounds cycle through the parts the implementation
// provides (channel, WsAsyncExecute, service host, or the archetype echo call).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "conformance/real_host_stress/stress_log.h"
#include "conformance/real_host_stress/stress_round.h"
#include "lockstep/implementation.h"

namespace lockstep::stress {

/// What to stress: an implementation table, or the archetype echo call with its defect flags.
struct StressTarget {
  std::string name;
  const lockstep_implementation* table = nullptr;
  std::optional<unsigned> archetype_defects;
};

struct StressConfig {
  std::uint64_t seed = 1;
  double cpu_budget_seconds = 1.0;  ///< process CPU time (every thread) for the whole run
  double wall_budget_seconds = 0;   ///< 0: 20 times the CPU budget plus 2 s
  std::uint64_t max_rounds = UINT64_MAX;
  /// Stop at the first violation of this rule (the bug-finding benchmark's question); empty:
  /// spend the whole budget.
  std::string stop_at_rule;
  /// Parts to stress ("channel", "async-execute", "service-host", "echo-call"); empty: every
  /// part the target provides.
  std::vector<std::string> parts;
  /// Give up after this many rounds abandoned with stuck threads (each keeps its threads).
  std::uint64_t max_leaked_rounds = 8;
  RoundSettings round;
};

struct StressResult {
  std::uint64_t rounds = 0;
  std::uint64_t calls = 0;
  std::uint64_t leaked_rounds = 0;
  std::vector<std::string> leaks;  ///< "round 7 (channel): callers" for each leaked round
  double cpu_seconds = 0;
  double wall_seconds = 0;
  std::vector<std::string> parts;                    ///< the parts the rounds cycled through
  std::map<std::string, std::uint64_t> counts;       ///< violations by rule
  std::vector<StressViolation> violations;           ///< the first few of each rule
  std::map<std::string, double> first_cpu_seconds;   ///< by rule
  std::map<std::string, std::uint64_t> first_round;  ///< by rule, 1-based

  bool caught(const std::string& rule) const { return counts.contains(rule); }
  bool passed() const { return counts.empty(); }
  /// One line: the rules and counts, or "pass".
  std::string summary() const;
};

/// The parts of the contract `target` provides, in the order rounds cycle through them.
std::vector<std::string> stress_parts(const StressTarget& target);

/// Runs rounds until the CPU or wall budget is spent, `max_rounds` ran, or `stop_at_rule` was
/// broken. Not thread-safe: one run at a time per process (service operations find their round
/// through a process-wide pointer).
StressResult run_stress(const StressTarget& target, const StressConfig& config);

}  // namespace lockstep::stress
