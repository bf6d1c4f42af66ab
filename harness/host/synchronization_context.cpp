// The single-threaded context: a FIFO of posted functions and the thread that pumps it.
#include "harness/host/synchronization_context.h"

#include <stdexcept>

namespace lockstep::harness {

namespace {

HRESULT post_trampoline(void* self, lockstep_posted_function function, void* state) {
  return static_cast<SynchronizationContext*>(self)->post(function, state);
}

}  // namespace

SynchronizationContext::SynchronizationContext(Simulation& simulation, std::string name)
    : simulation_(simulation), name_(std::move(name)) {
  table_.struct_size = sizeof(table_);
  table_.self = this;
  table_.post = &post_trampoline;
}

void SynchronizationContext::bind_current_thread() {
  if (thread_ != 0) {
    throw std::logic_error("synchronization context " + name_ + ": already has a thread");
  }
  thread_ = simulation_.current_fiber();
}

void SynchronizationContext::run_as_daemon() {
  thread_ = simulation_.spawn_daemon(name_, [this] { pump_until([] { return false; }); });
}

void SynchronizationContext::require_own_thread(const char* what) const {
  if (!simulation_.on_fiber() || simulation_.current_fiber() != thread_) {
    throw std::logic_error("synchronization context " + name_ + ": " + what +
                           " called off the context's thread");
  }
}

HRESULT SynchronizationContext::post(lockstep_posted_function function, void* state) {
  if (function == nullptr) {
    return E_INVALIDARG;
  }
  queue_.push_back(Item{function, state});
  ++posted_;
  if (waiting_) {
    simulation_.wake(thread_);
  }
  return S_OK;
}

void SynchronizationContext::nudge() {
  if (waiting_) {
    simulation_.wake(thread_);
  }
}

void SynchronizationContext::run_queued() {
  while (!queue_.empty()) {
    const Item item = queue_.front();
    queue_.pop_front();
    inside_ = true;
    item.function(item.state);
    inside_ = false;
    if (after_each_) {
      after_each_();
    }
  }
}

void SynchronizationContext::pump_until(const std::function<bool()>& done) {
  require_own_thread("pump_until");
  for (;;) {
    run_queued();
    if (done()) {
      return;
    }
    waiting_ = true;
    simulation_.block("synchronization context " + name_ + " waiting for posted work");
    waiting_ = false;
  }
}

void SynchronizationContext::pump_for(std::uint64_t duration_ns) {
  require_own_thread("pump_for");
  const std::uint64_t deadline_ns = simulation_.now_ns() + duration_ns;
  for (;;) {
    run_queued();
    if (simulation_.now_ns() >= deadline_ns) {
      return;
    }
    bool timed_out = false;
    const FiberId thread = thread_;
    const EventId timer = simulation_.schedule(
        deadline_ns - simulation_.now_ns(),
        [this, &timed_out, thread] {
          timed_out = true;
          simulation_.wake(thread);
        },
        "synchronization context pump deadline");
    waiting_ = true;
    while (queue_.empty() && !timed_out) {
      simulation_.block("synchronization context " + name_ + " pumping");
    }
    waiting_ = false;
    simulation_.cancel(timer);
  }
}

}  // namespace lockstep::harness
