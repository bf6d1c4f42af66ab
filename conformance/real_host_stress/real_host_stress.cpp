// The stress loop: rounds over the provided parts until a budget is spent.
#include "conformance/real_host_stress/real_host_stress.h"

#include "conformance/real_host_stress/async_execute_stress.h"
#include "conformance/real_host_stress/channel_stress.h"
#include "conformance/real_host_stress/echo_call_stress.h"
#include "conformance/real_host_stress/process_cpu_time.h"
#include "conformance/real_host_stress/service_stress.h"
#include "scheduler/hash.h"

namespace lockstep::stress {

std::string StressResult::summary() const {
  if (counts.empty()) {
    return "pass";
  }
  std::string text;
  for (const auto& [rule, count] : counts) {
    text += (text.empty() ? "" : " ") + rule + "x" + std::to_string(count);
  }
  return text;
}

std::vector<std::string> stress_parts(const StressTarget& target) {
  std::vector<std::string> parts;
  if (target.archetype_defects.has_value()) {
    parts.emplace_back("echo-call");
  }
  if (target.table != nullptr) {
    if (target.table->channel != nullptr) {
      parts.emplace_back("channel");
    }
    if (target.table->async_execute != nullptr) {
      parts.emplace_back("async-execute");
    }
    if (target.table->service_host != nullptr) {
      parts.emplace_back("service-host");
    }
  }
  return parts;
}

StressResult run_stress(const StressTarget& target, const StressConfig& config) {
  StressResult result;
  result.parts = config.parts.empty() ? stress_parts(target) : config.parts;
  const double cpu_start = process_cpu_seconds();
  const double wall_start = wall_seconds();
  const double wall_budget = config.wall_budget_seconds > 0 ? config.wall_budget_seconds
                                                            : 20 * config.cpu_budget_seconds + 2;
  StressLog log(cpu_start);
  for (std::uint64_t round = 0; round < config.max_rounds && !result.parts.empty(); ++round) {
    if (process_cpu_seconds() - cpu_start >= config.cpu_budget_seconds ||
        wall_seconds() - wall_start >= wall_budget ||
        result.leaked_rounds >= config.max_leaked_rounds) {
      break;
    }
    if (!config.stop_at_rule.empty() && log.has(config.stop_at_rule)) {
      break;
    }
    log.set_round(round + 1);
    const std::string& part = result.parts[round % result.parts.size()];
    const std::uint64_t seed = hash_mix(hash_mix(kHashSeed, config.seed), round);
    RoundReport report;
    if (part == "channel") {
      report = run_channel_round(*target.table, seed, log, config.round);
    } else if (part == "async-execute") {
      report = run_async_execute_round(*target.table, seed, log, config.round);
    } else if (part == "service-host") {
      report = run_service_round(*target.table, seed, log, config.round);
    } else if (part == "echo-call") {
      report = run_echo_call_round(target.name, target.archetype_defects.value_or(0), seed, log,
                                   config.round);
    } else {
      break;  // no real-thread round for this part (the .NET patterns): nothing to stress
    }
    ++result.rounds;
    result.calls += report.calls;
    if (report.leaked) {
      ++result.leaked_rounds;
      result.leaks.push_back("round " + std::to_string(round + 1) + " (" + part +
                             "): " + report.leak_reason);
    }
  }
  result.cpu_seconds = process_cpu_seconds() - cpu_start;
  result.wall_seconds = wall_seconds() - wall_start;
  result.counts = log.counts();
  result.violations = log.kept();
  for (const auto& [rule, count] : result.counts) {
    result.first_cpu_seconds[rule] = log.first_cpu_seconds(rule);
    result.first_round[rule] = log.first_round(rule);
  }
  return result;
}

}  // namespace lockstep::stress
