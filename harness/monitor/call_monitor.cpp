// The caller-side rule checks of call_monitor.h (AM1-AM7, AM11).
//
// Invariants: call numbers are 1-based positions in start order and also index the records;
// a call completes at most once (its synchronous return or its first accepted callback), and
// at completion every one of its buffers is snapshotted and then protected, and its WS_ERROR
// is sealed; until_return buffers are snapshotted and protected at return at the latest. A
// callback through the trap (a used-up context) is reported as AM5 and otherwise treated as the
// call's callback, so one mistake gives one violation and the caller is not left hanging.
#include "harness/monitor/call_monitor.h"

#include <cstring>
#include <optional>
#include <stdexcept>

#include "harness/core/hresult_text.h"
#include "harness/core/ws_error.h"
#include "harness/monitor/callback_token.h"

namespace lockstep::harness {

namespace {}  // namespace

namespace monitor_detail {

class MonitorCore;

struct BufferRecord {
  std::string name;
  GuardedBufferId id = 0;
  BufferOwnership ownership = BufferOwnership::until_completion;
  std::string rule = "AM6";  ///< what an access after ownership ended breaks
  bool released = false;     ///< snapshotted and protected: ownership is back with the caller
  std::string snapshot;
};

struct CallRecord {
  MonitorCore* monitor = nullptr;
  std::uint32_t number = 0;
  CallOptions options;
  std::string label;
  std::vector<BufferRecord> buffers;
  WS_ASYNC_CONTEXT context_slot{};
  std::unique_ptr<ErrorObject> error;
  std::string error_text;

  bool invoked = false;
  bool returned = false;
  bool completed = false;
  bool completed_synchronously = false;
  bool reported_pending = false;
  FiberId invoking_fiber = 0;
  HRESULT returned_result = S_OK;
  HRESULT result = S_OK;
  std::uint32_t callback_count = 0;
  std::uint32_t first_model = 0;
  std::vector<FiberId> waiters;
  MonitoredCall::CallbackAction callback_action;  ///< the caller's work inside its callback
};

class MonitorCore final : public callback_token::CallbackSink {
 public:
  MonitorCore(Simulation& simulation, ViolationLog& violations)
      : simulation_(simulation),
        violations_(violations),
        arena_(simulation),
        monitor_number_(callback_token::register_sink(*this)) {}
  ~MonitorCore() { callback_token::unregister_sink(monitor_number_); }
  MonitorCore(const MonitorCore&) = delete;
  MonitorCore& operator=(const MonitorCore&) = delete;

  void adopt(CallRecord& record, CallOptions options) {
    record.monitor = this;
    record.number = static_cast<std::uint32_t>(records_.size() + 1);
    record.label = options.operation + "#" + std::to_string(record.number);
    record.options = std::move(options);
    records_.push_back(&record);
  }

  void* add_buffer(CallRecord& record, std::string name, std::size_t bytes,
                   BufferOwnership ownership, const void* initial) {
    if (record.invoked) {
      throw std::logic_error(record.label + ": add_buffer after invoke");
    }
    for (const BufferRecord& buffer : record.buffers) {
      if (buffer.name == name) {
        throw std::logic_error(record.label + ": two buffers named '" + name + "'");
      }
    }
    BufferRecord buffer;
    buffer.id = arena_.allocate(name, bytes);
    buffer.name = std::move(name);
    buffer.ownership = ownership;
    void* data = arena_.data(buffer.id);
    if (initial != nullptr) {
      std::memcpy(data, initial, bytes);
    }
    buffer_owners_.push_back(record.number);
    record.buffers.push_back(std::move(buffer));
    return data;
  }

  HRESULT invoke(CallRecord& record, const MonitoredCall::Invocation& call) {
    if (record.invoked) {
      throw std::logic_error(record.label + ": invoked twice");
    }
    collect_access_faults();
    record.invoked = true;
    ++pending_calls_;
    record.invoking_fiber = simulation_.current_fiber();
    const WS_ASYNC_CONTEXT* context = nullptr;
    if (record.options.with_context) {
      record.context_slot.callback = &callback_token::trampoline;
      record.context_slot.callbackState =
          callback_token::encode({monitor_number_, record.number, false});
      context = &record.context_slot;
    }
    WS_ERROR* error = nullptr;
    if (record.options.with_error) {
      record.error = std::make_unique<ErrorObject>();
      error = record.error->handle();
    }

    // Calls, returns and callbacks are part of the trace (and its hash): a replay shows them.
    simulation_.annotate("call " + record.label, record.options.with_context ? 1 : 0);
    const HRESULT returned = call(context, error);
    simulation_.annotate("return " + record.label, static_cast<std::uint32_t>(returned));

    record.returned = true;
    record.returned_result = returned;
    if (record.options.with_context) {
      record.context_slot.callback = &callback_token::trap_callback;
      record.context_slot.callbackState =
          callback_token::encode({monitor_number_, record.number, true});
    }
    collect_access_faults();
    check_return(record, returned);
    release_buffers(record, BufferOwnership::until_return);
    return returned;
  }

