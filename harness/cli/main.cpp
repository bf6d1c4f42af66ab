// The `lockstep` command (DESIGN.md's command line). Exit codes: 0 every rule holds, 1 a
// violation was found (or, for replay, reproduced), 2 bad usage or input, 3 nondeterminism.
// Every error is one line on stderr.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "conformance/catalogue/rule_catalogue.h"
#include "conformance/registry/suites.h"
#include "harness/cli/implementation_resolver.h"
#include "harness/cli/replay_command.h"
#include "harness/cli/run_command.h"
#include "reports/run_report.h"

namespace {

using lockstep::cli::kExitPass;
using lockstep::cli::kExitUsage;
using lockstep::cli::kExitViolation;

// `lockstep list --impl PATH`: what a plugin provides and which suites apply to it.
int list_plugins(const std::vector<std::string>& arguments) {
  lockstep::cli::ImplementationResolver resolver;
  for (const std::string& argument : arguments) {
    std::string error;
    const auto* implementation = resolver.resolve(argument, error);
    if (implementation == nullptr) {
      std::fprintf(stderr, "lockstep: %s\n", error.c_str());
      return kExitUsage;
    }
    std::printf("%s: %s\n", implementation->name.c_str(), implementation->description.c_str());
    const lockstep_implementation& table = *implementation->table;
    std::printf("  channel:         %s\n", table.channel != nullptr ? "provided" : "not provided");
    std::printf("  WsAsyncExecute:  %s\n",
                table.async_execute != nullptr ? "provided" : "not provided");
    std::printf("  service host:    %s\n",
                table.service_host != nullptr ? "provided" : "not provided");
    std::printf("  suites:");
    bool any = false;
    for (const auto& suite : lockstep::conformance::suites()) {
      if (suite.applies(*implementation)) {
        std::printf(" %s", suite.name.c_str());
        any = true;
      }
    }
    std::printf("%s\n", any ? "" : " none apply");
  }
  return kExitPass;
}

int list_command(const std::string& format) {
  const auto& implementations = lockstep::conformance::bundled_implementations();
  const auto& suites = lockstep::conformance::suites();
  const auto& rules = lockstep::conformance::rule_catalogue();
  if (format == "json") {
    nlohmann::ordered_json document;
    document["implementations"] = nlohmann::ordered_json::array();
    for (const auto& implementation : implementations) {
      nlohmann::ordered_json entry = {{"name", implementation.name},
                                      {"kind", implementation.kind}};
      if (!implementation.breaks.empty()) {
        entry["breaks"] = implementation.breaks;
        entry["bug_class"] = implementation.bug_class;
      }
      entry["description"] = implementation.description;
      document["implementations"].push_back(entry);
    }
    document["suites"] = nlohmann::ordered_json::array();
    for (const auto& suite : suites) {
      document["suites"].push_back({{"name", suite.name}, {"description", suite.description}});
    }
    document["rules"] = nlohmann::ordered_json::array();
    for (const auto& rule : rules) {
      document["rules"].push_back({{"id", rule.id}, {"family", rule.family},
                                   {"title", rule.title}, {"source", rule.source}});
    }
    std::printf("%s\n", document.dump(2).c_str());
    return kExitPass;
  }
  std::printf("implementations:\n");
  for (const auto& implementation : implementations) {
    std::printf("  %-34s %-9s %-5s %s\n", implementation.name.c_str(), implementation.kind.c_str(),
                implementation.breaks.empty() ? "-" : implementation.breaks.c_str(),
                implementation.description.c_str());
  }
  std::printf("suites:\n");
  for (const auto& suite : suites) {
    std::printf("  %-34s %s\n", suite.name.c_str(), suite.description.c_str());
  }
  std::printf("rules:\n");
  for (const auto& rule : rules) {
    std::printf("  %-5s %-26s %s\n", std::string(rule.id).c_str(),
                std::string(rule.family).c_str(), std::string(rule.title).c_str());
  }
  return kExitPass;
}

int explain_command(const std::string& id) {
  const lockstep::conformance::Rule* rule = lockstep::conformance::find_rule(id);
  if (rule == nullptr) {
    std::fprintf(stderr, "lockstep: unknown rule '%s' (see lockstep list)\n", id.c_str());
    return kExitUsage;
  }
  std::printf("%s (%s): %s\n\n%s\n\nSource: %s\n", std::string(rule->id).c_str(),
              std::string(rule->family).c_str(), std::string(rule->title).c_str(),
              std::string(rule->text).c_str(), std::string(rule->source).c_str());
  return kExitPass;
}

void print_implementation_line(const lockstep::reports::ImplementationReport& entry) {
  std::string rules;
  for (const auto& [rule, count] : entry.violations_by_rule) {
    rules += (rules.empty() ? "" : " ") + rule + "x" + std::to_string(count);
  }
  std::string expectation;
  if (!entry.expected_rule.empty()) {
    expectation = entry.caught_as_declared() ? "  (mutant caught on " + entry.expected_rule + ")"
                                             : "  (MISSED: declared " + entry.expected_rule + ")";
  }
  std::printf("  %-34s %-4s %6llu schedules, %6llu failed%s%s%s\n", entry.name.c_str(),
              entry.schedules == 0 ? "n/a" : (entry.passed() ? "PASS" : "FAIL"),
              static_cast<unsigned long long>(entry.schedules),
              static_cast<unsigned long long>(entry.failed_schedules),
              rules.empty() ? "" : "  violations: ", rules.c_str(), expectation.c_str());
  std::fflush(stdout);
}

int run_command(lockstep::cli::RunOptions& options, const std::vector<std::string>& names,
                const std::string& strategy_text, bool schedule_given, std::uint64_t schedule,
                lockstep::cli::ImplementationResolver& resolver) {
  std::string error;
  const auto strategy = lockstep::parse_strategy_spec(strategy_text, error);
  if (!strategy) {
    std::fprintf(stderr, "lockstep: %s\n", error.c_str());
    return kExitUsage;
  }
  options.strategy = *strategy;
  if (schedule_given) {
    options.only_schedule = schedule;
  }
  for (const std::string& suite : options.suites) {
    if (lockstep::conformance::find_suite(suite) == nullptr) {
      std::fprintf(stderr, "lockstep: unknown suite '%s' (see lockstep list)\n", suite.c_str());
      return kExitUsage;
    }
  }
  if (names.empty()) {
    for (const auto& implementation : lockstep::conformance::bundled_implementations()) {
      options.implementations.push_back(&implementation);
    }
  }
  for (const std::string& name : names) {
    const auto* implementation = resolver.resolve(name, error);
    if (implementation == nullptr) {
      std::fprintf(stderr, "lockstep: %s\n", error.c_str());
      return kExitUsage;
    }
    options.implementations.push_back(implementation);
  }

  std::printf("lockstep run: seed %llu, strategy %s, %llu schedule(s) per implementation and "
              "suite\n",
              static_cast<unsigned long long>(options.seed), options.strategy.to_text().c_str(),
              static_cast<unsigned long long>(options.only_schedule ? 1 : options.runs));
  const auto report = lockstep::cli::run_schedules(options, print_implementation_line, error);
  if (!report) {
    std::fprintf(stderr, "lockstep: %s\n", error.c_str());
    return kExitUsage;
  }
  std::printf("run digest %016llx\n", static_cast<unsigned long long>(report->run_digest));
  for (const auto& entry : report->implementations) {
    if (!entry.failures.empty()) {
      std::printf("  %s: %s\n    reproduce: %s\n", entry.name.c_str(),
                  entry.failures.front().explanation.c_str(),
                  entry.failures.front().reproduce.c_str());
    }
  }
  if (!options.report_directory.empty()) {
    if (!lockstep::reports::write_report(*report, options.report_directory, error)) {
      std::fprintf(stderr, "lockstep: %s\n", error.c_str());
      return kExitUsage;
    }
    std::printf("report written to %s/report.json\n", options.report_directory.c_str());
  }
  return report->all_passed() ? kExitPass : kExitViolation;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lockstep: deterministic simulation and conformance harness for the WWSAPI async "
               "model"};
  app.require_subcommand(1);

