// Simulation: one deterministic schedule of simulated threads, timers and draws.
//
// Simulated threads are Boost.Context fibers on pooled stacks, run one at a time. At every
// step the ready candidates (runnable fibers, then events due at the current virtual time, each
// in a deterministic order) are offered to the Strategy, which picks one; the pick is logged.
// When nothing is ready the virtual clock jumps to the next event. Nothing here reads a real
// clock, a thread id or an address to decide anything; there are no globals, so a process may
// hold many simulations. An exception escaping a fiber or an event ends the schedule as a
// reported failure (fiber, step, message); deadlock, step and virtual-time budgets likewise.
#pragma once

#include <boost/context/detail/fcontext.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler/decision_log.h"
#include "scheduler/stack_pool.h"
#include "scheduler/strategy.h"
#include "scheduler/trace.h"

namespace lockstep {

using FiberId = std::uint32_t;  ///< 1, 2, 3... in spawn order; 0 means "the scheduler".

struct EventId {
  std::uint32_t slot = 0;
  std::uint64_t sequence = 0;  ///< 0 never names an event
};

struct SimulationConfig {
  std::uint64_t max_steps = 1'000'000;
  std::uint64_t max_virtual_time_ns = 3'600'000'000'000ull;  // one virtual hour
  bool keep_trace_events = true;
  /// Stack size for fibers when the simulation owns its pool.
  std::size_t fiber_stack_bytes = StackPool::default_usable_bytes();
  /// Optional shared pool (must outlive the simulation); else the simulation owns one.
  StackPool* stack_pool = nullptr;
  /// Simulated threads alive at once (spawned and not finished, daemons included). One more
  /// ends the schedule with `fiber_limit_exceeded`, at the same step on every machine; so does
  /// a stack the system refuses before the limit.
  std::uint64_t max_live_fibers = 200'000;
};

enum class Outcome : std::uint8_t {
  running = 0,
  completed = 1,              ///< every non-daemon fiber finished and no event is pending
  deadlock = 2,               ///< non-daemon fibers blocked, nothing runnable, no event pending
  step_budget_exhausted = 3,
  time_budget_exhausted = 4,
  fiber_exception = 5,        ///< an exception escaped a fiber's body
  event_exception = 6,        ///< an exception escaped an event's action
  replay_diverged = 7,
  stopped = 8,                ///< a layer above called stop()
  fiber_limit_exceeded = 9,   ///< more fibers alive at once than allowed, or no stack for one
};

std::string_view outcome_name(Outcome outcome);

/// Thrown by spawn() past SimulationConfig::max_live_fibers (the schedule has then already
/// ended with Outcome::fiber_limit_exceeded, whoever catches this).
struct FiberLimitExceeded : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RunResult {
  Outcome outcome = Outcome::running;
  std::string message;        ///< one line; empty for `completed`
  std::uint64_t steps = 0;
  std::uint64_t virtual_time_ns = 0;
  std::uint64_t trace_hash = 0;
  FiberId fiber = 0;          ///< the failing fiber for fiber_exception, else 0
  std::string fiber_name;
};

class Simulation {
 public:
  Simulation(const SimulationConfig& config, std::unique_ptr<Strategy> strategy);
  /// Unwinds fibers that have not finished (their destructors run), then frees their stacks.
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // ---- building the world -------------------------------------------------------------
  /// Adds a runnable fiber. Callable from anywhere, including fibers and events. Past
  /// `max_live_fibers` it ends the schedule (outcome fiber_limit_exceeded) and throws
  /// FiberLimitExceeded, so that a spawning loop stops too.
  FiberId spawn(std::string name, std::function<void()> body);
  /// Adds a daemon fiber (a worker thread): the schedule may end while it is blocked, and it
  /// does not count as deadlocked. It is unwound at teardown like any other fiber.
  FiberId spawn_daemon(std::string name, std::function<void()> body);
  /// Runs `action` on the scheduler (not on a fiber) `delay_ns` from now, when picked.
  EventId schedule(std::uint64_t delay_ns, std::function<void()> action, std::string label);
  /// True if the event was still pending and will now never fire.
  bool cancel(EventId event);

  // ---- called on a fiber ----------------------------------------------------------------
  /// Gives every other ready candidate a chance to run first.
  void yield();
  /// Suspends the current fiber until wake(); `reason` is shown in deadlock reports.
  void block(std::string_view reason);
  /// block(), for a fiber whose stack owns nothing at this point that needs destroying (no
  /// live local with a destructor in any of its frames; an idle worker's loop): if the
  /// schedule ends while it waits here, teardown abandons it instead of unwinding it with an
  /// exception (the unwinder was a fifth of a schedule's instructions). Its body's captures
  /// are still destroyed, on the scheduler's stack. Same trace as block().
  void park(std::string_view reason);
  /// Suspends the current fiber for `duration_ns` of virtual time.
  void sleep_for(std::uint64_t duration_ns);