  void on_callback(std::optional<callback_token::Token> token, HRESULT result, std::uint32_t model,
                   bool through_trap_callback) override {
    collect_access_faults();
    CallRecord* record = nullptr;
    if (token && token->monitor == monitor_number_ && token->call <= records_.size()) {
      record = records_[token->call - 1];
    }
    if (record == nullptr) {
      if (through_trap_callback) {
        violations_.record("AM5", "(unknown call)",
                           "the trap callback of a used-up WS_ASYNC_CONTEXT was invoked, with a "
                           "callbackState the caller never passed");
      } else {
        violations_.record("AM3", "(unknown call)",
                           "callback with a callbackState the caller never passed");
      }
      return;
    }
    simulation_.annotate("callback " + record->label,
                         (std::uint64_t{model} << 32) | static_cast<std::uint32_t>(result));
    if (through_trap_callback || token->trap) {
      violations_.record(
          "AM5", record->label,
          std::string("the WS_ASYNC_CONTEXT was read after the call returned: the callback "
                      "invoked ") +
              (through_trap_callback ? "the trap callback"
                                     : "the trampoline with the trap "
                                       "callbackState") +
              " scribbled into it at return");
    }
    accept_callback(*record, result, model);
    collect_access_faults();
    // The caller's own work inside the callback (a re-entrant call, an abort, a wait), once,
    // on the thread and in the frame where the implementation invoked its callback.
    if (record->callback_action && record->callback_count == 1 && record->completed &&
        !record->completed_synchronously) {
      const MonitoredCall::CallbackAction action = std::move(record->callback_action);
      record->callback_action = nullptr;
      action(static_cast<WS_CALLBACK_MODEL>(model));
      collect_access_faults();
    }
  }

  void wait(CallRecord& record) {
    if (!simulation_.on_fiber()) {
      throw std::logic_error(record.label + ": wait() outside a fiber");
    }
    while (!record.completed) {
      record.waiters.push_back(simulation_.current_fiber());
      simulation_.block("waiting for " + record.label);
    }
  }

  void collect_access_faults() {
    for (const GuardedAccess& access : arena_.take_accesses()) {
      const CallRecord& record = *records_[buffer_owners_[access.buffer - 1] - 1];
      const BufferRecord* buffer = nullptr;
      for (const BufferRecord& candidate : record.buffers) {
        buffer = candidate.id == access.buffer ? &candidate : buffer;
      }
      const bool after_return_only = buffer != nullptr &&
                                     buffer->ownership == BufferOwnership::until_return &&
                                     !record.completed;
      violations_.record(buffer != nullptr ? buffer->rule : "AM6", record.label,
                         std::string(access.write ? "write to" : "read of") + " caller buffer '" +
                             access.buffer_name + "' at offset " + std::to_string(access.offset) +
                             " after " + (after_return_only ? "the call returned" : "completion") +
                             " (step " + std::to_string(access.step) + ", thread " +
                             std::to_string(access.thread) + ")");
    }
  }

  void finish(bool world_quiet) {
    collect_access_faults();
    for (CallRecord* record : records_) {
      if (!record->invoked || record->completed || record->reported_pending) {
        continue;
      }
      record->reported_pending = true;
      const std::string state =
          record->returned ? "returned WS_S_ASYNC and was never called back" : "never returned";
      if (world_quiet) {
        violations_.record("AM3", record->label,
                           "callback lost: the call " + state +
                               " and nothing is left that "
                               "could complete it");
      } else {
        violations_.record("AM11", record->label,
                           "not completed within the healed bound: the call " + state);
      }
    }
  }

  std::size_t pending_calls() const { return pending_calls_; }

  std::string current_snapshot(const BufferRecord& buffer) const {
    return arena_.snapshot(buffer.id);
  }

