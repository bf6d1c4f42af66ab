// Coverage probes: named situations of the contract that a schedule can reach (an abort with
// I/O in flight, a close timeout expiring with calls in flight, ...), so that a PASS can say
// what was exercised.
//
// The world counts each probe per schedule (monitors, hosts and drivers call reach() on the
// schedule's ViolationLog); the runner sums, per implementation and suite, the schedules that
// reached each; reports show the counts and name the probes of an applicable suite that no
// schedule reached. Which clauses of which rules each probe serves is in the catalogue
// (conformance/catalogue/coverage_catalogue.h). Reaching a probe never changes a decision or
// the trace: adding a probe leaves every trace hash as it was.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lockstep::harness {

/// Every probe; names (probe_name) are stable kebab-case and what reports carry.
enum class Probe : std::uint8_t {
  // the async model, seen by the call monitor and the hosts
  null_context_call,
  sync_completion_with_context,
  async_completion,
  callback_on_other_thread_before_return,
  failure_with_error_object,
  callback_where_long_offered,
  callback_where_short_required,
  io_limit_reached,
  call_pending_at_heal,
  // the client channel, seen by the channel driver
  misuse_before_open,
  second_open,
  abort_with_operations_queued,
  abort_with_io_in_flight,
  abort_of_open_channel,
  call_on_faulted_channel,
  close_with_operations_in_flight,
  close_failed_graceful_shutdown,
  close_of_closed_channel,
  open_refused,
  drop_during_send,
  drop_during_receive,
  drop_during_request_reply,
  drop_during_close,
  session_end_during_receive,
  receive_over_quota,
  callback_starts_next_operation,
  callback_aborts_its_channel,
  callback_closes_its_channel,
  long_callback_blocks_until_another_completes,
  // the service host, seen by the service driver
  service_operation_synchronous,
  service_operation_asynchronous,
  fault_under_minimal_disclosure,
  fault_under_full_disclosure,
  operation_returned_end,
  message_after_end,
  cancel_on_host_abort,
  cancel_on_channel_faulted,
  cancel_during_registration,
  host_abort_with_calls_in_flight,
  host_close_with_calls_in_flight,
  close_timeout_expired_with_calls_in_flight,
  connect_after_close,
  reply_from_heap,
  // WsAsyncExecute chains, seen by the chain driver
  chain_step_asynchronous,
  chain_step_completed_before_return,
  chain_step_after_failure,
  chain_long_synchronous,
  // the IAsyncResult pattern, seen by its driver (either role)
  begin_completed_synchronously,
  begin_callback_on_other_thread_before_return,
  callback_after_begin_returned,
  wait_handle_before_completion,
  end_before_completion,
  end_in_callback,
  end_of_failed_operation,
  second_end,
  // the event-based pattern, seen by its driver (either role)
  completed_of_synchronous_start,
  completed_posted_from_worker,
  progress_event,
  failed_completed_event,
  cancelled_completed_event,
  cancel_racing_completion,
  cancel_after_completed_event,
  cancel_of_unknown_user_state,
  single_invocation_call_while_busy,
  duplicate_user_state_while_in_flight,
  is_busy_while_in_flight,
  is_busy_after_completed,
  // the task-based pattern, seen by its driver (either role)
  task_left_alone,
  task_precancelled_token,
  task_cancelled_while_running,
  task_stopped_by_cancellation,
  task_completed_despite_cancellation,
  task_synchronous_failure,
  asynchronous_continuation_before_completion,
  continuation_after_completion,
  // every pattern, and the exchange under it (MX1), seen by the drivers, the proxy's channel,
  // the service's work and the dispatcher
  start_argument_error,
  one_way_call,
  call_failed_in_exchange,
  // the client x service combinations a pattern schedule ran (MX1); the harness's plain
  // channel client against its synchronous service is the baseline no suite runs
  async_result_client_to_begin_end_service,
  async_result_client_to_event_based_service,
  async_result_client_to_task_based_service,
  async_result_client_to_synchronous_service,
  event_based_client_to_begin_end_service,
  event_based_client_to_event_based_service,
  event_based_client_to_task_based_service,
  event_based_client_to_synchronous_service,
  task_based_client_to_begin_end_service,
  task_based_client_to_event_based_service,
  task_based_client_to_task_based_service,
  task_based_client_to_synchronous_service,
  channel_client_to_begin_end_service,
  channel_client_to_event_based_service,
  channel_client_to_task_based_service,
};

inline constexpr std::size_t kProbeCount =
    static_cast<std::size_t>(Probe::channel_client_to_task_based_service) + 1;

/// "abort-with-io-in-flight".
std::string_view probe_name(Probe probe);
/// The probe with this name, or nullopt.
std::optional<Probe> find_probe(std::string_view name);

/// How often each probe was reached in one schedule.
class ProbeHits {
 public:
  void reach(Probe probe) { ++counts_[static_cast<std::size_t>(probe)]; }
  std::uint32_t count(Probe probe) const { return counts_[static_cast<std::size_t>(probe)]; }
  bool reached(Probe probe) const { return count(probe) > 0; }
  bool any() const;

  /// The reached probes as a set of indices, "3,7,12" (empty: none), and back; the form a
  /// schedule's record takes between a worker process and the runner of the same build.
  std::string to_index_list() const;
  static std::optional<ProbeHits> from_index_list(std::string_view text);

  friend bool operator==(const ProbeHits&, const ProbeHits&) = default;

 private:
  std::array<std::uint32_t, kProbeCount> counts_{};
};

}  // namespace lockstep::harness
