// Guided replay: follows a decision log as far as it fits, and never diverges.
//
// The shrinker edits decision logs (deletes, zeroes, halves); an edited log rarely matches the
// run it produces decision for decision. Where the recorded decision has the kind and bound
// asked for, its value is used (clamped below the bound); anywhere else, and after the log
// ends, the answer is the simplest one: 0, false, the first candidate. The run that results is
// recorded as usual, so its own log is the normalised form of the edit. A decision budget, when
// given, ends the run (as a divergence the simulation stops on) once that many answers were
// given: the shrinker has no use for a run longer than its best log.
#include "scheduler/strategy.h"

namespace lockstep {
namespace {

class GuidedStrategy final : public Strategy {
 public:
  GuidedStrategy(DecisionLog log, std::uint64_t decision_budget)
      : log_(std::move(log)), decision_budget_(decision_budget) {}

  std::string description() const override { return "guided"; }

  std::size_t pick(std::span<const std::uint64_t> candidate_keys, std::uint64_t) override {
    return static_cast<std::size_t>(next(DecisionKind::schedule, candidate_keys.size()));
  }
  bool chance(std::uint32_t, std::uint32_t) override { return next(DecisionKind::chance, 2) == 1; }
  std::uint64_t integer(std::uint64_t bound) override { return next(DecisionKind::integer, bound); }
  const std::string* divergence() const override {
    return answers_ >= decision_budget_ ? &budget_spent_ : nullptr;
  }

 private:
  std::uint64_t next(DecisionKind kind, std::uint64_t bound) {
    ++answers_;
    if (cursor_ >= log_.size()) {
      return 0;
    }
    const Decision& recorded = log_[cursor_++];
    if (recorded.kind != kind) {
      return 0;
    }
    return recorded.value < bound ? recorded.value : bound - 1;
  }

  DecisionLog log_;
  std::size_t cursor_ = 0;
  std::uint64_t decision_budget_;
  std::uint64_t answers_ = 0;
  const std::string budget_spent_ = "the decision budget of the guided run";
};

}  // namespace

std::unique_ptr<Strategy> make_guided_strategy(DecisionLog log, std::uint64_t decision_budget) {
  return std::make_unique<GuidedStrategy>(std::move(log), decision_budget);
}

}  // namespace lockstep
