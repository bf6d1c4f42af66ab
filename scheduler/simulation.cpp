// The scheduler loop, fiber switching and the event queue.
#include "scheduler/simulation.h"

#include <algorithm>
#include <exception>
#include <stdexcept>

#include "scheduler/sanitizer_fiber_switch.h"

namespace lockstep {

namespace context = boost::context::detail;

namespace {

// Thrown on a fiber being torn down so that its frames unwind and their destructors run.
struct FiberCancelled {};

constexpr std::uint64_t kEventKeyBit = std::uint64_t{1} << 63;
constexpr int kCancelAttempts = 3;

}  // namespace

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::running:
      return "running";
    case Outcome::completed:
      return "completed";
    case Outcome::deadlock:
      return "deadlock";
    case Outcome::step_budget_exhausted:
      return "step-budget-exhausted";
    case Outcome::time_budget_exhausted:
      return "time-budget-exhausted";
    case Outcome::fiber_exception:
      return "fiber-exception";
    case Outcome::event_exception:
      return "event-exception";
    case Outcome::replay_diverged:
      return "replay-diverged";
    case Outcome::stopped:
      return "stopped";
    case Outcome::fiber_limit_exceeded:
      return "fiber-limit-exceeded";
  }
  return "unknown";
}

Simulation::Simulation(const SimulationConfig& config, std::unique_ptr<Strategy> strategy)
    : config_(config), strategy_(std::move(strategy)), trace_(config.keep_trace_events) {
  if (!strategy_) {
    throw std::invalid_argument("Simulation needs a strategy");
  }
  if (config_.stack_pool != nullptr) {
    stack_pool_ = config_.stack_pool;
  } else {
    owned_stack_pool_ = std::make_unique<StackPool>(config_.fiber_stack_bytes);
    stack_pool_ = owned_stack_pool_.get();
  }
  candidate_keys_.reserve(16);
}

Simulation::~Simulation() { shutdown(); }

void Simulation::shutdown() {
  cancel_unfinished_fibers();
  runnable_.clear();
  due_events_.clear();
  pending_events_ = {};
  for (EventSlot& slot : event_slots_) {
    slot.action = nullptr;
    slot.sequence = 0;
  }
  if (result_.outcome == Outcome::running) {
    finish(Outcome::stopped, "shut down before the schedule ended");
  }
}

// ---- building the world -----------------------------------------------------------------

FiberId Simulation::spawn(std::string name, std::function<void()> body) {
  return add_fiber(std::move(name), std::move(body), false);
}

FiberId Simulation::spawn_daemon(std::string name, std::function<void()> body) {
  return add_fiber(std::move(name), std::move(body), true);
}

FiberId Simulation::add_fiber(std::string name, std::function<void()> body, bool daemon) {
  if (live_fibers_ >= config_.max_live_fibers) {
    const std::string message = "fiber limit exceeded at step " + std::to_string(steps_) +
                                ": spawning '" + name + "' with " + std::to_string(live_fibers_) +
                                " simulated threads alive (the limit is " +
                                std::to_string(config_.max_live_fibers) + ")";
    if (!pending_failure_) {
      pending_failure_.emplace(Outcome::fiber_limit_exceeded, message);
    }
    throw FiberLimitExceeded(message);
  }
  auto fiber = std::make_unique<Fiber>();
  fiber->simulation = this;
  fiber->daemon = daemon;
  fiber->id = static_cast<FiberId>(fibers_.size() + 1);
  fiber->body = std::move(body);
  trace_.record(now_ns_, TraceKind::fiber_spawned, fiber->id, 0, name);
  fiber->name = std::move(name);
  const FiberId id = fiber->id;
  fibers_.push_back(std::move(fiber));
  runnable_.push_back(id);
  ++live_fibers_;
  if (!daemon) {
    ++unfinished_fibers_;
  }
  return id;
}

