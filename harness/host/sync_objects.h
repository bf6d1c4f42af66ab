// Events and mutexes whose blocking waits suspend only the calling simulated thread.
//
// Waiters are served in arrival order (FIFO), so who gets a mutex or an auto-reset event is a
// function of the schedule, never of addresses. A timed wait is a scheduler event that, if it
// fires first, removes the waiter and wakes it with WS_E_OPERATION_TIMED_OUT. Each operation
// is also a preemption point (a yield), so the strategy can interleave other threads around
// every lock and signal. Misuse (unlocking a mutex one does not own) throws, which the
// scheduler reports as a failure of the schedule naming the thread.
//
// Destroying an object while a thread is inside one of its blocking calls (waiting to lock a
// mutex, waiting on an event, or at event_set's preemption point) is misuse too: that thread
// would go on with freed memory. The object never lets it: every thread inside a blocking
// call is registered with a record on its own stack, the destructor marks those records (and
// wakes and un-times the waiters), and each such thread, when it runs again, reports the
// destruction as a failure of the schedule naming mutex_destroy or event_destroy, without
// touching the object. A waiter already released (signalled, timed out, handed the mutex)
// returns as usual: destroying the object after that is allowed.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "lockstep/ws.h"
#include "scheduler/simulation.h"

namespace lockstep::harness {

/// One simulated thread inside a blocking call of a HostEvent or HostMutex. It lives on that
/// thread's stack for the duration of the call; the object holds a pointer to it meanwhile.
struct SyncObjectVisit {
  FiberId fiber = 0;
  const char* activity = "";      ///< "waiting to lock it", ...: for the report
  bool object_destroyed = false;  ///< set by the object's destructor
  FiberId destroyed_by = 0;       ///< the thread that destroyed it (0: the scheduler)
  std::uint64_t destroyed_at_step = 0;
};

/// The threads inside an object's blocking calls, in the order they entered.
class SyncObjectVisits {
 public:
  void enter(SyncObjectVisit& visit) { visits_.push_back(&visit); }
  void leave(const SyncObjectVisit& visit);
  bool empty() const { return visits_.empty(); }
  /// The owning object is being destroyed: marks every record and wakes blocked visitors.
  void object_destroyed(Simulation& simulation);

 private:
  std::vector<SyncObjectVisit*> visits_;
};

class HostEvent {
 public:
  HostEvent(Simulation& simulation, bool manual_reset, bool initially_set)
      : simulation_(simulation), manual_reset_(manual_reset), set_(initially_set) {}
  /// Threads still waiting (or inside set) are woken to report the destruction.
  ~HostEvent();
  HostEvent(const HostEvent&) = delete;
  HostEvent& operator=(const HostEvent&) = delete;
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
    EventId timeout{};
  };
  Simulation& simulation_;
  bool manual_reset_;
  bool set_;
  std::deque<std::shared_ptr<Waiter>> waiters_;
  SyncObjectVisits visits_;
};

class HostMutex {
 public:
  explicit HostMutex(Simulation& simulation) : simulation_(simulation) {}
  /// A thread still inside lock() is woken to report the destruction.
  ~HostMutex();
  HostMutex(const HostMutex&) = delete;
  HostMutex& operator=(const HostMutex&) = delete;
  void lock();
  void unlock();
  FiberId owner() const { return owner_; }

 private:
  Simulation& simulation_;
  FiberId owner_ = 0;
  std::deque<FiberId> waiters_;
  SyncObjectVisits visits_;
};

}  // namespace lockstep::harness
