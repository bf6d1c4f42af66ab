// `lockstep run`: the command-line face of the runner. It checks and completes the options
// (seed, strategy, shard, budget, suites, implementations, each given once), prints the banner,
// a line per implementation and the failures with their reproduce commands, writes the report
// directory (also when a kept failure did not reproduce) and turns the outcome into the exit
// code. Every schedule runs in a worker process; a plugin is loaded there and never here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runner/implementation_resolver.h"
#include "runner/run_schedules.h"

namespace lockstep::cli {

/// What the command line says beyond RunOptions, before it is checked.
struct RunSettings {
  std::vector<std::string> names;
  std::string seed_text = "1";
  std::string strategy_text = "random";
  std::string shard_text;
  bool time_given = false;
  bool schedule_given = false;
  std::uint64_t runs = 1000;
  std::uint64_t time_seconds = 0;
  std::uint64_t schedule = 0;
  bool show_coverage = false;     ///< print every probe's count (always for one implementation)
  bool require_coverage = false;  ///< a probe of an applicable suite that no schedule reached fails
};

/// Runs `lockstep run`; `resolver` keeps loaded plugins alive for the run.
int run_command(runner::RunOptions& options, const RunSettings& settings,
                runner::ImplementationResolver& resolver);

}  // namespace lockstep::cli
