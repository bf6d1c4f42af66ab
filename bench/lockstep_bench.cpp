// lockstep-bench: the one bench command. Prints a table per section and, with --json FILE,
// writes every figure as JSON. CPU time (not wall-clock) throughout; run it on an idle machine.
//
//   lockstep-bench [--section NAME]... [--json FILE] [--schedules N] [--repetitions R]
//                  [--fibers N] [--suite NAME]... [--quick]
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <fstream>
#include <string>
#include <vector>

#include "bench/bench_sections.h"

namespace {

using lockstep::bench::BenchReport;
using lockstep::bench::BenchSettings;

struct Section {
  const char* name;
  void (*run)(const BenchSettings&, BenchReport&);
};

// In the order they run. Sections measured elsewhere in the project (the real-host stress
// comparison, the bug-finding table) are added here, one line each.
const Section kSections[] = {
    {"scheduler", &lockstep::bench::run_scheduler_section},
    {"suites", &lockstep::bench::run_suites_section},
    {"growth", &lockstep::bench::run_growth_section},
    {"memory", &lockstep::bench::run_memory_section},
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lockstep-bench: the simulator's costs, as a table and JSON"};
  std::vector<std::string> selected;
  std::string json_path;
  BenchSettings settings;
  bool quick = false;
  std::string names;
  for (const Section& section : kSections) {
    names += (names.empty() ? "" : ", ") + std::string(section.name);
  }
  app.add_option("--section", selected, "run only these sections (" + names + ")");
  app.add_option("--json", json_path, "write every figure to FILE as JSON");
  app.add_option("--schedules", settings.suite_schedules,
                 "schedules per suite and repetition (default 5000)");
  app.add_option("--repetitions", settings.repetitions, "repetitions; medians over them (5)")
      ->check(CLI::Range(1u, 1000u));
  app.add_option("--fibers", settings.memory_fibers,
                 "simulated threads alive at once in the memory section (100000)");
  app.add_option("--suite", settings.suites,
                 "the suites section measures only these suites (default: all)")
      ->check(CLI::IsMember(lockstep::bench::bench_suite_names()));
  app.add_flag("--quick", quick, "a tenth of the work, for a smoke run");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help is exit 0; a bad argument is 2, as for an unknown section.
    return app.exit(error) == 0 ? 0 : 2;
  }
  for (const std::string& name : selected) {
    bool known = false;
    for (const Section& section : kSections) {
      known = known || name == section.name;
    }
    if (!known) {
      std::fprintf(stderr, "lockstep-bench: unknown section '%s' (expected one of %s)\n",
                   name.c_str(), names.c_str());
      return 2;
    }
  }
  if (quick) {
    settings.suite_schedules = std::max<std::uint64_t>(settings.suite_schedules / 10, 1);
    settings.kernel_iterations /= 10;
    settings.repetitions = std::min<std::uint32_t>(settings.repetitions, 3);
  }
  BenchReport report;
  try {
    for (const Section& section : kSections) {
      bool wanted = selected.empty();
      for (const std::string& name : selected) {
        wanted = wanted || name == section.name;
      }
      if (wanted) {
        section.run(settings, report);
        report.print_section(stdout);
      }
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "lockstep-bench: %s\n", error.what());
    return 1;
  }
  if (!json_path.empty()) {
    std::ofstream out(json_path);
    out << report.to_json();
    if (!out) {
      std::fprintf(stderr, "lockstep-bench: cannot write '%s'\n", json_path.c_str());
      return 2;
    }
  }
  return 0;
}
