// The violations a real-host stress run found, recorded from any thread.
//
// Unlike a simulated schedule there is no step or virtual time to stamp them with: a violation
// carries the rule, the round it was found in, the call, a one-line explanation and the
// process CPU time at which it was recorded (what the bug-finding benchmark compares).
// Invariants: recording is thread-safe; per-rule counts are exact; only the first few
// violations of each rule are kept in full, so a defect that fires on every call cannot eat
// the machine's memory.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::stress {

struct StressViolation {
  std::string rule;
  std::uint64_t round = 0;
  std::string operation;    ///< e.g. "caller 2 receive#17"
  std::string explanation;  ///< one line
  double cpu_seconds = 0;   ///< process CPU time since the run started

  /// "AM3 in round 4, caller 2 receive#17: callback invoked twice"
  std::string to_text() const;
};

class StressLog {
 public:
  static constexpr std::size_t kKeptPerRule = 5;

  explicit StressLog(double cpu_start_seconds) : cpu_start_seconds_(cpu_start_seconds) {}

  void set_round(std::uint64_t round);
  void record(std::string_view rule, std::string operation, std::string explanation);

  std::vector<StressViolation> kept() const;
  std::map<std::string, std::uint64_t> counts() const;
  bool has(std::string_view rule) const;
  /// CPU seconds of the first violation of `rule`; negative when there is none.
  double first_cpu_seconds(std::string_view rule) const;
  /// Round of the first violation of `rule` (1-based); 0 when there is none.
  std::uint64_t first_round(std::string_view rule) const;

 private:
  const double cpu_start_seconds_;
  mutable std::mutex mutex_;
  std::uint64_t round_ = 0;
  std::vector<StressViolation> kept_;
  std::map<std::string, std::uint64_t, std::less<>> counts_;
  std::map<std::string, std::pair<double, std::uint64_t>, std::less<>> first_;
};

}  // namespace lockstep::stress
