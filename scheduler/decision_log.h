// The decision log: every choice a strategy made during one schedule, in order.
//
// A schedule is a pure function of (build, scenario, decision log). Recording every choice
// (which candidate ran, each chance and integer the world drew) is what makes replay and
// shrinking possible. Invariants: a decision's value is always < its bound; choices with a
// single candidate are not decisions and are not recorded (replay skips them the same way).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep {

enum class DecisionKind : std::uint8_t {
  schedule = 0,  ///< which of `bound` ready candidates (fibers and due events) runs next
  chance = 1,    ///< a yes/no draw; bound is 2, value 1 means yes
  integer = 2,   ///< an integer draw in [0, bound)
};

std::string_view decision_kind_name(DecisionKind kind);
std::optional<DecisionKind> decision_kind_from_name(std::string_view name);

inline constexpr std::uint64_t kMaxDecisionBound = std::uint64_t{1} << 56;

/// 16 bytes: a schedule logs one per step, so the log's size is the scheduler's memory traffic.
struct Decision {
  DecisionKind kind : 8;
  std::uint64_t bound : 56;  ///< bounds are below 2^56 (Simulation::integer clamps larger ones)
  std::uint64_t value;

  friend bool operator==(const Decision&, const Decision&) = default;
};

/// Text form: one decision per token, `s3:1 c2:0 i100:42` (kind letter, bound, value).
/// Used inside replay files; parse errors name the offending token.
class DecisionLog {
 public:
  void append(Decision decision) { decisions_.push_back(decision); }
  void clear() { decisions_.clear(); }
  std::size_t size() const { return decisions_.size(); }
  bool empty() const { return decisions_.empty(); }
  const Decision& operator[](std::size_t index) const { return decisions_[index]; }
  Decision& operator[](std::size_t index) { return decisions_[index]; }
  const std::vector<Decision>& decisions() const { return decisions_; }

  std::string to_text() const;
  /// Parses `to_text` output. On failure returns nullopt and sets `error` to one line.
  static std::optional<DecisionLog> from_text(std::string_view text, std::string& error);

  friend bool operator==(const DecisionLog&, const DecisionLog&) = default;

 private:
  std::vector<Decision> decisions_;
};

}  // namespace lockstep