EventId Simulation::schedule(std::uint64_t delay_ns, std::function<void()> action,
                             std::string label) {
  std::uint32_t slot;
  if (!free_event_slots_.empty()) {
    slot = free_event_slots_.back();
    free_event_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(event_slots_.size());
    event_slots_.emplace_back();
  }
  const std::uint64_t sequence = next_event_sequence_++;
  EventSlot& record = event_slots_[slot];
  record.sequence = sequence;
  record.action = std::move(action);
  record.label = std::move(label);
  const std::uint64_t due_ns =
      delay_ns > UINT64_MAX - now_ns_ ? UINT64_MAX : now_ns_ + delay_ns;
  pending_events_.push(PendingEvent{due_ns, sequence, slot});
  ++live_events_;
  return EventId{slot, sequence};
}

bool Simulation::cancel(EventId event) {
  if (event.sequence == 0 || event.slot >= event_slots_.size() ||
      event_slots_[event.slot].sequence != event.sequence) {
    return false;
  }
  auto due = std::find(due_events_.begin(), due_events_.end(), event.slot);
  if (due != due_events_.end()) {
    due_events_.erase(due);
  }
  // A stale heap entry may remain; its sequence no longer matches the slot, so it is skipped.
  strategy_->forget(kEventKeyBit | event.sequence);
  release_event_slot(event.slot);
  return true;
}

void Simulation::release_event_slot(std::uint32_t slot) {
  EventSlot& record = event_slots_[slot];
  record.sequence = 0;
  record.action = nullptr;
  record.label.clear();
  free_event_slots_.push_back(slot);
  --live_events_;
}

// ---- called on a fiber --------------------------------------------------------------------

void Simulation::yield() {
  if (current_ == nullptr) {
    throw std::logic_error("yield() called outside a fiber");
  }
  if (current_->cancelling) {
    if (std::uncaught_exceptions() > 0) {
      return;
    }
    throw FiberCancelled{};
  }
  current_->state = FiberState::runnable;
  runnable_.push_back(current_->id);
  suspend_current();
}

void Simulation::block(std::string_view reason) {
  if (current_ == nullptr) {
    throw std::logic_error("block() called outside a fiber");
  }
  if (current_->cancelling) {
    if (std::uncaught_exceptions() > 0) {
      return;
    }
    throw FiberCancelled{};
  }
  current_->state = FiberState::blocked;
  current_->blocked_reason.assign(reason);
  trace_.record(now_ns_, TraceKind::fiber_blocked, current_->id, 0, reason);
  suspend_current();
}

void Simulation::park(std::string_view reason) {
  if (current_ == nullptr) {
    throw std::logic_error("park() called outside a fiber");
  }
  Fiber& fiber = *current_;
  fiber.parked = true;
  try {
    block(reason);
  } catch (...) {
    fiber.parked = false;
    throw;
  }
  fiber.parked = false;
}

void Simulation::sleep_for(std::uint64_t duration_ns) {
  if (current_ == nullptr) {
    throw std::logic_error("sleep_for() called outside a fiber");
  }
  const FiberId sleeper = current_->id;
  schedule(
      duration_ns, [this, sleeper] { wake(sleeper); }, "wake");
  block("sleeping");
}

void Simulation::suspend_current() {
  Fiber& fiber = *current_;
  sanitizer_start_switch(&fiber.sanitizer_fake_stack, scheduler_stack_bottom_,
                         scheduler_stack_bytes_);
  const context::transfer_t transfer = context::jump_fcontext(scheduler_context_, nullptr);
  sanitizer_finish_switch(fiber.sanitizer_fake_stack, &scheduler_stack_bottom_,
                          &scheduler_stack_bytes_);
  scheduler_context_ = transfer.fctx;
  if (fiber.cancelling) {
    throw FiberCancelled{};
  }
}

void Simulation::fiber_entry(context::transfer_t transfer) {
  Fiber* fiber = static_cast<Fiber*>(transfer.data);
  Simulation* simulation = fiber->simulation;
  simulation->scheduler_context_ = transfer.fctx;
  sanitizer_finish_switch(nullptr, &simulation->scheduler_stack_bottom_,
                          &simulation->scheduler_stack_bytes_);
  // Everything with a destructor lives in run_fiber_body: this frame is never unwound.
  simulation->run_fiber_body(*fiber);
  fiber->state = FiberState::finished;
  sanitizer_start_switch(nullptr, simulation->scheduler_stack_bottom_,
                         simulation->scheduler_stack_bytes_);
  context::jump_fcontext(simulation->scheduler_context_, nullptr);
  __builtin_unreachable();
}

