// The shard of `lockstep run` when --shard is absent, from the variables CI systems set for
// parallel jobs, so a matrix job needs no arithmetic in its script:
//
//   GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX  GoogleTest's protocol (index from 0); the file named
//                                           by GTEST_SHARD_STATUS_FILE is touched, as GoogleTest
//                                           does, to say sharding is supported
//   CI_NODE_TOTAL / CI_NODE_INDEX           GitLab's `parallel:` (index from 1)
//   JOB_COMPLETION_INDEX                    Kubernetes indexed jobs (index from 0); the total is
//                                           not in the environment: give it with --shard-count
//
// The first pair present wins, in this order. A total of 1 means unsharded. A malformed value
// or an index outside the total is a one-line error (exit 2), never a silent full run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace lockstep::cli {

struct EnvironmentShard {
  std::uint64_t index = 1;  ///< 1-based, as --shard I/N
  std::uint64_t count = 1;
  std::string source;  ///< "GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS", ...
};

/// nullopt without error when no variable is set; nullopt with `error` when one is wrong.
/// `shard_count`: --shard-count, the total for JOB_COMPLETION_INDEX (and, when given, what the
/// other totals must agree with).
std::optional<EnvironmentShard> shard_from_environment(std::optional<std::uint64_t> shard_count,
                                                       std::string& error);

}  // namespace lockstep::cli
