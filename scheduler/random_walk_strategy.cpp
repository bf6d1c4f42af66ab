// Random walk: every choice uniform (picks) or at the asked ratio (chances), from one PRNG.
#include "scheduler/strategy.h"

namespace lockstep {
namespace {

class RandomWalkStrategy final : public Strategy {
 public:
  explicit RandomWalkStrategy(std::uint64_t seed) : prng_(seed) {}

  std::string description() const override { return "random"; }

  std::size_t pick(std::span<const std::uint64_t> candidate_keys, std::uint64_t) override {
    return static_cast<std::size_t>(prng_.below(candidate_keys.size()));
  }
  bool chance(std::uint32_t numerator, std::uint32_t denominator) override {
    return prng_.chance(numerator, denominator);
  }
  std::uint64_t integer(std::uint64_t bound) override { return prng_.below(bound); }

 private:
  Prng prng_;
};

}  // namespace

std::unique_ptr<Strategy> make_random_walk_strategy(std::uint64_t seed) {
  return std::make_unique<RandomWalkStrategy>(seed);
}

}  // namespace lockstep
