// WaitQueue: blocking and waking through the Simulation's block() and wake().
#include "scheduler/wait_queue.h"

#include <algorithm>
#include <stdexcept>

namespace lockstep {

void WaitQueue::wait(std::string_view reason) {
  if (!simulation_.on_fiber()) {
    throw std::logic_error("WaitQueue::wait called outside a fiber");
  }
  const FiberId self = simulation_.current_fiber();
  waiters_.push_back(self);
  // Taken off the queue however the wait ends: woken, or unwound at teardown.
  struct Leave {
    std::vector<FiberId>& waiters;
    FiberId fiber;
    ~Leave() {
      auto position = std::find(waiters.begin(), waiters.end(), fiber);
      if (position != waiters.end()) {
        waiters.erase(position);
      }
    }
  } leave{waiters_, self};
  simulation_.block(reason);
}

void WaitQueue::notify_all() {
  const std::vector<FiberId> woken = std::move(waiters_);
  waiters_.clear();
  for (FiberId fiber : woken) {
    simulation_.wake(fiber);
  }
}

}  // namespace lockstep