void Simulation::run_fiber_body(Fiber& fiber) {
  std::optional<std::string> escaped;
  if (!fiber.cancelling) {
    try {
      fiber.body();
    } catch (const FiberCancelled&) {
    } catch (const std::exception& error) {
      escaped = error.what();
    } catch (...) {
      escaped = "an exception that is not a std::exception";
    }
  }
  try {
    fiber.body = nullptr;  // destroy captures here, on the fiber's own stack
  } catch (...) {
    escaped = escaped.value_or("an exception thrown while destroying the fiber's body");
  }
  if (escaped && !fiber.cancelling && !pending_failure_) {
    result_.fiber = fiber.id;
    result_.fiber_name = fiber.name;
    pending_failure_.emplace(Outcome::fiber_exception,
                             "exception escaped fiber #" + std::to_string(fiber.id) + " '" +
                                 fiber.name + "' at step " + std::to_string(steps_) + ": " +
                                 *escaped);
  }
}

// ---- callable anywhere --------------------------------------------------------------------

bool Simulation::wake(FiberId fiber) {
  Fiber& record = fiber_ref(fiber);
  if (record.state != FiberState::blocked) {
    return false;
  }
  record.state = FiberState::runnable;
  runnable_.push_back(fiber);
  return true;
}

FiberId Simulation::current_fiber() const { return current_ != nullptr ? current_->id : 0; }

std::string_view Simulation::fiber_name(FiberId fiber) const {
  if (fiber == 0) {
    return "scheduler";
  }
  return fiber_ref(fiber).name;
}

bool Simulation::fiber_finished(FiberId fiber) const {
  return fiber_ref(fiber).state == FiberState::finished;
}

Simulation::Fiber& Simulation::fiber_ref(FiberId fiber) {
  if (fiber == 0 || fiber > fibers_.size()) {
    throw std::out_of_range("no fiber #" + std::to_string(fiber));
  }
  return *fibers_[fiber - 1];
}

const Simulation::Fiber& Simulation::fiber_ref(FiberId fiber) const {
  if (fiber == 0 || fiber > fibers_.size()) {
    throw std::out_of_range("no fiber #" + std::to_string(fiber));
  }
  return *fibers_[fiber - 1];
}

bool Simulation::chance(std::uint32_t numerator, std::uint32_t denominator) {
  if (numerator == 0 || denominator == 0) {
    return false;
  }
  if (numerator >= denominator) {
    return true;
  }
  const bool value = strategy_->chance(numerator, denominator);
  record_decision(Decision{DecisionKind::chance, 2, value ? 1u : 0u});
  return value;
}

std::uint64_t Simulation::integer(std::uint64_t bound) {
  if (bound <= 1) {
    return 0;
  }
  bound = std::min(bound, kMaxDecisionBound - 1);
  std::uint64_t value = strategy_->integer(bound);
  if (value >= bound) {
    value = 0;  // a strategy out of range is a bug of ours; stay in range, divergence reports
  }
  record_decision(Decision{DecisionKind::integer, bound, value});
  return value;
}

void Simulation::annotate(std::string_view label, std::uint64_t value) {
  trace_.record(now_ns_, TraceKind::annotation, current_fiber(), value, label);
}

void Simulation::stop(std::string reason) {
  if (!pending_failure_) {
    pending_failure_.emplace(Outcome::stopped, std::move(reason));
  }
}

void Simulation::record_decision(Decision decision) {
  decisions_.append(decision);
  trace_.fold_decision(static_cast<std::uint64_t>(decision.kind), decision.bound, decision.value);
  check_divergence();
}

void Simulation::check_divergence() {
  if (!pending_failure_) {
    if (const std::string* divergence = strategy_->divergence()) {
      pending_failure_.emplace(Outcome::replay_diverged, "replay diverged at " + *divergence);
    }
  }
}

// ---- running ------------------------------------------------------------------------------