  std::string list_format = "text";
  std::vector<std::string> listed_plugins;
  CLI::App* list = app.add_subcommand("list", "implementations, suites and rules");
  list->add_option("--format", list_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  list->add_option("--impl", listed_plugins, "a plugin library: show what it provides");

  std::string explained_rule;
  CLI::App* explain = app.add_subcommand("explain", "a rule's text and source");
  explain->add_option("RULE", explained_rule, "rule id, e.g. AM3")->required();

  lockstep::cli::RunOptions run_options;
  std::vector<std::string> implementation_names;
  std::string strategy_text = "random";
  std::uint64_t only_schedule = 0;
  CLI::App* run = app.add_subcommand("run", "run the suites over implementations");
  run->add_option("--impl", implementation_names, "implementation name (repeatable)");
  run->add_option("--suite", run_options.suites, "suite name (repeatable)");
  auto* runs_option = run->add_option("--runs", run_options.runs, "schedules per suite")
                          ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100'000'000}));
  run->add_option("--seed", run_options.seed, "the run's root seed");
  run->add_option("--strategy", strategy_text, "random | pct | pct:DEPTH");
  auto* schedule_option =
      run->add_option("--schedule", only_schedule, "re-run only schedule I of the run");
  schedule_option->excludes(runs_option);
  run->add_option("--report", run_options.report_directory,
                  "write DIR/report.json and DIR/failures/");

  lockstep::cli::ReplayOptions replay_options;
  CLI::App* replay = app.add_subcommand("replay", "re-execute a failing schedule");
  replay->add_option("FILE", replay_options.replay_path, "a .replay file")->required();
  replay->add_option("--trace", replay_options.chrome_trace_path, "write a Chrome trace here");
  replay->add_flag("--verbose", replay_options.verbose, "show every scheduler step");

  lockstep::cli::ShrinkOptions shrink_options;
  CLI::App* shrink = app.add_subcommand("shrink", "minimise a failing schedule");
  shrink->add_option("FILE", shrink_options.replay_path, "a .replay file")->required();
  shrink->add_option("-o", shrink_options.output_path, "where to write the shrunk replay");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    std::fprintf(stderr, "lockstep: %s (see lockstep --help)\n", error.what());
    return kExitUsage;
  }

  if (list->parsed()) {
    return listed_plugins.empty() ? list_command(list_format) : list_plugins(listed_plugins);
  }
  if (explain->parsed()) {
    return explain_command(explained_rule);
  }
  if (replay->parsed()) {
    return lockstep::cli::replay_command(replay_options);
  }
  if (shrink->parsed()) {
    return lockstep::cli::shrink_command(shrink_options);
  }
  lockstep::cli::ImplementationResolver resolver;  // keeps loaded plugins alive for the run
  return run_command(run_options, implementation_names, strategy_text,
                     schedule_option->count() > 0, only_schedule, resolver);
}
