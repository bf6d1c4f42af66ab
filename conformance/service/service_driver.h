// The service driver: the harness as both the user code and the clients of a service host.
//
// It creates the host of a lockstep_implementation on a SimulatedHost (through an
// ServiceObservingHost), opens, closes and aborts it through the world's monitor, provides the
// service operation (its behaviour drawn through the simulation at each invocation: synchronous or
// asynchronous completion from a timer of a separate "user" host, a reply from the heap, a
// failure with WS_ERROR strings carrying kSecretMarker (some with characters outside ASCII),
// WS_S_END, cancel registration with or without a free-state callback, now and then a second
// registration), runs clients that send requests and check what comes back, and frees the host
// on a simulated thread once it is closed and every operation has completed.
//
// Checks (recorded at the moment they are observed, or at the end of the schedule):
//   SV1 a reply sent or received before its call completed; a completed call without a reply
//       on a channel that ended gracefully; a heap block released before completion (no abort).
//   SV2 a failure answered by anything but one fault; the marker under minimal disclosure, or
//       anything but the strings newest first, in UTF-8, under full disclosure.
//   SV3 an operation invoked, or a reply sent, for a message sent after a WS_S_END reply; a
//       channel left open after such a message.
//   SV1 also: the host sent a second reply for one call (seen on the wire as it is sent, so
//       also when no client reads it).
//   SV4 a second cancel, a cancel after free-state, free-state before completion, twice, or
//       never (when one was registered); a second registration that succeeded, or whose
//       callbacks fired; a cancel with WS_SERVICE_CHANNEL_FAULTED although the call's client
//       connection was neither closed nor dropped; a registered call whose client closed its
//       connection and that was not cancelled within the network's delay bound (plus 1 ms)
//       while the host was neither aborted nor closing (a host keeps reading a channel while a
//       call on it is in flight, so it learns of the close).
//   SV5 after an abort: a heap released, or the close completed, before the call completed;
//       a registered call in flight at or after the abort whose cancel callback never fired and
//       that therefore never completed (its operation completes only when cancelled), or that
//       was cancelled only once a later close's timeout expired.
//   SV6 a call served on a channel accepted after the close call returned; the close completed
//       before a call in flight completed (no abort); a registered call in flight when the close
//       timeout expired that was never cancelled (so never completed): the host ignored its
//       close timeout.
//   SV7 reply bytes that differ from what the operation wrote into its heap; the heap of a
//       successful call released after completion but before its reply was written, that is
//       before the host's send of the reply returned (send copies the message). A fault reply
//       is not built from the heap, so SV7 does not apply to failed calls.
// Request wire body: the call's token (4 bytes, little endian). Service operations are plain C
// functions, so they find the driver of the running schedule through a process-wide pointer
// (one schedule runs at a time per process); per-call state is found by token.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "conformance/service/observing_host.h"
#include "harness/host/world.h"
#include "lockstep/implementation.h"
#include "scheduler/wait_queue.h"

