// The channel driver's monitored calls and its CH rule checks.
#include "conformance/channel/channel_driver.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include "harness/core/hresult_text.h"

namespace lockstep::conformance {

using harness::BufferOwnership;
using harness::CallOptions;
using harness::hresult_text;
using harness::MonitoredCall;

namespace {

const char* state_name(WS_CHANNEL_STATE state) {
  switch (state) {
    case WS_CHANNEL_STATE_CREATED:
      return "CREATED";
    case WS_CHANNEL_STATE_OPENING:
      return "OPENING";
    case WS_CHANNEL_STATE_ACCEPTING:
      return "ACCEPTING";
    case WS_CHANNEL_STATE_OPEN:
      return "OPEN";
    case WS_CHANNEL_STATE_FAULTED:
      return "FAULTED";
    case WS_CHANNEL_STATE_CLOSING:
      return "CLOSING";
    case WS_CHANNEL_STATE_CLOSED:
      return "CLOSED";
  }
  return "unknown";
}

bool untouched(const std::string& bytes) {
  for (char byte : bytes) {
    if (static_cast<unsigned char>(byte) != ChannelDriver::kUntouched) {
      return false;
    }
  }
  return true;
}

bool is_message_operation(const std::string& operation) {
  return operation == "send" || operation == "receive" || operation == "request_reply";
}

}  // namespace

ChannelDriver::ChannelDriver(harness::World& world, harness::SimulatedHost& host,
                             const lockstep_implementation& implementation)
    : world_(world),
      host_(host),
      implementation_(implementation),
      observing_host_(world.simulation(), *host.table()),
      aborts_returned_(world.simulation()),
      callback_behaviours_done_(world.simulation()) {
  world_.on_schedule_end([this](bool world_quiet) { end_of_schedule(world_quiet); });
}

ChannelDriver::~ChannelDriver() = default;

bool ChannelDriver::create() {
  const HRESULT result = implementation_.channel->create_channel(
      &implementation_, observing_host_.table(), &channel_, nullptr);
  if (FAILED(result)) {
    channel_ = nullptr;
  }
  if (channel_ == nullptr) {
    world_.subject_not_created();
  }
  return channel_ != nullptr;
}

WS_CHANNEL_STATE ChannelDriver::state() {
  WS_CHANNEL_STATE state = WS_CHANNEL_STATE_CREATED;
  implementation_.channel->get_channel_state(channel_, &state, nullptr);
  return state;
}

ChannelDriver::DriverCall& ChannelDriver::begin(const std::string& operation) {
  auto record = std::make_unique<DriverCall>();
  record->operation = operation;
  record->state_before = state();
  record->state_unstable =
      state_changed_in_callbacks_ ||
      std::find(threads_in_callback_work_.begin(), threads_in_callback_work_.end(),
                world_.simulation().current_fiber()) != threads_in_callback_work_.end();
  record->faulted_by_abort = record->state_before == WS_CHANNEL_STATE_FAULTED && faulted_by_abort_;
  record->drops_at_start = world_.network().stats().drops;
  record->refusals_at_start = world_.network().stats().refused_connects;
  const WS_CHANNEL_STATE before = record->state_before;
  if (before == WS_CHANNEL_STATE_CREATED && operation != "open" && operation != "close") {
    reach(harness::Probe::misuse_before_open);
  }
  if (before != WS_CHANNEL_STATE_CREATED && operation == "open") {
    reach(harness::Probe::second_open);
  }
  if (before == WS_CHANNEL_STATE_FAULTED && operation != "close") {
    reach(harness::Probe::call_on_faulted_channel);
  }
  if (operation == "close") {
    if (before == WS_CHANNEL_STATE_CLOSED) {
      reach(harness::Probe::close_of_closed_channel);
    }
    if (!world_.monitor().pending().empty()) {
      reach(harness::Probe::close_with_operations_in_flight);
    }
  }
  calls_.push_back(std::move(record));
  return *calls_.back();
}

ChannelDriver::DriverCall* ChannelDriver::find(const MonitoredCall& call) {
  for (const auto& record : calls_) {
    if (record->call == &call) {
      return record.get();
    }
  }
  return nullptr;
}

MonitoredCall& ChannelDriver::open(const std::string& address, CallShape shape) {
  DriverCall& record = begin("open");
  MonitoredCall& call =
      world_.monitor().start(CallOptions{"open", shape.with_context, shape.with_error});
  record.call = &call;
  arm_callback(record, shape);
  auto* text = static_cast<char*>(call.add_buffer("endpoint_address", address.size() + 1,
                                                  BufferOwnership::until_return, address.c_str()));
  call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
    return implementation_.channel->open_channel(channel_, text, context, error);
  });
  if (call.completed()) {
    check_completed(record);
  }
  return call;
}

