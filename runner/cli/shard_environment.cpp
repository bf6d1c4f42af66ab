// Reading the CI systems' shard variables.
#include "runner/cli/shard_environment.h"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <string_view>

namespace lockstep::cli {

namespace {

// The variable's value as a number; nullopt when unset; `malformed` when set but not a number.
std::optional<std::uint64_t> number_from(const char* name, bool& malformed) {
  const char* value = std::getenv(name);
  if (value == nullptr) {
    return std::nullopt;
  }
  const std::string_view text(value);
  std::uint64_t number = 0;
  const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || status != std::errc() || end != text.data() + text.size()) {
    malformed = true;
    return std::nullopt;
  }
  return number;
}

}  // namespace

std::optional<EnvironmentShard> shard_from_environment(std::optional<std::uint64_t> shard_count,
                                                       std::string& error) {
  struct Source {
    const char* index_variable;
    const char* total_variable;  // nullptr: the total is --shard-count
    std::uint64_t first_index;   // what the variable counts from
  };
  static constexpr Source kSources[] = {{"GTEST_SHARD_INDEX", "GTEST_TOTAL_SHARDS", 0},
                                        {"CI_NODE_INDEX", "CI_NODE_TOTAL", 1},
                                        {"JOB_COMPLETION_INDEX", nullptr, 0}};
  for (const Source& source : kSources) {
    bool malformed = false;
    const std::optional<std::uint64_t> index = number_from(source.index_variable, malformed);
    std::optional<std::uint64_t> total = source.total_variable != nullptr
                                             ? number_from(source.total_variable, malformed)
                                             : shard_count;
    const std::string names =
        std::string(source.index_variable) + (source.total_variable != nullptr
                                                  ? std::string("/") + source.total_variable
                                                  : std::string(" and --shard-count"));
    if (malformed) {
      error = "the shard variables " + names + " do not hold numbers";
      return std::nullopt;
    }
    if (!index && !total) {
      continue;
    }
    if (source.total_variable == nullptr && !index) {
      continue;  // --shard-count alone: a total waiting for an index variable
    }
    if (!index || !total) {
      error = source.total_variable == nullptr
                  ? std::string(source.index_variable) +
                        " is set: give the number of shards with --shard-count N (or --shard "
                        "1/1 to run every schedule here)"
                  : "of the shard variables " + names + " only one is set";
      return std::nullopt;
    }
    if (source.total_variable != nullptr && shard_count && *shard_count != *total) {
      error = std::string(source.total_variable) + " is " + std::to_string(*total) +
              " but --shard-count says " + std::to_string(*shard_count);
      return std::nullopt;
    }
    if (*total == 0 || *index < source.first_index || *index - source.first_index >= *total) {
      error = std::string(source.index_variable) + "=" + std::to_string(*index) +
              " is not a shard of " + std::to_string(*total) + " (counted from " +
              std::to_string(source.first_index) + ")";
      return std::nullopt;
    }
    if (const char* status_file = std::getenv("GTEST_SHARD_STATUS_FILE");
        status_file != nullptr && std::string_view(source.index_variable) == "GTEST_SHARD_INDEX") {
      std::ofstream touched(status_file, std::ios::app);
    }
    return EnvironmentShard{*index - source.first_index + 1, *total, names};
  }
  if (shard_count) {
    error =
        "--shard-count needs an index: JOB_COMPLETION_INDEX, CI_NODE_INDEX or "
        "GTEST_SHARD_INDEX";
  }
  return std::nullopt;
}

}  // namespace lockstep::cli