namespace lockstep::conformance {

class RawClient;

inline constexpr const char* kSecretMarker = "LOCKSTEP-SECRET";
/// The state of a second cancel registration: its callbacks must never fire.
inline constexpr std::uint32_t kSecondRegistrationToken = 0xFFFFFFF0u;
inline constexpr const char* kServiceAddress = "service://under-test";

/// How the user code makes one host call; unset fields of a call are drawn by the schedule.
struct HostCallShape {
  bool with_context = true;
  bool with_error = false;
};

struct ServiceDriverConfig {
  WS_FAULT_DISCLOSURE fault_disclosure = WS_MINIMAL_FAULT_DISCLOSURE;
  std::uint64_t close_timeout_ns = 0;
};

/// What the driver knows about one request.
struct ServiceCallRecord {
  std::uint32_t token = 0;
  harness::ConnectionId client_connection = 0;
  bool after_end = false;  ///< sent on a channel after a WS_S_END reply
  // the operation
  bool invoked = false;
  harness::ConnectionId server_connection = 0;
  bool completed = false;
  /// Completed, and the host's completion callback has returned (a synchronous completion is
  /// taken in when the operation returns): the host may be freed as far as this call goes.
  bool completion_returned = false;
  HRESULT result = S_OK;
  int planned_outcome = 0;  ///< 0 reply, 1 fault, 2 WS_S_END
  bool complete_on_cancel = false;
  /// The operation completes only when its cancel callback fires: a host that never cancels
  /// (on abort, on its close timeout) leaves it, and the close, hanging for all to see.
  bool cancel_only = false;
  /// Registers for cancel only when its completion is due (from a timer, after returning
  /// WS_S_ASYNC): a cancel reason that came first reaches it during the registration (SV4).
  bool registers_late = false;
  const WS_OPERATION_CONTEXT* context = nullptr;
  std::uint64_t invoked_ns = 0;
  std::uint64_t completed_ns = 0;
  bool in_flight_at_abort = false;  ///< in flight and registered for cancel when abort began
  /// When its client closed the connection with the call in flight and registered (0: not).
  std::uint64_t client_left_ns = 0;
  std::uint64_t first_cancel_ns = 0;
  std::string expected_reply;
  std::vector<std::string> error_strings;  ///< oldest first
  const void* heap_block = nullptr;        ///< compared, never dereferenced after completion
  std::size_t heap_bytes = 0;
  bool heap_released = false;
  WS_ASYNC_CONTEXT async_context{};
  void** reply = nullptr;
  std::size_t* reply_size = nullptr;
  WS_ERROR* error = nullptr;
  bool registered = false;
  bool registered_free_state = false;  ///< registered with a free-state callback (not NULL)
  std::uint32_t cancels = 0;
  std::uint32_t free_states = 0;
  // the wire
  bool reply_written = false;         ///< the host's send of the reply returned (or failed)
  bool reply_send_in_flight = false;  ///< that send returned S_OK and has not completed yet
  std::uint32_t replies = 0;          ///< replies the client read
  std::uint32_t replies_sent = 0;     ///< replies the host sent
  bool client_waiting = false;
};

class ServiceDriver {
 public:
  ServiceDriver(harness::World& world, harness::SimulatedHost& service_host,
                harness::SimulatedHost& user_host, const lockstep_implementation& implementation,
                ServiceDriverConfig config);
  ~ServiceDriver();
  ServiceDriver(const ServiceDriver&) = delete;
  ServiceDriver& operator=(const ServiceDriver&) = delete;

  /// On a fiber: creates and opens the host (open monitored). False if either failed.
  bool create_and_open(std::optional<HostCallShape> shape = std::nullopt);
  /// On a fiber: closes the host (monitored) and checks what was still in flight.
  void close(std::optional<HostCallShape> shape = std::nullopt);
  /// On any fiber, once open: aborts the host (monitored). Later calls do nothing.
  void abort(std::optional<bool> with_error = std::nullopt);
  /// On a client fiber: connects and makes up to `requests` calls, drawing closes and drops.
  void run_client(std::uint32_t requests);
  /// On a client fiber: records and sends one request, `after_end` when the session already
  /// answered WS_S_END. The call's token, or 0 if the send failed.
  std::uint32_t send_request(RawClient& client, bool after_end);
  /// What waiting for one reply left of the client's session.
  enum class ReplyOutcome {
    go_on,           ///< answered; the session goes on
    ended_by_reply,  ///< answered, and the operation returned WS_S_END
    session_over,    ///< answered after WS_S_END, ended by the host, or dropped
  };
  /// On a client fiber: waits for the reply to `token` (sent on `client`) and checks it.
  ReplyOutcome await_reply(RawClient& client, std::uint32_t token);
  /// On a client fiber, just before the client closes `client_connection`: its calls in
  /// flight must now be cancelled by the host (SV4).
  void client_leaves(harness::ConnectionId client_connection);
  /// On a fiber (the scenario's own thread), last, once close() was called on some thread (or
  /// the host never opened): waits on a WaitQueue until the close has completed and every
  /// invoked operation has completed with its completion callback returned (the host runs on
  /// inside that callback), then calls WsFreeServiceHost on this simulated thread.
  void free_host();
  /// End of schedule: the remaining checks.
  void finish(bool world_quiet);

