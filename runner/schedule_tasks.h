// The schedules a run owes, numbered: task t is one schedule of one suite on one
// implementation. Workers take tasks by number, so "who ran what" never changes a result.
//
// Schedule indices: the shard I/N of a run owns the indices i with i % N == I - 1 (1-based I).
// --runs R: indices below R; tasks go implementation by implementation (then suite, then
// index), so plain output can report each implementation as soon as it is done.
// --time: indices without end; tasks go round by round (index, then implementation, then
// suite), so that when time is up every implementation has had about the same share.
// --schedule I: that index alone (only unsharded).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/host/world.h"

namespace lockstep::runner {

/// One (implementation, suite) combination of the run.
struct SuitePairing {
  std::size_t implementation_position = 0;  ///< in RunOptions::implementations
  std::size_t suite_position = 0;           ///< among that implementation's suites
  std::size_t registry_position = 0;        ///< in conformance::suites()
};

struct ScheduleTask {
  SuitePairing pairing;
  std::uint64_t schedule_index = 0;
};

class ScheduleTaskSpace {
 public:
  /// `runs`: the bound on indices (nullopt: unbounded, as for --time).
  ScheduleTaskSpace(std::vector<SuitePairing> pairings, std::optional<std::uint64_t> runs,
                    std::optional<std::uint64_t> only_schedule, std::uint64_t shard_index,
                    std::uint64_t shard_count);

  /// The number of tasks, or nullopt when unbounded.
  std::optional<std::uint64_t> size() const;
  ScheduleTask at(std::uint64_t task) const;
  /// How many tasks belong to an implementation (bounded spaces only).
  std::uint64_t tasks_of(std::size_t implementation_position) const;
  /// True when some (implementation, suite) pairing of the run belongs to it.
  bool has_pairings(std::size_t implementation_position) const;

 private:
  std::uint64_t index_of(std::uint64_t ordinal) const;

  std::vector<SuitePairing> pairings_;
  std::optional<std::uint64_t> per_pairing_;  // schedules per pairing; nullopt: unbounded
  bool round_robin_ = false;                  // --time: task order is index, then pairing
  std::optional<std::uint64_t> only_schedule_;
  std::uint64_t shard_index_;
  std::uint64_t shard_count_;
};

/// What a finished schedule tells the run, small enough to pass between processes.
struct ScheduleRecord {
  std::uint64_t task = 0;
  std::uint64_t trace_hash = 0;
  std::string abnormal_outcome;         ///< scheduler outcome name if it did not end normally
  std::vector<std::string> violations;  ///< rule ids, in the order found (with repeats)
  harness::ProbeHits probes;            ///< the coverage probes the schedule reached
  bool subject_created = true;          ///< harness::WorldResult::subject_created

  bool failed() const { return !abnormal_outcome.empty() || !violations.empty(); }
  /// Distinct rules broken, in order, then the abnormal outcome.
  std::vector<std::string> rules() const;
  static ScheduleRecord from(std::uint64_t task, const harness::WorldResult& result);

  /// One line without the newline; parse() accepts exactly what this writes.
  std::string to_line() const;
  static std::optional<ScheduleRecord> parse(const std::string& line);
};

}  // namespace lockstep::runner
