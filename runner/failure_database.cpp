// Remembering kept failures, and re-running them.
#include "runner/failure_database.h"

#include <algorithm>
#include <filesystem>

#include "conformance/registry/suites.h"
#include "reports/replay_file.h"
#include "runner/isolated_schedule.h"
#include "runner/isolated_shrink.h"

namespace lockstep::runner {

namespace {

// Which of the run's implementations a replay file names: by the report's name, or (a version 1
// file of a plugin) by its library's path.
std::optional<std::size_t> implementation_of(const RunOptions& options,
                                             const std::vector<std::string>& report_names,
                                             const reports::ReplayFile& file) {
  for (std::size_t position = 0; position < options.implementations.size(); ++position) {
    const bool plugin_path = position < options.labels.size() && options.labels[position] &&
                             options.labels[position]->library &&
                             options.labels[position]->library->path == file.implementation;
    if (report_names[position] == file.implementation || plugin_path) {
      return position;
    }
  }
  return std::nullopt;
}

reports::Rerun rerun_one(const RunOptions& options,
                         const conformance::Implementation& implementation,
                         const conformance::Suite& suite, const reports::ReplayFile& file) {
  reports::Rerun rerun;
  rerun.rule = file.rule;
  rerun.expected = options.verdict_policy == "self-check" && implementation.kind == "mutant";
  const harness::IsolationLimits limits = schedule_isolation_limits(options.schedule_timeout_ms);
  if (is_isolation_rule(file.rule)) {
    std::string error;
    const std::optional<StrategySpec> spec = parse_strategy_spec(file.strategy, error);
    const IsolatedSchedule again = run_schedule_isolated(
        0,
        [&] {
          const harness::ScheduleOutcome outcome =
              suite.run(implementation, file.schedule_seed,
                        make_strategy(spec.value_or(StrategySpec{}),
                                      strategy_seed(file.schedule_seed), kPctEstimatedSteps),
                        {});
          return ScheduleRecord::from(0, outcome.world);
        },
        limits);
    rerun.result = again.record.abnormal_outcome == file.rule ? "still-fails" : "now-holds";
    rerun.explanation =
        again.explanation.empty() ? "the schedule ended normally" : again.explanation;
    return rerun;
  }
  const ShrinkSubject subject{&implementation, &suite, file.schedule_seed, file.rule};
  std::string error;
  std::optional<IsolatedRerun> exact =
      rerun_isolated(subject, file.decisions, /*keep_chrome_trace=*/false, limits, error);
  if (exact && exact->trace_hash == file.trace_hash) {
    rerun.result = exact->still_fails ? "still-fails" : "now-holds";
    rerun.explanation = exact->explanation;
    return rerun;
  }
  const std::optional<IsolatedRerun> guided = rerun_isolated(
      subject, file.decisions, /*keep_chrome_trace=*/false, limits, error, /*guided=*/true);
  if (!guided) {
    rerun.result = "still-fails";  // it did not come back from its child: far from fixed
    rerun.explanation = error;
    return rerun;
  }
  rerun.result = guided->still_fails ? "still-fails" : "now-holds";
  rerun.explanation = "(the schedule changed; run as near to it as it goes) " + guided->explanation;
  return rerun;
}

}  // namespace

bool remember_failures(const reports::RunReport& report, const std::string& directory,
                       std::string& error) {
  const std::filesystem::path root(directory);
  std::error_code status;
  std::filesystem::create_directories(root / kKnownFailuresDirectory, status);
  if (status) {
    error =
        "cannot create '" + (root / kKnownFailuresDirectory).string() + "': " + status.message();
    return false;
  }
  for (const reports::ImplementationReport& implementation : report.implementations) {
    for (const reports::Failure& failure : implementation.failures) {
      const std::string source =
          failure.shrunk() ? failure.shrunk_replay_file : failure.replay_file;
      if (source.empty()) {
        continue;
      }
      const std::filesystem::path target =
          root / kKnownFailuresDirectory /
          (reports::Failure::stem_of(failure.replay_file) + ".replay");
      std::filesystem::copy_file(root / source, target,
                                 std::filesystem::copy_options::overwrite_existing, status);
      if (status) {
        error =
            "cannot keep '" + source + "' in " + kKnownFailuresDirectory + "/: " + status.message();
        return false;
      }
    }
  }
  return true;
}

RerunOutcome rerun_known_failures(const RunOptions& options,
                                  const std::vector<std::string>& report_names,
                                  const std::string& directory) {
  RerunOutcome outcome;
  const std::filesystem::path folder = std::filesystem::path(directory) / kKnownFailuresDirectory;
  std::error_code status;
  if (!std::filesystem::is_directory(folder, status)) {
    return outcome;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder, status)) {
    if (entry.path().extension() == ".replay") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const std::filesystem::path& path : files) {
    const std::string relative =
        std::string(kKnownFailuresDirectory) + "/" + path.filename().string();
    std::string error;
    const std::optional<reports::ReplayFile> file = reports::read_replay_file(path.string(), error);
    if (!file) {
      outcome.notes.push_back("left alone: " + error);
      continue;
    }
    const std::optional<std::size_t> position = implementation_of(options, report_names, *file);
    const conformance::Suite* suite = conformance::find_suite(file->suite);
    if (!position || suite == nullptr || !suite->applies(*options.implementations[*position])) {
      continue;  // another implementation's: this run does not include it
    }
    reports::Rerun rerun = rerun_one(options, *options.implementations[*position], *suite, *file);
    rerun.implementation = report_names[*position];
    rerun.file = relative;
    outcome.reruns.push_back(std::move(rerun));
  }
  return outcome;
}

}  // namespace lockstep::runner