 private:
  void check_return(CallRecord& record, HRESULT returned) {
    if (!record.options.with_context) {
      violations_.reach(harness::Probe::null_context_call);
      if (returned == WS_S_ASYNC) {
        violations_.record("AM1", record.label,
                           "returned WS_S_ASYNC although the async context was NULL");
      }
      // No context means no callback can ever come: the return is the completion.
      complete(record, returned, true);
      return;
    }
    if (returned == WS_S_ASYNC) {
      return;
    }
    violations_.reach(harness::Probe::sync_completion_with_context);
    if (record.callback_count > 0) {
      violations_.record("AM2", record.label,
                         "returned " + hresult_text(returned) +
                             " synchronously although its callback had already run before the "
                             "return");
    }
    if (!record.completed) {
      complete(record, returned, true);
    }
  }

  void accept_callback(CallRecord& record, HRESULT result, std::uint32_t model) {
    ++record.callback_count;
    if (!record.returned && simulation_.current_fiber() != record.invoking_fiber) {
      violations_.reach(harness::Probe::callback_on_other_thread_before_return);
    }
    if (!record.returned && simulation_.current_fiber() == record.invoking_fiber) {
      violations_.record("AM4", record.label,
                         "callback invoked on the calling thread (fiber " +
                             std::to_string(record.invoking_fiber) +
                             ") before the function returned");
    }
    if (record.returned && record.returned_result != WS_S_ASYNC) {
      violations_.record("AM2", record.label,
                         "callback invoked after the function returned " +
                             hresult_text(record.returned_result) + " synchronously");
      return;
    }
    if (record.callback_count > 1) {
      violations_.record("AM3", record.label,
                         "callback invoked " + std::to_string(record.callback_count) + " times");
      return;
    }
    if (result == WS_S_ASYNC) {
      violations_.record("AM3", record.label, "callback reported WS_S_ASYNC as the final HRESULT");
    }
    if (model > WS_LONG_CALLBACK) {
      violations_.record("AM3", record.label,
                         "callback model " + std::to_string(model) + " (must be 0 or 1)");
    }
    violations_.reach(harness::Probe::async_completion);
    if (long_callback_allowed_) {
      violations_.reach(long_callback_allowed_(simulation_.current_fiber())
                            ? harness::Probe::callback_where_long_offered
                            : harness::Probe::callback_where_short_required);
    }
    if (FAILED(result) && record.error != nullptr) {
      violations_.reach(harness::Probe::failure_with_error_object);
    }
    if (model == WS_LONG_CALLBACK && long_callback_allowed_ &&
        !long_callback_allowed_(simulation_.current_fiber())) {
      violations_.record("AM8", record.label,
                         "WS_LONG_CALLBACK on thread " +
                             std::to_string(simulation_.current_fiber()) +
                             ", which the host offered only SHORT: no other worker was free to "
                             "dequeue work while this callback blocks");
    }
    if (FAILED(result) && record.error != nullptr && record.error->string_count() == 0) {
      violations_.record(
          "AM7", record.label,
          "failing callback (" + hresult_text(result) + ") but the WS_ERROR holds no string yet");
    }
    record.first_model = model;
    complete(record, result, false);
  }

  void complete(CallRecord& record, HRESULT result, bool synchronously) {
    if (record.invoked && !record.completed) {
      --pending_calls_;
    }
    record.completed = true;
    record.completed_synchronously = synchronously;
    record.result = result;
    release_buffers(record, BufferOwnership::until_completion);
    if (record.error != nullptr) {
      record.error_text = record.error->text();
      CallRecord* sealed = &record;
      record.error->seal([this, sealed] {
        violations_.record("AM7", sealed->label,
                           "a string was added to the WS_ERROR after completion");
      });
    }
    for (FiberId waiter : record.waiters) {
      simulation_.wake(waiter);
    }
    record.waiters.clear();
  }

  /// Ownership of every buffer released no later than `last_moment` returns to the caller.
  void release_buffers(CallRecord& record, BufferOwnership last_moment) {
    for (BufferRecord& buffer : record.buffers) {
      const bool due = last_moment == BufferOwnership::until_completion ||
                       buffer.ownership == BufferOwnership::until_return;
      if (buffer.released || !due) {
        continue;
      }
      buffer.snapshot = arena_.snapshot(buffer.id);
      arena_.protect(buffer.id);
      buffer.released = true;
    }
  }

  Simulation& simulation_;
  ViolationLog& violations_;

 public:
  std::function<bool(FiberId)> long_callback_allowed_;