MonitoredCall& ChannelDriver::open_without_address(CallShape shape) {
  DriverCall& record = begin("open");
  record.without_address = true;
  MonitoredCall& call =
      world_.monitor().start(CallOptions{"open", shape.with_context, shape.with_error});
  record.call = &call;
  arm_callback(record, shape);
  call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
    return implementation_.channel->open_channel(channel_, nullptr, context, error);
  });
  if (call.completed()) {
    check_completed(record);
  }
  return call;
}

MonitoredCall& ChannelDriver::send(const std::string& body, CallShape shape) {
  DriverCall& record = begin("send");
  MonitoredCall& call =
      world_.monitor().start(CallOptions{"send", shape.with_context, shape.with_error});
  record.call = &call;
  arm_callback(record, shape);
  void* data = call.add_buffer("body", body.size(), BufferOwnership::until_completion, body.data());
  call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
    return implementation_.channel->send_message(channel_, data, body.size(), context, error);
  });
  if (call.completed()) {
    check_completed(record);
  }
  return call;
}

MonitoredCall& ChannelDriver::receive(bool optional, std::size_t capacity, CallShape shape) {
  DriverCall& record = begin("receive");
  record.optional = optional;
  MonitoredCall& call =
      world_.monitor().start(CallOptions{"receive", shape.with_context, shape.with_error});
  record.call = &call;
  arm_callback(record, shape);
  void* body = call.add_buffer("body", capacity);
  std::memset(body, kUntouched, capacity);
  void* size = call.add_buffer("body_size", sizeof(std::size_t));
  std::memset(size, kUntouched, sizeof(std::size_t));
  call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
    return implementation_.channel->receive_message(channel_, optional ? TRUE : FALSE, body,
                                                    capacity, static_cast<std::size_t*>(size),
                                                    context, error);
  });
  if (call.completed()) {
    check_completed(record);
  }
  return call;
}

MonitoredCall& ChannelDriver::request_reply(const std::string& request, std::size_t capacity,
                                            CallShape shape) {
  DriverCall& record = begin("request_reply");
  MonitoredCall& call =
      world_.monitor().start(CallOptions{"request_reply", shape.with_context, shape.with_error});
  record.call = &call;
  arm_callback(record, shape);
  void* data =
      call.add_buffer("request", request.size(), BufferOwnership::until_completion, request.data());
  void* reply = call.add_buffer("reply", capacity);
  void* reply_size = call.add_buffer("reply_size", sizeof(std::size_t));
  call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
    return implementation_.channel->request_reply(channel_, data, request.size(), reply, capacity,
                                                  static_cast<std::size_t*>(reply_size), context,
                                                  error);
  });
  if (call.completed()) {
    check_completed(record);
  }
  return call;
}

MonitoredCall& ChannelDriver::close(CallShape shape) {
  DriverCall& record = begin("close");
  MonitoredCall& call =
      world_.monitor().start(CallOptions{"close", shape.with_context, shape.with_error});
  record.call = &call;
  arm_callback(record, shape);
  call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
    return implementation_.channel->close_channel(channel_, context, error);
  });
  if (call.completed()) {
    check_completed(record);
    check_close_waited(record);
  }
  return call;
}

