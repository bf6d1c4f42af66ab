// The harness as the caller of a client channel: monitored calls plus the CH rule checks.
//
// A ChannelDriver creates one channel of a lockstep_implementation on a SimulatedHost inside a
// World and offers open/send/receive/request_reply/close as monitored calls (so AM1-AM7 are
// checked by the CallMonitor), abort and the state query. It keeps a model of what the
// contract demands and records CH violations:
//   CH1 a call pending when abort ran on an OPENING/OPEN/CLOSING channel never completed;
//   CH2 after abort on OPENING/OPEN the state is not FAULTED; a call on a channel faulted by
//       abort does not return WS_E_OBJECT_FAULTED (close: S_OK); close after abort does not
//       end CLOSED;
//   CH3 abort waited on an event or let virtual time pass; an abort still running
//       kAbortReturnBoundNs after it began never returns: the schedule stops there, and the
//       calls it left pending are settled (the blocked abort is their one explanation);
//   CH4 a close called on CREATED, OPEN or FAULTED completed without the state being CLOSED;
//       a close that completed synchronously while sends it had handed to the host were still
//       in flight (no abort, no drop);
//   CH5 a call in CREATED or CLOSED (or a second open) did not return WS_E_INVALID_OPERATION,
//       a call in FAULTED (not by abort) did not return WS_E_OBJECT_FAULTED; a close on
//       CREATED, FAULTED or CLOSED did not return S_OK (closing is always allowed); an open
//       with a NULL address did not return E_INVALIDARG; a receive or request_reply failed
//       with WS_E_QUOTA_EXCEEDED (the message did not fit its buffer) and left the channel
//       OPEN instead of FAULTED;
//   CH6 a call pending when the connection dropped never completed;
//   CH7 an optional receive returned WS_S_END but its out-parameters changed; a required
//       receive returned WS_S_END.
//   AM8 a call the caller made from inside a callback (CallbackBehaviour) locked a host mutex
//       its thread already held, or never returned: the implementation invoked the callback
//       in a way that deadlocks short re-entrant work (holding its lock, say).
// Only states the caller alone can leave (CREATED, FAULTED, CLOSED) are used as the "state
// before" of a call: the others may change on a worker between the query and the call. Once a
// callback aborted or closed the channel (on a worker), no state is the caller's alone: the
// checks that rest on the state before are not made for calls pending then or begun later.
// Calls never completed are checked at the end of the schedule and settled, so that the
// monitor does not report them again as AM3/AM11. The driver never waits by spinning: it
// blocks on a WaitQueue until an abort running on another thread has returned.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "conformance/channel/callback_behaviour.h"
#include "conformance/channel/observing_host.h"
#include "harness/host/world.h"
#include "lockstep/implementation.h"
#include "scheduler/wait_queue.h"

namespace lockstep::conformance {

/// How a call is made: with an async context or NULL, with a WS_ERROR or NULL, and what its
/// callback does.
struct CallShape {
  bool with_context = true;
  bool with_error = false;
  CallbackBehaviour callback = CallbackBehaviour::return_at_once;
};

class ChannelDriver {
 public:
  /// Buffer bytes the driver fills out-parameters with, to see whether they changed (CH7).
  static constexpr unsigned char kUntouched = 0xA5;
  /// Virtual time after which an abort that has not returned is taken to block forever (CH3).
  /// Any virtual time passing inside abort already breaks CH3, so the bound only decides when
  /// the driver stops waiting for one that never returns.
  static constexpr std::uint64_t kAbortReturnBoundNs = 1'000'000'000;

  ChannelDriver(harness::World& world, harness::SimulatedHost& host,
                const lockstep_implementation& implementation);
  ~ChannelDriver();
  ChannelDriver(const ChannelDriver&) = delete;
  ChannelDriver& operator=(const ChannelDriver&) = delete;

  /// On a fiber. False if the implementation refused to create a channel.
  bool create();
  bool created() const { return channel_ != nullptr; }

