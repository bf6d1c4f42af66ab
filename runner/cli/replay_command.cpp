// Replay and shrink: load a replay file, check that it fits this build, find its implementation
// and suite, re-run it in a worker process; or regenerate a schedule from a reproduce string.
#include "runner/cli/replay_command.h"

#include "runner/cli/invocation.h"

#include <cstdio>
#include <filesystem>
#include <optional>
#include <vector>

#include "conformance/registry/suites.h"
#include "reports/atomic_file.h"
#include "reports/replay_file.h"
#include "reports/reproduce_token.h"
#include "reports/sha256.h"
#include "reports/shell_command.h"
#include "runner/implementation_resolver.h"
#include "runner/isolated_schedule.h"
#include "runner/isolated_shrink.h"
#include "runner/run_schedules.h"
#include "runner/schedule_service.h"
#include "runner/suite_rules.h"
#include "runner/worker_client.h"

namespace lockstep::cli {

namespace {

// A replay file, what it names, and the worker that runs it.
struct LoadedReplay {
  reports::ReplayFile file;
  std::vector<const conformance::Implementation*> implementations;  // the one it names
  std::size_t suite = 0;                                            // registry position
  std::unique_ptr<runner::WorkerClient> worker;
};

// Every check that can be made before running anything: exit 2 with one line on failure.
std::optional<LoadedReplay> load(const std::string& path, const std::string& implementation_path,
                                 runner::ImplementationResolver& resolver) {
  std::string error;
  std::optional<reports::ReplayFile> file = reports::read_replay_file(path, error);
  if (!file) {
    std::fprintf(stderr, "lockstep: %s\n", error.c_str());
    return std::nullopt;
  }
  LoadedReplay loaded;
  loaded.file = std::move(*file);
  const reports::ReplayFile& replay = loaded.file;
  if (!runner::is_known_failure_id(replay.rule)) {
    std::fprintf(stderr,
                 "lockstep: %s records rule '%s', which this lockstep does not know (see "
                 "lockstep list)\n",
                 path.c_str(), replay.rule.c_str());
    return std::nullopt;
  }
  if (const std::optional<StrategySpec> spec = parse_strategy_spec(replay.strategy, error); !spec) {
    std::fprintf(stderr, "lockstep: %s: %s\n", path.c_str(), error.c_str());
    return std::nullopt;
  }
  const std::uint64_t expected_seed = runner::schedule_seed(replay.run_seed, replay.schedule_index);
  if (replay.schedule_seed != expected_seed) {
    std::fprintf(stderr,
                 "lockstep: %s does not match this build: its seed %llu is not the seed of "
                 "schedule %llu of run seed %llu, which is %llu\n",
                 path.c_str(), static_cast<unsigned long long>(replay.schedule_seed),
                 static_cast<unsigned long long>(replay.schedule_index),
                 static_cast<unsigned long long>(replay.run_seed),
                 static_cast<unsigned long long>(expected_seed));
    return std::nullopt;
  }
  // A plugin's file (version 3) names the table and records the library it was loaded from;
  // --impl replays it on another library (a moved or rebuilt one).
  const std::string target = !implementation_path.empty() ? implementation_path
                             : !replay.library.empty()    ? replay.library
                                                          : replay.implementation;
  const conformance::Implementation* implementation = resolver.resolve(target, error);
  if (implementation == nullptr) {
    std::fprintf(stderr, "lockstep: %s: the replay's %s%s\n", path.c_str(), error.c_str(),
                 replay.library.empty() ? "" : " (give the library with --impl PATH)");
    return std::nullopt;
  }
  const conformance::Suite* suite = conformance::find_suite(replay.suite);
  if (suite == nullptr || !suite->applies(*implementation)) {
    std::fprintf(stderr,
                 "lockstep: %s names suite '%s', which does not exist or does not apply "
                 "to '%s'\n",
                 path.c_str(), replay.suite.c_str(), replay.implementation.c_str());
    return std::nullopt;
  }
  loaded.implementations = {implementation};
  loaded.suite = static_cast<std::size_t>(suite - conformance::suites().data());
  return loaded;
}

// In a worker process; or, for `replay --in-process` only, right here (a debugger's case).
void start_worker(LoadedReplay& loaded, runner::ImplementationResolver& resolver,
                  bool in_this_process = false) {
  auto setup = [&resolver] { return resolver.load_plugins_here(); };
  if (in_this_process) {
    loaded.worker = runner::WorkerClient::in_this_process(
        setup, runner::schedule_handler(loaded.implementations));
    return;
  }
  loaded.worker = std::make_unique<runner::WorkerClient>(
      setup, runner::schedule_handler(loaded.implementations), runner::schedule_worker_limits());
}

// The line that replays this file in this process under gdb, as printed for people to copy.
std::string debugger_line(const ReplayOptions& options) {
  std::vector<std::string> words = {"gdb", "--args"};
  const std::vector<std::string>& lockstep = invocation();
  words.insert(words.end(), lockstep.begin(), lockstep.end());
  words.insert(words.end(), {"replay", options.replay_path, "--in-process"});
  if (!options.implementation.empty()) {
    words.insert(words.end(), {"--impl", options.implementation});
  }
  return reports::shell_command(words);
}

std::string hex64(std::uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof(buffer), "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

std::uint64_t timeout_of(const ReplayOptions& options, const reports::ReplayFile& file) {
  if (options.schedule_timeout_ms != 0) {
    return options.schedule_timeout_ms;
  }
  return runner::schedule_timeout_ms(file.timeout_ms);
}

std::optional<runner::ScheduleReply> replay_once(LoadedReplay& loaded, const ReplayOptions& options,
                                                 runner::TaskEnd& end) {
  runner::ScheduleRequest request;
  request.mode = runner::ScheduleRequest::Mode::replay;
  request.suite = loaded.suite;
  request.schedule_seed = loaded.file.schedule_seed;
  request.rule = loaded.file.rule;
  request.decisions = loaded.file.decisions.to_text();
  request.readable_trace = true;
  request.verbose = options.verbose;
  request.chrome_trace = !options.chrome_trace_path.empty();
  end = loaded.worker->call(request.encode(), timeout_of(options, loaded.file));
  if (end.outcome.kind != harness::IsolatedOutcomeKind::completed) {
    return std::nullopt;
  }
  return runner::ScheduleReply::decode(end.outcome.result);
}

// A schedule that crashed, hung or ran out of memory is re-run in a worker with the strategy it
// ran under (its decision log died with the worker), and must end the same way.
int replay_isolated(LoadedReplay& loaded, const ReplayOptions& options) {
  const reports::ReplayFile& file = loaded.file;
  runner::ScheduleRequest request;
  request.mode = runner::ScheduleRequest::Mode::run;
  request.suite = loaded.suite;
  request.schedule_seed = file.schedule_seed;
  request.strategy = file.strategy;
  if (!file.decisions.empty()) {
    request.mode = runner::ScheduleRequest::Mode::replay;
    request.decisions = file.decisions.to_text();
  }
  const std::uint64_t timeout_ms = timeout_of(options, file);
  if (options.in_process) {
    std::printf(
        "replaying %s in this process: %s on suite %s, seed %llu (%s); a %s ends this process "
        "too, so run it under a debugger: %s\n",
        options.replay_path.c_str(), file.implementation.c_str(), file.suite.c_str(),
        static_cast<unsigned long long>(file.schedule_seed), file.strategy.c_str(),
        file.rule.c_str(), debugger_line(options).c_str());
    std::fflush(stdout);
  }
  const runner::TaskEnd end = loaded.worker->call(request.encode(), timeout_ms);
  std::printf("replaying %s in %s: %s on suite %s, seed %llu (%s), timeout %llu ms\n",
              options.replay_path.c_str(), options.in_process ? "this process" : "a worker process",
              file.implementation.c_str(), file.suite.c_str(),
              static_cast<unsigned long long>(file.schedule_seed), file.strategy.c_str(),
              static_cast<unsigned long long>(timeout_ms));
  if (end.outcome.kind == harness::IsolatedOutcomeKind::completed) {
    std::printf(
        "NONDETERMINISM: the schedule came back from its worker process, the file "
        "recorded %s\n",
        file.rule.c_str());
    return kExitNondeterminism;
  }
  const std::string ended = runner::isolation_rule_of(end.outcome);
  if (ended != file.rule) {
    std::printf("NONDETERMINISM: the schedule ended with %s, the file recorded %s\n", ended.c_str(),
                file.rule.c_str());
    return kExitNondeterminism;
  }
  std::printf("%s\nreproduced %s under isolation\nto debug it in this process: %s\n",
              runner::isolation_explanation(end.outcome).c_str(), file.rule.c_str(),
              debugger_line(options).c_str());
  return kExitViolation;
}

// "does not match this build" lines: exit 2 with what differs.
int does_not_match(const ReplayOptions& options, const std::string& what) {
  std::fprintf(stderr, "lockstep: %s does not match this build: %s\n", options.replay_path.c_str(),
               what.c_str());
  return kExitUsage;
}

// Why the library under replay is not the one that wrote the file, or empty when it is (or the
// file, written before version 3 or from bundled code, records no SHA-256 to tell by). Reading
// the file to hash it runs none of its code.
std::string library_change(const LoadedReplay& loaded) {
  const reports::ReplayFile& file = loaded.file;
  if (file.library_sha256.empty()) {
    return "";
  }
  const std::string& path = loaded.implementations.front()->name;  // a plugin: its absolute path
  std::string error;
  const std::optional<std::string> sha256 = reports::sha256_of_file(path, error);
  if (sha256 && *sha256 == file.library_sha256) {
    return "";
  }
  return "the library changed: SHA-256 " + file.library_sha256.substr(0, 12) +
         "... when recorded, " + (sha256 ? sha256->substr(0, 12) + "..." : error) + " now (" +
         path + ")";
}

// The implementation changed since the file was written: its schedule is run as near to the
// recorded one as the changed code allows (guided by the log where it fits), and the recorded
// rule either still breaks (exit 1) or now holds (exit 0).
int replay_changed(LoadedReplay& loaded, const ReplayOptions& options, const std::string& change) {
  const reports::ReplayFile& file = loaded.file;
  std::printf(
      "replaying %s: %s on suite %s, seed %llu (%s)\n%s: running the schedule as near to "
      "the recorded one as the changed code allows\n",
      options.replay_path.c_str(), file.implementation.c_str(), file.suite.c_str(),
      static_cast<unsigned long long>(file.schedule_seed), file.strategy.c_str(), change.c_str());
  runner::ScheduleRequest request;
  request.mode = runner::is_isolation_rule(file.rule) && file.decisions.empty()
                     ? runner::ScheduleRequest::Mode::run
                     : runner::ScheduleRequest::Mode::guided;
  request.suite = loaded.suite;
  request.schedule_seed = file.schedule_seed;
  request.strategy = file.strategy;
  request.rule = file.rule;
  request.decisions = file.decisions.to_text();
  request.readable_trace = true;
  request.verbose = options.verbose;
  const runner::TaskEnd end = loaded.worker->call(request.encode(), timeout_of(options, file));
  bool still_breaks = false;
  if (end.outcome.kind != harness::IsolatedOutcomeKind::completed) {
    std::printf("%s\n", runner::isolation_explanation(end.outcome).c_str());
    still_breaks = runner::isolation_rule_of(end.outcome) == file.rule;
  } else if (request.mode == runner::ScheduleRequest::Mode::guided) {
    const std::optional<runner::ScheduleReply> reply =
        runner::ScheduleReply::decode(end.outcome.result);
    if (!reply) {
      std::fprintf(stderr, "lockstep: the worker sent back an unreadable result\n");
      return kExitUsage;
    }
    std::fputs(reply->readable_trace.c_str(), stdout);
    std::printf("\n");
    for (const std::string& violation : reply->violations) {
      std::printf("violation: %s\n", violation.c_str());
    }
    still_breaks = reply->still_fails;
  }
  std::printf("%s %s on this schedule\n", file.rule.c_str(),
              still_breaks ? "still breaks" : "now holds");
  return still_breaks ? kExitViolation : kExitPass;
}

// A reproduce string: the schedule regenerated in a worker from the run's seed and its index
// with the run's strategy, then its decision log replayed there for the trace. Exit 1 when it
// breaks a rule (or does not come back), 0 when every rule holds.
int replay_token(const reports::ReproduceToken& token, const ReplayOptions& options) {
  runner::ImplementationResolver resolver;
  std::string error;
  // A plugin's string names its table: --impl says where the library is.
  const conformance::Implementation* implementation = resolver.resolve(
      options.implementation.empty() ? token.implementation : options.implementation, error);
  if (implementation != nullptr && !options.implementation.empty()) {
    const runner::PluginFacts* facts = resolver.facts_of(*implementation);
    if ((facts ? facts->name : implementation->name) != token.implementation) {
      implementation = nullptr;
      error = "--impl " + options.implementation + " is not '" + token.implementation + "'";
    }
  }
  if (implementation == nullptr) {
    std::fprintf(stderr, "lockstep: %s: %s\n", options.replay_path.c_str(), error.c_str());
    return kExitUsage;
  }
  const conformance::Suite* suite = conformance::find_suite(token.suite);
  if (suite == nullptr || !suite->applies(*implementation)) {
    std::fprintf(stderr, "lockstep: %s names suite '%s', which does not exist or does not apply\n",
                 options.replay_path.c_str(), token.suite.c_str());
    return kExitUsage;
  }
  const std::optional<StrategySpec> spec = parse_strategy_spec(token.strategy, error);
  if (!spec) {
    std::fprintf(stderr, "lockstep: %s: %s\n", options.replay_path.c_str(), error.c_str());
    return kExitUsage;
  }
  LoadedReplay loaded;
  loaded.implementations = {implementation};
  loaded.suite = static_cast<std::size_t>(suite - conformance::suites().data());
  loaded.file.implementation = implementation->name;
  loaded.file.suite = suite->name;
  loaded.file.schedule_seed = runner::schedule_seed(token.run_seed, token.schedule_index);
  start_worker(loaded, resolver, options.in_process);
  runner::ScheduleRequest request;
  request.mode = runner::ScheduleRequest::Mode::keep;
  request.suite = loaded.suite;
  request.schedule_seed = loaded.file.schedule_seed;
  request.strategy = spec->to_text();
  const runner::TaskEnd end =
      loaded.worker->call(request.encode(), timeout_of(options, loaded.file));
  std::printf("replaying %s: %s on suite %s, run seed %llu, schedule %llu (%s)\n",
              options.replay_path.c_str(), implementation->name.c_str(), suite->name.c_str(),
              static_cast<unsigned long long>(token.run_seed),
              static_cast<unsigned long long>(token.schedule_index), request.strategy.c_str());
  if (end.outcome.kind != harness::IsolatedOutcomeKind::completed) {
    std::printf("%s\nthe schedule ended with %s\n",
                runner::isolation_explanation(end.outcome).c_str(),
                runner::isolation_rule_of(end.outcome).c_str());
    return kExitViolation;
  }
  const std::optional<runner::ScheduleReply> kept =
      runner::ScheduleReply::decode(end.outcome.result);
  std::optional<DecisionLog> decisions;
  if (kept) {
    decisions = DecisionLog::from_text(kept->decisions, error);
  }
  if (!decisions) {
    std::fprintf(stderr, "lockstep: the worker sent back an unreadable result\n");
    return kExitUsage;
  }
  loaded.file.decisions = std::move(*decisions);
  runner::TaskEnd replay_end;
  const std::optional<runner::ScheduleReply> reply = replay_once(loaded, options, replay_end);
  if (!reply || reply->record.trace_hash != kept->record.trace_hash) {
    std::printf("NONDETERMINISM: the schedule's own decision log gave another schedule\n");
    return kExitNondeterminism;
  }
  std::printf("fault plan: %s\n\n", reply->fault_plan.c_str());
  std::fputs(reply->readable_trace.c_str(), stdout);
  std::printf("\n");
  for (const std::string& violation : reply->violations) {
    std::printf("violation: %s\n", violation.c_str());
  }
  if (!options.chrome_trace_path.empty()) {
    if (!reports::write_file_atomically(options.chrome_trace_path, reply->chrome_trace, error)) {
      std::fprintf(stderr, "lockstep: %s\n", error.c_str());
      return kExitUsage;
    }
    std::printf("trace written to %s (open it in Perfetto or chrome://tracing)\n",
                options.chrome_trace_path.c_str());
  }
  if (!reply->record.failed()) {
    std::printf("every rule holds on this schedule (trace hash %s)\n",
                hex64(reply->record.trace_hash).c_str());
    return kExitPass;
  }
  std::printf("broken: %s (trace hash %s)\n", reply->explanation.c_str(),
              hex64(reply->record.trace_hash).c_str());
  return kExitViolation;
}

}  // namespace

int replay_command(const ReplayOptions& options) {
  std::error_code status;
  if (!std::filesystem::exists(options.replay_path, status)) {
    std::string token_error;
    if (const std::optional<reports::ReproduceToken> token =
            reports::parse_reproduce_token(options.replay_path, token_error)) {
      return replay_token(*token, options);
    }
  }
  runner::ImplementationResolver resolver;
  std::optional<LoadedReplay> loaded = load(options.replay_path, options.implementation, resolver);
  if (!loaded) {
    return kExitUsage;
  }
  start_worker(*loaded, resolver, options.in_process);
  const reports::ReplayFile& file = loaded->file;
  if (const std::string change = library_change(*loaded); !change.empty()) {
    return replay_changed(*loaded, options, change);
  }
  if (runner::is_isolation_rule(file.rule)) {
    return replay_isolated(*loaded, options);
  }
  runner::TaskEnd end;
  const std::optional<runner::ScheduleReply> reply = replay_once(*loaded, options, end);
  std::printf("replaying %s: %s on suite %s, seed %llu (%s)\n", options.replay_path.c_str(),
              file.implementation.c_str(), file.suite.c_str(),
              static_cast<unsigned long long>(file.schedule_seed), file.strategy.c_str());
  if (!reply) {
    std::printf(
        "NONDETERMINISM: the schedule did not come back from its worker process (%s); "
        "the file recorded %s\n",
        end.outcome.kind == harness::IsolatedOutcomeKind::completed
            ? "an unreadable reply"
            : runner::isolation_rule_of(end.outcome).c_str(),
        file.rule.c_str());
    return kExitNondeterminism;
  }
  std::printf("fault plan: %s\n\n", file.fault_plan.c_str());
  std::fputs(reply->readable_trace.c_str(), stdout);
  std::printf("\n");
  for (const std::string& violation : reply->violations) {
    std::printf("violation: %s\n", violation.c_str());
  }
  std::fflush(stdout);
  if (!options.chrome_trace_path.empty()) {
    std::string error;
    if (!reports::write_file_atomically(options.chrome_trace_path, reply->chrome_trace, error)) {
      std::fprintf(stderr, "lockstep: %s\n", error.c_str());
      return kExitUsage;
    }
    std::printf("trace written to %s (open it in Perfetto or chrome://tracing)\n",
                options.chrome_trace_path.c_str());
  }
  if (reply->record.abnormal_outcome == "replay-diverged") {
    return does_not_match(
        options, "its decision log does not fit the schedule (" + reply->explanation + ")");
  }
  if (reply->fault_plan != file.fault_plan) {
    return does_not_match(options, "its fault plan '" + file.fault_plan + "' is not '" +
                                       reply->fault_plan + "', the one its seed draws here");
  }
  std::string error;
  const std::optional<DecisionLog> consumed = DecisionLog::from_text(reply->decisions, error);
  if (consumed && consumed->size() != file.decisions.size()) {
    return does_not_match(options, "the schedule used " + std::to_string(consumed->size()) +
                                       " of its " + std::to_string(file.decisions.size()) +
                                       " decisions");
  }
  if (reply->record.trace_hash == file.trace_hash) {
    std::printf("reproduced %s with the same trace hash %s\n", file.rule.c_str(),
                hex64(file.trace_hash).c_str());
    return kExitViolation;
  }
  // Another hash from the same decisions: a second run tells an unstable build (or
  // implementation) from a file that another build recorded.
  runner::TaskEnd again_end;
  const std::optional<runner::ScheduleReply> again = replay_once(*loaded, options, again_end);
  if (!again || again->record.trace_hash != reply->record.trace_hash) {
    std::printf(
        "NONDETERMINISM: replayed twice, the schedule gave two different trace hashes "
        "(%s, then %s)\n",
        hex64(reply->record.trace_hash).c_str(),
        again ? hex64(again->record.trace_hash).c_str() : "no result");
    return kExitNondeterminism;
  }
  std::string what = "its trace hash " + hex64(file.trace_hash) + " is not " +
                     hex64(reply->record.trace_hash) + ", which this build gives every time";
  what += file.build != reports::build_id()
              ? " (recorded by build '" + file.build + "', this is '" + reports::build_id() + "')"
              : " (same build: the implementation changed, or the file was edited)";
  return does_not_match(options, what);
}

int shrink_command(const ShrinkOptions& options) {
  runner::ImplementationResolver resolver;
  std::optional<LoadedReplay> loaded = load(options.replay_path, "", resolver);
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
  // Where the result goes: -o FILE, or into -o DIR under the input's name, or beside the input.
  std::filesystem::path output = options.output_path;
  std::string input_stem = std::filesystem::path(options.replay_path).filename().string();
  if (input_stem.size() > 7 && input_stem.ends_with(".replay")) {
    input_stem.resize(input_stem.size() - 7);
  }
  std::error_code status;
  if (output.empty()) {
    output =
        std::filesystem::path(options.replay_path).parent_path() / (input_stem + ".shrunk.replay");
  } else if (std::filesystem::is_directory(output, status)) {
    output /= input_stem + ".shrunk.replay";
  } else if (!output.parent_path().empty() &&
             !std::filesystem::is_directory(output.parent_path(), status)) {
    std::fprintf(stderr, "lockstep: -o %s: the directory %s does not exist\n",
                 options.output_path.c_str(), output.parent_path().c_str());
    return kExitUsage;
  }
  start_worker(*loaded, resolver);
  const runner::ShrinkSubject subject{0, loaded->suite, file.schedule_seed, file.rule};
  const std::uint64_t timeout_ms = runner::schedule_timeout_ms(file.timeout_ms);
  std::string error;
  const std::optional<runner::ShrunkReplay> shrunk =
      runner::shrink_replay(*loaded->worker, subject, file, options.max_runs,
                            /*keep_chrome_trace=*/false, timeout_ms, error);
  if (!shrunk) {
    std::fprintf(stderr, "lockstep: %s: %s\n", options.replay_path.c_str(), error.c_str());
    return kExitNondeterminism;
  }
  // The original's step count, for the comparison below (in a worker as well: the file may
  // come from anywhere).
  const std::optional<runner::IsolatedRerun> original = runner::rerun_isolated(
      *loaded->worker, subject, file.decisions, /*keep_chrome_trace=*/false, timeout_ms, error);
  if (!reports::write_replay_file(shrunk->replay, output.string(), error)) {
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
