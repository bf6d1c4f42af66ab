// The one pseudo-random generator of lockstep: xoshiro256** seeded through splitmix64.
//
// Why a hand-written generator: every decision must be bit-identical across machines,
// compilers and standard libraries, so no std::*_distribution and no std engine whose
// seeding differs. Invariants: the same seed gives the same sequence forever; bounded draws
// are unbiased (Lemire's multiply-and-reject); probabilities are integer ratios, never floats.
#pragma once

#include <cassert>
#include <cstdint>

namespace lockstep {

/// splitmix64 step: advances `state` and returns the next mixed value. Used to expand one
/// 64-bit seed into a full generator state and to derive child seeds.
inline std::uint64_t splitmix64_next(std::uint64_t& state) {
  state += 0x9E3779B97F4A7C15ull;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// xoshiro256** (Blackman and Vigna). Not thread-safe; pass by reference, never global.
class Prng {
 public:
  explicit Prng(std::uint64_t seed) {
    std::uint64_t expander = seed;
    for (std::uint64_t& word : state_) {
      word = splitmix64_next(expander);
    }
  }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
    const std::uint64_t shifted = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = rotate_left(state_[3], 45);
    return result;
  }

  /// Uniform integer in [0, bound). `bound` must be positive.
  std::uint64_t below(std::uint64_t bound) {
    assert(bound > 0);
    unsigned __int128 product = static_cast<unsigned __int128>(next_u64()) * bound;
    auto low = static_cast<std::uint64_t>(product);
    if (low < bound) {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        product = static_cast<unsigned __int128>(next_u64()) * bound;
        low = static_cast<std::uint64_t>(product);
      }
    }
    return static_cast<std::uint64_t>(product >> 64);
  }

  /// True with probability numerator/denominator (integer ratio; numerator may exceed
  /// denominator, which means always).
  bool chance(std::uint32_t numerator, std::uint32_t denominator) {
    assert(denominator > 0);
    return below(denominator) < numerator;
  }

  /// A seed for an independent child generator (one schedule, one strategy, one fault plan).
  std::uint64_t child_seed() {
    std::uint64_t mixer = next_u64();
    return splitmix64_next(mixer);
  }

 private:
  static std::uint64_t rotate_left(std::uint64_t value, int bits) {
    return (value << bits) | (value >> (64 - bits));
  }

  std::uint64_t state_[4];
};

}  // namespace lockstep
