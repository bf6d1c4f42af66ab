// FIFO events and mutexes on the scheduler.
#include "harness/host/sync_objects.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace lockstep::harness {

namespace {
void preemption_point(Simulation& simulation) {
  if (simulation.on_fiber()) {
    simulation.yield();
  }
}
}  // namespace

void HostEvent::set() {
  preemption_point(simulation_);
  set_ = true;
  while (set_ && !waiters_.empty()) {
    std::shared_ptr<Waiter> waiter = waiters_.front();
    waiters_.pop_front();
    waiter->signalled = true;
    simulation_.wake(waiter->fiber);
    if (!manual_reset_) {
      set_ = false;  // an auto-reset event releases exactly one waiter
    }
  }
}

HRESULT HostEvent::wait(std::uint64_t timeout_ns) {
  if (!simulation_.on_fiber()) {
    throw std::logic_error("event_wait called outside a simulated thread");
  }
  preemption_point(simulation_);
  if (set_) {
    if (!manual_reset_) {
      set_ = false;
    }
    return S_OK;
  }
  if (timeout_ns == 0) {
    return WS_E_OPERATION_TIMED_OUT;
  }
  auto waiter = std::make_shared<Waiter>();
  waiter->fiber = simulation_.current_fiber();
  waiters_.push_back(waiter);
  EventId timeout{};
  if (timeout_ns != UINT64_MAX) {
    timeout = simulation_.schedule(
        timeout_ns,
        [this, waiter] {
          if (!waiter->signalled) {
            waiter->timed_out = true;
            waiters_.erase(std::find(waiters_.begin(), waiters_.end(), waiter));
            simulation_.wake(waiter->fiber);
          }
        },
        "event wait timeout");
  }
  while (!waiter->signalled && !waiter->timed_out) {
    simulation_.block("waiting for an event");
  }
  if (waiter->signalled) {
    simulation_.cancel(timeout);
    return S_OK;
  }
  return WS_E_OPERATION_TIMED_OUT;
}

void HostMutex::lock() {
  if (!simulation_.on_fiber()) {
    throw std::logic_error("mutex_lock called outside a simulated thread");
  }
  preemption_point(simulation_);
  const FiberId self = simulation_.current_fiber();
  if (owner_ == self) {
    throw std::logic_error("mutex_lock: thread " + std::to_string(self) +
                           " locked a mutex it already holds (host mutexes are not recursive)");
  }
  if (owner_ == 0) {
    owner_ = self;
    return;
  }
  waiters_.push_back(self);
  while (owner_ != self) {
    simulation_.block("waiting for a mutex");
  }
}

void HostMutex::unlock() {
  const FiberId self = simulation_.current_fiber();
  if (owner_ != self) {
    throw std::logic_error("mutex_unlock: thread " + std::to_string(self) +
                           " unlocked a mutex held by thread " + std::to_string(owner_));
  }
  if (waiters_.empty()) {
    owner_ = 0;
  } else {
    owner_ = waiters_.front();  // handed over: FIFO, no barging
    waiters_.pop_front();
    simulation_.wake(owner_);
  }
  preemption_point(simulation_);
}

}  // namespace lockstep::harness
