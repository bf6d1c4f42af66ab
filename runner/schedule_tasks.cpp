// Task numbering and the record line format.
#include "runner/schedule_tasks.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace lockstep::runner {

ScheduleTaskSpace::ScheduleTaskSpace(std::vector<SuitePairing> pairings,
                                     std::optional<std::uint64_t> runs,
                                     std::optional<std::uint64_t> only_schedule,
                                     std::uint64_t shard_index, std::uint64_t shard_count)
    : pairings_(std::move(pairings)),
      only_schedule_(only_schedule),
      shard_index_(shard_index),
      shard_count_(shard_count) {
  if (pairings_.empty()) {
    per_pairing_ = 0;  // nothing applies: an empty run, even under --time
  } else if (only_schedule_) {
    per_pairing_ = 1;
  } else if (runs) {
    // Indices below `runs` congruent to shard_index - 1 modulo shard_count.
    const std::uint64_t first = shard_index_ - 1;
    per_pairing_ = *runs > first ? (*runs - first + shard_count_ - 1) / shard_count_ : 0;
  }
}

std::optional<std::uint64_t> ScheduleTaskSpace::size() const {
  if (!per_pairing_) {
    return std::nullopt;
  }
  return *per_pairing_ * pairings_.size();
}

std::uint64_t ScheduleTaskSpace::index_of(std::uint64_t ordinal) const {
  if (only_schedule_) {
    return *only_schedule_;
  }
  return shard_index_ - 1 + ordinal * shard_count_;
}

ScheduleTask ScheduleTaskSpace::at(std::uint64_t task) const {
  if (per_pairing_) {
    return ScheduleTask{pairings_[task / *per_pairing_], index_of(task % *per_pairing_)};
  }
  return ScheduleTask{pairings_[task % pairings_.size()], index_of(task / pairings_.size())};
}

std::uint64_t ScheduleTaskSpace::tasks_of(std::size_t implementation_position) const {
  const auto pairings =
      std::count_if(pairings_.begin(), pairings_.end(), [&](const SuitePairing& pairing) {
        return pairing.implementation_position == implementation_position;
      });
  return per_pairing_.value_or(0) * static_cast<std::uint64_t>(pairings);
}

std::vector<std::string> ScheduleRecord::rules() const {
  std::vector<std::string> distinct;
  for (const std::string& rule : violations) {
    if (std::find(distinct.begin(), distinct.end(), rule) == distinct.end()) {
      distinct.push_back(rule);
    }
  }
  if (!abnormal_outcome.empty()) {
    distinct.push_back(abnormal_outcome);
  }
  return distinct;
}

ScheduleRecord ScheduleRecord::from(std::uint64_t task, const harness::WorldResult& result) {
  ScheduleRecord record;
  record.task = task;
  record.trace_hash = result.run.trace_hash;
  if (result.run.outcome != Outcome::completed && result.run.outcome != Outcome::stopped) {
    record.abnormal_outcome = std::string(outcome_name(result.run.outcome));
  }
  for (const harness::Violation& violation : result.violations) {
    std::string rule = violation.rule;
    // The line format separates fields with spaces; a rule id never has one, but an
    // implementation's own label must not break the line.
    std::replace(rule.begin(), rule.end(), ' ', '_');
    record.violations.push_back(rule.empty() ? "?" : rule);
  }
  return record;
}

std::string ScheduleRecord::to_line() const {
  std::string line = fmt::format("{} {:016x}", task, trace_hash);
  line += " " + (abnormal_outcome.empty() ? std::string("-") : abnormal_outcome);
  for (const std::string& rule : violations) {
    line += " " + rule;
  }
  return line;
}

std::optional<ScheduleRecord> ScheduleRecord::parse(const std::string& line) {
  std::istringstream fields(line);
  ScheduleRecord record;
  std::string hash;
  std::string outcome;
  if (!(fields >> record.task >> hash >> outcome) || hash.size() != 16) {
    return std::nullopt;
  }
  char* end = nullptr;
  record.trace_hash = std::strtoull(hash.c_str(), &end, 16);
  if (end != hash.c_str() + hash.size()) {
    return std::nullopt;
  }
  record.abnormal_outcome = outcome == "-" ? "" : outcome;
  for (std::string rule; fields >> rule;) {
    record.violations.push_back(rule);
  }
  return record;
}

}  // namespace lockstep::runner
