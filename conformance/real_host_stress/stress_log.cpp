// Thread-safe violation records of a stress run.
#include "conformance/real_host_stress/stress_log.h"

#include "conformance/real_host_stress/process_cpu_time.h"

namespace lockstep::stress {

std::string StressViolation::to_text() const {
  return rule + " in round " + std::to_string(round) + ", " + operation + ": " + explanation;
}

void StressLog::set_round(std::uint64_t round) {
  std::lock_guard<std::mutex> lock(mutex_);
  round_ = round;
}

void StressLog::record(std::string_view rule, std::string operation, std::string explanation) {
  const double cpu_seconds = process_cpu_seconds() - cpu_start_seconds_;
  std::lock_guard<std::mutex> lock(mutex_);
  auto count = counts_.find(rule);
  if (count == counts_.end()) {
    count = counts_.emplace(std::string(rule), 0).first;
    first_.emplace(std::string(rule), std::make_pair(cpu_seconds, round_));
  }
  if (++count->second <= kKeptPerRule) {
    kept_.push_back(StressViolation{std::string(rule), round_, std::move(operation),
                                    std::move(explanation), cpu_seconds});
  }
}

std::vector<StressViolation> StressLog::kept() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return kept_;
}

std::map<std::string, std::uint64_t> StressLog::counts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {counts_.begin(), counts_.end()};
}

bool StressLog::has(std::string_view rule) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return counts_.find(rule) != counts_.end();
}

double StressLog::first_cpu_seconds(std::string_view rule) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = first_.find(rule);
  return found == first_.end() ? -1.0 : found->second.first;
}

std::uint64_t StressLog::first_round(std::string_view rule) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = first_.find(rule);
  return found == first_.end() ? 0 : found->second.second;
}

}  // namespace lockstep::stress
