// Simulated threads of the harness waiting for a condition another thread makes true.
//
// Why it exists: the pattern drivers wait for callbacks, events and continuations that run on
// the implementation's threads; a waiter blocks its fiber and every notify() wakes all of them
// to look again. Invariant: a waiter never misses a notify that made its condition true, since
// it checks the condition before blocking and the simulation runs one fiber at a time.
#pragma once

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "scheduler/simulation.h"

namespace lockstep::conformance {

class FiberWaiters {
 public:
  explicit FiberWaiters(Simulation& simulation) : simulation_(simulation) {}

  /// On a fiber: returns once `ready()` holds.
  void wait_until(const std::function<bool()>& ready, const std::string& reason) {
    while (!ready()) {
      const FiberId self = simulation_.current_fiber();
      waiting_.push_back(self);
      simulation_.block(reason);
      waiting_.erase(std::remove(waiting_.begin(), waiting_.end(), self), waiting_.end());
    }
  }
  /// Anywhere: every waiter looks at its condition again.
  void notify() {
    for (const FiberId fiber : waiting_) {
      simulation_.wake(fiber);
    }
  }

 private:
  Simulation& simulation_;
  std::vector<FiberId> waiting_;
};

}  // namespace lockstep::conformance
