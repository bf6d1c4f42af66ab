// The harness as the caller of a client channel: monitored calls plus the CH rule checks.
//
// A ChannelDriver creates one channel of a lockstep_implementation on a SimulatedHost inside a
// World and offers open/send/receive/request_reply/close as monitored calls (so AM1-AM7 are
// checked by the CallMonitor), abort and the state query. It keeps a model of what the
// contract demands and records CH violations:
//   CH1 a call pending when abort ran on an OPENING/OPEN/CLOSING channel never completed;
//   CH2 after abort on OPENING/OPEN the state is not FAULTED; a call on a channel faulted by
//       abort does not return WS_E_OBJECT_FAULTED; close after abort does not end CLOSED;
//   CH3 abort waited on an event or let virtual time pass;
//   CH4 a close called on CREATED, OPEN or FAULTED completed without the state being CLOSED;
//   CH5 a call in CREATED or CLOSED (or a second open) did not return WS_E_INVALID_OPERATION,
//       a call in FAULTED (not by abort) did not return WS_E_OBJECT_FAULTED;
//   CH6 a call pending when the connection dropped never completed;
//   CH7 an optional receive returned WS_S_END but its out-parameters changed.
// Only states the caller alone can leave (CREATED, FAULTED, CLOSED) are used as the "state
// before" of a call: the others may change on a worker between the query and the call.
// Calls never completed are checked at the end of the schedule and settled, so that the
// monitor does not report them again as AM3/AM11.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "conformance/channel/observing_host.h"
#include "harness/host/world.h"
#include "lockstep/implementation.h"

namespace lockstep::conformance {

/// How a call is made: with an async context or NULL, with a WS_ERROR or NULL.
struct CallShape {
  bool with_context = true;
  bool with_error = false;
};

class ChannelDriver {
 public:
  /// Buffer bytes the driver fills out-parameters with, to see whether they changed (CH7).
  static constexpr unsigned char kUntouched = 0xA5;

  ChannelDriver(harness::World& world, harness::SimulatedHost& host,
                const lockstep_implementation& implementation);
  ~ChannelDriver();
  ChannelDriver(const ChannelDriver&) = delete;
  ChannelDriver& operator=(const ChannelDriver&) = delete;

  /// On a fiber. False if the implementation refused to create a channel.
  bool create();
  bool created() const { return channel_ != nullptr; }

  harness::MonitoredCall& open(const std::string& address, CallShape shape);
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
  /// WsFreeChannel once no abort is running on another thread.
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
    bool pending_at_abort = false;
    bool checked = false;
  };

  DriverCall& begin(const std::string& operation);
  void check_completed(DriverCall& record);
  void end_of_schedule(bool world_quiet);
  DriverCall* find(const harness::MonitoredCall& call);

  harness::World& world_;
  const lockstep_implementation& implementation_;
  harness::SimulatedHost& host_;
  ChannelObservingHost observing_host_;
  lockstep_channel* channel_ = nullptr;
  bool freed_ = false;
  bool faulted_by_abort_ = false;
  std::uint32_t aborts_running_ = 0;
  std::uint64_t aborts_ = 0;
  std::vector<std::unique_ptr<DriverCall>> calls_;
};

}  // namespace lockstep::conformance
