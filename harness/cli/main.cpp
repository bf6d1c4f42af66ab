// The `lockstep` command: `list` and `run` (DESIGN.md's command line; exit 0 when every rule
// holds, 1 when a violation was found, 2 on bad usage or input). Errors are one line.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "conformance/catalogue/rule_catalogue.h"
#include "conformance/scenarios/echo_scenario.h"
#include "harness/cli/run_command.h"
#include "reports/run_report.h"

namespace {

constexpr int kExitPass = 0;
constexpr int kExitViolation = 1;
constexpr int kExitUsage = 2;

int list_command() {
  std::printf("implementations:\n");
  for (const auto& implementation : lockstep::conformance::bundled_echo_implementations()) {
    std::printf("  %-34s %-9s %-5s %s\n", implementation.name.c_str(),
                implementation.breaks.empty() ? "reference" : "mutant",
                implementation.breaks.empty() ? "-" : implementation.breaks.c_str(),
                implementation.description.c_str());
  }
  std::printf("suites:\n  %-34s %s\n", "echo",
              "connect, echo calls with generated caller behaviour, injected aborts and faults");
  std::printf("rules:\n");
  for (const auto& rule : lockstep::conformance::rule_catalogue()) {
    std::printf("  %-5s %-26s %.*s\n", std::string(rule.id).c_str(),
                std::string(rule.family).c_str(), static_cast<int>(rule.title.size()),
                rule.title.data());
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
  std::printf("  %-34s %-4s %6llu schedules, %6llu failed%s%s\n", entry.name.c_str(),
              entry.passed() ? "PASS" : "FAIL",
              static_cast<unsigned long long>(entry.schedules),
              static_cast<unsigned long long>(entry.failed_schedules),
              rules.empty() ? "" : "  violations: ", rules.c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lockstep: deterministic simulation and conformance harness for the WWSAPI async "
               "model"};
  app.require_subcommand(1);
  CLI::App* list = app.add_subcommand("list", "implementations, suites and rules");
  std::string explained_rule;
  CLI::App* explain = app.add_subcommand("explain", "a rule's text and source");
  explain->add_option("RULE", explained_rule, "rule id, e.g. AM3")->required();

  lockstep::cli::RunOptions options;
  std::string strategy_text = "random";
  std::string report_directory;
  std::uint64_t only_schedule = 0;
  CLI::App* run = app.add_subcommand("run", "run the suites over implementations");
  run->add_option("--impl", options.implementations, "implementation name (repeatable)");
  auto* runs_option = run->add_option("--runs", options.runs, "schedules per implementation")
                          ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100'000'000}));
  run->add_option("--seed", options.seed, "the run's root seed");
  run->add_option("--strategy", strategy_text, "random | pct | pct:DEPTH");
  auto* schedule_option =
      run->add_option("--schedule", only_schedule, "re-run only schedule I of the run");
  schedule_option->excludes(runs_option);
  run->add_option("--report", report_directory, "write DIR/report.json");

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
    return list_command();
  }
  if (explain->parsed()) {
    return explain_command(explained_rule);
  }

  std::string error;
  const auto strategy = lockstep::parse_strategy_spec(strategy_text, error);
  if (!strategy) {
    std::fprintf(stderr, "lockstep: %s\n", error.c_str());
    return kExitUsage;
  }
  options.strategy = *strategy;
  if (schedule_option->count() > 0) {
    options.only_schedule = only_schedule;
  }
  for (const std::string& name : options.implementations) {
    if (lockstep::conformance::find_echo_implementation(name) == nullptr) {
      std::fprintf(stderr, "lockstep: unknown implementation '%s' (see lockstep list)\n",
                   name.c_str());
      return kExitUsage;
    }
  }

  std::printf("lockstep run: seed %llu, strategy %s, %llu schedule(s) per implementation\n",
              static_cast<unsigned long long>(options.seed), options.strategy.to_text().c_str(),
              static_cast<unsigned long long>(options.only_schedule ? 1 : options.runs));
  const lockstep::reports::RunReport report =
      lockstep::cli::run_schedules(options, print_implementation_line);

  std::printf("run digest %016llx\n", static_cast<unsigned long long>(report.run_digest));
  for (const auto& entry : report.implementations) {
    for (const auto& failure : entry.failures) {
      std::printf("  %s: %s\n    reproduce: %s\n", entry.name.c_str(),
                  failure.explanation.c_str(), failure.reproduce.c_str());
      break;  // the first failure of each implementation; the report has more
    }
  }
  if (!report_directory.empty()) {
    if (!lockstep::reports::write_report(report, report_directory, error)) {
      std::fprintf(stderr, "lockstep: %s\n", error.c_str());
      return kExitUsage;
    }
    std::printf("report written to %s/report.json\n", report_directory.c_str());
  }
  return report.all_passed() ? kExitPass : kExitViolation;
}