  std::uint64_t calls_invoked() const { return calls_invoked_; }
  /// Invoked and not yet completed.
  std::uint64_t calls_in_flight() const;
  const std::map<std::uint32_t, ServiceCallRecord>& calls() const { return calls_; }
  /// Heaps of successful calls released after their reply's send returned and before it
  /// completed: what SV7 allows and a stricter reading of "written" would flag.
  std::uint64_t heaps_released_while_reply_in_flight() const {
    return heaps_released_while_reply_in_flight_;
  }
  /// Heaps of failed calls released before their fault reply was written: SV7 does not apply.
  std::uint64_t heaps_released_before_fault_reply() const {
    return heaps_released_before_fault_reply_;
  }

  // ---- entry points of the C callbacks (public for the trampolines) ----
  HRESULT operation(const WS_OPERATION_CONTEXT* context, const void* request,
                    std::size_t request_size, void** reply, std::size_t* reply_size,
                    const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error);
  void on_cancel(std::uint32_t token, WS_SERVICE_CANCEL_REASON reason);
  void on_free_state(std::uint32_t token);
  void complete_later(std::uint32_t token);
  static ServiceDriver& active();

 private:
  ServiceCallRecord* find(std::uint32_t token);
  void violation(const char* rule, std::uint32_t token, std::string explanation);
  HRESULT finish_operation(ServiceCallRecord& call, bool cancelled);
  void schedule_completion(std::uint32_t token, std::uint64_t delay_ns);
  void register_for_cancel(ServiceCallRecord& call);
  void check_reply(ServiceCallRecord& call, const std::string& message);
  void check_missing_reply(ServiceCallRecord& call, const char* how);
  void on_release(const void* block, std::size_t bytes);
  void on_reply_sent(harness::ConnectionId connection, std::string_view message);
  std::uint64_t close_timeout_effective_ns() const;
  void check_cancel_only_calls(bool world_quiet);
  void check_client_left_calls(bool world_quiet);
  bool server_connection_live(harness::ConnectionId connection) const;
  std::string expected_fault(const ServiceCallRecord& call) const;

  harness::World& world_;
  harness::SimulatedHost& service_host_;
  harness::SimulatedHost& user_host_;
  const lockstep_implementation& implementation_;
  ServiceDriverConfig config_;
  ServiceObservingHost observed_;
  lockstep_service_host* service_ = nullptr;
  bool opened_ = false;
  bool close_started_ = false;
  bool close_returned_ = false;  ///< the close call returned (synchronously or WS_S_ASYNC)
  bool close_completed_ = false;
  std::uint64_t close_started_ns_ = 0;
  harness::MonitoredCall* close_call_ = nullptr;
  bool freed_ = false;
  bool abort_started_ = false;
  std::uint64_t abort_started_ns_ = 0;
  std::uint32_t registering_token_ = 0;  ///< inside WsRegisterOperationForCancel for this call
  std::uint32_t next_token_ = 1;
  std::uint64_t calls_invoked_ = 0;
  std::map<std::uint32_t, ServiceCallRecord> calls_;
  std::map<harness::ConnectionId, std::uint32_t> current_call_by_server_connection_;
  std::set<harness::ConnectionId> accepted_after_close_;
  std::uint64_t next_send_ = 1;
  std::map<std::uint64_t, std::uint32_t> reply_sends_;  // send -> token
  std::uint64_t heaps_released_while_reply_in_flight_ = 0;
  std::uint64_t heaps_released_before_fault_reply_ = 0;
  WaitQueue progress_;  ///< notified when a call or the close completes
};

}  // namespace lockstep::conformance