void Simulation::collect_due_events() {
  while (!pending_events_.empty() && pending_events_.top().due_ns <= now_ns_) {
    const PendingEvent entry = pending_events_.top();
    pending_events_.pop();
    if (event_slots_[entry.slot].sequence == entry.sequence) {
      due_events_.push_back(entry.slot);
    }
  }
}

void Simulation::finish(Outcome outcome, std::string message) {
  result_.outcome = outcome;
  result_.message = std::move(message);
  result_.steps = steps_;
  result_.virtual_time_ns = now_ns_;
  trace_.record(now_ns_, TraceKind::outcome, result_.fiber, static_cast<std::uint64_t>(outcome),
                result_.message);
  result_.trace_hash = trace_.hash();
}

bool Simulation::step() {
  if (result_.outcome != Outcome::running) {
    return false;
  }
  if (pending_failure_) {
    auto [outcome, message] = std::move(*pending_failure_);
    pending_failure_.reset();
    finish(outcome, std::move(message));
    return false;
  }
  collect_due_events();
  while (runnable_.empty() && due_events_.empty()) {
    // Skip heap entries of cancelled events before looking at the next due time.
    while (!pending_events_.empty() &&
           event_slots_[pending_events_.top().slot].sequence != pending_events_.top().sequence) {
      pending_events_.pop();
    }
    if (pending_events_.empty()) {
      if (unfinished_fibers_ == 0) {
        finish(Outcome::completed, "");
        return false;
      }
      std::string message = "deadlock at step " + std::to_string(steps_) + " (t=" +
                            std::to_string(now_ns_) + " ns): " +
                            std::to_string(unfinished_fibers_) +
                            " fiber(s) blocked, nothing runnable, no event pending:";
      for (const auto& fiber : fibers_) {
        if (fiber->state == FiberState::blocked) {
          message += " #" + std::to_string(fiber->id) + " '" + fiber->name + "'" +
                     (fiber->daemon ? " daemon" : "") + " (" + fiber->blocked_reason + ")";
        }
      }
      finish(Outcome::deadlock, std::move(message));
      return false;
    }
    const std::uint64_t next_due_ns = pending_events_.top().due_ns;
    if (next_due_ns > config_.max_virtual_time_ns) {
      finish(Outcome::time_budget_exhausted,
             "virtual time budget exhausted: the next event is due at " +
                 std::to_string(next_due_ns) + " ns, past the limit of " +
                 std::to_string(config_.max_virtual_time_ns) + " ns");
      return false;
    }
    now_ns_ = next_due_ns;
    trace_.record(now_ns_, TraceKind::clock_advanced, 0, now_ns_, {});
    collect_due_events();
  }
  if (steps_ >= config_.max_steps) {
    finish(Outcome::step_budget_exhausted,
           "step budget exhausted after " + std::to_string(steps_) + " steps (t=" +
               std::to_string(now_ns_) + " ns) with work still ready to run");
    return false;
  }

  const std::size_t fiber_count = runnable_.size();
  std::size_t index = 0;
  if (fiber_count + due_events_.size() > 1) {
    candidate_keys_.clear();
    candidate_keys_.insert(candidate_keys_.end(), runnable_.begin(), runnable_.end());
    for (std::uint32_t slot : due_events_) {
      candidate_keys_.push_back(kEventKeyBit | event_slots_[slot].sequence);
    }
    index = strategy_->pick(candidate_keys_, steps_);
    if (index >= candidate_keys_.size()) {
      index = 0;  // out-of-range answers only come from a diverged replay
    }
    record_decision(Decision{DecisionKind::schedule, candidate_keys_.size(), index});
    if (pending_failure_) {
      return step();
    }
  }
  ++steps_;
  if (index < fiber_count) {
    const FiberId fiber = runnable_[index];
    runnable_.erase(runnable_.begin() + static_cast<std::ptrdiff_t>(index));
    resume(fiber_ref(fiber));
  } else {
    const std::uint32_t slot = due_events_[index - fiber_count];
    due_events_.erase(due_events_.begin() + static_cast<std::ptrdiff_t>(index - fiber_count));
    fire_event(slot);
  }
  return true;
}

const RunResult& Simulation::run() {
  while (step()) {
  }
  return result_;
}

