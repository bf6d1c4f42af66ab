// The `lockstep` command (DESIGN.md's command line): the subcommands and their options, parsed
// with CLI11, each handed to the file that carries it out. Exit codes: runner/cli/exit_codes.h
// (listed by --help, with every option's default). Every error is one line on stderr.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "reports/replay_file.h"
#include "reports/run_report.h"
#include "runner/cli/catalogue_commands.h"
#include "runner/cli/command_words.h"
#include "runner/cli/exit_codes.h"
#include "runner/cli/invocation.h"
#include "runner/cli/merge_command.h"
#include "runner/cli/replay_command.h"
#include "runner/cli/report_show_command.h"
#include "runner/cli/run_command.h"

using lockstep::cli::kExitUsage;

int main(int argc, char** argv) {
  lockstep::cli::set_invocation(lockstep::cli::invocation_words(argc > 0 ? argv[0] : nullptr));
  CLI::App app{
      "lockstep: deterministic simulation and conformance harness for the WWSAPI async "
      "model"};
  app.require_subcommand(1);
  app.footer(lockstep::cli::kExitCodesHelp);
  app.set_version_flag("--version", "lockstep " + lockstep::reports::lockstep_version() +
                                        " (build " + lockstep::reports::build_id() + ")");

  std::string list_format = "text";
  std::vector<std::string> listed_plugins;
  CLI::App* list = app.add_subcommand("list", "implementations, suites and rules");
  list->add_option("--format", list_format, "text or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  list->add_option("--impl", listed_plugins, "a plugin library: show what it provides");

  std::string explained_rule;
  CLI::App* explain = app.add_subcommand("explain", "a rule's text and source");
  explain->add_option("RULE", explained_rule, "rule id, e.g. AM3")->required();

  lockstep::runner::RunOptions run_options;
  lockstep::cli::RunSettings run_settings;
  CLI::App* run = app.add_subcommand("run", "run the suites over implementations");
  run->footer(lockstep::cli::kExitCodesHelp);
  run->add_option("--impl", run_settings.names,
                  "a bundled name, a pattern over bundled names ('archetype*', "
                  "'*:-reference': ':' separates patterns, a leading '-' excludes) or a plugin "
                  "library's path; repeatable; default: every bundled implementation");
  run->add_option("--suite", run_settings.suites,
                  "suite name or pattern (as --impl); default: every suite that applies");
  run->add_option("--rule", run_settings.rules,
                  "count only the rules (or outcomes such as deadlock) the patterns select, "
                  "e.g. 'AM*:-AM10'; run only the suites that check one");
  auto* runs_option =
      run->add_option("--runs", run_settings.runs, "schedules per implementation and suite")
          ->capture_default_str()
          ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100'000'000}));
  auto* time_option = run->add_option("--time", run_settings.time_seconds,
                                      "run schedules until SEC wall-clock seconds have passed")
                          ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{7 * 24 * 3600}));
  run->add_option("--seed", run_settings.seed_text, "the run's root seed (0 to 2^64-1)")
      ->capture_default_str();
  run->add_option("--strategy", run_settings.strategy_text, "random | pct | pct:DEPTH")
      ->capture_default_str();
  auto* schedule_option =
      run->add_option("--schedule", run_settings.schedule, "re-run only schedule I of the run");
  schedule_option->excludes(runs_option);
  schedule_option->excludes(time_option);
  time_option->excludes(runs_option);
  auto* shard_option = run->add_option(
      "--shard", run_settings.shard_text,
      "I/N: run only schedule indices i with i % N == I - 1 (1 <= I <= N); without it, from "
      "GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS, CI_NODE_INDEX/CI_NODE_TOTAL or "
      "JOB_COMPLETION_INDEX with --shard-count");
  run->add_option("--shard-count", run_settings.shard_count,
                  "N shards, the index from the environment (JOB_COMPLETION_INDEX, ...)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{999'999'999}))
      ->excludes(shard_option);
  run->add_flag("--coverage", run_settings.show_coverage,
                "print how many schedules reached each coverage probe (always shown for one "
                "implementation)");
  run->add_flag("--require-coverage", run_settings.require_coverage,
                "exit 1 when a coverage probe of an applicable suite was reached by no schedule");
  bool isolate_flag = false;
  run->add_flag("--isolate", isolate_flag,
                "accepted for compatibility: every schedule runs in a worker process");
  run->add_option("--timeout-ms", run_options.schedule_timeout_ms,
                  "wall-clock limit of one schedule in its worker process, above which it is a "
                  "hang (default 10000)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{3'600'000}));
  run->add_option("--max-hangs", run_options.max_hangs,
                  "stop running an implementation after N hangs, the rest reported as not run "
                  "(default " +
                      std::to_string(lockstep::runner::kDefaultMaxHangs) + "; 0: never stop)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1'000'000}));
  run->add_option("--jobs", run_options.jobs, "worker processes (the report is the same for any)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 256u));
  run->add_option("--report", run_options.report_directory,
                  "write DIR/report.json, junit.xml, index.html, failures/ and known-failures/");
  run->add_option("--shrink-runs", run_options.shrink_runs,
                  "with --report: shrink the first failure of each rule with at most N edited "
                  "schedules (0: no shrinking)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1'000'000}));
  run->add_option("--property-cases", run_options.property_cases,
                  "cases of each stateful property (RapidCheck, shrunk on failure) checked on each "
                  "implementation after its schedules (0: no properties)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1'000'000}));
  auto* fail_fast = run->add_flag("--fail-fast", run_settings.fail_fast,
                                  "stop after the first unexpected failure (--max-failures 1)");
  run->add_option("--max-failures", run_settings.max_failures,
                  "stop after N schedules failed unexpectedly (0: never); under the self-check "
                  "verdict a mutant's expected failures do not count")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{100'000'000}))
      ->excludes(fail_fast);
  run->add_flag("--plain-verdict", run_settings.plain_verdict,
                "exit 1 when any rule broke, the bundled mutants' included (default: the "
                "self-check verdict, in which a mutant caught on its declared rule is expected)");
  run->add_flag("--rerun-failed", run_settings.rerun_failed,
                "with --report: first re-run the failures kept in DIR/known-failures by "
                "earlier runs");
  run->add_option("--annotations", run_settings.annotations,
                  "github: ::error lines for unexpected failures on stdout; sarif: "
                  "DIR/lockstep.sarif (with --report)")
      ->check(CLI::IsMember({"github", "sarif"}));

  lockstep::cli::ReplayOptions replay_options;
  CLI::App* replay = app.add_subcommand("replay", "re-execute a failing schedule");
  replay->footer(lockstep::cli::kExitCodesHelp);
  replay
      ->add_option("FILE", replay_options.replay_path,
                   "a .replay file, or a reproduce string IMPLEMENTATION:SUITE:SEED:SCHEDULE")
      ->required();
  replay->add_option("--trace", replay_options.chrome_trace_path, "write a Chrome trace here");
  replay->add_flag("--verbose", replay_options.verbose, "show every scheduler step");
  replay
      ->add_option("--timeout-ms", replay_options.schedule_timeout_ms,
                   "wall-clock limit of the replayed schedule in its worker process (default: "
                   "the one the file records, else 10000)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{3'600'000}));
  replay->add_option("--impl", replay_options.implementation,
                     "replay on this plugin library (a moved or rebuilt one)");
  replay->add_flag("--in-process", replay_options.in_process,
                   "run the schedule in this process, not in a worker, for a debugger (a crash "
                   "of the implementation ends lockstep too)");

  lockstep::cli::ShrinkOptions shrink_options;
  CLI::App* shrink = app.add_subcommand("shrink", "minimise a failing schedule");
  shrink->add_option("FILE", shrink_options.replay_path, "a .replay file")->required();
  shrink->add_option("-o", shrink_options.output_path,
                     "where to write the shrunk replay (default: FILE.shrunk.replay)");
  shrink->add_option("--runs", shrink_options.max_runs, "edited schedules to try at most")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100'000'000}));

  lockstep::cli::MergeOptions merge_options;
  std::string shown_directory;
  CLI::App* report = app.add_subcommand("report", "work with report directories");
  report->require_subcommand(1);
  CLI::App* merge = report->add_subcommand("merge", "merge the report directories of shards");
  merge->add_option("DIR", merge_options.shard_directories, "shard report directories")->required();
  merge->add_option("-o", merge_options.output_directory, "the merged report directory")
      ->required();
  CLI::App* show = report->add_subcommand(
      "show", "print a report's failures (rule, implementation, schedule, reproduce command)");
  show->add_option("DIR", shown_directory, "a report directory")->required();

  // CLI11 would call an unknown word "a subcommand is required"; name it instead.
  if (const std::string unknown = lockstep::cli::unknown_subcommand(app, argc, argv);
      !unknown.empty()) {
    std::fprintf(stderr, "lockstep: %s (see lockstep --help)\n", unknown.c_str());
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::ParseError& error) {
    std::fprintf(stderr, "lockstep: %s (see lockstep --help)\n", error.what());
    return kExitUsage;
  }

  if (list->parsed()) {
    return listed_plugins.empty() ? lockstep::cli::list_command(list_format)
                                  : lockstep::cli::list_plugins(listed_plugins);
  }
  if (explain->parsed()) {
    return lockstep::cli::explain_command(explained_rule);
  }
  if (replay->parsed()) {
    return lockstep::cli::replay_command(replay_options);
  }
  if (shrink->parsed()) {
    return lockstep::cli::shrink_command(shrink_options);
  }
  if (merge->parsed()) {
    return lockstep::cli::merge_command(merge_options);
  }
  if (show->parsed()) {
    return lockstep::cli::report_show_command(shown_directory);
  }
  run_settings.time_given = time_option->count() > 0;
  run_settings.schedule_given = schedule_option->count() > 0;
  lockstep::runner::ImplementationResolver resolver;  // keeps loaded plugins alive for the run
  return lockstep::cli::run_command(run_options, run_settings, resolver);
}
