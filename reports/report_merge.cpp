// Failure keeping and shard merging.
#include "reports/report_merge.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "reports/schedule_digest.h"

namespace lockstep::reports {

namespace {

std::string budget_text(const RunReport& report) {
  if (report.runs) {
    return "--runs " + std::to_string(*report.runs);
  }
  if (report.time_seconds) {
    return "--time " + std::to_string(*report.time_seconds);
  }
  return "--schedule " + std::to_string(report.only_schedule.value_or(0));
}

std::string shape_of(const ImplementationReport& implementation) {
  // A plugin's library must be the same file in every shard.
  std::string text = implementation.name +
                     (implementation.library ? " (SHA-256 " + implementation.library->sha256 + ")" : "") +
                     " [";
  for (const SuiteRun& suite : implementation.suites) {
    text += " " + suite.name;
  }
  return text + " ]";
}

// The first difference between two shards that must agree, or empty.
std::string difference(const ShardReport& first, const ShardReport& other) {
  const RunReport& a = first.report;
  const RunReport& b = other.report;
  const auto differ = [&](const std::string& what, const std::string& left,
                          const std::string& right) {
    return "shards differ in " + what + ": " + first.origin + " has " + left + ", " + other.origin +
           " has " + right;
  };
  if (a.seed != b.seed) {
    return differ("seed", std::to_string(a.seed), std::to_string(b.seed));
  }
  if (a.strategy != b.strategy) {
    return differ("strategy", a.strategy, b.strategy);
  }
  if (budget_text(a) != budget_text(b)) {
    return differ("budget", budget_text(a), budget_text(b));
  }
  if (a.shard_count != b.shard_count) {
    return differ("shard count", std::to_string(a.shard_count), std::to_string(b.shard_count));
  }
  if (a.shrink_runs != b.shrink_runs) {
    return differ("shrink runs", std::to_string(a.shrink_runs), std::to_string(b.shrink_runs));
  }
  if (a.verdict_policy != b.verdict_policy) {
    return differ("verdict policy", a.verdict_policy, b.verdict_policy);
  }
  if (a.rule_filter != b.rule_filter) {
    return differ("--rule", "'" + a.rule_filter + "'", "'" + b.rule_filter + "'");
  }
  if (a.max_failures != b.max_failures) {
    return differ("--max-failures", std::to_string(a.max_failures), std::to_string(b.max_failures));
  }
  if (a.failures_kept != b.failures_kept) {
    return differ("failures kept", std::to_string(a.failures_kept),
                  std::to_string(b.failures_kept));
  }
  if (a.implementations.size() != b.implementations.size()) {
    return differ("implementations", std::to_string(a.implementations.size()) + " of them",
                  std::to_string(b.implementations.size()));
  }
  for (std::size_t position = 0; position < a.implementations.size(); ++position) {
    const std::string left = shape_of(a.implementations[position]);
    const std::string right = shape_of(b.implementations[position]);
    if (left != right) {
      return differ("implementations", left, right);
    }
  }
  return {};
}

std::size_t suite_position(const ImplementationReport& implementation, const std::string& suite) {
  std::size_t position = 0;
  while (position < implementation.suites.size() && implementation.suites[position].name != suite) {
    ++position;
  }
  return position;
}

void merge_implementation(ImplementationReport& into, const ImplementationReport& shard) {
  into.schedules += shard.schedules;
  for (std::size_t position = 0; position < into.suites.size(); ++position) {
    SuiteRun& suite = into.suites[position];
    const SuiteRun& part = shard.suites[position];
    suite.schedules += part.schedules;
    suite.schedules_without_subject += part.schedules_without_subject;
    suite.failed_schedules += part.failed_schedules;
    for (const auto& [rule, count] : part.violations_by_rule) {
      suite.violations_by_rule[rule] += count;
    }
    for (const auto& [probe, count] : part.probes) {
      suite.probes[probe] += count;
    }
  }
  into.failed_schedules += shard.failed_schedules;
  into.schedules_not_run += shard.schedules_not_run;
  into.stopped_after_hangs = std::max(into.stopped_after_hangs, shard.stopped_after_hangs);
  into.digest += shard.digest;  // modulo 2^64: the digest is a sum of terms
  for (const auto& [rule, count] : shard.violations_by_rule) {
    into.violations_by_rule[rule] += count;
  }
  for (const auto& [rule, count] : shard.failed_schedules_by_rule) {
    into.failed_schedules_by_rule[rule] += count;
  }
  if (shard.first_failure_index &&
      (!into.first_failure_index || *shard.first_failure_index < *into.first_failure_index)) {
    into.first_failure_index = shard.first_failure_index;
  }
  into.failures.insert(into.failures.end(), shard.failures.begin(), shard.failures.end());
  // Only shard 1 checks the properties (runner/property_stage.h): take them from it.
  if (into.properties.empty()) {
    into.properties = shard.properties;
  }
}

}  // namespace

std::vector<std::size_t> choose_kept_failures(const std::vector<FailureCandidate>& candidates,
                                              std::uint64_t failures_kept) {
  std::vector<std::size_t> kept;
  std::set<std::string> rules_seen;
  for (std::size_t position = 0; position < candidates.size(); ++position) {
    bool first_of_a_rule = false;
    for (const std::string& rule : candidates[position].rules) {
      first_of_a_rule = rules_seen.insert(rule).second || first_of_a_rule;
    }
    if (position < failures_kept || first_of_a_rule) {
      kept.push_back(position);
    }
  }
  return kept;
}

std::vector<std::size_t> choose_shrunk_failures(const std::vector<Failure>& failures) {
  std::vector<std::size_t> shrunk;
  std::set<std::string> rules_seen;
  for (std::size_t position = 0; position < failures.size(); ++position) {
    const bool first_of_its_rule = rules_seen.count(failures[position].rule) == 0;
    rules_seen.insert(failures[position].rules.begin(), failures[position].rules.end());
    rules_seen.insert(failures[position].rule);
    if (first_of_its_rule) {
      shrunk.push_back(position);
    }
  }
  return shrunk;
}

std::optional<RunReport> merge_reports(const std::vector<ShardReport>& shards, std::string& error) {
  if (shards.empty()) {
    error = "nothing to merge";
    return std::nullopt;
  }
  std::set<std::uint64_t> covered;
  for (const ShardReport& shard : shards) {
    const std::string mismatch = difference(shards.front(), shard);
    if (!mismatch.empty()) {
      error = mismatch;
      return std::nullopt;
    }
    for (const std::uint64_t index : shard.report.shards) {
      if (!covered.insert(index).second) {
        error = "shard " + std::to_string(index) + "/" + std::to_string(shard.report.shard_count) +
                " appears twice (again in " + shard.origin + ")";
        return std::nullopt;
      }
    }
  }

  RunReport merged = shards.front().report;
  merged.interrupted = false;
  merged.stopped_at_max_failures = false;
  merged.reruns.clear();
  for (ImplementationReport& implementation : merged.implementations) {
    ImplementationReport empty;
    empty.name = implementation.name;
    empty.kind = implementation.kind;
    empty.expected_rule = implementation.expected_rule;
    empty.library = implementation.library;
    empty.expectation = implementation.expectation;
    empty.provides_no_part = implementation.provides_no_part;
    empty.suites = implementation.suites;
    for (SuiteRun& suite : empty.suites) {
      suite.schedules = 0;
      for (auto& [probe, count] : suite.probes) {
        count = 0;
      }
      suite.schedules_without_subject = 0;
      suite.failed_schedules = 0;
      suite.violations_by_rule.clear();
    }
    empty.rules_checked = implementation.rules_checked;
    implementation = std::move(empty);
  }
  for (const ShardReport& shard : shards) {
    merged.interrupted = merged.interrupted || shard.report.interrupted;
    merged.stopped_at_max_failures =
        merged.stopped_at_max_failures || shard.report.stopped_at_max_failures;
    merged.reruns.insert(merged.reruns.end(), shard.report.reruns.begin(),
                         shard.report.reruns.end());
    for (std::size_t position = 0; position < merged.implementations.size(); ++position) {
      merge_implementation(merged.implementations[position],
                           shard.report.implementations[position]);
    }
  }
  for (ImplementationReport& implementation : merged.implementations) {
    std::vector<Failure>& failures = implementation.failures;
    std::stable_sort(failures.begin(), failures.end(), [&](const Failure& a, const Failure& b) {
      const auto key = [&](const Failure& failure) {
        return std::make_pair(failure.schedule_index,
                              suite_position(implementation, failure.suite));
      };
      return key(a) < key(b);
    });
    std::vector<FailureCandidate> candidates;
    for (const Failure& failure : failures) {
      candidates.push_back(FailureCandidate{
          failure.schedule_index, suite_position(implementation, failure.suite), failure.rules});
    }
    std::vector<Failure> kept;
    for (const std::size_t position : choose_kept_failures(candidates, merged.failures_kept)) {
      kept.push_back(failures[position]);
    }
    failures = std::move(kept);
    const std::vector<std::size_t> shrunk = choose_shrunk_failures(failures);
    for (std::size_t position = 0; position < failures.size(); ++position) {
      if (std::find(shrunk.begin(), shrunk.end(), position) == shrunk.end()) {
        failures[position].forget_shrink();
      }
    }
  }
  // Each shard re-ran its own failure database; in a fixed order, whatever the shards' order.
  std::stable_sort(merged.reruns.begin(), merged.reruns.end(), [](const Rerun& a, const Rerun& b) {
    return std::tie(a.implementation, a.file) < std::tie(b.implementation, b.file);
  });
  merged.shards.assign(covered.begin(), covered.end());
  if (covered.size() == merged.shard_count) {
    merged.shards = {1};
    merged.shard_count = 1;
  }
  merged.run_digest = compute_run_digest(merged);
  return merged;
}

}  // namespace lockstep::reports
