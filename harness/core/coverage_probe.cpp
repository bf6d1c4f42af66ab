// Probe names and the compact form of a schedule's probe hits.
#include "harness/core/coverage_probe.h"

#include <charconv>

namespace lockstep::harness {

std::string_view probe_name(Probe probe) {
  switch (probe) {
    case Probe::null_context_call:
      return "null-context-call";
    case Probe::sync_completion_with_context:
      return "sync-completion-with-context";
    case Probe::async_completion:
      return "async-completion";
    case Probe::callback_on_other_thread_before_return:
      return "callback-on-other-thread-before-return";
    case Probe::failure_with_error_object:
      return "failure-with-error-object";
    case Probe::callback_where_long_offered:
      return "callback-where-long-offered";
    case Probe::callback_where_short_required:
      return "callback-where-short-required";
    case Probe::io_limit_reached:
      return "io-limit-reached";
    case Probe::call_pending_at_heal:
      return "call-pending-at-heal";
    case Probe::misuse_before_open:
      return "misuse-before-open";
    case Probe::second_open:
      return "second-open";
    case Probe::abort_with_operations_queued:
      return "abort-with-operations-queued";
    case Probe::abort_with_io_in_flight:
      return "abort-with-io-in-flight";
    case Probe::abort_of_open_channel:
      return "abort-of-open-channel";
    case Probe::call_on_faulted_channel:
      return "call-on-faulted-channel";
    case Probe::close_with_operations_in_flight:
      return "close-with-operations-in-flight";
    case Probe::close_failed_graceful_shutdown:
      return "close-failed-graceful-shutdown";
    case Probe::close_of_closed_channel:
      return "close-of-closed-channel";
    case Probe::open_refused:
      return "open-refused";
    case Probe::drop_during_send:
      return "drop-during-send";
    case Probe::drop_during_receive:
      return "drop-during-receive";
    case Probe::drop_during_request_reply:
      return "drop-during-request-reply";
    case Probe::drop_during_close:
      return "drop-during-close";
    case Probe::session_end_during_receive:
      return "session-end-during-receive";
    case Probe::receive_over_quota:
      return "receive-over-quota";
    case Probe::callback_starts_next_operation:
      return "callback-starts-next-operation";
    case Probe::callback_aborts_its_channel:
      return "callback-aborts-its-channel";
    case Probe::callback_closes_its_channel:
      return "callback-closes-its-channel";
    case Probe::long_callback_blocks_until_another_completes:
      return "long-callback-blocks-until-another-completes";
    case Probe::service_operation_synchronous:
      return "service-operation-synchronous";
    case Probe::service_operation_asynchronous:
      return "service-operation-asynchronous";
    case Probe::fault_under_minimal_disclosure:
      return "fault-under-minimal-disclosure";
    case Probe::fault_under_full_disclosure:
      return "fault-under-full-disclosure";
    case Probe::operation_returned_end:
      return "operation-returned-end";
    case Probe::message_after_end:
      return "message-after-end";
    case Probe::cancel_on_host_abort:
      return "cancel-on-host-abort";
    case Probe::cancel_on_channel_faulted:
      return "cancel-on-channel-faulted";
    case Probe::cancel_during_registration:
      return "cancel-during-registration";
    case Probe::host_abort_with_calls_in_flight:
      return "host-abort-with-calls-in-flight";
    case Probe::host_close_with_calls_in_flight:
      return "host-close-with-calls-in-flight";
    case Probe::close_timeout_expired_with_calls_in_flight:
      return "close-timeout-expired-with-calls-in-flight";
    case Probe::connect_after_close:
      return "connect-after-close";
    case Probe::reply_from_heap:
      return "reply-from-heap";
    case Probe::chain_step_asynchronous:
      return "chain-step-asynchronous";
    case Probe::chain_step_completed_before_return:
      return "chain-step-completed-before-return";
    case Probe::chain_step_after_failure:
      return "chain-step-after-failure";
    case Probe::chain_long_synchronous:
      return "chain-long-synchronous";
    case Probe::begin_completed_synchronously:
      return "begin-completed-synchronously";
    case Probe::begin_callback_on_other_thread_before_return:
      return "begin-callback-on-other-thread-before-return";
    case Probe::callback_after_begin_returned:
      return "callback-after-begin-returned";
    case Probe::wait_handle_before_completion:
      return "wait-handle-before-completion";
    case Probe::end_before_completion:
      return "end-before-completion";
    case Probe::end_in_callback:
      return "end-in-callback";
    case Probe::end_of_failed_operation:
      return "end-of-failed-operation";
    case Probe::second_end:
      return "second-end";
    case Probe::completed_of_synchronous_start:
      return "completed-of-synchronous-start";
    case Probe::completed_posted_from_worker:
      return "completed-posted-from-worker";
    case Probe::progress_event:
      return "progress-event";
    case Probe::failed_completed_event:
      return "failed-completed-event";
    case Probe::cancelled_completed_event:
      return "cancelled-completed-event";
    case Probe::cancel_racing_completion:
      return "cancel-racing-completion";
    case Probe::cancel_after_completed_event:
      return "cancel-after-completed-event";
    case Probe::cancel_of_unknown_user_state:
      return "cancel-of-unknown-user-state";
    case Probe::single_invocation_call_while_busy:
      return "single-invocation-call-while-busy";
    case Probe::duplicate_user_state_while_in_flight:
      return "duplicate-user-state-while-in-flight";
    case Probe::is_busy_while_in_flight:
      return "is-busy-while-in-flight";
    case Probe::is_busy_after_completed:
      return "is-busy-after-completed";
    case Probe::task_left_alone:
      return "task-left-alone";
    case Probe::task_precancelled_token:
      return "task-precancelled-token";
    case Probe::task_cancelled_while_running:
      return "task-cancelled-while-running";
    case Probe::task_stopped_by_cancellation:
      return "task-stopped-by-cancellation";
    case Probe::task_completed_despite_cancellation:
      return "task-completed-despite-cancellation";
    case Probe::task_synchronous_failure:
      return "task-synchronous-failure";
    case Probe::asynchronous_continuation_before_completion:
      return "asynchronous-continuation-before-completion";
    case Probe::continuation_after_completion:
      return "continuation-after-completion";
    case Probe::start_argument_error:
      return "start-argument-error";
    case Probe::one_way_call:
      return "one-way-call";
    case Probe::call_failed_in_exchange:
      return "call-failed-in-exchange";
    case Probe::async_result_client_to_begin_end_service:
      return "async-result-client-to-begin-end-service";
    case Probe::async_result_client_to_event_based_service:
      return "async-result-client-to-event-based-service";
    case Probe::async_result_client_to_task_based_service:
      return "async-result-client-to-task-based-service";
    case Probe::async_result_client_to_synchronous_service:
      return "async-result-client-to-synchronous-service";
    case Probe::event_based_client_to_begin_end_service:
      return "event-based-client-to-begin-end-service";
    case Probe::event_based_client_to_event_based_service:
      return "event-based-client-to-event-based-service";
    case Probe::event_based_client_to_task_based_service:
      return "event-based-client-to-task-based-service";
    case Probe::event_based_client_to_synchronous_service:
      return "event-based-client-to-synchronous-service";
    case Probe::task_based_client_to_begin_end_service:
      return "task-based-client-to-begin-end-service";
    case Probe::task_based_client_to_event_based_service:
      return "task-based-client-to-event-based-service";
    case Probe::task_based_client_to_task_based_service:
      return "task-based-client-to-task-based-service";
    case Probe::task_based_client_to_synchronous_service:
      return "task-based-client-to-synchronous-service";
    case Probe::channel_client_to_begin_end_service:
      return "channel-client-to-begin-end-service";
    case Probe::channel_client_to_event_based_service:
      return "channel-client-to-event-based-service";
    case Probe::channel_client_to_task_based_service:
      return "channel-client-to-task-based-service";
  }
  return "unknown-probe";
}

std::optional<Probe> find_probe(std::string_view name) {
  for (std::size_t index = 0; index < kProbeCount; ++index) {
    const auto probe = static_cast<Probe>(index);
    if (probe_name(probe) == name) {
      return probe;
    }
  }
  return std::nullopt;
}

bool ProbeHits::any() const {
  for (const std::uint32_t count : counts_) {
    if (count > 0) {
      return true;
    }
  }
  return false;
}

std::string ProbeHits::to_index_list() const {
  std::string text;
  for (std::size_t index = 0; index < kProbeCount; ++index) {
    if (counts_[index] > 0) {
      if (!text.empty()) {
        text += ',';
      }
      text += std::to_string(index);
    }
  }
  return text;
}

std::optional<ProbeHits> ProbeHits::from_index_list(std::string_view text) {
  ProbeHits hits;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    std::size_t index = 0;
    const auto [end, status] = std::from_chars(item.data(), item.data() + item.size(), index);
    if (status != std::errc() || end != item.data() + item.size() || index >= kProbeCount) {
      return std::nullopt;
    }
    hits.counts_[index] = 1;
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return hits;
}

}  // namespace lockstep::harness
