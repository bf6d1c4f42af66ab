// The measurement of the bug-finding benchmark: simulated attempts per mutant, strategy and
// seed, then real-host stress attempts with the same CPU budget each.
//
// A simulated attempt with seed s runs the schedules `lockstep run --seed s` would (schedule
// i has seed hash_mix(hash_mix(kHashSeed, s), i) and its strategy is seeded from that), so a
// failure found here is `lockstep run --impl M --suite S --seed s --strategy X --schedule i`.
// Each simulated attempt runs in forked children (a mutant may crash the simulator; the next
// child resumes at the next schedule). Every simulated attempt runs before any real-host one:
// fork copies one thread, and a real-host round abandoned with a stuck thread keeps it.
#include <sys/mman.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <optional>
#include <stdexcept>

#include "bench/bug_finding.h"
#include "conformance/real_host_stress/process_cpu_time.h"
#include "conformance/real_host_stress/real_host_stress.h"
#include "conformance/registry/implementations.h"
#include "conformance/registry/suites.h"
#include "harness/isolation/run_isolated.h"
#include "scheduler/hash.h"
#include "scheduler/stack_pool.h"
#include "scheduler/strategy.h"

namespace lockstep::bench {

namespace {

// As the runner derives them (runner/run_schedules.cpp), so that a failure found here
// replays with `lockstep run ... --schedule i`.
constexpr std::uint64_t kStrategySalt = 0x7374726174656779ull;  // "strategy"
// The estimate the run command hands to PCT today; PCT's own handling of it is its business.
constexpr std::uint64_t kPctEstimatedSteps = 2000;

std::uint64_t schedule_seed(std::uint64_t run_seed, std::uint64_t index) {
  return hash_mix(hash_mix(kHashSeed, run_seed), index);
}

const char* suite_of_part(const std::string& part) {
  if (part == "channel") {
    return "channel";
  }
  if (part == "async-execute") {
    return "async-execute";
  }
  if (part == "service-host") {
    return "service";
  }
  if (part == "echo-call") {
    return "echo";
  }
  if (part == "async-result" || part == "event-based" || part == "task-based") {
    return part.c_str();  // a .NET pattern part has the suite of its name
  }
  return "";
}

// What a simulated attempt's child shares with its parent, so that a crash (a mutant's
// use-after-free can take the simulator down with it) loses nothing: the parent starts a new
// child at the next schedule with the CPU still left.
struct SharedProgress {
  static constexpr std::size_t kRules = 16;
  std::uint64_t next_index = 0;
  std::uint64_t schedules = 0;
  double cpu_seconds = 0;
  bool found = false;
  std::uint32_t other_rule_count = 0;
  char other_rules[kRules][8] = {};

