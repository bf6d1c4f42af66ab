// `lockstep run`: schedules over implementations, folded into a RunReport.
//
// Schedule i of a run with seed S has the seed hash_mix(S, i): any single schedule can be
// re-run on its own (--schedule i) and gives the same trace hash as inside the full run.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "reports/run_report.h"
#include "scheduler/strategy.h"

namespace lockstep::cli {

struct RunOptions {
  std::vector<std::string> implementations;  ///< empty: every bundled implementation
  std::uint64_t runs = 200;
  std::uint64_t seed = 1;
  StrategySpec strategy;
  std::optional<std::uint64_t> only_schedule;  ///< re-run one schedule of the run
  std::size_t failures_kept = 5;
};

std::uint64_t schedule_seed(std::uint64_t run_seed, std::uint64_t schedule_index);

/// Called after each implementation finishes, for progress output.
using ProgressCallback = std::function<void(const reports::ImplementationReport&)>;

/// Runs the schedules. Unknown implementation names must be rejected before calling.
reports::RunReport run_schedules(const RunOptions& options, const ProgressCallback& progress);

}  // namespace lockstep::cli
