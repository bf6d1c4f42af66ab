// `lockstep run`: the command-line face of the runner. It checks and completes the options
// (seed, strategy, shard, from the flag or the CI environment, budget, filters of
// implementations, suites and rules, the verdict policy; every schedule runs in a worker
// process, where a plugin is loaded, never here), re-runs the failure database first when asked,
// prints the banner, a line per implementation and the failures with their reproduce commands,
// writes the report directory (and the CI annotations) and turns the outcome into the exit code:
// under the self-check verdict 0 when every implementation did what the run expected of it
// (runner/suite_rules.h), under --plain-verdict 0 when every rule held.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runner/implementation_resolver.h"
#include "runner/run_schedules.h"

namespace lockstep::cli {

/// What the command line says beyond RunOptions, before it is checked.
struct RunSettings {
  std::vector<std::string> names;   ///< --impl: names, filters, plugin paths
  std::vector<std::string> suites;  ///< --suite filters
  std::vector<std::string> rules;   ///< --rule filters
  std::string seed_text = "1";
  std::string strategy_text = "random";
  std::string shard_text;
  std::optional<std::uint64_t> shard_count;  ///< --shard-count (the environment gives the index)
  bool time_given = false;
  bool schedule_given = false;
  std::uint64_t runs = 1000;
  std::uint64_t time_seconds = 0;
  std::uint64_t schedule = 0;
  bool show_coverage = false;     ///< print every probe's count (always for one implementation)
  bool require_coverage = false;  ///< a probe of an applicable suite that no schedule reached fails
  bool fail_fast = false;
  std::uint64_t max_failures = 0;
  bool plain_verdict = false;
  bool rerun_failed = false;
  std::string annotations;  ///< "", "github" or "sarif"
};

/// Runs `lockstep run`; `resolver` keeps loaded plugins alive for the run.
int run_command(runner::RunOptions& options, const RunSettings& settings,
                runner::ImplementationResolver& resolver);

}  // namespace lockstep::cli
