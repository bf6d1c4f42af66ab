// Which failures a report keeps, and the merge of sharded runs into one report.
//
// Keeping: in schedule order (index, then suite), the first `failures_kept` failing schedules,
// plus the first schedule that broke each rule, so every broken rule has a reproduction. The
// rule is chosen so that merging shards keeps exactly what the unsharded run keeps: each kept
// schedule of the whole run is also kept by its own shard (fewer schedules precede it there).
//
// Shrinking: a run shrinks, among its kept failures, each one that is the first to break its own
// (first) rule: the failure the verdict table links that rule to. Whatever is first to break a
// rule in the whole run is first to break it in its shard too, so the shards of a run shrink
// every failure the unsharded run shrinks (with the same budget, to the same result), and the
// merge forgets the shrinks of failures that are no longer first.
//
// Merging: the shards must come from the same command (seed, strategy, budget, shard count,
// implementations and their suites, shrink budget) and cover distinct shards. Counts and digests
// are summed (digests are order-independent sums, see schedule_digest.h), failures are re-selected
// over the union, verdicts and the run digest recomputed. Covering every shard gives the report of
// the unsharded run: shard {1} of 1, the same counts, the same digests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reports/run_report.h"

namespace lockstep::reports {

/// A failing schedule as the keeping rule sees it.
struct FailureCandidate {
  std::uint64_t schedule_index = 0;
  std::size_t suite_position = 0;  ///< position of its suite among the implementation's suites
  std::vector<std::string> rules;  ///< everything it broke
};

/// `candidates` in schedule order; returns the positions to keep, ascending.
std::vector<std::size_t> choose_kept_failures(const std::vector<FailureCandidate>& candidates,
                                              std::uint64_t failures_kept);

/// `failures` in schedule order (as a report keeps them); returns the positions of those a run
/// shrinks, ascending.
std::vector<std::size_t> choose_shrunk_failures(const std::vector<Failure>& failures);

struct ShardReport {
  std::string origin;  ///< the directory it was read from, for error messages
  RunReport report;
};

/// Merges shard reports. On a mismatch returns nullopt and sets `error` to one line naming
/// the two origins. Failures keep their replay_file (and shrunk_replay_file); their
/// `reproduce` (and shrunk_reproduce) is left for the caller to point at wherever it copies
/// the files.
std::optional<RunReport> merge_reports(const std::vector<ShardReport>& shards, std::string& error);

}  // namespace lockstep::reports
