// Begin/End calls and the AP checks.
#include "conformance/patterns/async_result_driver.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <stdexcept>

namespace lockstep::conformance {

struct AsyncResultDriver::Call {
  AsyncResultDriver* driver = nullptr;
  PatternCall* call = nullptr;
  AsyncResultPlan plan;
  OutcomeSink outcome;
  WS_ERROR* error = nullptr;
  lockstep_async_result* result = nullptr;
  FiberId begin_thread = 0;
  bool in_begin = false;
  bool begin_failed = false;
  bool reported_failed_begin = false;
  std::uint32_t callbacks = 0;
  bool callback_inline = false;  // the first callback ran inside Begin, on Begin's thread
  FiberId callback_thread = 0;
  bool callback_returned = false;
  bool end_after_callback = false;
  bool ended = false;
  bool delivered = false;
  bool released = false;
  bool completed_at_return = false;
  std::optional<bool> synchronous_at_return;
  std::optional<bool> synchronous_at_callback;
  std::optional<bool> synchronous_after_end;
};

namespace {

void callback_trampoline(lockstep_async_result* result, void* async_state) {
  auto* call = static_cast<AsyncResultDriver::Call*>(async_state);
  call->driver->on_callback(result);
}

const char* flag_text(const std::optional<bool>& value) {
  return !value ? "-" : (*value ? "TRUE" : "FALSE");
}

}  // namespace

AsyncResultDriver::AsyncResultDriver(ExchangeLedger& ledger, harness::SimulatedHost& host,
                                     const lockstep_async_result_functions& part,
                                     lockstep_pattern_instance* instance, PatternRole role)
    : ledger_(ledger),
      host_(host),
      part_(part),
      instance_(instance),
      role_(role),
      waiters_(ledger.world().simulation()) {}

AsyncResultDriver::~AsyncResultDriver() = default;

bool AsyncResultDriver::over(const Call& call) const {
  return call.begin_failed || (call.ended && (!call.plan.with_callback || call.callback_returned));
}

void AsyncResultDriver::call(PatternCall& pattern_call, const AsyncResultPlan& plan,
                             OutcomeSink outcome) {
  Simulation& simulation = ledger_.world().simulation();
  Call& call = *calls_.emplace_back(std::make_unique<Call>());
  call.driver = this;
  call.call = &pattern_call;
  call.plan = plan;
  if (!call.plan.with_callback && call.plan.end_from == AsyncResultPlan::EndFrom::callback) {
    call.plan.end_from = AsyncResultPlan::EndFrom::caller_blocking;
  }
  call.outcome = std::move(outcome);
  call.error = host_.table()->error_create(host_.table()->self);
  lockstep_pattern_request request{};
  request.struct_size = sizeof(request);
  request.operation = plan.invalid_request
                          ? kInvalidOperation
                          : (pattern_call.one_way ? kOneWayOperation : kRequestReplyOperation);
  request.body = pattern_call.body.data();
  request.body_size = pattern_call.body.size();
  request.one_way = pattern_call.one_way ? TRUE : FALSE;
  if (plan.invalid_request) {
    ledger_.reach(harness::Probe::start_argument_error);
  }
  call.begin_thread = simulation.current_fiber();
  call.in_begin = true;
  const HRESULT begun =
      part_.begin(instance_, &request, call.plan.with_callback ? &callback_trampoline : nullptr,
                  &call, &call.result, call.error);
  call.in_begin = false;
  if (FAILED(begun)) {
    call.begin_failed = true;
    if (call.callbacks > 0 && !call.reported_failed_begin) {
      call.reported_failed_begin = true;
      ledger_.violation(
          "AP5", pattern_call,
          "Begin failed with " + hresult_text(begun) + " but the callback ran (inside Begin)");
    }
    if (plan.invalid_request) {
      ledger_.check_refused(pattern_call);
    } else {
      ledger_.check_outcome(pattern_call, role_, begun, "", "a failed Begin");
    }
    call.delivered = true;
    call.outcome(begun, "");
    waiters_.notify();
    return;
  }
  if (plan.invalid_request) {
    ledger_.violation("AP5", pattern_call,
                      "Begin accepted an argument error (operation " +
                          std::to_string(kInvalidOperation) + ") instead of failing");
  }
  const UnderlyingOperation& underlying = pattern_call.underlying(role_);
  if (underlying.completed && underlying.completed_synchronously &&
      underlying.completed_on == call.begin_thread) {
    ledger_.reach(harness::Probe::begin_completed_synchronously);
  }
  call.synchronous_at_return = part_.completed_synchronously(call.result) != FALSE;
  call.completed_at_return = part_.is_completed(call.result) != FALSE;
  if (call.plan.end_from == AsyncResultPlan::EndFrom::caller_after_wait_handle) {
    if (underlying.starts > 0 && !underlying.completed) {
      ledger_.reach(harness::Probe::wait_handle_before_completion);
    }
    lockstep_event* handle = part_.wait_handle(call.result);
    host_.table()->event_wait(host_.table()->self, handle, LOCKSTEP_WAIT_FOREVER);
    end_call(call, "End after the wait handle");
  } else if (call.plan.end_from == AsyncResultPlan::EndFrom::caller_blocking) {
    end_call(call, "End");
  }
}

void AsyncResultDriver::on_callback(lockstep_async_result* result) {
  Simulation& simulation = ledger_.world().simulation();
  Call* found = nullptr;
  for (const auto& candidate : calls_) {
    if (part_.async_state(result) == candidate.get()) {
      found = candidate.get();
    }
  }
  if (found == nullptr) {
    ledger_.world().violations().record("AP2", "async-result",
                                        "a callback ran with an AsyncState no Begin was given");
    return;
  }
  Call& call = *found;
  const PatternCall& pattern_call = *call.call;
  ++call.callbacks;
  if (call.callbacks == 2) {
    ledger_.violation("AP2", pattern_call, "the callback ran a second time");
    return;
  }
  if (call.callbacks > 2) {
    return;
  }
  call.callback_thread = simulation.current_fiber();
  call.callback_inline = call.in_begin && call.callback_thread == call.begin_thread;
  if (!call.in_begin) {
    ledger_.reach(harness::Probe::callback_after_begin_returned);
  } else if (call.callback_thread != call.begin_thread) {
    ledger_.reach(harness::Probe::begin_callback_on_other_thread_before_return);
  }
  call.synchronous_at_callback = part_.completed_synchronously(result) != FALSE;
  if (call.begin_failed && !call.reported_failed_begin) {
    call.reported_failed_begin = true;
    ledger_.violation("AP5", pattern_call, "the callback ran after Begin had failed");
  }
  if (part_.is_completed(result) == FALSE) {
    ledger_.violation("AP3", pattern_call, "in the callback, IsCompleted is FALSE");
  } else {
    bool signalled = false;
    try {
      signalled = host_.event(part_.wait_handle(result), "wait_handle").is_set();
    } catch (const std::logic_error&) {
      ledger_.violation("AP3", pattern_call, "the wait handle is not an event of the host");
      signalled = true;
    }
    if (!signalled) {
      ledger_.violation("AP3", pattern_call, "in the callback, the wait handle is not set");
    }
  }
  if (call.plan.end_from == AsyncResultPlan::EndFrom::callback && !call.begin_failed) {
    call.result = result;
    if (part_.is_completed(result) == FALSE) {
      // End would wait here for a completion that comes only after this callback (AP3 is
      // recorded): the caller calls it once the callback returned instead.
      call.end_after_callback = true;
    } else {
      ledger_.reach(harness::Probe::end_in_callback);
      end_call(call, "End in the callback");
    }
  }
  call.callback_returned = true;  // nothing of ours runs after this in the callback
  waiters_.notify();
}

void AsyncResultDriver::end_call(Call& call, const char* where) {
  PatternCall& pattern_call = *call.call;
  const UnderlyingOperation& underlying = pattern_call.underlying(role_);
  if (underlying.starts > 0 && !underlying.completed) {
    ledger_.reach(harness::Probe::end_before_completion);
  }
  char reply[LOCKSTEP_PATTERN_REPLY_CAPACITY];
  std::size_t reply_size = 0;
  const HRESULT ended =
      part_.end(instance_, call.result, reply, sizeof(reply), &reply_size, call.error);
  call.ended = true;
  const std::string body =
      SUCCEEDED(ended) ? std::string(reply, std::min(reply_size, sizeof(reply))) : std::string();
  if (underlying.completed && FAILED(ledger_.expected(pattern_call, role_).result)) {
    ledger_.reach(harness::Probe::end_of_failed_operation);
  }
  if (underlying.starts == 0) {
    // Nothing was ever started (a request refused at once): End can only report that.
    ledger_.check_outcome(pattern_call, role_, ended, body, where);
  } else if (!underlying.completed) {
    ledger_.violation("AP4", pattern_call,
                      std::string(where) + " returned " + hresult_text(ended) +
                          " before the operation completed (it must block until then)");
  } else if (part_.is_completed(call.result) == FALSE) {
    ledger_.violation("AP4", pattern_call,
                      std::string(where) + " returned while IsCompleted is still FALSE");
  } else {
    ledger_.check_outcome(pattern_call, role_, ended, body, where);
  }
  call.synchronous_after_end = part_.completed_synchronously(call.result) != FALSE;
  if (!call.delivered) {
    call.delivered = true;
    call.outcome(ended, body);
  }
  if (call.plan.second_end) {
    ledger_.reach(harness::Probe::second_end);
    char again[LOCKSTEP_PATTERN_REPLY_CAPACITY];
    std::memset(again, 0x5A, sizeof(again));
    std::size_t again_size = 777;
    const HRESULT second =
        part_.end(instance_, call.result, again, sizeof(again), &again_size, nullptr);
    bool untouched = again_size == 777;
    for (const char byte : again) {
      untouched = untouched && byte == 0x5A;
    }
    if (SUCCEEDED(second) || !untouched) {
      ledger_.violation("AP4", pattern_call,
                        "a second End was not refused (it returned " + hresult_text(second) +
                            (untouched ? "" : " and wrote the reply again") + ")");
    }
  }
  waiters_.notify();
}

void AsyncResultDriver::check_synchronous_flag(Call& call) {
  const PatternCall& pattern_call = *call.call;
  const std::optional<bool>& at_return = call.synchronous_at_return;
  const auto differs = [&](const std::optional<bool>& other) {
    return other.has_value() && at_return.has_value() && *other != *at_return;
  };
  if (differs(call.synchronous_at_callback) || differs(call.synchronous_after_end)) {
    ledger_.violation("AP1", pattern_call,
                      std::string("CompletedSynchronously changed: ") + flag_text(at_return) +
                          " after Begin, " + flag_text(call.synchronous_at_callback) +
                          " in the callback, " + flag_text(call.synchronous_after_end) +
                          " after End");
    return;
  }
  const bool synchronously = at_return.value_or(false);
  if (call.plan.with_callback && call.callbacks >= 1) {
    if (call.callback_inline && !synchronously) {
      ledger_.violation("AP1", pattern_call,
                        "the callback ran inside Begin on Begin's thread, yet "
                        "CompletedSynchronously is FALSE");
      return;
    }
    if (!call.callback_inline && synchronously) {
      ledger_.violation(
          "AP1", pattern_call,
          "CompletedSynchronously is TRUE but the completion came from thread " +
              std::to_string(call.callback_thread) +
              (call.callback_thread == call.begin_thread
                   ? " after Begin returned"
                   : " (not Begin's thread " + std::to_string(call.begin_thread) + ")"));
      return;
    }
  }
  if (synchronously && !call.completed_at_return) {
    ledger_.violation("AP1", pattern_call,
                      "CompletedSynchronously is TRUE but IsCompleted was FALSE when Begin "
                      "returned");
  }
}

void AsyncResultDriver::settle(Call& call) {
  waiters_.wait_until([this, &call] { return over(call) || call.end_after_callback; },
                      "waiting for " + call.call->label);
  if (call.end_after_callback && !call.ended) {
    waiters_.wait_until([&call] { return call.callback_returned; }, "waiting for a callback");
    end_call(call, "End after the callback");
  }
  if (call.released) {
    return;
  }
  call.released = true;  // before any call into the implementation (a preemption point)
  if (!call.begin_failed) {
    check_synchronous_flag(call);
    part_.release_result(call.result);
  }
  host_.table()->error_free(host_.table()->self, call.error);
}

void AsyncResultDriver::wait_all() {
  for (const auto& call : calls_) {
    settle(*call);
  }
}

void AsyncResultDriver::wait_for(const PatternCall& pattern_call) {
  for (const auto& call : calls_) {
    if (call->call == &pattern_call) {
      settle(*call);
    }
  }
}

void AsyncResultDriver::finish() {
  for (const auto& owned : calls_) {
    const Call& call = *owned;
    const UnderlyingOperation& underlying = call.call->underlying(role_);
    // A lower layer still stuck (started, never completed) explains a missing callback.
    const bool pattern_to_blame = underlying.completed || underlying.starts == 0;
    if (!call.begin_failed && call.plan.with_callback && call.callbacks == 0 &&
        call.result != nullptr && pattern_to_blame) {
      ledger_.violation("AP2", *call.call, "the callback never ran");
    }
  }
}

}  // namespace lockstep::conformance