void ChannelDriver::wait(MonitoredCall& call) {
  world_.monitor().wait(call);
  DriverCall* record = find(call);
  if (record == nullptr) {
    return;
  }
  check_completed(*record);
  // The callback may still be doing the caller's work (and starting calls): wait for it too,
  // and for what it started, so that the caller's script sees every call it made.
  callback_behaviours_done_.wait_until("waiting for a callback's own work to end",
                                       [record] { return !record->callback_action_running; });
  for (MonitoredCall* started : record->started_in_callback) {
    wait(*started);
  }
  check_state_after(*record);
}

void ChannelDriver::arm_callback(DriverCall& record, const CallShape& shape) {
  if (!shape.with_context || shape.callback == CallbackBehaviour::return_at_once) {
    return;
  }
  DriverCall* armed = &record;  // records are owned by calls_ through unique_ptr: stable
  const CallbackBehaviour behaviour = shape.callback;
  record.call->set_callback_action([this, armed, behaviour](WS_CALLBACK_MODEL model) {
    run_callback_behaviour(*armed, behaviour, model);
  });
}

void ChannelDriver::run_callback_behaviour(DriverCall& record, CallbackBehaviour behaviour,
                                           WS_CALLBACK_MODEL model) {
  if (channel_ == nullptr || freed_ || !world_.simulation().on_fiber()) {
    return;
  }
  record.callback_action_running = true;
  record.running_behaviour = behaviour;
  const FiberId thread = world_.simulation().current_fiber();
  threads_in_callback_work_.push_back(thread);
  if (behaviour == CallbackBehaviour::abort_channel ||
      behaviour == CallbackBehaviour::close_channel) {
    state_changed_in_callbacks_ = true;
    for (const auto& other : calls_) {
      if (other->call == nullptr || !other->call->completed()) {
        other->state_unstable = true;
      }
    }
  }
  try {
    callback_behaviour_body(record, behaviour, model);
  } catch (const std::logic_error& error) {
    // The host refuses a recursive lock by throwing: the re-entrant call found the mutex its
    // own thread took before invoking the callback. Anything else is not ours to explain.
    if (std::string_view(error.what()).find("already holds") == std::string_view::npos) {
      throw;
    }
    if (!reentrant_deadlock_reported_) {
      reentrant_deadlock_reported_ = true;
      world_.violations().record(
          "AM8", record.call->label(),
          std::string("its callback called back into the channel (short, non-blocking work) "
                      "and deadlocked: ") +
              error.what() + "; the callback was invoked while the implementation held a lock");
    }
    world_.simulation().stop("a re-entrant call from a callback deadlocked");
  }
  threads_in_callback_work_.erase(
      std::find(threads_in_callback_work_.begin(), threads_in_callback_work_.end(), thread));
  record.callback_action_running = false;
  callback_behaviours_done_.notify_all();
}

void ChannelDriver::callback_behaviour_body(DriverCall& record, CallbackBehaviour behaviour,
                                            WS_CALLBACK_MODEL model) {
  switch (behaviour) {
    case CallbackBehaviour::return_at_once:
      return;
    case CallbackBehaviour::start_next_send: {
      reach(harness::Probe::callback_starts_next_operation);
      const std::string body = "cb-" + record.call->label();
      record.started_in_callback.push_back(&send(body, CallShape{true, false}));
      return;
    }
    case CallbackBehaviour::abort_channel:
      reach(harness::Probe::callback_aborts_its_channel);
      abort();
      return;
    case CallbackBehaviour::close_channel:
      reach(harness::Probe::callback_closes_its_channel);
      record.started_in_callback.push_back(&close(CallShape{true, false}));
      return;
    case CallbackBehaviour::block_until_another_completes: {
      if (model != WS_LONG_CALLBACK) {
        return;  // SHORT: the callback must not block
      }
      MonitoredCall* other = another_pending_call(record);
      if (other != nullptr) {
        reach(harness::Probe::long_callback_blocks_until_another_completes);
        world_.monitor().wait(*other);
      }
      return;
    }
  }
}

