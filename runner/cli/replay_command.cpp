// Replay and shrink: load a replay file, find its implementation and suite, re-run.
#include "runner/cli/replay_command.h"

#include <cstdio>
#include <fstream>
#include <optional>

#include "conformance/registry/suites.h"
#include "reports/replay_file.h"
#include "reports/schedule_trace.h"
#include "runner/implementation_resolver.h"
#include "runner/isolated_schedule.h"
#include "runner/isolated_shrink.h"
#include "runner/run_schedules.h"

namespace lockstep::cli {

namespace {

struct LoadedReplay {
  reports::ReplayFile file;
  const conformance::Implementation* implementation = nullptr;
  const conformance::Suite* suite = nullptr;
};

std::optional<LoadedReplay> load(const std::string& path,
                                 runner::ImplementationResolver& resolver) {
  std::string error;
  std::optional<reports::ReplayFile> file = reports::read_replay_file(path, error);
  if (!file) {
    std::fprintf(stderr, "lockstep: %s\n", error.c_str());
    return std::nullopt;
  }
  LoadedReplay loaded{std::move(*file)};
  loaded.implementation = resolver.resolve(loaded.file.implementation, error);
  if (loaded.implementation == nullptr) {
    std::fprintf(stderr, "lockstep: %s: the replay's %s\n", path.c_str(), error.c_str());
    return std::nullopt;
  }
  loaded.suite = conformance::find_suite(loaded.file.suite);
  if (loaded.suite == nullptr || !loaded.suite->applies(*loaded.implementation)) {
    std::fprintf(stderr,
                 "lockstep: %s names suite '%s', which does not exist or does not apply "
                 "to '%s'\n",
                 path.c_str(), loaded.file.suite.c_str(), loaded.file.implementation.c_str());
    return std::nullopt;
  }
  return loaded;
}

std::string hex64(std::uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof(buffer), "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

}  // namespace

// A schedule that crashed, hung or ran out of memory is re-run under the same isolation, with
// the strategy it ran under (its decision log died with the child).
int replay_isolated(const LoadedReplay& loaded, const ReplayOptions& options) {
  const reports::ReplayFile& file = loaded.file;
  std::string error;
  const std::optional<StrategySpec> spec = parse_strategy_spec(file.strategy, error);
  if (!spec) {
    std::fprintf(stderr, "lockstep: %s: %s\n", options.replay_path.c_str(), error.c_str());
    return kExitUsage;
  }
  const runner::IsolatedSchedule again = runner::run_schedule_isolated(
      file.schedule_index,
      [&] {
        std::unique_ptr<Strategy> strategy =
            file.decisions.empty()
                ? make_strategy(*spec, runner::strategy_seed(file.schedule_seed), file.pct_steps)
                : make_replay_strategy(file.decisions);
        const harness::ScheduleOutcome outcome =
            loaded.suite->run(*loaded.implementation, file.schedule_seed, std::move(strategy), {});
        return runner::ScheduleRecord::from(file.schedule_index, outcome.world);
      },
      runner::schedule_isolation_limits(options.schedule_timeout_ms));
  std::printf("replaying %s in a child process: %s on suite %s, seed %llu (%s)\n",
              options.replay_path.c_str(), file.implementation.c_str(), file.suite.c_str(),
              static_cast<unsigned long long>(file.schedule_seed), file.strategy.c_str());
  const std::string ended = again.record.abnormal_outcome.empty() ? std::string("a normal end")
                                                                  : again.record.abnormal_outcome;
  if (again.record.abnormal_outcome != file.rule) {
    std::printf("NONDETERMINISM: the schedule ended with %s, the file recorded %s\n", ended.c_str(),
                file.rule.c_str());
    return kExitNondeterminism;
  }
  std::printf("%s\nreproduced %s under isolation\n", again.explanation.c_str(), file.rule.c_str());
  return kExitViolation;
}

int replay_command(const ReplayOptions& options) {
  runner::ImplementationResolver resolver;
  const std::optional<LoadedReplay> loaded = load(options.replay_path, resolver);
  if (!loaded) {
    return kExitUsage;
  }
  const reports::ReplayFile& file = loaded->file;
  if (runner::is_isolation_rule(file.rule)) {
    return replay_isolated(*loaded, options);
  }
  harness::ScheduleOptions keep;
  keep.keep_trace_events = true;
  const harness::ScheduleOutcome outcome = loaded->suite->run(
      *loaded->implementation, file.schedule_seed, make_replay_strategy(file.decisions), keep);

  std::printf("replaying %s: %s on suite %s, seed %llu (%s)\n", options.replay_path.c_str(),
              file.implementation.c_str(), file.suite.c_str(),
              static_cast<unsigned long long>(file.schedule_seed), file.strategy.c_str());
  std::printf("fault plan: %s\n\n", file.fault_plan.c_str());
  std::fputs(reports::readable_trace(outcome.trace, options.verbose).c_str(), stdout);
  std::printf("\n");
  for (const harness::Violation& violation : outcome.world.violations) {
    std::printf("violation: %s\n", violation.to_text().c_str());
  }
  if (!options.chrome_trace_path.empty()) {
    std::ofstream trace(options.chrome_trace_path, std::ios::binary | std::ios::trunc);
    trace << reports::chrome_trace_json(outcome.trace);
    if (!trace) {
      std::fprintf(stderr, "lockstep: cannot write '%s'\n", options.chrome_trace_path.c_str());
      return kExitUsage;
    }
    std::printf("trace written to %s (open it in Perfetto or chrome://tracing)\n",
                options.chrome_trace_path.c_str());
  }
  if (outcome.world.run.trace_hash != file.trace_hash) {
    std::printf("NONDETERMINISM: trace hash %s differs from the recorded %s",
                hex64(outcome.world.run.trace_hash).c_str(), hex64(file.trace_hash).c_str());
    if (file.build != reports::build_id()) {
      std::printf(" (recorded by build '%s', this is '%s')", file.build.c_str(),
                  reports::build_id().c_str());
    }
    std::printf("\n");
    return kExitNondeterminism;
  }
  std::printf("reproduced %s with the same trace hash %s\n", file.rule.c_str(),
              hex64(file.trace_hash).c_str());
  return kExitViolation;
}

int shrink_command(const ShrinkOptions& options) {
  runner::ImplementationResolver resolver;
  const std::optional<LoadedReplay> loaded = load(options.replay_path, resolver);
  if (!loaded) {
    return kExitUsage;
  }
  const reports::ReplayFile& file = loaded->file;
  if (runner::is_isolation_rule(file.rule)) {
    std::fprintf(stderr,
                 "lockstep: %s records a %s, which has no decision log to shrink; "
                 "replay it to reproduce it\n",
                 options.replay_path.c_str(), file.rule.c_str());
    return kExitUsage;
  }
  const runner::ShrinkSubject subject{loaded->implementation, loaded->suite, file.schedule_seed,
                                      file.rule};
  const harness::IsolationLimits limits = runner::schedule_isolation_limits();
  std::string error;
  const std::optional<runner::ShrunkReplay> shrunk = runner::shrink_replay(
      subject, file, options.max_runs, /*keep_chrome_trace=*/false, limits, error);
  if (!shrunk) {
    std::fprintf(stderr, "lockstep: %s: %s\n", options.replay_path.c_str(), error.c_str());
    return kExitNondeterminism;
  }
  // The original's step count, for the comparison below (in a child as well: the file may
  // come from anywhere).
  const std::optional<runner::IsolatedRerun> original =
      runner::rerun_isolated(subject, file.decisions, /*keep_chrome_trace=*/false, limits, error);
  std::string output = options.output_path;
  if (output.empty()) {
    output = options.replay_path;
    if (output.size() > 7 && output.ends_with(".replay")) {
      output.resize(output.size() - 7);
    }
    output += ".shrunk.replay";
  }
  if (!reports::write_replay_file(shrunk->replay, output, error)) {
    std::fprintf(stderr, "lockstep: %s\n", error.c_str());
    return kExitUsage;
  }
  const std::string original_steps = original ? std::to_string(original->steps) : "?";
  std::printf("shrunk %s: %zu -> %zu decisions, %s -> %llu steps (%llu runs)\n", file.rule.c_str(),
              file.decisions.size(), shrunk->replay.decisions.size(), original_steps.c_str(),
              static_cast<unsigned long long>(shrunk->steps),
              static_cast<unsigned long long>(shrunk->probes));
  std::printf("%s\nwritten to %s\n", shrunk->replay.explanation.c_str(), output.c_str());
  return kExitPass;
}

}  // namespace lockstep::cli
