// MethodAsync calls, the attempts that must be refused, cancels, and the EV checks.
#include "conformance/patterns/event_driver.h"

#include <algorithm>

namespace lockstep::conformance {

struct EventDriver::Call {
  PatternCall* call = nullptr;
  EventPlan plan;
  OutcomeSink outcome;
  void* user_state = nullptr;
  WS_ERROR* error = nullptr;
  bool starting = false;  // inside start: its Completed may already come (on another thread)
  bool accepted = false;
  bool refused = false;
  bool cancel_requested = false;
  std::uint32_t completed_events = 0;
  bool handled = false;  // the first Completed handler returned (set last)
  // A duplicate of its userState was accepted (EV4): events cannot be told apart by state.
  bool shares_user_state = false;
  bool delivered = false;
};

namespace {

void completed_trampoline(void* handler_state, const lockstep_completed_event_args* args) {
  static_cast<EventDriver*>(handler_state)->on_completed(*args);
}

void progress_trampoline(void* handler_state, void* user_state, uint32_t progress_percentage) {
  (void)progress_percentage;  // any value is fine; only when it comes matters (EV3)
  static_cast<EventDriver*>(handler_state)->on_progress(user_state);
}

}  // namespace

EventDriver::EventDriver(ExchangeLedger& ledger, harness::SimulatedHost& host,
                         const lockstep_event_based_functions& part,
                         lockstep_pattern_instance* instance, PatternRole role,
                         harness::SynchronizationContext& context)
    : ledger_(ledger),
      host_(host),
      part_(part),
      instance_(instance),
      role_(role),
      context_(context),
      waiters_(ledger.world().simulation()) {
  context_.set_after_each([this] { after_posted_function(); });
}

EventDriver::~EventDriver() {
  context_.set_after_each(nullptr);
}

bool EventDriver::any_in_flight() const {
  return std::any_of(calls_.begin(), calls_.end(), [](const std::unique_ptr<Call>& call) {
    return (call->accepted || call->starting) && call->completed_events == 0;
  });
}

bool EventDriver::any_underlying_running() const {
  return std::any_of(calls_.begin(), calls_.end(), [this](const std::unique_ptr<Call>& call) {
    const UnderlyingOperation& underlying = call->call->underlying(role_);
    return call->accepted && call->completed_events == 0 && underlying.starts > 0 &&
           !underlying.completed;
  });
}

EventDriver::Call* EventDriver::match(void* user_state, bool raised_too) {
  for (const auto& call : calls_) {
    if ((call->accepted || call->starting) && call->user_state == user_state &&
        call->completed_events == 0) {
      return call.get();
    }
  }
  if (raised_too) {
    for (const auto& call : calls_) {
      if ((call->accepted || call->starting || call->completed_events > 0) &&
          call->user_state == user_state) {
        return call.get();
      }
    }
  }
  return nullptr;
}

EventDriver::Call& EventDriver::add_call(PatternCall& pattern_call, const EventPlan& plan,
                                         void* user_state) {
  Call& call = *calls_.emplace_back(std::make_unique<Call>());
  call.call = &pattern_call;
  call.plan = plan;
  call.user_state = user_state;
  return call;
}

HRESULT EventDriver::start(Call& call, bool invalid_request) {
  const PatternCall& pattern_call = *call.call;
  lockstep_pattern_request request{};
  request.struct_size = sizeof(request);
  request.operation = invalid_request
                          ? kInvalidOperation
                          : (pattern_call.one_way ? kOneWayOperation : kRequestReplyOperation);
  request.body = pattern_call.body.data();
  request.body_size = pattern_call.body.size();
  request.one_way = pattern_call.one_way ? TRUE : FALSE;
  lockstep_event_handlers handlers{};
  handlers.struct_size = sizeof(handlers);
  handlers.completed = &completed_trampoline;
  handlers.progress = call.plan.with_progress ? &progress_trampoline : nullptr;
  handlers.handler_state = this;
  handlers.context = context_.table();
  call.error = host_.table()->error_create(host_.table()->self);
  ++starts_in_progress_;
  ++generation_;
  call.starting = true;
  const HRESULT started = part_.start(instance_, &request, call.user_state, &handlers, call.error);
  call.starting = false;
  --starts_in_progress_;
  ++generation_;
  if (FAILED(started)) {
    call.refused = true;
    ledger_.check_refused(pattern_call);
    if (call.completed_events > 0) {
      ledger_.violation("EV1", pattern_call,
                        "a Completed event was raised for a call its start refused");
    }
  } else {
    call.accepted = true;
  }
  return started;
}

void EventDriver::cancel(Call& call, const char* when) {
  if (call.completed_events == 0) {
    call.cancel_requested = true;
    if (call.call->underlying(role_).completed) {
      // Decided, its Completed event not raised yet: the cancel races the completion (EV6).
      ledger_.reach(harness::Probe::cancel_racing_completion);
    }
  } else {
    ledger_.reach(harness::Probe::cancel_after_completed_event);
  }
  const HRESULT cancelled = part_.cancel(instance_, call.user_state);
  if (cancelled != S_OK) {
    ledger_.violation("EV6", *call.call,
                      std::string("CancelAsync ") + when + " returned " + hresult_text(cancelled));
  }
}

void EventDriver::call(PatternCall& pattern_call, const EventPlan& plan, OutcomeSink outcome) {
  if (plan.cancel_unknown) {
    ledger_.reach(harness::Probe::cancel_of_unknown_user_state);
    const HRESULT cancelled = part_.cancel(instance_, &never_used_user_state_);
    if (cancelled != S_OK) {
      ledger_.violation(
          "EV6", pattern_call,
          "CancelAsync of a userState never used returned " + hresult_text(cancelled));
    }
  }
  const bool busy_before = any_in_flight();
  if (plan.invalid_request) {
    ledger_.reach(harness::Probe::start_argument_error);
  }
  if (plan.single_invocation && busy_before) {
    // Reached whether the start refuses it (correct) or accepts it (EV4).
    ledger_.reach(harness::Probe::single_invocation_call_while_busy);
  }
  Call& call = add_call(pattern_call, plan, nullptr);
  call.user_state = plan.single_invocation ? nullptr : &call;
  call.outcome = std::move(outcome);
  const HRESULT started = start(call, plan.invalid_request);
  if (FAILED(started)) {
    if (!plan.invalid_request && !(plan.single_invocation && busy_before) && !context_bypassed_) {
      ledger_.violation("EV4", pattern_call,
                        std::string("a valid call (") +
                            (plan.single_invocation ? "NULL userState, nothing in flight"
                                                    : "a userState not in flight") +
                            ") was refused with " + hresult_text(started));
    }
    call.delivered = true;
    call.outcome(started, "");
    waiters_.notify();
    return;
  }
  const UnderlyingOperation& underlying = pattern_call.underlying(role_);
  if (underlying.completed && underlying.completed_synchronously && call.completed_events == 0) {
    // Decided inside start: its Completed event must still be posted, not raised in start.
    ledger_.reach(harness::Probe::completed_of_synchronous_start);
  }
  if (plan.invalid_request) {
    ledger_.violation("EV4", pattern_call,
                      "a call with an argument error (operation " +
                          std::to_string(kInvalidOperation) + ") was accepted");
  } else if (plan.single_invocation && busy_before && !context_bypassed_) {
    ledger_.violation("EV4", pattern_call,
                      "a NULL-userState call was accepted while another call was in flight");
  }
  if (role_ == PatternRole::client && !busy_reported_ && !context_bypassed_) {
    // is_busy takes the implementation's lock: other threads may run meanwhile. The answer
    // counts only if nothing the harness sees changed during the call.
    const std::uint64_t generation = generation_;
    const bool busy = part_.is_busy(instance_) != FALSE;
    if (generation == generation_ && call.completed_events == 0) {
      ledger_.reach(harness::Probe::is_busy_while_in_flight);
    }
    if (!busy && generation == generation_ && call.completed_events == 0) {
      busy_reported_ = true;
      ledger_.violation("EV7", pattern_call, "IsBusy is FALSE right after a call was accepted");
    }
  }
  if (plan.cancel_at_start) {
    cancel(call, "right after the start");
  }
  if (plan.try_duplicate && !plan.single_invocation && !context_bypassed_ &&
      any_underlying_running() && call.completed_events == 0 &&
      !call.call->underlying(role_).completed) {
    ledger_.reach(harness::Probe::duplicate_user_state_while_in_flight);
    PatternCall& attempt = ledger_.new_call(pattern_call.label + " (same userState)", false);
    Call& duplicate = add_call(attempt, EventPlan{}, call.user_state);
    duplicate.outcome = [](HRESULT, const std::string&) {};
    if (SUCCEEDED(start(duplicate, false))) {
      ledger_.violation("EV4", attempt, "a call with a userState already in flight was accepted");
      call.shares_user_state = true;
      duplicate.shares_user_state = true;
    }
  }
  if (plan.try_single_while_busy && !context_bypassed_ && any_underlying_running()) {
    ledger_.reach(harness::Probe::single_invocation_call_while_busy);
    PatternCall& attempt = ledger_.new_call(pattern_call.label + " (NULL userState)", false);
    Call& single = add_call(attempt, EventPlan{}, nullptr);
    single.outcome = [](HRESULT, const std::string&) {};
    if (SUCCEEDED(start(single, false))) {
      ledger_.violation("EV4", attempt,
                        "a NULL-userState call was accepted while another call was in flight");
    }
  }
  if (role_ == PatternRole::client && plan.pause_ns > 0) {
    context_.pump_for(plan.pause_ns);
  }
  if (plan.cancel_later) {
    cancel(call, call.completed_events == 0 ? "after a pause" : "after its Completed event");
  }
}

void EventDriver::on_completed(const lockstep_completed_event_args& args) {
  Simulation& simulation = ledger_.world().simulation();
  Call* call = match(args.user_state, false);
  if (call == nullptr) {
    Call* raised = match(args.user_state, true);
    if (raised != nullptr) {
      ++raised->completed_events;
      ledger_.violation("EV1", *raised->call, "a second Completed event for the call");
    } else {
      ledger_.world().violations().record(
          "EV1", "event-based", "a Completed event for a userState with no call in flight");
    }
    return;
  }
  PatternCall& pattern_call = *call->call;
  const FiberId thread = simulation.current_fiber();
  if (thread != context_.thread()) {
    ledger_.violation("EV5", pattern_call,
                      "Completed ran on thread " + std::to_string(thread) +
                          ", not on the captured context's thread " +
                          std::to_string(context_.thread()));
    context_bypassed_ = true;
  } else if (!context_.inside_posted_function()) {
    ledger_.violation("EV5", pattern_call,
                      "Completed was raised inline on the context's thread, not posted to it");
    context_bypassed_ = true;
  }
  ++call->completed_events;
  ++generation_;
  const UnderlyingOperation& underlying = pattern_call.underlying(role_);
  if (underlying.completed && underlying.completed_on != context_.thread()) {
    ledger_.reach(harness::Probe::completed_posted_from_worker);
  }
  if (args.cancelled) {
    ledger_.reach(harness::Probe::cancelled_completed_event);
  } else if (FAILED(args.error)) {
    ledger_.reach(harness::Probe::failed_completed_event);
  }
  if ((FAILED(args.error) || args.cancelled) && (args.result != nullptr || args.result_size != 0)) {
    ledger_.violation("EV2", pattern_call,
                      std::string(args.cancelled ? "a cancelled" : "a failed") +
                          " Completed event carries a result (" + std::to_string(args.result_size) +
                          " bytes)");
  }
  HRESULT result = args.error;
  std::string body;
  if (args.cancelled) {
    result = WS_E_OPERATION_ABORTED;
  } else if (!call->shares_user_state) {
    if (SUCCEEDED(args.error) && args.result != nullptr) {
      body.assign(static_cast<const char*>(args.result), args.result_size);
    }
    ledger_.check_outcome(pattern_call, role_, args.error, body, "the Completed event");
  }
  if (!call->delivered) {
    call->delivered = true;
    call->outcome(result, body);
  }
  call->handled = true;
  waiters_.notify();
  context_.nudge();  // raised off the context (EV5): its pumping thread must see it too
}

void EventDriver::on_progress(void* user_state) {
  if (context_bypassed_) {
    return;
  }
  if (match(user_state, false) != nullptr) {
    ledger_.reach(harness::Probe::progress_event);
    return;
  }
  if (Call* raised = match(user_state, true)) {
    ledger_.violation("EV3", *raised->call, "a progress event after the Completed event");
  }
}

void EventDriver::after_posted_function() {
  if (busy_reported_ || context_bypassed_ ||
      (role_ == PatternRole::service && starts_in_progress_ > 0)) {
    return;
  }
  // is_busy takes the implementation's lock: other threads may run meanwhile. The answer
  // counts only if nothing the harness sees (a start, a Completed event) changed during it.
  const std::uint64_t generation = generation_;
  const bool expected = any_in_flight();
  const bool busy = part_.is_busy(instance_) != FALSE;
  if (generation != generation_ || starts_in_progress_ > 0) {
    return;
  }
  if (expected) {
    ledger_.reach(harness::Probe::is_busy_while_in_flight);
  } else if (std::any_of(calls_.begin(), calls_.end(), [](const std::unique_ptr<Call>& call) {
               return call->completed_events > 0;
             })) {
    ledger_.reach(harness::Probe::is_busy_after_completed);
  }
  if (busy != expected) {
    busy_reported_ = true;
    ledger_.world().violations().record(
        "EV7", "event-based",
        std::string("after a posted function IsBusy is ") + (busy ? "TRUE" : "FALSE") + " but " +
            (expected ? "a call is still in flight" : "no call is in flight"));
  }
}

void EventDriver::pump_until_all_completed() {
  context_.pump_until([this] { return !any_in_flight(); });
  for (const auto& call : calls_) {
    if (call->error != nullptr) {
      host_.table()->error_free(host_.table()->self, call->error);
      call->error = nullptr;
    }
  }
}

void EventDriver::wait_for(const PatternCall& pattern_call) {
  Call* call = nullptr;
  for (const auto& candidate : calls_) {
    if (candidate->call == &pattern_call) {
      call = candidate.get();
    }
  }
  if (call == nullptr) {
    return;
  }
  waiters_.wait_until([call] { return call->refused || call->handled; },
                      "waiting for the Completed event of " + pattern_call.label);
  if (call->error != nullptr) {
    host_.table()->error_free(host_.table()->self, call->error);
    call->error = nullptr;
  }
}

void EventDriver::finish() {
  for (const auto& call : calls_) {
    const UnderlyingOperation& underlying = call->call->underlying(role_);
    // A lower layer still stuck (started, never completed) explains a missing event.
    // So does a context whose thread is stuck elsewhere: posted events could never run.
    const bool pattern_to_blame =
        (underlying.completed || underlying.starts == 0) && context_.pumping();
    if (call->accepted && call->completed_events == 0 && pattern_to_blame) {
      ledger_.violation("EV1", *call->call, "no Completed event was ever raised for the call");
    }
  }
}

}  // namespace lockstep::conformance