MonitoredCall* ChannelDriver::another_pending_call(const DriverCall& record) {
  for (const auto& candidate : calls_) {
    MonitoredCall* call = candidate->call;
    if (candidate.get() != &record && call != nullptr && call->returned() &&
        call->returned_result() == WS_S_ASYNC && !call->completed()) {
      return call;
    }
  }
  return nullptr;
}

void ChannelDriver::check_state_after(DriverCall& record) {
  if (record.state_checked || freed_ || record.call == nullptr || !record.call->completed()) {
    return;
  }
  record.state_checked = true;
  const MonitoredCall& call = *record.call;
  const bool close_must_close = record.operation == "close" &&
                                record.state_before != WS_CHANNEL_STATE_CLOSED &&
                                record.state_before != WS_CHANNEL_STATE_CLOSING &&
                                record.state_before != WS_CHANNEL_STATE_OPENING;
  if (close_must_close) {
    // CLOSED is final, so whatever ran since the completion cannot have left it.
    const WS_CHANNEL_STATE after = state();
    if (after != WS_CHANNEL_STATE_CLOSED) {
      world_.violations().record(record.faulted_by_abort ? "CH2" : "CH4", call.label(),
                                 std::string("close called on ") + state_name(record.state_before) +
                                     " completed with " + hresult_text(call.result()) +
                                     " but left the channel " + state_name(after) +
                                     " instead of CLOSED");
    }
  }
  const bool over_quota = (record.operation == "receive" || record.operation == "request_reply") &&
                          call.result() == WS_E_QUOTA_EXCEEDED;
  if (over_quota) {
    // The quota fault comes before completion is signalled, and nothing leads from FAULTED,
    // CLOSING or CLOSED back to OPEN: OPEN now means the channel never faulted.
    const WS_CHANNEL_STATE after = state();
    if (after == WS_CHANNEL_STATE_OPEN) {
      world_.violations().record("CH5", call.label(),
                                 record.operation +
                                     " failed with WS_E_QUOTA_EXCEEDED (the message did not fit "
                                     "its buffer) but left the channel OPEN instead of FAULTED");
    }
  }
}

// CH4: a close waits for the I/O started before it. Checked when a close of an OPEN channel
// (the one close that does the closing) returns S_OK (a graceful close: one that failed, or
// found the channel faulted meanwhile, may have cut its I/O short) having
// completed synchronously: a send the implementation handed to the host is then still in flight
// (its completion has not run) only if the close did not wait for it. Not once an abort or a
// drop happened: they end I/O without waiting by design (CH1, CH6), and a failing send's
// completion may still be on its way. An asynchronous close is not checked
// this way: by the time the caller sees its completion, later work may have started new I/O.
void ChannelDriver::check_close_waited(const DriverCall& close) {
  if (close.state_before != WS_CHANNEL_STATE_OPEN || close.state_unstable || aborts_ > 0 ||
      world_.network().stats().drops > 0 || !close.call->completed_synchronously() ||
      close.call->result() != S_OK) {
    return;
  }
  for (const auto& record : calls_) {
    const HRESULT result =
        record->call != nullptr && record->call->completed() ? record->call->result() : S_OK;
    if (result == WS_E_QUOTA_EXCEEDED || result == WS_E_OBJECT_FAULTED ||
        result == WS_E_ENDPOINT_DISCONNECTED || result == WS_E_OPERATION_ABORTED) {
      return;  // the channel faulted (a message over the quota, say): its I/O ended by design
    }
  }
  if (host_.in_flight_sends() > 0) {
    world_.violations().record("CH4", close.call->label(),
                               "the close completed while " +
                                   std::to_string(host_.in_flight_sends()) +
                                   " send(s) it had started were still in flight: close must "
                                   "wait for started I/O");
  }
}

