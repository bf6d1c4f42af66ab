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
};

inline constexpr std::size_t kProbeCount =
    static_cast<std::size_t>(Probe::chain_long_synchronous) + 1;

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
