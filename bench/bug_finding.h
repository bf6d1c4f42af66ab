// The bug-finding benchmark: how fast each approach finds each bundled mutant on the rule it
// declares. The simulated suites under the random walk and under PCT (depths 2 and 3), seed by
// seed, count schedules and CPU seconds to the first failure; the real-host stress loop (what a
// user would otherwise write: real threads, real clock, real delays) gets the same CPU budget
// per attempt and says whether and when it caught the mutant.
//
// Entry points for a bench command: run_bug_finding() measures, print_bug_finding_section()
// prints the table, bug_finding_json() gives the same figures as JSON. Figures are CPU time of
// this process (getrusage-class clocks), so they mean the same on a loaded or an idle machine
// as far as the kernel's accounting goes; wall time is reported beside it for the real host.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lockstep::bench {

struct BugFindingOptions {
  /// Simulated attempts per mutant and strategy; attempt s runs `lockstep run --seed s`'s
  /// schedules 0, 1, 2... until the first failure on the declared rule.
  std::uint32_t seeds = 20;
  /// CPU seconds one attempt may spend, simulated or real (the "same CPU budget").
  double attempt_cpu_budget_seconds = 0.5;
  /// A simulated attempt also stops after this many schedules.
  std::uint64_t max_schedules = 100'000;
  /// Real-host attempts per mutant (each a stress run with its own seed).
  std::uint32_t real_host_attempts = 5;
  /// A real-host attempt also stops after this much wall time (a stress loop waits on real
  /// delays and on quiet periods, which cost no CPU).
  double real_host_wall_budget_seconds = 5.0;
  /// Seconds of quiet after which a real-host round with blocked threads is abandoned.
  double real_host_stuck_after_quiet_seconds = 0.5;
  std::vector<std::string> strategies = {"random", "pct:2", "pct:3"};
  bool simulated = true;
  bool real_host = true;
  /// Mutant names to measure; empty: every bundled mutant.
  std::vector<std::string> mutants;

  /// The CI smoke settings: 2 seeds, tiny budgets, one real-host attempt.
  static BugFindingOptions quick();
};

struct Attempt {
  std::uint64_t seed = 0;
  bool found = false;
  std::uint64_t schedules = 0;  ///< simulated: schedules run (to the failure when found)
  std::uint64_t rounds = 0;     ///< real host: rounds run
  double cpu_seconds = 0;       ///< to the first failure when found, else all it spent
  double wall_seconds = 0;
  std::vector<std::string> other_rules;  ///< rules broken besides the declared one
  /// Children that crashed: a simulated attempt goes on at the next schedule; a real-host
  /// attempt ends there (a stress process does not survive a crash).
  std::uint32_t crashes = 0;
  std::string crash;  ///< the last crash, described in one line
};

struct ApproachSummary {
  std::string approach;  ///< "random", "pct:2", "pct:3", "real-host"
  std::vector<Attempt> attempts;
  std::uint32_t found = 0;
  std::uint32_t crashed = 0;  ///< attempts with at least one crash
  /// Over all attempts, a miss counting as infinitely long: unset when more than half missed.
  bool has_median = false;
  double median_cpu_seconds = 0;
  std::uint64_t median_schedules = 0;  ///< simulated only
  /// Over the attempts that found it; `max_is_lower_bound` when some attempt missed.
  double max_cpu_seconds = 0;
  std::uint64_t max_schedules = 0;
  bool max_is_lower_bound = false;
  double total_cpu_seconds = 0;
};

struct MutantRow {
  std::string name;
  std::string rule;
  std::string part;
  std::string suite;
  std::vector<ApproachSummary> approaches;  ///< in BugFindingReport::approaches order
};

struct ApproachTotals {
  std::string approach;
  std::uint32_t mutants_caught = 0;  ///< found by at least one attempt
  double catch_rate_sum = 0;         ///< sum over mutants of found/attempts
  double cpu_seconds = 0;            ///< every attempt, found or not
  double mean_attempt_cpu_seconds_sum = 0;
  /// sum of catch rates / (sum of mean CPU per attempt, in minutes): mutants caught per
  /// CPU-minute when every mutant gets one attempt.
  double mutants_per_cpu_minute = 0;
};

struct BugFindingReport {
  BugFindingOptions options;
  std::vector<std::string> approaches;
  std::vector<MutantRow> rows;
  std::vector<ApproachTotals> totals;
  double cpu_seconds = 0;
  double wall_seconds = 0;
};

/// Runs the measurement. `progress` (may be empty) gets one line per mutant as it finishes.
BugFindingReport run_bug_finding(const BugFindingOptions& options,
                                 const std::function<void(const std::string&)>& progress = {});

/// The table: one row per mutant, then the totals and the catch ratio per CPU-minute.
void print_bug_finding_section(const BugFindingReport& report, std::FILE* out);

nlohmann::json bug_finding_json(const BugFindingReport& report);

}  // namespace lockstep::bench