void ChannelDriver::check_completed(DriverCall& record) {
  if (record.checked || record.call == nullptr || !record.call->completed()) {
    return;
  }
  record.checked = true;
  const MonitoredCall& call = *record.call;
  const HRESULT result = call.result();
  const WS_CHANNEL_STATE before = record.state_before;
  reach_completion_probes(record);
  auto expect = [&](HRESULT expected, const char* rule) {
    if (result != expected) {
      world_.violations().record(rule, call.label(),
                                 record.operation + " on a " + state_name(before) +
                                     " channel returned " + hresult_text(result) + " instead of " +
                                     hresult_text(expected));
    }
  };
  if (record.without_address) {
    expect(E_INVALIDARG, "CH5");  // WsOpenChannel with a NULL address, whatever the state
    return;
  }
  if (record.state_unstable) {
    // Only what holds in every state is checked below (CH7).
  } else if (is_message_operation(record.operation) || record.operation == "open") {
    if (before == WS_CHANNEL_STATE_FAULTED) {
      expect(WS_E_OBJECT_FAULTED, record.faulted_by_abort ? "CH2" : "CH5");
    } else if (before == WS_CHANNEL_STATE_CLOSED) {
      expect(WS_E_INVALID_OPERATION, "CH5");
    } else if (before == WS_CHANNEL_STATE_CREATED && record.operation != "open") {
      expect(WS_E_INVALID_OPERATION, "CH5");
    } else if (record.operation == "open" && before != WS_CHANNEL_STATE_CREATED &&
               result != WS_E_INVALID_OPERATION && result != WS_E_OBJECT_FAULTED) {
      expect(WS_E_INVALID_OPERATION, "CH5");  // a second open
    }
  }
  // Closing is always allowed (CONTRACT.md section 7: the real WsCloseChannel returns S_OK on
  // a channel never opened, on a FAULTED one and on one already CLOSED).
  if (record.operation == "close" && !record.state_unstable &&
      (before == WS_CHANNEL_STATE_CREATED || before == WS_CHANNEL_STATE_FAULTED ||
       before == WS_CHANNEL_STATE_CLOSED)) {
    expect(S_OK, record.faulted_by_abort ? "CH2" : "CH5");
  }
  if (record.operation == "receive" && !record.optional && result == WS_S_END) {
    world_.violations().record("CH7", call.label(),
                               "a required (non-optional) receive returned WS_S_END; only an "
                               "optional receive may end that way");
  }
  if (record.operation == "receive" && record.optional && result == WS_S_END) {
    const bool body_kept = untouched(call.buffer_snapshot("body"));
    const bool size_kept = untouched(call.buffer_snapshot("body_size"));
    if (!body_kept || !size_kept) {
      world_.violations().record(
          "CH7", call.label(),
          std::string("optional receive returned WS_S_END but changed its ") +
              (size_kept ? "body" : "*body_size") + " out-parameter");
    }
  }
}

void ChannelDriver::reach_completion_probes(const DriverCall& record) {
  const HRESULT result = record.call->result();
  if (result == WS_E_QUOTA_EXCEEDED &&
      (record.operation == "receive" || record.operation == "request_reply")) {
    reach(harness::Probe::receive_over_quota);
  }
  if (record.operation == "receive" && record.optional && result == WS_S_END) {
    reach(harness::Probe::session_end_during_receive);
  }
  if (record.operation == "close" && FAILED(result) &&
      record.state_before == WS_CHANNEL_STATE_OPEN) {
    reach(harness::Probe::close_failed_graceful_shutdown);
  }
  if (record.operation == "open" &&
      world_.network().stats().refused_connects > record.refusals_at_start) {
    reach(harness::Probe::open_refused);
  }
  if (world_.network().stats().drops > record.drops_at_start) {
    if (record.operation == "send") {
      reach(harness::Probe::drop_during_send);
    } else if (record.operation == "receive") {
      reach(harness::Probe::drop_during_receive);
    } else if (record.operation == "request_reply") {
      reach(harness::Probe::drop_during_request_reply);
    } else if (record.operation == "close") {
      reach(harness::Probe::drop_during_close);
    }
  }
}

