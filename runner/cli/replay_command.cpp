// Replay and shrink: load a replay file (or a reproduce string), find its implementation and
// suite, re-run.
#include "runner/cli/replay_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include "conformance/registry/suites.h"
#include "reports/replay_file.h"
#include "reports/reproduce_token.h"
#include "reports/schedule_trace.h"
#include "reports/sha256.h"
#include "reports/shell_command.h"
#include "runner/cli/invocation.h"
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
  /// Why the code under replay is not the code that wrote the file, or empty when it is the
  /// same (or cannot be told: see `identity_known`).
  std::string change;
  bool identity_known = true;
};

int usage_error(const std::string& message) {
  std::fprintf(stderr, "lockstep: %s\n", message.c_str());
  return kExitUsage;
}

// What replaced the recorded implementation, if anything.
void compare_identity(LoadedReplay& loaded, const runner::ImplementationResolver& resolver) {
  const reports::ReplayFile& file = loaded.file;
  const harness::LoadedPlugin* plugin = resolver.plugin_of(*loaded.implementation);
  if (plugin == nullptr) {
    if (!file.library.empty()) {
      loaded.change = "the file was written from the plugin " + file.library +
                      ", this replay runs the bundled " + loaded.implementation->name;
    } else if (file.build != reports::build_id()) {
      loaded.change = "the file was written by build '" + file.build + "', this is '" +
                      reports::build_id() + "'";
    }
    return;
  }
  std::string error;
  const std::optional<std::string> sha256 = reports::sha256_of_file(plugin->path(), error);
  if (file.library_sha256.empty()) {
    loaded.identity_known = false;  // a version 1 file: it did not record the library's hash
    return;
  }
  if (!sha256 || *sha256 != file.library_sha256) {
    loaded.change = "the library changed: SHA-256 " + file.library_sha256.substr(0, 12) +
                    "... when recorded, " + (sha256 ? sha256->substr(0, 12) + "..." : error) +
                    " now (" + plugin->path() + ")";
  }
}

std::optional<LoadedReplay> load(const std::string& path, const std::string& implementation,
                                 runner::ImplementationResolver& resolver) {
  std::string error;
  std::optional<reports::ReplayFile> file = reports::read_replay_file(path, error);
  if (!file) {
    usage_error(error);
    return std::nullopt;
  }
  LoadedReplay loaded;
  loaded.file = std::move(*file);
  const std::string target = !implementation.empty()        ? implementation
                             : !loaded.file.library.empty() ? loaded.file.library
                                                            : loaded.file.implementation;
  loaded.implementation = resolver.resolve(target, error);
  if (loaded.implementation == nullptr) {
    usage_error(path + ": the replay's " + error +
                (loaded.file.library.empty() ? "" : " (give the library with --impl PATH)"));
    return std::nullopt;
  }
  loaded.suite = conformance::find_suite(loaded.file.suite);
  if (loaded.suite == nullptr || !loaded.suite->applies(*loaded.implementation)) {
    usage_error(path + " names suite '" + loaded.file.suite +
                "', which does not exist or does not apply to '" + target + "'");
    return std::nullopt;
  }
  compare_identity(loaded, resolver);
  return loaded;
}

std::string hex64(std::uint64_t value) {
  return fmt::format("{:016x}", value);
}

std::string command(const std::vector<std::string>& words) {
  std::vector<std::string> all = invocation();
  all.insert(all.end(), words.begin(), words.end());
  return reports::shell_command(all);
}

bool breaks(const harness::WorldResult& world, const std::string& rule) {
  for (const harness::Violation& violation : world.violations) {
    if (violation.rule == rule) {
      return true;
    }
  }
  return !world.passed() && std::string(outcome_name(world.run.outcome)) == rule;
}

