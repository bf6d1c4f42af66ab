// bug_finding: the bug-finding benchmark as a program. Prints the table and writes the JSON.
//   bug_finding [--quick] [--seeds N] [--budget-cpu-s S] [--max-schedules N]
//               [--real-host-attempts N] [--real-host-wall-s S] [--strategy X]... [--mutant M]...
//               [--no-simulated] [--no-real-host] [--json FILE]
// Exit 0 after printing; 2 on bad usage (one line).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "bench/bug_finding.h"

int main(int argc, char** argv) {
  using lockstep::bench::BugFindingOptions;
  CLI::App app{
      "bug-finding benchmark: simulated suites (random, PCT) against a real-host stress "
      "loop, per bundled mutant"};
  bool quick = false;
  app.add_flag("--quick", quick, "tiny budgets for a CI smoke run (2 seeds, 20 ms per attempt)");
  BugFindingOptions defaults;
  std::uint32_t seeds = 0;
  double budget = 0;
  std::uint64_t max_schedules = 0;
  std::uint32_t real_host_attempts = 0;
  double real_host_wall = 0;
  std::vector<std::string> strategies;
  std::vector<std::string> mutants;
  bool no_simulated = false;
  bool no_real_host = false;
  std::string json_path = "bug_finding.json";
  app.add_option("--seeds", seeds, "simulated attempts per mutant and strategy (default 20)");
  app.add_option("--budget-cpu-s", budget, "CPU seconds per attempt (default 0.5)");
  app.add_option("--max-schedules", max_schedules, "schedules per simulated attempt at most");
  app.add_option("--real-host-attempts", real_host_attempts, "real-host attempts per mutant");
  app.add_option("--real-host-wall-s", real_host_wall, "wall seconds per real-host attempt");
  app.add_option("--strategy", strategies, "random or pct:D (default: random pct:2 pct:3)");
  app.add_option("--mutant", mutants, "only these bundled mutants");
  app.add_flag("--no-simulated", no_simulated, "skip the simulated suites");
  app.add_flag("--no-real-host", no_real_host, "skip the real-host stress loop");
  app.add_option("--json", json_path, "where to write the JSON (default bug_finding.json)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    std::fprintf(stderr, "bug_finding: %s\n", error.what());
    return 2;
  }
  BugFindingOptions options = quick ? BugFindingOptions::quick() : defaults;
  if (seeds > 0) {
    options.seeds = seeds;
  }
  if (budget > 0) {
    options.attempt_cpu_budget_seconds = budget;
  }
  if (max_schedules > 0) {
    options.max_schedules = max_schedules;
  }
  if (real_host_attempts > 0) {
    options.real_host_attempts = real_host_attempts;
  }
  if (real_host_wall > 0) {
    options.real_host_wall_budget_seconds = real_host_wall;
  }
  if (!strategies.empty()) {
    options.strategies = strategies;
  }
  options.mutants = mutants;
  options.simulated = !no_simulated;
  options.real_host = !no_real_host;
  try {
    const lockstep::bench::BugFindingReport report = lockstep::bench::run_bug_finding(
        options, [](const std::string& line) { std::fprintf(stderr, "  %s\n", line.c_str()); });
    lockstep::bench::print_bug_finding_section(report, stdout);
    std::ofstream file(json_path);
    file << lockstep::bench::bug_finding_json(report).dump(2) << "\n";
    if (!file) {
      std::fprintf(stderr, "bug_finding: cannot write %s\n", json_path.c_str());
      return 2;
    }
    std::printf("wrote %s\n", json_path.c_str());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "bug_finding: %s\n", error.what());
    return 2;
  }
  return 0;
}