void ChannelDriver::abort() {
  if (channel_ == nullptr || freed_) {
    return;
  }
  const std::uint64_t abort_number = ++aborts_;
  Simulation& simulation = world_.simulation();
  running_aborts_.push_back(RunningAbort{abort_number, simulation.now_ns()});
  const WS_CHANNEL_STATE before = state();
  const bool had_work = before == WS_CHANNEL_STATE_OPENING || before == WS_CHANNEL_STATE_OPEN ||
                        before == WS_CHANNEL_STATE_CLOSING;
  std::vector<const MonitoredCall*> pending = world_.monitor().pending();
  if (before == WS_CHANNEL_STATE_OPEN) {
    reach(harness::Probe::abort_of_open_channel);
  }
  if (had_work && host_.in_flight_io() > 0) {
    reach(harness::Probe::abort_with_io_in_flight);
  }
  if (had_work && pending.size() > host_.in_flight_io()) {
    reach(harness::Probe::abort_with_operations_queued);
  }
  const FiberId fiber = simulation.current_fiber();
  const std::uint64_t waits_before = observing_host_.event_waits(fiber);
  const std::uint64_t before_ns = simulation.now_ns();
  // Nothing is due before the bound while a correct abort runs (it lets no time pass), so
  // the watchdog changes no interleaving; it fires only when the abort blocks.
  const EventId watchdog = simulation.schedule(
      kAbortReturnBoundNs,
      [this, abort_number, before_ns] { abort_overdue(abort_number, before_ns); },
      "abort watchdog");
  const HRESULT result = implementation_.channel->abort_channel(channel_, nullptr);
  simulation.cancel(watchdog);
  const std::uint64_t waited_ns = simulation.now_ns() - before_ns;
  const std::uint64_t waits = observing_host_.event_waits(fiber) - waits_before;
  if (waits > 0 || waited_ns > 0) {
    world_.violations().record("CH3", "abort",
                               "abort blocked: " + std::to_string(waits) +
                                   " event wait(s) on the aborting thread, " +
                                   std::to_string(waited_ns) + " ns of virtual time");
  }
  if (result != S_OK) {
    world_.violations().record("CH2", "abort", "abort returned " + hresult_text(result));
  }
  const WS_CHANNEL_STATE after = state();
  if ((before == WS_CHANNEL_STATE_OPEN || before == WS_CHANNEL_STATE_OPENING) &&
      after != WS_CHANNEL_STATE_FAULTED && after != WS_CHANNEL_STATE_CLOSED) {
    // CLOSED: the caller's close may have run on its own thread in between.
    world_.violations().record("CH2", "abort",
                               std::string("abort on an ") + state_name(before) +
                                   " channel left it " + state_name(after) + " instead of FAULTED");
  }
  if (before == WS_CHANNEL_STATE_CLOSED && after != WS_CHANNEL_STATE_CLOSED) {
    world_.violations().record(
        "CH2", "abort", std::string("abort on a CLOSED channel left it ") + state_name(after));
  }
  if (after == WS_CHANNEL_STATE_FAULTED && had_work) {
    faulted_by_abort_ = true;
  }
  if (had_work) {
    for (const MonitoredCall* call : pending) {
      for (const auto& record : calls_) {
        if (record->call == call) {
          record->pending_at_abort = true;
        }
      }
    }
  }
  running_aborts_.erase(std::find_if(
      running_aborts_.begin(), running_aborts_.end(),
      [abort_number](const RunningAbort& running) { return running.number == abort_number; }));
  aborts_returned_.notify_all();
}