  void note_rule(const std::string& rule) {
    for (std::uint32_t index = 0; index < other_rule_count; ++index) {
      if (rule == other_rules[index]) {
        return;
      }
    }
    if (other_rule_count < kRules && rule.size() < sizeof(other_rules[0])) {
      std::memcpy(other_rules[other_rule_count++], rule.c_str(), rule.size() + 1);
    }
  }
};

// In the child: schedules from progress.next_index on, until the declared rule broke or the
// budget is spent. The child's CPU clock starts at zero with the fork.
void run_schedules_in_child(const conformance::Implementation& mutant,
                            const conformance::Suite& suite, const StrategySpec& spec,
                            std::uint64_t seed, const BugFindingOptions& options,
                            SharedProgress& progress) {
  StackPool stack_pool(StackPool::default_usable_bytes());
  harness::ScheduleOptions schedule_options;
  schedule_options.stack_pool = &stack_pool;
  const double cpu_base = progress.cpu_seconds;
  while (progress.next_index < options.max_schedules &&
         progress.cpu_seconds < options.attempt_cpu_budget_seconds) {
    const std::uint64_t index = progress.next_index++;
    ++progress.schedules;
    const std::uint64_t seed_of_schedule = schedule_seed(seed, index);
    const harness::ScheduleOutcome outcome = suite.run(
        mutant, seed_of_schedule,
        make_strategy(spec, hash_mix(seed_of_schedule, kStrategySalt), kPctEstimatedSteps),
        schedule_options);
    progress.cpu_seconds = cpu_base + stress::process_cpu_seconds();
    for (const harness::Violation& violation : outcome.world.violations) {
      if (violation.rule == mutant.breaks) {
        progress.found = true;
      } else {
        progress.note_rule(violation.rule);
      }
    }
    if (progress.found) {
      return;
    }
  }
}

Attempt simulated_attempt(const conformance::Implementation& mutant,
                          const conformance::Suite& suite, const StrategySpec& spec,
                          std::uint64_t seed, const BugFindingOptions& options) {
  void* mapping = mmap(nullptr, sizeof(SharedProgress), PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED) {
    throw std::runtime_error("cannot map the progress page of a simulated attempt");
  }
  auto* progress = new (mapping) SharedProgress();
  Attempt attempt;
  attempt.seed = seed;
  const double wall_start = stress::wall_seconds();
  harness::IsolationLimits limits;
  limits.wall_clock_ms = 600'000;
  while (!progress->found && progress->next_index < options.max_schedules &&
         progress->cpu_seconds < options.attempt_cpu_budget_seconds) {
    const std::uint64_t index_before = progress->next_index;
    const harness::IsolatedOutcome outcome = harness::run_isolated(
        [&] {
          run_schedules_in_child(mutant, suite, spec, seed, options, *progress);
          return std::string();
        },
        limits);
    if (outcome.kind != harness::IsolatedOutcomeKind::completed) {
      ++attempt.crashes;
      attempt.crash = outcome.describe();
      if (progress->next_index == index_before) {
        break;  // the child died before running a schedule: nothing would change next time
      }
    }
  }
  attempt.found = progress->found;
  attempt.schedules = progress->schedules;
  attempt.cpu_seconds = progress->cpu_seconds;
  attempt.wall_seconds = stress::wall_seconds() - wall_start;
  for (std::uint32_t index = 0; index < progress->other_rule_count; ++index) {
    attempt.other_rules.emplace_back(progress->other_rules[index]);
  }
  munmap(mapping, sizeof(SharedProgress));
  return attempt;
}

Attempt real_host_attempt(const conformance::Implementation& mutant, std::uint64_t seed,
                          const BugFindingOptions& options) {
  stress::StressTarget target;
  target.name = mutant.name;
  target.table = mutant.table;
  target.archetype_defects = mutant.archetype_defects;
  stress::StressConfig config;
  config.seed = seed;
  config.cpu_budget_seconds = options.attempt_cpu_budget_seconds;
  config.wall_budget_seconds = options.real_host_wall_budget_seconds;
  config.stop_at_rule = mutant.breaks;
  config.parts = {mutant.defective_part};  // the part with the defect, as the suite is chosen
  config.round.stuck_after_quiet_seconds = options.real_host_stuck_after_quiet_seconds;
  const stress::StressResult result = stress::run_stress(target, config);
  Attempt attempt;
  attempt.seed = seed;
  attempt.found = result.caught(mutant.breaks);
  attempt.rounds = attempt.found ? result.first_round.at(mutant.breaks) : result.rounds;
  attempt.cpu_seconds =
      attempt.found ? result.first_cpu_seconds.at(mutant.breaks) : result.cpu_seconds;
  attempt.wall_seconds = result.wall_seconds;
  for (const auto& [rule, count] : result.counts) {
    if (rule != mutant.breaks) {
      attempt.other_rules.push_back(rule);
    }
  }
  return attempt;
}

// Child CPU seconds the kernel has accounted to this process's reaped children so far.
double children_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
}

// A real-host attempt in a forked child: a mutant's use-after-free can crash the stress loop
// (it would crash a user's stress test just the same), and the child's exit also ends any
// thread a stuck round left behind. A crash is recorded as such, with the CPU the kernel
// accounted to the child.
Attempt isolated_real_host_attempt(const conformance::Implementation& mutant, std::uint64_t seed,
                                   const BugFindingOptions& options) {
  harness::IsolationLimits limits;
  limits.wall_clock_ms =
      static_cast<std::uint64_t>((options.real_host_wall_budget_seconds + 30.0) * 1000.0);
  limits.memory_bytes = 0;  // real threads reserve stacks: an address-space cap would bite
  const double cpu_before = children_cpu_seconds();
  const double wall_start = stress::wall_seconds();
  const harness::IsolatedOutcome outcome = harness::run_isolated(
      [&] {
        const Attempt attempt = real_host_attempt(mutant, seed, options);
        nlohmann::json json = {{"found", attempt.found},
                               {"rounds", attempt.rounds},
                               {"cpu_seconds", attempt.cpu_seconds},
                               {"other_rules", attempt.other_rules}};
        return json.dump();
      },
      limits);
  Attempt attempt;
  attempt.seed = seed;
  attempt.wall_seconds = stress::wall_seconds() - wall_start;
  if (outcome.kind == harness::IsolatedOutcomeKind::completed) {
    const nlohmann::json json = nlohmann::json::parse(outcome.result);
    attempt.found = json.at("found").get<bool>();
    attempt.rounds = json.at("rounds").get<std::uint64_t>();
    attempt.cpu_seconds = json.at("cpu_seconds").get<double>();
    attempt.other_rules = json.at("other_rules").get<std::vector<std::string>>();
  } else {
    ++attempt.crashes;
    attempt.crash = outcome.describe();
    attempt.cpu_seconds = children_cpu_seconds() - cpu_before;
  }
  return attempt;
}

ApproachSummary summarize(std::string approach, std::vector<Attempt> attempts) {
  ApproachSummary summary;
  summary.approach = std::move(approach);
  summary.attempts = std::move(attempts);
  std::vector<double> cpu;
  std::vector<std::uint64_t> schedules;
  for (const Attempt& attempt : summary.attempts) {
    summary.total_cpu_seconds += attempt.cpu_seconds;
    summary.crashed += attempt.crashes > 0 ? 1 : 0;
    if (attempt.found) {
      ++summary.found;
      cpu.push_back(attempt.cpu_seconds);
      schedules.push_back(attempt.schedules);
      summary.max_cpu_seconds = std::max(summary.max_cpu_seconds, attempt.cpu_seconds);
      summary.max_schedules = std::max(summary.max_schedules, attempt.schedules);
    }
  }
  const std::size_t attempts_made = summary.attempts.size();
  summary.max_is_lower_bound = summary.found < attempts_made;
  // The median of all attempts with misses as +infinity: defined while at most half missed
  // (the lower middle element for an even count, so a miss in the upper half does not count).
  const std::size_t middle = attempts_made == 0 ? 0 : (attempts_made - 1) / 2;
  if (attempts_made > 0 && middle < cpu.size()) {
    std::sort(cpu.begin(), cpu.end());
    std::sort(schedules.begin(), schedules.end());
    summary.has_median = true;
    summary.median_cpu_seconds = cpu[middle];
    summary.median_schedules = schedules[middle];
  }
  return summary;
}

}  // namespace

