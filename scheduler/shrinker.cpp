// The shrink passes over decision logs.
#include "scheduler/shrinker.h"

#include <algorithm>

namespace lockstep {

std::uint64_t decision_log_weight(const DecisionLog& log) {
  std::uint64_t values = 0;
  for (const Decision& decision : log.decisions()) {
    values += std::min<std::uint64_t>(decision.value, 1'000'000);
  }
  return (static_cast<std::uint64_t>(log.size()) << 32) + values;
}

std::uint64_t decisions_that_cannot_win(const DecisionLog& log) {
  // weight >= decisions << 32 for every log, so `decisions` at or above the rounded-up quotient
  // make a log at least as heavy as this one.
  constexpr std::uint64_t kPerDecision = std::uint64_t{1} << 32;
  const std::uint64_t weight = decision_log_weight(log);
  return weight / kPerDecision + (weight % kPerDecision != 0 ? 1 : 0);
}

namespace {

class Shrinker {
 public:
  Shrinker(const ShrinkProbe& probe, std::uint64_t max_runs) : probe_(probe), max_runs_(max_runs) {}

  // Tries `candidate`; adopts the run's consumed log when it still fails and is lighter.
  bool try_candidate(const DecisionLog& candidate) {
    if (runs_ >= max_runs_) {
      return false;
    }
    ++runs_;
    ShrinkAttempt attempt = probe_(candidate, decisions_that_cannot_win(best_));
    if (!attempt.still_fails ||
        decision_log_weight(attempt.consumed) >= decision_log_weight(best_)) {
      return false;
    }
    best_ = std::move(attempt.consumed);
    return true;
  }

  bool exhausted() const { return runs_ >= max_runs_; }
  const DecisionLog& best() const { return best_; }
  void set_best(DecisionLog log) { best_ = std::move(log); }
  std::uint64_t runs() const { return runs_; }

  bool delete_chunks() {
    bool improved = false;
    for (std::size_t chunk = std::max<std::size_t>(best_.size() / 2, 1); chunk >= 1; chunk /= 2) {
      for (std::size_t start = 0; start + chunk <= best_.size() && !exhausted();) {
        DecisionLog candidate;
        for (std::size_t index = 0; index < best_.size(); ++index) {
          if (index < start || index >= start + chunk) {
            candidate.append(best_[index]);
          }
        }
        if (try_candidate(candidate)) {
          improved = true;  // same start: the next chunk slid into place
        } else {
          start += chunk;
        }
      }
      if (chunk == 1) {
        break;
      }
    }
    return improved;
  }

  // Zeroes runs of decisions at once: a single changed choice shifts the whole interleaving,
  // but a run of "first candidate" choices is a plain round robin, often still failing.
  bool zero_chunks() {
    bool improved = false;
    for (std::size_t chunk = best_.size(); chunk >= 1; chunk /= 2) {
      for (std::size_t start = 0; start + chunk <= best_.size() && !exhausted(); start += chunk) {
        DecisionLog candidate = best_;
        bool changed = false;
        for (std::size_t index = start; index < start + chunk; ++index) {
          changed = changed || candidate[index].value != 0;
          candidate[index].value = 0;
        }
        if (changed && try_candidate(candidate)) {
          improved = true;
        }
      }
      if (chunk == 1) {
        break;
      }
    }
    return improved;
  }

  bool simplify_values() {
    bool improved = false;
    for (std::size_t index = 0; index < best_.size() && !exhausted(); ++index) {
      const std::uint64_t value = best_[index].value;
      if (value == 0) {
        continue;
      }
      for (std::uint64_t smaller : {std::uint64_t{0}, value / 2, value - 1}) {
        if (smaller >= value || index >= best_.size()) {
          continue;
        }
        DecisionLog candidate = best_;
        candidate[index].value = smaller;
        if (try_candidate(candidate)) {
          improved = true;
          break;
        }
      }
    }
    return improved;
  }

 private:
  const ShrinkProbe& probe_;
  std::uint64_t max_runs_;
  std::uint64_t runs_ = 0;
  DecisionLog best_;
};

}  // namespace

ShrinkResult shrink_decision_log(const DecisionLog& failing, const ShrinkProbe& probe,
                                 std::uint64_t max_runs) {
  ShrinkResult result;
  result.original_size = failing.size();
  Shrinker shrinker(probe, max_runs);
  ShrinkAttempt first = probe(failing, UINT64_MAX);
  if (!first.still_fails) {
    result.log = failing;
    result.runs = 1;
    return result;
  }
  result.reproduced = true;
  shrinker.set_best(std::move(first.consumed));
  bool improved = true;
  while (improved && !shrinker.exhausted()) {
    improved = shrinker.delete_chunks();
    improved = shrinker.zero_chunks() || improved;
    improved = shrinker.simplify_values() || improved;
  }
  result.log = shrinker.best();
  result.runs = shrinker.runs() + 1;
  return result;
}

}  // namespace lockstep