void ChannelDriver::abort_overdue(std::uint64_t abort_number, std::uint64_t started_ns) {
  const bool still_running = std::any_of(
      running_aborts_.begin(), running_aborts_.end(),
      [abort_number](const RunningAbort& running) { return running.number == abort_number; });
  if (!still_running || abort_never_returned_) {
    return;
  }
  abort_never_returned_ = true;
  Simulation& simulation = world_.simulation();
  world_.violations().record("CH3", "abort",
                             "abort has not returned " +
                                 std::to_string(simulation.now_ns() - started_ns) +
                                 " ns of virtual time after it began: it blocks (waiting for "
                                 "in-flight I/O, or for a lock that is never released)");
  // Nothing the schedule does later can be judged with a thread stuck inside the channel.
  simulation.stop("an abort never returned");
}

void ChannelDriver::free_channel() {
  if (channel_ == nullptr || freed_) {
    return;
  }
  aborts_returned_.wait_until("waiting for an abort on another thread to return",
                              [this] { return running_aborts_.empty(); });
  freed_ = true;
  implementation_.channel->free_channel(channel_);
}

void ChannelDriver::end_of_schedule(bool world_quiet) {
  // RS1: once free_channel returned and nothing is left to run, nothing may be left held.
  if (freed_ && world_quiet) {
    host_.check_released("free_channel");
  }
  // Virtual time only passes when nothing is runnable: an abort still running after time
  // passed has blocked. One that began at this very instant may merely not have run yet.
  const bool abort_blocked =
      std::any_of(running_aborts_.begin(), running_aborts_.end(), [&](const RunningAbort& running) {
        return world_.simulation().now_ns() > running.started_ns;
      });
  if (abort_blocked && !abort_never_returned_) {
    abort_never_returned_ = true;
    world_.violations().record("CH3", "abort",
                               "abort had not returned when the schedule ended, after virtual "
                               "time passed: it blocks");
  }
  // A call made from inside a callback that never returned, with nothing left to run: the
  // callback's short work deadlocked inside the implementation (AM8). A LONG callback waiting
  // for another call is not this (that call's own fate is reported for it), nor an abort that
  // blocks (CH3, whoever called it).
  for (const auto& record : calls_) {
    const bool reentrant_call_stuck =
        record->callback_action_running &&
        (record->running_behaviour == CallbackBehaviour::start_next_send ||
         record->running_behaviour == CallbackBehaviour::close_channel);
    if (world_quiet && reentrant_call_stuck && !reentrant_deadlock_reported_) {
      reentrant_deadlock_reported_ = true;
      world_.violations().record(
          "AM8", record->call->label(),
          std::string("the ") +
              (record->running_behaviour == CallbackBehaviour::close_channel ? "close" : "send") +
              " its callback started on the same channel never returned: the callback's short "
              "re-entrant work deadlocked inside the implementation");
    }
  }
  const std::uint64_t drops = world_.network().stats().drops;
  for (const auto& record : calls_) {
    if (record->call == nullptr) {
      continue;
    }
    const MonitoredCall& call = *record->call;
    if (call.completed()) {
      check_completed(*record);
      continue;
    }
    if (abort_never_returned_) {
      world_.monitor().settle(call);  // the blocked abort (CH3) is why it never completed
    } else if (record->pending_at_abort) {
      world_.violations().record("CH1", call.label(),
                                 record->operation +
                                     " was pending when the channel was aborted and never "
                                     "completed");
      world_.monitor().settle(call);
    } else if (drops > record->drops_at_start) {
      world_.violations().record("CH6", call.label(),
                                 record->operation +
                                     " was pending when the connection dropped and never "
                                     "completed");
      world_.monitor().settle(call);
    }
  }
}

}  // namespace lockstep::conformance
