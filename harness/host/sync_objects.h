// Events and mutexes whose blocking waits suspend only the calling simulated thread.
//
// Waiters are served in arrival order (FIFO), so who gets a mutex or an auto-reset event is a
// function of the schedule, never of addresses. A timed wait is a scheduler event that, if it
// fires first, removes the waiter and wakes it with WS_E_OPERATION_TIMED_OUT. Each operation
// is also a preemption point (a yield), so the strategy can interleave other threads around
// every lock and signal. Misuse (unlocking a mutex one does not own) throws, which the
// scheduler reports as a failure of the schedule naming the thread.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>

#include "lockstep/ws.h"
#include "scheduler/simulation.h"

namespace lockstep::harness {

class HostEvent {
 public:
  HostEvent(Simulation& simulation, bool manual_reset, bool initially_set)
      : simulation_(simulation), manual_reset_(manual_reset), set_(initially_set) {}
  void set();
  void reset() { set_ = false; }
  /// On a fiber. S_OK once set; WS_E_OPERATION_TIMED_OUT after timeout_ns (UINT64_MAX: never).
  HRESULT wait(std::uint64_t timeout_ns);
  bool is_set() const { return set_; }

 private:
  struct Waiter {
    FiberId fiber = 0;
    bool signalled = false;
    bool timed_out = false;
  };
  Simulation& simulation_;
  bool manual_reset_;
  bool set_;
  std::deque<std::shared_ptr<Waiter>> waiters_;
};

class HostMutex {
 public:
  explicit HostMutex(Simulation& simulation) : simulation_(simulation) {}
  void lock();
  void unlock();
  FiberId owner() const { return owner_; }

 private:
  Simulation& simulation_;
  FiberId owner_ = 0;
  std::deque<FiberId> waiters_;
};

}  // namespace lockstep::harness
