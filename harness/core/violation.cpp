// Violation recording and formatting.
#include "harness/core/violation.h"

#include <algorithm>

namespace lockstep::harness {

std::string Violation::to_text() const {
  return rule + " at step " + std::to_string(step) + " (t=" + std::to_string(time_ns) +
         " ns, thread " + std::to_string(thread) + ") in " + operation + ": " + explanation;
}

void ViolationLog::record(std::string_view rule, std::string_view operation,
                          std::string explanation) {
  Violation violation;
  violation.rule = std::string(rule);
  violation.step = simulation_.steps();
  violation.time_ns = simulation_.now_ns();
  violation.thread = simulation_.current_fiber();
  violation.operation = std::string(operation);
  violation.explanation = std::move(explanation);
  simulation_.annotate("violation " + violation.rule + " " + violation.operation,
                       violations_.size());
  violations_.push_back(std::move(violation));
}

bool ViolationLog::has(std::string_view rule) const { return count(rule) > 0; }

std::size_t ViolationLog::count(std::string_view rule) const {
  return static_cast<std::size_t>(std::count_if(
      violations_.begin(), violations_.end(),
      [rule](const Violation& violation) { return violation.rule == rule; }));
}

}  // namespace lockstep::harness
