// Replay and shrink: load a replay file, find its implementation and suite, re-run.
#include "harness/cli/replay_command.h"

#include <cstdio>
#include <fstream>
#include <optional>

#include "conformance/registry/suites.h"
#include "harness/cli/implementation_resolver.h"
#include "harness/cli/isolated_schedule.h"
#include "harness/cli/run_command.h"
#include "reports/replay_file.h"
#include "reports/schedule_trace.h"
#include "scheduler/shrinker.h"

namespace lockstep::cli {

namespace {

struct LoadedReplay {
  reports::ReplayFile file;
  const conformance::Implementation* implementation = nullptr;
  const conformance::Suite* suite = nullptr;
};

std::optional<LoadedReplay> load(const std::string& path, ImplementationResolver& resolver) {
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
    std::fprintf(stderr, "lockstep: %s names suite '%s', which does not exist or does not apply "
                 "to '%s'\n",
                 path.c_str(), loaded.file.suite.c_str(), loaded.file.implementation.c_str());
    return std::nullopt;
  }
  return loaded;
}

bool fails_on(const harness::WorldResult& result, const std::string& rule) {
  for (const harness::Violation& violation : result.violations) {
    if (violation.rule == rule) {
      return true;
    }
  }
  return !result.passed() && std::string(outcome_name(result.run.outcome)) == rule;
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
  const IsolatedSchedule again = run_schedule_isolated(file.schedule_index, [&] {
    std::unique_ptr<Strategy> strategy =
        file.decisions.empty()
            ? make_strategy(*spec, strategy_seed(file.schedule_seed), kPctEstimatedSteps)
            : make_replay_strategy(file.decisions);
    const harness::ScheduleOutcome outcome = loaded.suite->run(
        *loaded.implementation, file.schedule_seed, std::move(strategy), {});
    return ScheduleRecord::from(file.schedule_index, outcome.world);
  }, schedule_isolation_limits(options.schedule_timeout_ms));
  std::printf("replaying %s in a child process: %s on suite %s, seed %llu (%s)\n",
              options.replay_path.c_str(), file.implementation.c_str(), file.suite.c_str(),
              static_cast<unsigned long long>(file.schedule_seed), file.strategy.c_str());
  const std::string ended = again.record.abnormal_outcome.empty()
                                ? std::string("a normal end")
                                : again.record.abnormal_outcome;
  if (again.record.abnormal_outcome != file.rule) {
    std::printf("NONDETERMINISM: the schedule ended with %s, the file recorded %s\n",
                ended.c_str(), file.rule.c_str());
    return kExitNondeterminism;
  }
  std::printf("%s\nreproduced %s under isolation\n", again.explanation.c_str(), file.rule.c_str());
  return kExitViolation;
}

int replay_command(const ReplayOptions& options) {
  ImplementationResolver resolver;
  const std::optional<LoadedReplay> loaded = load(options.replay_path, resolver);
  if (!loaded) {
    return kExitUsage;
  }
  const reports::ReplayFile& file = loaded->file;
  if (is_isolation_rule(file.rule)) {
    return replay_isolated(*loaded, options);
  }
  harness::ScheduleOptions keep;
  keep.keep_trace_events = true;
  const harness::ScheduleOutcome outcome =
      loaded->suite->run(*loaded->implementation, file.schedule_seed,
                         make_replay_strategy(file.decisions), keep);

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
  ImplementationResolver resolver;
  const std::optional<LoadedReplay> loaded = load(options.replay_path, resolver);
  if (!loaded) {
    return kExitUsage;
  }
  const reports::ReplayFile& file = loaded->file;
  if (is_isolation_rule(file.rule)) {
    std::fprintf(stderr, "lockstep: %s records a %s, which has no decision log to shrink; "
                 "replay it to reproduce it\n", options.replay_path.c_str(), file.rule.c_str());
    return kExitUsage;
  }
  // Each probe runs in a child process: an edited log can steer a defective implementation
  // into a crash the original schedule never reached, and that must not end the shrink. A
  // probe that does not come back simply does not fail "the same way".
  const ShrinkProbe probe = [&](const DecisionLog& log) {
    const harness::IsolatedOutcome isolated = harness::run_isolated(
        [&] {
          const harness::ScheduleOutcome outcome = loaded->suite->run(
              *loaded->implementation, file.schedule_seed, make_guided_strategy(log), {});
          return std::string(fails_on(outcome.world, file.rule) ? "1 " : "0 ") +
                 outcome.decisions.to_text();
        },
        schedule_isolation_limits());
    ShrinkAttempt attempt{false, log};
    if (isolated.kind == harness::IsolatedOutcomeKind::completed && isolated.result.size() >= 2) {
      std::string parse_error;
      std::optional<DecisionLog> consumed =
          DecisionLog::from_text(std::string_view(isolated.result).substr(2), parse_error);
      if (consumed) {
        attempt.still_fails = isolated.result[0] == '1';
        attempt.consumed = std::move(*consumed);
      }
    }
    return attempt;
  };
  const ShrinkResult result = shrink_decision_log(file.decisions, probe, options.max_runs);
  if (!result.reproduced) {
    std::fprintf(stderr, "lockstep: %s does not break %s when re-run: nothing to shrink\n",
                 options.replay_path.c_str(), file.rule.c_str());
    return kExitNondeterminism;
  }
  // Re-run the shrunk log exactly, for its hash, explanation and step count.
  const harness::ScheduleOutcome shrunk = loaded->suite->run(
      *loaded->implementation, file.schedule_seed, make_replay_strategy(result.log), {});
  const harness::ScheduleOutcome original = loaded->suite->run(
      *loaded->implementation, file.schedule_seed, make_replay_strategy(file.decisions), {});
  reports::ReplayFile smaller = file;
  smaller.decisions = result.log;
  smaller.trace_hash = shrunk.world.run.trace_hash;
  smaller.explanation = shrunk.world.summary();
  smaller.build = reports::build_id();
  std::string output = options.output_path;
  if (output.empty()) {
    output = options.replay_path;
    if (output.size() > 7 && output.ends_with(".replay")) {
      output.resize(output.size() - 7);
    }
    output += ".shrunk.replay";
  }
  std::string error;
  if (!reports::write_replay_file(smaller, output, error)) {
    std::fprintf(stderr, "lockstep: %s\n", error.c_str());
    return kExitUsage;
  }
  std::printf("shrunk %s: %zu -> %zu decisions, %llu -> %llu steps (%llu runs)\n",
              file.rule.c_str(), file.decisions.size(), result.log.size(),
              static_cast<unsigned long long>(original.world.run.steps),
              static_cast<unsigned long long>(shrunk.world.run.steps),
              static_cast<unsigned long long>(result.runs));
  std::printf("%s\nwritten to %s\n", smaller.explanation.c_str(), output.c_str());
  return kExitPass;
}

}  // namespace lockstep::cli