// The trace, the violations, and the Chrome trace when asked for. False if it cannot be written.
bool show(const harness::ScheduleOutcome& outcome, const ReplayOptions& options) {
  std::fputs(reports::readable_trace(outcome.trace, options.verbose).c_str(), stdout);
  std::printf("\n");
  for (const harness::Violation& violation : outcome.world.violations) {
    std::printf("violation: %s\n", violation.to_text().c_str());
  }
  if (!outcome.world.passed() && outcome.world.violations.empty()) {
    std::printf("outcome: %s\n", outcome.world.summary().c_str());
  }
  if (!options.chrome_trace_path.empty()) {
    std::ofstream trace(options.chrome_trace_path, std::ios::binary | std::ios::trunc);
    reports::TraceContext context;
    context.process_name = "lockstep replay " + options.replay_path;
    for (const harness::Violation& violation : outcome.world.violations) {
      context.violation_texts.push_back(violation.to_text());
    }
    trace << reports::chrome_trace_json(outcome.trace, context);
    if (!trace) {
      usage_error("cannot write '" + options.chrome_trace_path + "'");
      return false;
    }
    std::printf("trace written to %s (open it in Perfetto or chrome://tracing)\n",
                options.chrome_trace_path.c_str());
  }
  return true;
}

// The line that runs this replay in-process under gdb.
std::string debugger_line(const ReplayOptions& options) {
  std::vector<std::string> words = {"replay", options.replay_path, "--in-process"};
  if (!options.implementation.empty()) {
    words.insert(words.end(), {"--impl", options.implementation});
  }
  return "gdb --args " + command(words);
}

// A schedule that crashed, hung or ran out of memory is re-run with the strategy it ran under
// (its decision log died with the child): in a child under the same isolation, or here.
int replay_isolated(const LoadedReplay& loaded, const ReplayOptions& options) {
  const reports::ReplayFile& file = loaded.file;
  std::string error;
  const std::optional<StrategySpec> spec = parse_strategy_spec(file.strategy, error);
  if (!spec) {
    return usage_error(options.replay_path + ": " + error);
  }
  const auto run_here = [&] {
    std::unique_ptr<Strategy> strategy =
        file.decisions.empty() ? make_strategy(*spec, runner::strategy_seed(file.schedule_seed),
                                               runner::kPctEstimatedSteps)
                               : make_replay_strategy(file.decisions);
    return loaded.suite->run(*loaded.implementation, file.schedule_seed, std::move(strategy), {})
        .world;
  };
  std::string ended;
  std::string explanation;
  if (options.in_process) {
    std::printf(
        "replaying %s in this process (%s on suite %s, seed %llu): a %s ends this process "
        "too; run it under a debugger: %s\n",
        options.replay_path.c_str(), file.implementation.c_str(), file.suite.c_str(),
        static_cast<unsigned long long>(file.schedule_seed), file.rule.c_str(),
        debugger_line(options).c_str());
    std::fflush(stdout);
    const harness::WorldResult world = run_here();
    ended = runner::ScheduleRecord::from(file.schedule_index, world).abnormal_outcome;
    explanation = world.summary();
  } else {
    const runner::IsolatedSchedule again = runner::run_schedule_isolated(
        file.schedule_index,
        [&] { return runner::ScheduleRecord::from(file.schedule_index, run_here()); },
        runner::schedule_isolation_limits(options.schedule_timeout_ms));
    std::printf("replaying %s in a child process: %s on suite %s, seed %llu (%s)\n",
                options.replay_path.c_str(), file.implementation.c_str(), file.suite.c_str(),
                static_cast<unsigned long long>(file.schedule_seed), file.strategy.c_str());
    ended = again.record.abnormal_outcome;
    explanation = again.explanation;
  }
  if (ended == file.rule) {
    std::printf("%s\nreproduced %s under isolation\nto debug it in this process: %s\n",
                explanation.c_str(), file.rule.c_str(), debugger_line(options).c_str());
    return kExitViolation;
  }
  const std::string described = ended.empty() ? std::string("a normal end") : ended;
  if (!loaded.change.empty()) {
    std::printf(
        "the implementation changed (%s), and the schedule now ends with %s instead of "
        "%s%s\n",
        loaded.change.c_str(), described.c_str(), file.rule.c_str(),
        ended.empty() ? ": it now holds" : "");
    return ended.empty() ? kExitPass : kExitViolation;
  }
  std::printf(
      "NONDETERMINISM: the schedule ended with %s, the file recorded %s%s\n", described.c_str(),
      file.rule.c_str(),
      loaded.identity_known ? "" : " (or the library changed: this file records no SHA-256)");
  return kExitNondeterminism;
}

