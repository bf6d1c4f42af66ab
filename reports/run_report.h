// The results of a `lockstep run`, and report.json, the machine-readable form of them.
//
// report.json carries a schema version, the run's seed, strategy and settings, and per
// implementation and rule the schedules run, the verdict and the failures (each with rule,
// seed, explanation, and how to reproduce it). Its "run_digest" folds every schedule's trace
// hash in order: two runs with the same seed and build have identical digests. The file is
// written atomically (a temporary file renamed into place), so a reader never sees half.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lockstep::reports {

inline constexpr int kReportSchemaVersion = 1;

struct Failure {
  std::string suite;
  std::string rule;             ///< rule id, or the scheduler outcome ("deadlock", ...)
  std::uint64_t schedule_seed = 0;
  std::uint64_t schedule_index = 0;
  std::string explanation;
  std::string fault_plan;
  std::string reproduce;        ///< the command that re-runs this schedule
  std::uint64_t trace_hash = 0; ///< the same when the schedule is re-run
  std::uint64_t decisions = 0;  ///< size of the schedule's decision log
};

struct ImplementationReport {
  std::string name;
  std::string kind;             ///< "reference" or "mutant"
  std::string expected_rule;    ///< for a mutant: the rule it is known to break
  std::vector<std::string> suites;  ///< the suites that applied and ran
  std::uint64_t schedules = 0;
  std::uint64_t failed_schedules = 0;
  std::map<std::string, std::uint64_t> violations_by_rule;  ///< ordered by rule id
  std::vector<Failure> failures;  ///< the first few, in schedule order
  std::optional<std::uint64_t> first_failure_index;
  std::uint64_t digest = 0;

  bool passed() const { return failed_schedules == 0; }
  /// For a mutant: it failed on the rule it declares (a failure on another rule only is a
  /// miss).
  bool caught_as_declared() const {
    return !expected_rule.empty() && violations_by_rule.count(expected_rule) > 0;
  }
};

struct RunReport {
  std::uint64_t seed = 0;
  std::string strategy;
  std::uint64_t runs_per_implementation = 0;
  std::vector<ImplementationReport> implementations;
  std::uint64_t run_digest = 0;

  bool all_passed() const;
};

std::string to_json(const RunReport& report);
/// Writes DIR/report.json atomically. On failure returns false and sets `error` to one line.
bool write_report(const RunReport& report, const std::string& directory, std::string& error);

}  // namespace lockstep::reports
