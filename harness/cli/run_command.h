// `lockstep run`: schedules over implementations and suites, folded into a RunReport.
//
// Schedule i of a run with seed S has the seed hash_mix(S, i) for every implementation and
// suite: any single schedule can be re-run on its own (--schedule i) and gives the same trace
// hash as inside the full run. With a report directory, each kept failure is also written as
// failures/<implementation>--<suite>--<i>.replay and .trace.json.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "conformance/registry/implementations.h"
#include "reports/run_report.h"
#include "scheduler/strategy.h"

namespace lockstep::cli {

struct RunOptions {
  std::vector<const conformance::Implementation*> implementations;  ///< resolved by the caller
  std::vector<std::string> suites;  ///< empty: every suite that applies
  std::uint64_t runs = 1000;
  std::uint64_t seed = 1;
  StrategySpec strategy;
  std::optional<std::uint64_t> only_schedule;  ///< re-run one schedule of the run
  std::size_t failures_kept = 5;
  std::string report_directory;  ///< empty: no files
};

std::uint64_t schedule_seed(std::uint64_t run_seed, std::uint64_t schedule_index);
/// The seed of the strategy of a schedule (PCT's priorities, random walk's choices).
std::uint64_t strategy_seed(std::uint64_t schedule_seed);
inline constexpr std::uint64_t kPctEstimatedSteps = 2000;

/// Called after each implementation finishes, for progress output.
using ProgressCallback = std::function<void(const reports::ImplementationReport&)>;

/// Runs the schedules. On a failure to write a report file, returns nullopt and sets `error`.
std::optional<reports::RunReport> run_schedules(const RunOptions& options,
                                                const ProgressCallback& progress,
                                                std::string& error);

}  // namespace lockstep::cli