  harness::MonitoredCall& open(const std::string& address, CallShape shape);
  /// WsOpenChannel with a NULL endpoint address: E_INVALIDARG (CH5).
  harness::MonitoredCall& open_without_address(CallShape shape);
  harness::MonitoredCall& send(const std::string& body, CallShape shape);
  harness::MonitoredCall& receive(bool optional, std::size_t capacity, CallShape shape);
  harness::MonitoredCall& request_reply(const std::string& request, std::size_t capacity,
                                        CallShape shape);
  harness::MonitoredCall& close(CallShape shape);
  /// WsAbortChannel, with the CH1-CH3 bookkeeping; a no-op before create or after free.
  void abort();
  WS_CHANNEL_STATE state();
  /// Waits for the call, then checks what the contract says about the state after it.
  void wait(harness::MonitoredCall& call);
  /// On a fiber: WsFreeChannel, once no abort is running on another thread (it waits for
  /// them on a WaitQueue, never by yielding: a yielding waiter can starve them under PCT).
  void free_channel();

  std::uint64_t aborts() const { return aborts_; }

 private:
  struct DriverCall {
    harness::MonitoredCall* call = nullptr;
    std::string operation;
    WS_CHANNEL_STATE state_before = WS_CHANNEL_STATE_CREATED;
    bool faulted_by_abort = false;  ///< state_before FAULTED because of our abort
    bool optional = false;
    std::uint64_t drops_at_start = 0;
    std::uint64_t refusals_at_start = 0;
    bool without_address = false;  ///< an open with a NULL endpoint address
    bool pending_at_abort = false;
    bool checked = false;
    bool state_checked = false;
    bool callback_action_running = false;
    /// A callback's abort or close (on another thread) may have changed the state between the
    /// query and the call, or before the call completed: state_before proves nothing.
    bool state_unstable = false;
    CallbackBehaviour running_behaviour = CallbackBehaviour::return_at_once;
    std::vector<harness::MonitoredCall*> started_in_callback;
  };

  DriverCall& begin(const std::string& operation);
  /// Gives the call its callback behaviour (before invoke).
  void arm_callback(DriverCall& record, const CallShape& shape);
  void run_callback_behaviour(DriverCall& record, CallbackBehaviour behaviour,
                              WS_CALLBACK_MODEL model);
  void callback_behaviour_body(DriverCall& record, CallbackBehaviour behaviour,
                               WS_CALLBACK_MODEL model);
  /// The oldest other call of this channel that returned WS_S_ASYNC and has not completed.
  harness::MonitoredCall* another_pending_call(const DriverCall& record);
  void check_completed(DriverCall& record);
  void reach_completion_probes(const DriverCall& record);
  void check_close_waited(const DriverCall& close);
  /// What the state must be after a completed call (only while the channel is not freed).
  void check_state_after(DriverCall& record);
  /// The watchdog of an abort that began at `started_ns`: still running means it blocks.
  void abort_overdue(std::uint64_t abort_number, std::uint64_t started_ns);
  void end_of_schedule(bool world_quiet);
  DriverCall* find(const harness::MonitoredCall& call);

  void reach(harness::Probe probe) { world_.violations().reach(probe); }

  harness::World& world_;
  harness::SimulatedHost& host_;
  const lockstep_implementation& implementation_;
  ChannelObservingHost observing_host_;
  lockstep_channel* channel_ = nullptr;
  bool freed_ = false;
  bool faulted_by_abort_ = false;
  std::uint64_t aborts_ = 0;
  struct RunningAbort {
    std::uint64_t number = 0;
    std::uint64_t started_ns = 0;
  };
  std::vector<RunningAbort> running_aborts_;  ///< in start order
  bool abort_never_returned_ = false;
  WaitQueue aborts_returned_;
  WaitQueue callback_behaviours_done_;
  bool reentrant_deadlock_reported_ = false;
  bool state_changed_in_callbacks_ = false;  ///< a callback aborted or closed the channel
  /// Threads inside a callback's own work: their calls run beside the caller's, which may
  /// change the state under them (a close), so no state before is theirs alone.
  std::vector<FiberId> threads_in_callback_work_;
  std::vector<std::unique_ptr<DriverCall>> calls_;
};

}  // namespace lockstep::conformance