int replay_file(const ReplayOptions& options) {
  runner::ImplementationResolver resolver;
  const std::optional<LoadedReplay> loaded =
      load(options.replay_path, options.implementation, resolver);
  if (!loaded) {
    return kExitUsage;
  }
  const reports::ReplayFile& file = loaded->file;
  if (runner::is_isolation_rule(file.rule)) {
    return replay_isolated(*loaded, options);
  }
  harness::ScheduleOptions keep;
  keep.keep_trace_events = true;
  const harness::ScheduleOutcome exact = loaded->suite->run(
      *loaded->implementation, file.schedule_seed, make_replay_strategy(file.decisions), keep);
  const bool same_hash = exact.world.run.trace_hash == file.trace_hash;
  std::printf("replaying %s: %s on suite %s, seed %llu (%s)\n", options.replay_path.c_str(),
              file.implementation.c_str(), file.suite.c_str(),
              static_cast<unsigned long long>(file.schedule_seed), file.strategy.c_str());
  std::printf("fault plan: %s\n\n", file.fault_plan.c_str());
  if (same_hash || loaded->change.empty()) {
    if (!show(exact, options)) {
      return kExitUsage;
    }
    if (same_hash) {
      std::printf("reproduced %s with the same trace hash %s\n", file.rule.c_str(),
                  hex64(file.trace_hash).c_str());
      return kExitViolation;
    }
    std::printf(
        "NONDETERMINISM: trace hash %s differs from the recorded %s, and the "
        "implementation is the one that wrote the file%s\n",
        hex64(exact.world.run.trace_hash).c_str(), hex64(file.trace_hash).c_str(),
        loaded->identity_known
            ? ""
            : " (as far as can be told: this version 1 file records no SHA-256)");
    return kExitNondeterminism;
  }
  // The implementation changed: the recorded log no longer fits it exactly. Run the schedule
  // as near to the recorded one as it goes, and see whether the rule still breaks.
  const harness::ScheduleOutcome guided = loaded->suite->run(
      *loaded->implementation, file.schedule_seed, make_guided_strategy(file.decisions), keep);
  if (!show(guided, options)) {
    return kExitUsage;
  }
  std::printf("the implementation changed since the replay was recorded (%s)\n",
              loaded->change.c_str());
  if (breaks(guided.world, file.rule)) {
    std::printf("%s still breaks on this schedule\n", file.rule.c_str());
    return kExitViolation;
  }
  if (!guided.world.passed()) {
    std::printf("%s now holds on this schedule, but it breaks something else: %s\n",
                file.rule.c_str(), guided.world.summary().c_str());
    return kExitViolation;
  }
  std::printf("%s now holds on this schedule (no rule breaks): the change fixed it here\n",
              file.rule.c_str());
  return kExitPass;
}

