// Replay: answers every question from a recorded decision log, and notices the first question
// that does not match the log (another kind, another bound, or more questions than recorded).
// After a divergence it answers 0/false so the caller can unwind; the simulation stops.
#include "scheduler/strategy.h"

namespace lockstep {
namespace {

class ReplayStrategy final : public Strategy {
 public:
  explicit ReplayStrategy(DecisionLog log) : log_(std::move(log)) {}

  std::string description() const override { return "replay"; }

  std::size_t pick(std::span<const std::uint64_t> candidate_keys, std::uint64_t) override {
    return static_cast<std::size_t>(next(DecisionKind::schedule, candidate_keys.size()));
  }
  bool chance(std::uint32_t, std::uint32_t) override {
    return next(DecisionKind::chance, 2) == 1;
  }
  std::uint64_t integer(std::uint64_t bound) override {
    return next(DecisionKind::integer, bound);
  }
  const std::string* divergence() const override {
    return divergence_ ? &*divergence_ : nullptr;
  }

 private:
  std::uint64_t next(DecisionKind kind, std::uint64_t bound) {
    if (divergence_) {
      return 0;
    }
    const std::size_t index = cursor_++;
    const std::string asked = std::string(decision_kind_name(kind)) + " among " +
                              std::to_string(bound);
    if (index >= log_.size()) {
      divergence_ = "decision #" + std::to_string(index) + ": the run asked for a " + asked +
                    " but the log ends after " + std::to_string(log_.size()) + " decisions";
      return 0;
    }
    const Decision& recorded = log_[index];
    if (recorded.kind != kind || recorded.bound != bound) {
      divergence_ = "decision #" + std::to_string(index) + ": the run asked for a " + asked +
                    " but the log has a " + std::string(decision_kind_name(recorded.kind)) +
                    " among " + std::to_string(recorded.bound);
      return 0;
    }
    return recorded.value;
  }

  DecisionLog log_;
  std::size_t cursor_ = 0;
  std::optional<std::string> divergence_;
};

}  // namespace

std::unique_ptr<Strategy> make_replay_strategy(DecisionLog log) {
  return std::make_unique<ReplayStrategy>(std::move(log));
}

}  // namespace lockstep