BugFindingOptions BugFindingOptions::quick() {
  BugFindingOptions options;
  options.seeds = 2;
  options.attempt_cpu_budget_seconds = 0.02;
  options.max_schedules = 50;
  options.real_host_attempts = 1;
  options.real_host_wall_budget_seconds = 0.2;
  options.real_host_stuck_after_quiet_seconds = 0.1;
  return options;
}

BugFindingReport run_bug_finding(const BugFindingOptions& options,
                                 const std::function<void(const std::string&)>& progress) {
  BugFindingReport report;
  report.options = options;
  std::vector<StrategySpec> specs;
  if (options.simulated) {
    for (const std::string& text : options.strategies) {
      std::string error;
      const std::optional<StrategySpec> spec = parse_strategy_spec(text, error);
      if (!spec) {
        throw std::invalid_argument("strategy '" + text + "': " + error);
      }
      specs.push_back(*spec);
      report.approaches.push_back(spec->to_text());
    }
  }
  if (options.real_host) {
    report.approaches.emplace_back("real-host");
  }
  std::vector<const conformance::Implementation*> mutants;
  for (const conformance::Implementation& implementation : conformance::bundled_implementations()) {
    const bool wanted =
        options.mutants.empty() || std::find(options.mutants.begin(), options.mutants.end(),
                                             implementation.name) != options.mutants.end();
    if (implementation.kind == "mutant" && wanted) {
      mutants.push_back(&implementation);
    }
  }
  for (const std::string& name : options.mutants) {
    const conformance::Implementation* found = conformance::find_bundled_implementation(name);
    if (found == nullptr || found->kind != "mutant") {
      throw std::invalid_argument("'" + name + "' is not a bundled mutant");
    }
  }
  const double wall_start = stress::wall_seconds();
  for (const conformance::Implementation* mutant : mutants) {
    MutantRow row;
    row.name = mutant->name;
    row.rule = mutant->breaks;
    row.part = mutant->defective_part;
    row.suite = suite_of_part(mutant->defective_part);
    const conformance::Suite* suite = conformance::find_suite(row.suite);
    if (suite == nullptr || !suite->applies(*mutant)) {
      throw std::logic_error(mutant->name + ": no suite for its defective part " + row.part);
    }
    for (std::size_t index = 0; index < specs.size(); ++index) {
      std::vector<Attempt> attempts;
      for (std::uint32_t seed = 1; seed <= options.seeds; ++seed) {
        attempts.push_back(simulated_attempt(*mutant, *suite, specs[index], seed, options));
      }
      row.approaches.push_back(summarize(report.approaches[index], std::move(attempts)));
    }
    report.rows.push_back(std::move(row));
    if (progress) {
      progress("simulated " + mutant->name);
    }
  }
  if (options.real_host) {
    for (std::size_t position = 0; position < mutants.size(); ++position) {
      std::vector<Attempt> attempts;
      for (std::uint32_t seed = 1; seed <= options.real_host_attempts; ++seed) {
        attempts.push_back(isolated_real_host_attempt(*mutants[position], seed, options));
      }
      report.rows[position].approaches.push_back(summarize("real-host", std::move(attempts)));
      if (progress) {
        progress("real host " + mutants[position]->name);
      }
    }
  }
  for (std::size_t index = 0; index < report.approaches.size(); ++index) {
    ApproachTotals totals;
    totals.approach = report.approaches[index];
    for (const MutantRow& row : report.rows) {
      const ApproachSummary& summary = row.approaches[index];
      const auto attempts = static_cast<double>(summary.attempts.size());
      totals.mutants_caught += summary.found > 0 ? 1 : 0;
      totals.catch_rate_sum += attempts > 0 ? summary.found / attempts : 0;
      totals.cpu_seconds += summary.total_cpu_seconds;
      totals.mean_attempt_cpu_seconds_sum +=
          attempts > 0 ? summary.total_cpu_seconds / attempts : 0;
    }
    totals.mutants_per_cpu_minute =
        totals.mean_attempt_cpu_seconds_sum > 0
            ? totals.catch_rate_sum / (totals.mean_attempt_cpu_seconds_sum / 60.0)
            : 0;
    report.totals.push_back(totals);
  }
  // The simulated attempts ran in children: their CPU is in the attempts, not in this process.
  report.cpu_seconds = 0;
  for (const ApproachTotals& totals : report.totals) {
    report.cpu_seconds += totals.cpu_seconds;
  }
  report.wall_seconds = stress::wall_seconds() - wall_start;
  return report;
}

}  // namespace lockstep::bench