  // ---- callable anywhere ----------------------------------------------------------------
  /// Makes a blocked fiber runnable; false if it was not blocked.
  bool wake(FiberId fiber);
  bool on_fiber() const { return current_ != nullptr; }
  FiberId current_fiber() const;
  std::string_view fiber_name(FiberId fiber) const;
  bool fiber_finished(FiberId fiber) const;
  std::uint64_t now_ns() const { return now_ns_; }
  std::uint64_t steps() const { return steps_; }
  /// A yes/no draw (numerator/denominator), decided by the strategy and logged.
  bool chance(std::uint32_t numerator, std::uint32_t denominator);
  /// An integer in [0, bound), decided by the strategy and logged (bound 0 or 1 gives 0).
  std::uint64_t integer(std::uint64_t bound);
  /// Adds a labelled event to the trace (and to its hash).
  void annotate(std::string_view label, std::uint64_t value = 0);
  /// Ends the schedule after the current step with outcome `stopped`.
  void stop(std::string reason);

  // ---- running --------------------------------------------------------------------------
  /// Runs one step. False once the schedule has ended (see result()).
  bool step();
  /// Runs to the end and returns the result.
  const RunResult& run();
  const RunResult& result() const { return result_; }
  /// Unwinds every unfinished fiber and drops every pending event (their captures are
  /// destroyed now), so that objects those captures refer to can be destroyed safely after.
  /// The result stays readable. Idempotent; the destructor calls it.
  void shutdown();
  const Trace& trace() const { return trace_; }
  const DecisionLog& decisions() const { return decisions_; }
  const Strategy& strategy() const { return *strategy_; }

 private:
  enum class FiberState : std::uint8_t { runnable, running, blocked, finished };

  struct Fiber {
    Simulation* simulation = nullptr;
    FiberId id = 0;
    std::string name;
    FiberState state = FiberState::runnable;
    std::function<void()> body;
    FiberStack stack;
    boost::context::detail::fcontext_t context = nullptr;
    void* sanitizer_fake_stack = nullptr;
    std::string blocked_reason;
    bool started = false;
    bool daemon = false;
    bool cancelling = false;
    bool parked = false;  ///< suspended in park(): nothing on its stack to unwind
    std::uint64_t sleep_event_sequence = 0;
  };

  struct PendingEvent {
    std::uint64_t due_ns;
    std::uint64_t sequence;
    std::uint32_t slot;
    // Min-heap on (due time, sequence): ties go to the earlier-scheduled event.
    bool operator>(const PendingEvent& other) const {
      return due_ns != other.due_ns ? due_ns > other.due_ns : sequence > other.sequence;
    }
  };

  struct EventSlot {
    std::uint64_t sequence = 0;  ///< 0 when free
    std::function<void()> action;
    std::string label;
  };

  static void fiber_entry(boost::context::detail::transfer_t transfer);
  FiberId add_fiber(std::string name, std::function<void()> body, bool daemon);
  void run_fiber_body(Fiber& fiber);
  void resume(Fiber& fiber);
  void suspend_current();
  void finish(Outcome outcome, std::string message);
  void collect_due_events();
  void fire_event(std::uint32_t slot);
  void release_event_slot(std::uint32_t slot);
  void cancel_unfinished_fibers();
  Fiber& fiber_ref(FiberId fiber);
  const Fiber& fiber_ref(FiberId fiber) const;
  void check_divergence();
  void record_decision(Decision decision);

  SimulationConfig config_;
  std::unique_ptr<Strategy> strategy_;
  std::unique_ptr<StackPool> owned_stack_pool_;
  StackPool* stack_pool_;
  Trace trace_;
  DecisionLog decisions_;
  RunResult result_;
  bool stop_requested_ = false;
  std::optional<std::pair<Outcome, std::string>> pending_failure_;

  std::uint64_t now_ns_ = 0;
  std::uint64_t steps_ = 0;
  std::vector<std::unique_ptr<Fiber>> fibers_;  // index = id - 1
  std::vector<FiberId> runnable_;
  std::size_t unfinished_fibers_ = 0;  // not counting daemons
  std::size_t live_fibers_ = 0;        // spawned and not finished, daemons included
  Fiber* current_ = nullptr;

  std::priority_queue<PendingEvent, std::vector<PendingEvent>, std::greater<>> pending_events_;
  std::vector<EventSlot> event_slots_;
  std::vector<std::uint32_t> free_event_slots_;
  std::vector<std::uint32_t> due_events_;  // slots, in (due time, sequence) order
  std::uint64_t next_event_sequence_ = 1;
  std::size_t live_events_ = 0;

  std::vector<std::uint64_t> candidate_keys_;  // scratch, reused every step

  boost::context::detail::fcontext_t scheduler_context_ = nullptr;
  void* scheduler_fake_stack_ = nullptr;
  const void* scheduler_stack_bottom_ = nullptr;
  std::size_t scheduler_stack_bytes_ = 0;
};

}  // namespace lockstep
