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
