// Tasks, tokens, continuations and the TK checks.
#include "conformance/patterns/task_driver.h"

#include <algorithm>

#include "harness/host/cancellation_source.h"

namespace lockstep::conformance {

struct TaskDriver::Call {
  TaskDriver* driver = nullptr;
  PatternCall* call = nullptr;
  TaskPlan plan;
  OutcomeSink outcome;
  std::unique_ptr<harness::CancellationSource> source;
  WS_ERROR* error = nullptr;
  lockstep_task* task = nullptr;
  bool start_failed = false;
  bool continuation_registered = false;
  std::uint32_t continuation_options = 0;
  std::uint32_t continuations_run = 0;
  bool continuation_returned = false;  // set last: the awaiting thread may go on from there
  bool delivered = false;
  bool released = false;
};

namespace {

void continuation_trampoline(lockstep_task* task, void* state) {
  auto* call = static_cast<TaskDriver::Call*>(state);
  call->driver->on_continuation(task, *call);
}

const char* status_name(lockstep_task_status status) {
  switch (status) {
    case LOCKSTEP_TASK_RUNNING:
      return "RUNNING";
    case LOCKSTEP_TASK_RAN_TO_COMPLETION:
      return "RAN_TO_COMPLETION";
    case LOCKSTEP_TASK_FAULTED:
      return "FAULTED";
    case LOCKSTEP_TASK_CANCELED:
      return "CANCELED";
  }
  return "an unknown status";
}

}  // namespace

TaskDriver::TaskDriver(ExchangeLedger& ledger, harness::SimulatedHost& host,
                       const lockstep_task_based_functions& part,
                       lockstep_pattern_instance* instance, PatternRole role)
    : ledger_(ledger),
      host_(host),
      part_(part),
      instance_(instance),
      role_(role),
      waiters_(ledger.world().simulation()) {}

TaskDriver::~TaskDriver() = default;

void TaskDriver::call(PatternCall& pattern_call, const TaskPlan& plan, OutcomeSink outcome) {
  Simulation& simulation = ledger_.world().simulation();
  Call& call = *calls_.emplace_back(std::make_unique<Call>());
  call.driver = this;
  call.call = &pattern_call;
  call.plan = plan;
  call.outcome = std::move(outcome);
  call.error = host_.table()->error_create(host_.table()->self);
  if (plan.token != TaskPlan::Token::none) {
    call.source = std::make_unique<harness::CancellationSource>(simulation);
  }
  if (plan.token == TaskPlan::Token::precancelled) {
    call.source->cancel();
  }
  if (plan.invalid_request) {
    ledger_.reach(harness::Probe::start_argument_error);
  } else if (plan.token == TaskPlan::Token::precancelled) {
    ledger_.reach(harness::Probe::task_precancelled_token);
  }
  const FiberId starting_thread = simulation.current_fiber();
  lockstep_pattern_request request{};
  request.struct_size = sizeof(request);
  request.operation = plan.invalid_request
                          ? kInvalidOperation
                          : (pattern_call.one_way ? kOneWayOperation : kRequestReplyOperation);
  request.body = pattern_call.body.data();
  request.body_size = pattern_call.body.size();
  request.one_way = pattern_call.one_way ? TRUE : FALSE;
  const HRESULT started = part_.start(
      instance_, &request, call.source ? call.source->token() : nullptr, &call.task, call.error);
  const UnderlyingOperation& underlying = pattern_call.underlying(role_);
  if (underlying.completed && underlying.completed_synchronously &&
      underlying.completed_on == starting_thread && FAILED(underlying.result)) {
    // It failed inside start: the failure belongs in the task, not in start's return (TK2).
    ledger_.reach(harness::Probe::task_synchronous_failure);
  }
  if (FAILED(started)) {
    call.start_failed = true;
    if (plan.invalid_request) {
      ledger_.check_refused(pattern_call);
    } else {
      ledger_.violation("TK2", pattern_call,
                        "start failed with " + hresult_text(started) +
                            ", which is not an argument error: it belongs in the task");
    }
    call.delivered = true;
    call.outcome(started, "");
    return;
  }
  if (plan.invalid_request) {
    ledger_.violation("TK2", pattern_call,
                      "start accepted an argument error (operation " +
                          std::to_string(kInvalidOperation) + ") instead of failing");
  }
  if (plan.untouched_first && plan.token != TaskPlan::Token::precancelled) {
    ledger_.reach(harness::Probe::task_left_alone);
    simulation.sleep_for(kStartWindowNs);
    if (pattern_call.underlying(role_).starts == 0) {
      ledger_.violation("TK1", pattern_call,
                        "the task's work had not started " + std::to_string(kStartWindowNs) +
                            " ns after start returned, with nobody waiting on it");
    }
  }
  if (plan.token == TaskPlan::Token::cancelled_while_running) {
    if (underlying.starts > 0 && !underlying.completed) {
      ledger_.reach(harness::Probe::task_cancelled_while_running);
    }
    call.source->cancel();
  }
  if (plan.await == TaskPlan::Await::continuation ||
      plan.await == TaskPlan::Await::asynchronous_continuation) {
    call.continuation_options = plan.await == TaskPlan::Await::asynchronous_continuation
                                    ? LOCKSTEP_TASK_CONTINUE_ASYNCHRONOUSLY
                                    : 0u;
    if (call.continuation_options != 0 && !underlying.completed) {
      // Its task completes later, inside a completion: the continuation must not run there.
      ledger_.reach(harness::Probe::asynchronous_continuation_before_completion);
    }
    call.continuation_registered = SUCCEEDED(
        part_.continue_with(call.task, &continuation_trampoline, &call, call.continuation_options));
  }
}

void TaskDriver::on_continuation(lockstep_task* task, Call& call) {
  const FiberId thread = ledger_.world().simulation().current_fiber();
  ++call.continuations_run;
  if (call.continuations_run > 1 || task != call.task) {
    return;
  }
  if ((call.continuation_options & LOCKSTEP_TASK_CONTINUE_ASYNCHRONOUSLY) != 0 &&
      ledger_.completing(thread)) {
    ledger_.violation("TK5", *call.call,
                      "a continuation added with asynchronous continuations requested ran inline "
                      "on the completing thread " +
                          std::to_string(thread));
  }
  read_outcome(call, "the task (in its continuation)");
  call.continuation_returned = true;
  waiters_.notify();
}

void TaskDriver::read_outcome(Call& call, const char* where) {
  PatternCall& pattern_call = *call.call;
  const lockstep_task_status status = part_.task_status(call.task);
  const UnderlyingOperation& underlying = pattern_call.underlying(role_);
  const bool cancellation_requested = call.source && call.source->cancellation_requested();
  const bool precancelled = call.plan.token == TaskPlan::Token::precancelled;
  HRESULT result = WS_E_INVALID_OPERATION;
  std::string body;
  if (underlying.stopped_by_cancellation) {
    ledger_.reach(harness::Probe::task_stopped_by_cancellation);
  } else if (cancellation_requested && !precancelled && underlying.completed) {
    ledger_.reach(harness::Probe::task_completed_despite_cancellation);
  }
  if (status == LOCKSTEP_TASK_CANCELED) {
    result = WS_E_OPERATION_ABORTED;
    if (!precancelled && !cancellation_requested) {
      ledger_.violation("TK4", pattern_call,
                        "the task ended CANCELED though no cancellation "
                        "was requested");
    } else if (!precancelled && underlying.starts > 0 && !underlying.stopped_by_cancellation) {
      ledger_.violation(
          "TK4", pattern_call,
          underlying.completed
              ? "the task ended CANCELED although its work ran to its end (" +
                    hresult_text(underlying.result) + ")"
              : std::string("the task ended CANCELED while its work was still running"));
    }
  } else if (status == LOCKSTEP_TASK_RAN_TO_COMPLETION || status == LOCKSTEP_TASK_FAULTED) {
    if (precancelled) {
      ledger_.violation("TK3", pattern_call,
                        std::string("a token cancelled before the call gave a task that ended ") +
                            status_name(status) + ", not CANCELED");
    }
    if (status == LOCKSTEP_TASK_RAN_TO_COMPLETION) {
      char reply[LOCKSTEP_PATTERN_REPLY_CAPACITY];
      std::size_t reply_size = 0;
      result = part_.task_result(call.task, reply, sizeof(reply), &reply_size);
      if (SUCCEEDED(result)) {
        body.assign(reply, std::min(reply_size, sizeof(reply)));
      }
      ledger_.check_outcome(pattern_call, role_, result, body, where);
    } else {
      result = part_.task_error(call.task, call.error);
      const ExpectedOutcome expected = ledger_.expected(pattern_call, role_);
      if (underlying.completed && FAILED(expected.result) && result != expected.result) {
        ledger_.violation("TK2", pattern_call,
                          "the task stored " + hresult_text(result) + " but its work failed with " +
                              hresult_text(expected.result));
      } else {
        ledger_.check_outcome(pattern_call, role_, result, "", where);
      }
    }
  }
  if (!call.delivered) {
    call.delivered = true;
    call.outcome(result, body);
  }
}

void TaskDriver::await(Call& call) {
  if (call.released) {
    return;
  }
  if (call.start_failed) {
    call.released = true;
    host_.table()->error_free(host_.table()->self, call.error);
    return;
  }
  const TaskPlan::Await how = call.plan.await;
  if (how == TaskPlan::Await::wait || how == TaskPlan::Await::continuation_after_completion ||
      !call.continuation_registered) {
    part_.wait(call.task, LOCKSTEP_WAIT_FOREVER);
    if (how == TaskPlan::Await::continuation_after_completion) {
      ledger_.reach(harness::Probe::continuation_after_completion);
      call.continuation_options = LOCKSTEP_TASK_CONTINUE_ASYNCHRONOUSLY;
      call.continuation_registered = SUCCEEDED(part_.continue_with(
          call.task, &continuation_trampoline, &call, call.continuation_options));
    } else {
      read_outcome(call, "the task (after wait)");
    }
  }
  if (call.continuation_registered) {
    waiters_.wait_until([&call] { return call.continuation_returned; },
                        "waiting for the continuation of " + call.call->label);
  }
  call.released = true;
  part_.release_task(call.task);
  host_.table()->error_free(host_.table()->self, call.error);
}

void TaskDriver::wait_all() {
  for (const auto& call : calls_) {
    await(*call);
  }
}

void TaskDriver::wait_for(const PatternCall& pattern_call) {
  for (const auto& call : calls_) {
    if (call->call == &pattern_call) {
      await(*call);
    }
  }
}

}  // namespace lockstep::conformance
