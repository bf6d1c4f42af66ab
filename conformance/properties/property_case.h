// One RapidCheck test case of a stateful property: a schedule seed plus a command sequence,
// and what running it left (violations, decision log, trace hash).
//
// Why it exists: RapidCheck re-runs the property many times while it shrinks; the reports
// need the minimal failing case's own decision log, not the first one's. A CaseRecorder keeps
// the last failing run, which is the shrunk case once rc::check returns (a shrink step is
// only kept when it fails). Invariant: one seed gives one strategy and one fault plan, so a
// recorded case replays exactly with make_replay_strategy over its decision log.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/fault_plan.h"
#include "harness/host/world.h"
#include "scheduler/strategy.h"

namespace lockstep::conformance::properties {

/// The strategy a schedule seed stands for: even seeds random walk, odd seeds PCT depth 3;
/// LOCKSTEP_PROPERTY_STRATEGY=random|pct[:D] makes every seed use that one instead.
std::unique_ptr<Strategy> strategy_for_seed(std::uint64_t schedule_seed);
std::string strategy_name_for_seed(std::uint64_t schedule_seed);

/// The fault plan of a property schedule: the seed's delays and healing time, but no random
/// drops, refusals, session ends or aborts — the commands inject those, so that shrinking
/// removes them like any other step.
harness::FaultPlan property_fault_plan(std::uint64_t schedule_seed);

/// What one run of a property left behind.
struct PropertyCase {
  std::string property;  ///< "channel lifecycle", ...
  std::string implementation;
  std::uint64_t schedule_seed = 0;
  std::string settings;               ///< what the case chose before its commands, if anything
  std::vector<std::string> commands;  ///< each command's show() text, in order
  harness::ScheduleOutcome outcome;
  /// Set when a property's own claim (beyond the rule checks) did not hold.
  std::string claim_broken;

  /// When set, the case only counts as failing if it breaks this rule: checking one conjunct
  /// of the property, so that RapidCheck's shrinking keeps a counterexample of that rule.
  std::string focus_rule;

  /// Known false alarms of the implementation (conformance/registry/known_false_alarms.h): a
  /// case that ran to a normal end and broke only these rules does not count as failing, so
  /// the property goes on judging every other rule (and shrinking never trades a real
  /// counterexample for a known false alarm).
  std::vector<std::string> accepted_rules;

  bool failed() const {
    if (!focus_rule.empty()) {
      return names_rule(focus_rule);
    }
    if (!claim_broken.empty()) {
      return true;
    }
    return !outcome.world.passed() && !broke_only_accepted_rules();
  }

  /// It broke rules, each of them in accepted_rules, and otherwise ran to a normal end.
  bool broke_only_accepted_rules() const;

  /// "CH2: abort on an OPEN channel left it OPEN ..." per violation, or the scheduler's end.
  std::string violations_text() const;
  bool names_rule(const std::string& rule) const;
  /// The replay-like file: property, implementation, seed, strategy, fault plan, commands,
  /// violations, trace hash and the decision log.
  std::string to_replay_text() const;
};

/// Keeps the last failing case of a property check.
class CaseRecorder {
 public:
  void record(const PropertyCase& run);
  const std::optional<PropertyCase>& last_failure() const { return last_failure_; }
  std::uint64_t runs() const { return runs_; }
  /// Cases that broke only accepted rules (known false alarms), counted as holding.
  std::uint64_t accepted_runs() const { return accepted_runs_; }

 private:
  std::optional<PropertyCase> last_failure_;
  std::uint64_t runs_ = 0;
  std::uint64_t accepted_runs_ = 0;
};

/// Writes the case (and RapidCheck's `reproduce` string, if given) to
/// $LOCKSTEP_PROPERTY_FAILURES/<file_stem>.txt, or ./property-failures/<file_stem>.txt when
/// that variable is unset; returns the absolute path written, or "" if it could not be.
std::string write_failure_file(const PropertyCase& failure, const std::string& file_stem,
                               const std::string& reproduce = {});

/// The message a failing property asserts with: violations, seed, strategy, decision count.
std::string failure_message(const PropertyCase& run);

}  // namespace lockstep::conformance::properties