 private:
  GuardedArena arena_;
  std::uint16_t monitor_number_;
  std::vector<CallRecord*> records_;          // index = call number - 1
  std::vector<std::uint32_t> buffer_owners_;  // index = buffer id - 1, value = call number
  std::size_t pending_calls_ = 0;             // invoked and not completed
};

}  // namespace monitor_detail

struct MonitoredCall::State : monitor_detail::CallRecord {};

struct CallMonitor::Implementation {
  Implementation(Simulation& simulation, ViolationLog& violations) : core(simulation, violations) {}
  monitor_detail::MonitorCore core;
  std::vector<std::unique_ptr<MonitoredCall>> calls;  // in start order
};

// ---- MonitoredCall ------------------------------------------------------------------------

MonitoredCall::MonitoredCall(std::unique_ptr<State> state) : state_(std::move(state)) {}
MonitoredCall::~MonitoredCall() = default;

void MonitoredCall::set_buffer_rule(std::string_view name, std::string rule) {
  for (monitor_detail::BufferRecord& buffer : state_->buffers) {
    if (buffer.name == name) {
      buffer.rule = std::move(rule);
      return;
    }
  }
  throw std::logic_error(state_->label + ": no buffer named '" + std::string(name) + "'");
}

void MonitoredCall::set_callback_action(CallbackAction action) {
  if (state_->invoked) {
    throw std::logic_error(state_->label + ": set_callback_action after invoke");
  }
  state_->callback_action = std::move(action);
}

void* MonitoredCall::add_buffer(std::string name, std::size_t bytes, BufferOwnership ownership,
                                const void* initial) {
  return state_->monitor->add_buffer(*state_, std::move(name), bytes, ownership, initial);
}

HRESULT MonitoredCall::invoke(const Invocation& call) {
  return state_->monitor->invoke(*state_, call);
}

const std::string& MonitoredCall::label() const {
  return state_->label;
}
bool MonitoredCall::returned() const {
  return state_->returned;
}
HRESULT MonitoredCall::returned_result() const {
  return state_->returned_result;
}
bool MonitoredCall::completed() const {
  return state_->completed;
}
bool MonitoredCall::completed_synchronously() const {
  return state_->completed_synchronously;
}
HRESULT MonitoredCall::result() const {
  return state_->result;
}
std::uint32_t MonitoredCall::callback_count() const {
  return state_->callback_count;
}

WS_CALLBACK_MODEL MonitoredCall::callback_model() const {
  // A model outside the enumerators was reported as AM3; it is not representable here.
  return state_->first_model == WS_LONG_CALLBACK ? WS_LONG_CALLBACK : WS_SHORT_CALLBACK;
}

std::string MonitoredCall::buffer_snapshot(std::string_view name) const {
  for (const monitor_detail::BufferRecord& buffer : state_->buffers) {
    if (buffer.name == name) {
      // Before ownership returns there is no final content yet: give the current one.
      return buffer.released ? buffer.snapshot : state_->monitor->current_snapshot(buffer);
    }
  }
  throw std::out_of_range(state_->label + ": no buffer named '" + std::string(name) + "'");
}

std::string MonitoredCall::error_text() const {
  if (state_->completed || state_->error == nullptr) {
    return state_->error_text;
  }
  return state_->error->text();
}

// ---- CallMonitor --------------------------------------------------------------------------

CallMonitor::CallMonitor(Simulation& simulation, ViolationLog& violations)
    : implementation_(std::make_unique<Implementation>(simulation, violations)) {}

CallMonitor::~CallMonitor() = default;

MonitoredCall& CallMonitor::start(CallOptions options) {
  auto state = std::make_unique<MonitoredCall::State>();
  implementation_->core.adopt(*state, std::move(options));
  implementation_->calls.push_back(
      std::unique_ptr<MonitoredCall>(new MonitoredCall(std::move(state))));
  return *implementation_->calls.back();
}

void CallMonitor::wait(MonitoredCall& call) {
  implementation_->core.wait(*call.state_);
}

std::vector<const MonitoredCall*> CallMonitor::pending() const {
  std::vector<const MonitoredCall*> result;
  for (const std::unique_ptr<MonitoredCall>& call : implementation_->calls) {
    if (call->state_->invoked && !call->state_->completed) {
      result.push_back(call.get());
    }
  }
  return result;
}

std::size_t CallMonitor::pending_count() const {
  return implementation_->core.pending_calls();
}

void CallMonitor::settle(const MonitoredCall& call) {
  call.state_->reported_pending = true;
}

void CallMonitor::set_long_callback_policy(std::function<bool(FiberId thread)> long_allowed) {
  implementation_->core.long_callback_allowed_ = std::move(long_allowed);
}

void CallMonitor::collect_access_faults() {
  implementation_->core.collect_access_faults();
}

void CallMonitor::finish(bool world_quiet) {
  implementation_->core.finish(world_quiet);
}

}  // namespace lockstep::harness
