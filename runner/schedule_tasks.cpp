// Task numbering and the record line format.
#include "runner/schedule_tasks.h"

#include <algorithm>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace lockstep::runner {

ScheduleTaskSpace::ScheduleTaskSpace(std::vector<SuitePairing> pairings,
                                     std::optional<std::uint64_t> runs,
                                     std::optional<std::uint64_t> only_schedule,
                                     std::uint64_t shard_index, std::uint64_t shard_count)
    : pairings_(std::move(pairings)),
      only_schedule_(only_schedule),
      shard_index_(shard_index),
      shard_count_(shard_count) {
  const std::uint64_t first = shard_index_ - 1;
  if (pairings_.empty()) {
    per_pairing_ = 0;  // nothing applies: an empty run, even under --time
  } else if (only_schedule_) {
    per_pairing_ = 1;
  } else if (runs) {
    // Indices below `runs` congruent to shard_index - 1 modulo shard_count (written so that
    // no sum can overflow, whatever the shard count).
    per_pairing_ = *runs > first ? (*runs - first - 1) / shard_count_ + 1 : 0;
  } else {
    round_robin_ = true;
    // --time: unbounded, unless the shard owns so few of the 2^64 indices that they can run
    // out (a huge shard count); then exactly those.
    const std::uint64_t owned_after_first = (UINT64_MAX - first) / shard_count_;
    if (owned_after_first < (std::uint64_t{1} << 32)) {
      per_pairing_ = owned_after_first + 1;
    }
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
  if (!round_robin_) {
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

bool ScheduleTaskSpace::has_pairings(std::size_t implementation_position) const {
  return std::any_of(pairings_.begin(), pairings_.end(), [&](const SuitePairing& pairing) {
    return pairing.implementation_position == implementation_position;
  });
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
  record.subject_created = result.subject_created;
  record.probes = result.probes;
  if (result.abnormal_end()) {
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
  char head[64];
  std::snprintf(head, sizeof(head), "%" PRIu64 " %016" PRIx64 " %c", task, trace_hash,
                subject_created ? 'c' : 'u');
  std::string line = head;
  const std::string reached = probes.to_index_list();
  line += " " + (reached.empty() ? std::string("-") : reached);
  line += " " + (abnormal_outcome.empty() ? std::string("-") : abnormal_outcome);
  for (const std::string& rule : violations) {
    line += " " + rule;
  }
  return line;
}

std::optional<ScheduleRecord> ScheduleRecord::parse(const std::string& line) {
  // By hand, not with a stream: the parent of a run parses one line per schedule.
  std::string_view rest(line);
  const auto next_field = [&rest]() -> std::optional<std::string_view> {
    if (rest.empty()) {
      return std::nullopt;
    }
    const std::size_t space = rest.find(' ');
    const std::string_view field = rest.substr(0, space);
    rest.remove_prefix(space == std::string_view::npos ? rest.size() : space + 1);
    return field.empty() ? std::nullopt : std::optional<std::string_view>(field);
  };
  ScheduleRecord record;
  const std::optional<std::string_view> task = next_field();
  const std::optional<std::string_view> hash = next_field();
  const std::optional<std::string_view> created = next_field();
  const std::optional<std::string_view> reached = next_field();
  const std::optional<std::string_view> outcome = next_field();
  if (!task || !hash || !created || !reached || !outcome || hash->size() != 16 ||
      (*created != "c" && *created != "u")) {
    return std::nullopt;
  }
  const std::optional<harness::ProbeHits> probes =
      harness::ProbeHits::from_index_list(*reached == "-" ? std::string_view() : *reached);
  if (!probes) {
    return std::nullopt;
  }
  record.probes = *probes;
  const std::from_chars_result task_parsed =
      std::from_chars(task->data(), task->data() + task->size(), record.task);
  const std::from_chars_result hash_parsed =
      std::from_chars(hash->data(), hash->data() + hash->size(), record.trace_hash, 16);
  if (task_parsed.ec != std::errc() || task_parsed.ptr != task->data() + task->size() ||
      hash_parsed.ec != std::errc() || hash_parsed.ptr != hash->data() + hash->size()) {
    return std::nullopt;
  }
  record.subject_created = *created == "c";
  record.abnormal_outcome = *outcome == "-" ? std::string() : std::string(*outcome);
  while (const std::optional<std::string_view> rule = next_field()) {
    record.violations.emplace_back(*rule);
  }
  return record;
}

}  // namespace lockstep::runner
