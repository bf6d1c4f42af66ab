// The runner's entry point: schedules over implementations and suites, folded into a
// RunReport (what `lockstep run`, the CTest integration and the tests call).
//
// Schedule i of a run with seed S has the seed hash_mix(S, i) for every implementation and
// suite: any single schedule can be re-run on its own (--schedule i) and gives the same trace
// hash as inside the full run, in any shard and any worker process. Every schedule runs in a
// worker process (process_pool.h), so an implementation that crashes, hangs or blows up its
// memory costs that schedule, never the run. Records of finished schedules are folded in
// schedule order (whatever order they arrive in), so the report is the same for every --jobs,
// and so is where a hanging implementation is given up on (--max-hangs: the schedules after
// its N-th hang are reported as not run), and where --max-failures stops the run (after the N-th
// unexpected failure in schedule order). The kept failures are then re-run, once each, in
// worker processes too, to get their decision logs, traces and output (and to check that they
// reproduce: one that does not is kept, marked, and makes the run exit 3; of the hangs only the
// first of each implementation is re-run, as each costs the whole timeout). With a report
// directory, each kept
// failure is written as failures/<implementation>--<suite>--<i>.replay and .trace.json, and
// then the first kept failure of each rule is shrunk (failure_shrinking.h) into
// failures/<...>.shrunk.replay and .shrunk.trace.json.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "conformance/registry/implementations.h"
#include "reports/run_report.h"
#include "runner/name_filter.h"
#include "runner/run_observer.h"
#include "scheduler/strategy.h"

namespace lockstep::runner {

/// --shrink-runs by default. Measured on the main job (35 shrunk failures, seed 1): 100 edited
/// schedules remove 23% of the decisions, 200 remove 25%, 300 remove 27%. Each probe is a
/// request to a worker process (tens of microseconds, no fork): the 36 shrinks of the main job
/// cost about one CPU-second.
inline constexpr std::uint64_t kDefaultShrinkRuns = 200;

/// --property-cases by default: RapidCheck's own default number of cases per property.
inline constexpr std::uint64_t kDefaultPropertyCases = 100;

/// --max-hangs by default: each hang costs the whole --timeout-ms, so a hanging implementation
/// is given up on after a few.
inline constexpr std::uint64_t kDefaultMaxHangs = 3;

/// How a report names an implementation it did not get from the registry: a plugin by its
/// table's name, with its library.
struct ImplementationLabel {
  std::string name;
  std::optional<reports::LibraryIdentity> library;
};

struct RunOptions {
  std::vector<const conformance::Implementation*> implementations;  ///< resolved by the caller
  /// Parallel to `implementations` (or empty): a plugin's name and library. Where absent, an
  /// implementation is reported under its registry name.
  std::vector<std::optional<ImplementationLabel>> labels;
  std::vector<std::string> suites;  ///< empty: every suite that applies
  /// Exactly one budget is set by the caller.
  std::optional<std::uint64_t> runs;
  std::optional<std::uint64_t> time_seconds;
  std::optional<std::uint64_t> only_schedule;  ///< re-run one schedule of the run
  std::uint64_t seed = 1;
  StrategySpec strategy;
  std::uint64_t shard_index = 1;  ///< 1-based, in [1, shard_count]
  std::uint64_t shard_count = 1;
  unsigned jobs = 1;
  std::uint64_t failures_kept = 5;
  std::string report_directory;  ///< empty: no files
  /// Wall-clock time one schedule may take in its worker process before it is a hang; 0: 10 s.
  std::uint64_t schedule_timeout_ms = 0;
  /// After this many hangs of an implementation (in schedule order), its remaining schedules
  /// are not run; 0: no limit.
  std::uint64_t max_hangs = kDefaultMaxHangs;
  /// Runs in every worker process before its first schedule: loads the plugins there
  /// (ImplementationResolver::load_plugins_here). Returns a one-line error, or empty.
  std::function<std::string()> worker_setup;
  /// With a report directory: the edited schedules each shrunk failure may spend (each in a
  /// child process); 0 turns shrinking off.
  std::uint64_t shrink_runs = kDefaultShrinkRuns;
  /// --rule: violations of other rules (and outcomes) are not counted; only suites that check a
  /// selected rule run (every suite when the filter selects outcomes only).
  NameFilter rule_filter;
  /// --max-failures N: stop taking schedules once N schedules failed unexpectedly (0: never).
  /// Under the self-check verdict the failures of a mutant that is expected to be caught do not
  /// count. The stop is in schedule order, so it is the same for every --jobs: the schedules
  /// after the N-th unexpected failure are reported as not run.
  std::uint64_t max_failures = 0;
  /// Cases of each stateful property checked on each implementation after the schedules
  /// (property_stage.h); 0: no properties.
  std::uint64_t property_cases = kDefaultPropertyCases;
  /// "self-check" or "plain" (RunReport::verdict_policy).
  std::string verdict_policy = "self-check";
  /// The words that start a printed lockstep command (the reproduce lines), unquoted.
  std::vector<std::string> command{"lockstep"};
};

/// `command` followed by `words`, shell-quoted: a line that runs as printed.
std::string command_line(const RunOptions& options, const std::vector<std::string>& words);

std::uint64_t schedule_seed(std::uint64_t run_seed, std::uint64_t schedule_index);
/// The seed of the strategy of a schedule (PCT's priorities, random walk's choices).
std::uint64_t strategy_seed(std::uint64_t schedule_seed);

struct RunOutcome {
  std::optional<reports::RunReport> report;  ///< nullopt on error
  std::string error;                         ///< one line
  /// A kept failure did not reproduce its trace hash (or its crash, hang or memory blow-up)
  /// when re-run: the report marks it, and `error` says which.
  bool nondeterministic = false;
  int interrupt_signal = 0;  ///< SIGINT/SIGTERM that stopped the run, or 0
};

/// Runs the schedules (the caller installs the interrupt handlers).
RunOutcome run_schedules(const RunOptions& options, RunObserver& observer);

}  // namespace lockstep::runner
