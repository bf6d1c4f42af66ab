// PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
// ASPLOS 2010): every candidate gets a random priority the first time it is seen (above
// `depth`), the highest priority always runs, and at d-1 change points drawn uniformly over
// the estimated step count the candidate that ran last drops to a priority below all initial
// ones. A bug of depth d is then found with probability at least 1/(n * k^(d-1)).
// Candidates here are fibers and due events alike; ties are broken by the smaller key.
#include <algorithm>
#include <map>
#include <vector>

#include "scheduler/strategy.h"

namespace lockstep {
namespace {

constexpr std::uint64_t kInitialPriorityBase = std::uint64_t{1} << 32;

class PctStrategy final : public Strategy {
 public:
  PctStrategy(std::uint64_t seed, std::uint32_t depth, std::uint64_t estimated_steps)
      : prng_(seed), depth_(depth) {
    const std::uint64_t horizon = std::max<std::uint64_t>(estimated_steps, 1);
    while (change_points_.size() + 1 < depth_ && change_points_.size() < horizon) {
      const std::uint64_t point = prng_.below(horizon);
      if (std::find(change_points_.begin(), change_points_.end(), point) == change_points_.end()) {
        change_points_.push_back(point);
      }
    }
    std::sort(change_points_.begin(), change_points_.end());
  }

  std::string description() const override { return "pct:" + std::to_string(depth_); }

  std::size_t pick(std::span<const std::uint64_t> candidate_keys, std::uint64_t step) override {
    while (next_change_ < change_points_.size() && change_points_[next_change_] <= step) {
      if (last_picked_) {
        // The i-th change point lowers to priority d-1-i: later changes rank lower still.
        priorities_[*last_picked_] = depth_ - 1 - next_change_;
      }
      ++next_change_;
    }
    std::size_t best_index = 0;
    std::uint64_t best_priority = 0;
    for (std::size_t index = 0; index < candidate_keys.size(); ++index) {
      const std::uint64_t priority = priority_of(candidate_keys[index]);
      if (index == 0 || priority > best_priority ||
          (priority == best_priority && candidate_keys[index] < candidate_keys[best_index])) {
        best_index = index;
        best_priority = priority;
      }
    }
    last_picked_ = candidate_keys[best_index];
    return best_index;
  }

  bool chance(std::uint32_t numerator, std::uint32_t denominator) override {
    return prng_.chance(numerator, denominator);
  }
  std::uint64_t integer(std::uint64_t bound) override { return prng_.below(bound); }

  void forget(std::uint64_t candidate_key) override { priorities_.erase(candidate_key); }

 private:
  std::uint64_t priority_of(std::uint64_t key) {
    auto [position, inserted] = priorities_.try_emplace(key, 0);
    if (inserted) {
      position->second = kInitialPriorityBase + prng_.below(kInitialPriorityBase);
    }
    return position->second;
  }

  Prng prng_;
  std::uint32_t depth_;
  std::vector<std::uint64_t> change_points_;
  std::size_t next_change_ = 0;
  std::optional<std::uint64_t> last_picked_;
  std::map<std::uint64_t, std::uint64_t> priorities_;
};

}  // namespace

std::unique_ptr<Strategy> make_pct_strategy(std::uint64_t seed, std::uint32_t depth,
                                            std::uint64_t estimated_steps) {
  return std::make_unique<PctStrategy>(seed, depth, estimated_steps);
}

}  // namespace lockstep