void Simulation::fire_event(std::uint32_t slot) {
  EventSlot& record = event_slots_[slot];
  const std::uint64_t sequence = record.sequence;
  std::function<void()> action = std::move(record.action);
  trace_.record(now_ns_, TraceKind::event_fired, 0, sequence, record.label);
  release_event_slot(slot);
  strategy_->forget(kEventKeyBit | sequence);
  try {
    action();
  } catch (const std::exception& error) {
    if (!pending_failure_) {
      pending_failure_.emplace(Outcome::event_exception,
                               "exception escaped event #" + std::to_string(sequence) +
                                   " at step " + std::to_string(steps_) + ": " + error.what());
    }
  } catch (...) {
    if (!pending_failure_) {
      pending_failure_.emplace(Outcome::event_exception,
                               "exception escaped event #" + std::to_string(sequence) +
                                   " at step " + std::to_string(steps_) +
                                   ": an exception that is not a std::exception");
    }
  }
}

void Simulation::resume(Fiber& fiber) {
  fiber.state = FiberState::running;
  trace_.record(now_ns_, TraceKind::fiber_ran, fiber.id, 0, {});
  if (!fiber.started) {
    std::string refused;
    std::optional<FiberStack> stack = stack_pool_->try_acquire(refused);
    if (!stack) {
      // Not run, not started: teardown has nothing to unwind. The step ends the schedule.
      fiber.state = FiberState::runnable;
      if (!pending_failure_) {
        pending_failure_.emplace(Outcome::fiber_limit_exceeded,
                                 "no stack for fiber #" + std::to_string(fiber.id) + " '" +
                                     fiber.name + "' at step " + std::to_string(steps_) + " with " +
                                     std::to_string(live_fibers_) +
                                     " simulated threads alive: " + refused);
      }
      return;
    }
    fiber.started = true;
    fiber.stack = *stack;
    fiber.context =
        context::make_fcontext(fiber.stack.top(), fiber.stack.usable_bytes, &fiber_entry);
  }
  current_ = &fiber;
  sanitizer_start_switch(&scheduler_fake_stack_, fiber.stack.bottom, fiber.stack.usable_bytes);
  const context::transfer_t transfer = context::jump_fcontext(fiber.context, &fiber);
  sanitizer_finish_switch(scheduler_fake_stack_, nullptr, nullptr);
  current_ = nullptr;
  if (fiber.state == FiberState::finished) {
    fiber.context = nullptr;
    stack_pool_->release(fiber.stack);
    fiber.stack = FiberStack{};
    if (!fiber.daemon) {
      --unfinished_fibers_;
    }
    --live_fibers_;
    strategy_->forget(fiber.id);
    trace_.record(now_ns_, TraceKind::fiber_finished, fiber.id, 0, {});
  } else {
    fiber.context = transfer.fctx;
  }
}

void Simulation::cancel_unfinished_fibers() {
  for (const auto& owned : fibers_) {
    Fiber& fiber = *owned;
    if (!fiber.started || fiber.state == FiberState::finished) {
      continue;
    }
    if (fiber.parked && fiber.state == FiberState::blocked) {
      // Nothing on its stack to destroy: leave its frames where they are.
      fiber.body = nullptr;
      stack_pool_->release(fiber.stack);
      fiber.stack = FiberStack{};
      fiber.context = nullptr;
      fiber.state = FiberState::finished;
      continue;
    }
    fiber.cancelling = true;
    for (int attempt = 0; attempt < kCancelAttempts && fiber.state != FiberState::finished;
         ++attempt) {
      current_ = &fiber;
      sanitizer_start_switch(&scheduler_fake_stack_, fiber.stack.bottom,
                             fiber.stack.usable_bytes);
      const context::transfer_t transfer = context::jump_fcontext(fiber.context, &fiber);
      sanitizer_finish_switch(scheduler_fake_stack_, nullptr, nullptr);
      current_ = nullptr;
      fiber.context = transfer.fctx;
    }
    // A fiber that swallowed every cancellation is abandoned; its stack is reused all the same.
    stack_pool_->release(fiber.stack);
    fiber.stack = FiberStack{};
    fiber.state = FiberState::finished;
  }
}

}  // namespace lockstep
