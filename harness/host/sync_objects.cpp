// FIFO events and mutexes on the scheduler.
//
// After every yield or block inside a call, the calling thread first looks at its own visit
// record (on its stack): if the object was destroyed meanwhile, `this` is freed memory, so it
// reports that and touches nothing of the object. Anything the call still needs after a
// suspension (the simulation, its waiter record) is held in locals or shared records.
#include "harness/host/sync_objects.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <string>

namespace lockstep::harness {

namespace {
void preemption_point(Simulation& simulation) {
  if (simulation.on_fiber()) {
    simulation.yield();
  }
}

// Registers a visit for its scope and leaves on every way out (return, failure, or teardown
// unwinding), unless the object was destroyed meanwhile: then there is nothing to leave.
class VisitScope {
 public:
  VisitScope(SyncObjectVisits& visits, SyncObjectVisit& visit) : visits_(visits), visit_(visit) {
    visits_.enter(visit_);
  }
  ~VisitScope() {
    if (!visit_.object_destroyed) {
      visits_.leave(visit_);
    }
  }
  VisitScope(const VisitScope&) = delete;
  VisitScope& operator=(const VisitScope&) = delete;

 private:
  SyncObjectVisits& visits_;  // part of the object: used only while the object lives
  SyncObjectVisit& visit_;
};

SyncObjectVisit visit_of(const Simulation& simulation, const char* activity) {
  SyncObjectVisit visit;
  visit.fiber = simulation.current_fiber();
  visit.activity = activity;
  return visit;
}

[[noreturn]] void report_destroyed(const SyncObjectVisit& visit, const char* destroy_function,
                                   const char* kind) {
  const std::string destroyer = visit.destroyed_by == 0
                                    ? std::string("the scheduler")
                                    : "thread " + std::to_string(visit.destroyed_by);
  throw std::logic_error(std::string("host ") + destroy_function + ": the " + kind +
                         " was destroyed by " + destroyer + " at step " +
                         std::to_string(visit.destroyed_at_step) + " while thread " +
                         std::to_string(visit.fiber) + " was " + visit.activity +
                         " (a thread must not use a " + kind + " once it is destroyed)");
}
}  // namespace

// ---- visits -----------------------------------------------------------------------------

void SyncObjectVisits::leave(const SyncObjectVisit& visit) {
  const auto position = std::find(visits_.rbegin(), visits_.rend(), &visit);
  if (position != visits_.rend()) {
    visits_.erase(std::next(position).base());
  }
}

void SyncObjectVisits::object_destroyed(Simulation& simulation) {
  const FiberId destroyer = simulation.current_fiber();
  const std::uint64_t step = simulation.steps();
  for (SyncObjectVisit* visit : visits_) {
    visit->object_destroyed = true;
    visit->destroyed_by = destroyer;
    visit->destroyed_at_step = step;
    simulation.wake(visit->fiber);  // a blocked visitor reports it when it runs next
  }
  visits_.clear();
}

// ---- events -----------------------------------------------------------------------------

HostEvent::~HostEvent() {
  if (visits_.empty()) {
    return;  // nobody inside (also the case after teardown, when the simulation may be gone)
  }
  for (const std::shared_ptr<Waiter>& waiter : waiters_) {
    simulation_.cancel(waiter->timeout);  // its action would touch this object
  }
  visits_.object_destroyed(simulation_);
}

void HostEvent::set() {
  SyncObjectVisit visit = visit_of(simulation_, "inside event_set on it");
  {
    const VisitScope inside(visits_, visit);
    preemption_point(simulation_);
  }
  if (visit.object_destroyed) {
    report_destroyed(visit, "event_destroy", "event");
  }
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
  Simulation& simulation = simulation_;
  if (!simulation.on_fiber()) {
    throw std::logic_error("event_wait called outside a simulated thread");
  }
  SyncObjectVisit visit = visit_of(simulation, "waiting on it");
  const VisitScope inside(visits_, visit);
  preemption_point(simulation);
  if (visit.object_destroyed) {
    report_destroyed(visit, "event_destroy", "event");
  }
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
  waiter->fiber = visit.fiber;
  waiters_.push_back(waiter);
  if (timeout_ns != UINT64_MAX) {
    waiter->timeout = simulation.schedule(
        timeout_ns,
        [this, waiter] {
          // Cancelled by the destructor while queued, so `this` is alive whenever this runs
          // for a waiter not yet released.
          if (!waiter->signalled) {
            waiter->timed_out = true;
            waiters_.erase(std::find(waiters_.begin(), waiters_.end(), waiter));
            simulation_.wake(waiter->fiber);
          }
        },
        "event wait timeout");
  }
  while (!waiter->signalled && !waiter->timed_out && !visit.object_destroyed) {
    simulation.block("waiting for an event");
  }
  // Released before a destruction: a normal return (destroying a signalled event is fine).
  if (waiter->signalled) {
    simulation.cancel(waiter->timeout);
    return S_OK;
  }
  if (waiter->timed_out) {
    return WS_E_OPERATION_TIMED_OUT;
  }
  report_destroyed(visit, "event_destroy", "event");
}

// ---- mutexes ----------------------------------------------------------------------------

HostMutex::~HostMutex() {
  if (!visits_.empty()) {
    visits_.object_destroyed(simulation_);
  }
}

void HostMutex::lock() {
  Simulation& simulation = simulation_;
  if (!simulation.on_fiber()) {
    throw std::logic_error("mutex_lock called outside a simulated thread");
  }
  SyncObjectVisit visit = visit_of(simulation, "waiting to lock it");
  const VisitScope inside(visits_, visit);
  preemption_point(simulation);
  if (visit.object_destroyed) {
    report_destroyed(visit, "mutex_destroy", "mutex");
  }
  const FiberId self = visit.fiber;
  if (owner_ == self) {
    throw std::logic_error("mutex_lock: thread " + std::to_string(self) +
                           " locked a mutex it already holds (host mutexes are not recursive)");
  }
  if (owner_ == 0) {
    owner_ = self;
    return;
  }
  waiters_.push_back(self);
  do {
    simulation.block("waiting for a mutex");
    if (visit.object_destroyed) {
      report_destroyed(visit, "mutex_destroy", "mutex");
    }
  } while (owner_ != self);
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
  preemption_point(simulation_);  // touches nothing after: the mutex may be gone by then
}

}  // namespace lockstep::harness