// `lockstep replay IMPLEMENTATION:SUITE:SEED:SCHEDULE[:STRATEGY]`.
int replay_token(const reports::ReproduceToken& token, const ReplayOptions& options) {
  runner::ImplementationResolver resolver;
  std::string error;
  const conformance::Implementation* implementation = resolver.resolve(
      options.implementation.empty() ? token.implementation : options.implementation, error);
  if (implementation == nullptr) {
    return usage_error(error + (options.implementation.empty()
                                    ? "; a plugin's reproduce string needs --impl PATH"
                                    : ""));
  }
  const conformance::Suite* suite = conformance::find_suite(token.suite);
  if (suite == nullptr || !suite->applies(*implementation)) {
    return usage_error("suite '" + token.suite + "' does not exist or does not apply to '" +
                       implementation->name + "'");
  }
  const std::optional<StrategySpec> spec = parse_strategy_spec(token.strategy, error);
  if (!spec) {
    return usage_error(error);
  }
  const std::uint64_t seed = runner::schedule_seed(token.run_seed, token.schedule_index);
  std::printf("running schedule %llu of suite %s on %s (run seed %llu, strategy %s)\n",
              static_cast<unsigned long long>(token.schedule_index), token.suite.c_str(),
              implementation->name.c_str(), static_cast<unsigned long long>(token.run_seed),
              spec->to_text().c_str());
  const auto make = [&] {
    return make_strategy(*spec, runner::strategy_seed(seed), runner::kPctEstimatedSteps);
  };
  if (implementation->kind == "plugin" && !options.in_process) {
    // A third party's code runs where it cannot take lockstep down.
    const runner::IsolatedSchedule isolated = runner::run_schedule_isolated(
        token.schedule_index,
        [&] {
          return runner::ScheduleRecord::from(token.schedule_index,
                                              suite->run(*implementation, seed, make(), {}).world);
        },
        runner::schedule_isolation_limits(options.schedule_timeout_ms));
    if (!isolated.record.failed()) {
      std::printf("every rule holds on this schedule\n");
      return kExitPass;
    }
    std::string rules;
    for (const std::string& rule : isolated.record.rules()) {
      rules += (rules.empty() ? "" : " ") + rule;
    }
    std::printf(
        "broken: %s%s\nfor its trace, run it in this process: %s\n", rules.c_str(),
        isolated.explanation.empty() ? "" : (": " + isolated.explanation).c_str(),
        command({"replay", options.replay_path, "--impl", implementation->name, "--in-process"})
            .c_str());
    return kExitViolation;
  }
  harness::ScheduleOptions keep;
  keep.keep_trace_events = true;
  const harness::ScheduleOutcome outcome = suite->run(*implementation, seed, make(), keep);
  if (!show(outcome, options)) {
    return kExitUsage;
  }
  if (outcome.world.passed()) {
    std::printf("every rule holds on this schedule\n");
    return kExitPass;
  }
  std::printf("broken: %s\n", outcome.world.summary().c_str());
  return kExitViolation;
}

}  // namespace

int replay_command(const ReplayOptions& options) {
  std::error_code status;
  if (!std::filesystem::exists(options.replay_path, status)) {
    std::string error;
    const std::optional<reports::ReproduceToken> token =
        reports::parse_reproduce_token(options.replay_path, error);
    if (token) {
      return replay_token(*token, options);
    }
  }
  return replay_file(options);
}

int shrink_command(const ShrinkOptions& options) {
  runner::ImplementationResolver resolver;
  const std::optional<LoadedReplay> loaded = load(options.replay_path, "", resolver);
  if (!loaded) {
    return kExitUsage;
  }
  const reports::ReplayFile& file = loaded->file;
  if (runner::is_isolation_rule(file.rule)) {
    return usage_error(options.replay_path + " records a " + file.rule +
                       ", which has no decision log to shrink; replay it to reproduce it");
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
    return usage_error(error);
  }
  const std::string original_steps = original ? std::to_string(original->steps) : "?";
  std::printf("shrunk %s: %zu -> %zu decisions, %s -> %llu steps (%llu runs)\n", file.rule.c_str(),
              file.decisions.size(), shrunk->replay.decisions.size(), original_steps.c_str(),
              static_cast<unsigned long long>(shrunk->steps),
              static_cast<unsigned long long>(shrunk->probes));
  std::printf("%s\nwritten to %s\nreplay it: %s\n", shrunk->replay.explanation.c_str(),
              output.c_str(), command({"replay", output}).c_str());
  return kExitPass;
}

}  // namespace lockstep::cli
