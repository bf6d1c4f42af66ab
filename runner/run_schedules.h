// The runner's entry point: schedules over implementations and suites, folded into a
// RunReport (what `lockstep run`, the CTest integration and the tests call).
//
// Schedule i of a run with seed S has the seed hash_mix(S, i) for every implementation and
// suite: any single schedule can be re-run on its own (--schedule i) and gives the same trace
// hash as inside the full run, in any shard and any worker process. Records of finished
// schedules are folded with order-independent operations (counts, digest sums, minimums, a
// bounded set of failure candidates), so the report is the same for every --jobs. The kept
// failures are then re-run here, once each, to get their decision logs and traces (and to
// check that they reproduce with the same trace hash). With a report directory, each kept
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
#include "harness/host/world.h"
#include "reports/run_report.h"
#include "reports/schedule_trace.h"
#include "runner/name_filter.h"
#include "runner/run_observer.h"
#include "scheduler/strategy.h"

namespace lockstep::runner {

/// --shrink-runs by default. Measured on the main job (35 shrunk failures, seed 1): 100 edited
/// schedules remove 23% of the decisions, 200 remove 25%, 300 remove 27%, at about a
/// millisecond each (a fork per schedule); 200 keeps the main job well within half a minute.
inline constexpr std::uint64_t kDefaultShrinkRuns = 200;

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
  /// Each schedule in a child process (crash, hang, runaway memory: that schedule's failure).
  /// The command line sets it for plugins and with --isolate.
  bool isolate = false;
  std::uint64_t schedule_timeout_ms = 0;  ///< wall clock per isolated schedule; 0: 10 s
  /// With a report directory: the edited schedules each shrunk failure may spend (each in a
  /// child process); 0 turns shrinking off.
  std::uint64_t shrink_runs = kDefaultShrinkRuns;
  /// --rule: violations of other rules (and outcomes) are not counted; only suites that check a
  /// selected rule run (every suite when the filter selects outcomes only).
  NameFilter rule_filter;
  /// --max-failures N: stop taking schedules once N schedules failed unexpectedly (0: never).
  /// Under the self-check verdict the failures of a mutant that is expected to be caught do not
  /// count. With --jobs 1 the stop is deterministic; with more, the schedules already running
  /// finish and are counted too.
  std::uint64_t max_failures = 0;
  /// "self-check" or "plain" (RunReport::verdict_policy).
  std::string verdict_policy = "self-check";
  /// The words that start a printed lockstep command (the reproduce lines), unquoted.
  std::vector<std::string> command{"lockstep"};
};

/// The Chrome trace's process name and violation explanations for a failure's schedule.
reports::TraceContext trace_context(const reports::ImplementationReport& entry,
                                    const reports::Failure& failure,
                                    const harness::WorldResult& world);

/// `command` followed by `words`, shell-quoted: a line that runs as printed.
std::string command_line(const RunOptions& options, const std::vector<std::string>& words);

std::uint64_t schedule_seed(std::uint64_t run_seed, std::uint64_t schedule_index);
/// The seed of the strategy of a schedule (PCT's priorities, random walk's choices).
std::uint64_t strategy_seed(std::uint64_t schedule_seed);
inline constexpr std::uint64_t kPctEstimatedSteps = 2000;

struct RunOutcome {
  std::optional<reports::RunReport> report;  ///< nullopt on error
  std::string error;                         ///< one line
  bool nondeterministic = false;             ///< a kept failure did not reproduce its hash
  int interrupt_signal = 0;                  ///< SIGINT/SIGTERM that stopped the run, or 0
};

/// Runs the schedules (the caller installs the interrupt handlers).
RunOutcome run_schedules(const RunOptions& options, RunObserver& observer);

}  // namespace lockstep::runner
