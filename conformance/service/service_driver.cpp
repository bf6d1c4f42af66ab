// The service driver's host lifecycle and its scripted service operation.
#include "conformance/service/service_driver.h"

#include <cassert>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::conformance {

using harness::CallOptions;
using harness::MonitoredCall;

namespace {

// One schedule at a time per process: the C entry points find its driver here.
ServiceDriver* active_driver = nullptr;

constexpr std::uint64_t kMillisecondNs = 1'000'000;

void* state_of(std::uint32_t token) {
  return reinterpret_cast<void*>(static_cast<std::uintptr_t>(token));
}

std::uint32_t token_of(void* state) {
  return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(state));
}

HRESULT operation_entry(const WS_OPERATION_CONTEXT* context, const void* request,
                        std::size_t request_size, void** reply, std::size_t* reply_size,
                        const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error) {
  return ServiceDriver::active().operation(context, request, request_size, reply, reply_size,
                                           async_context, error);
}

const lockstep_service_operation kOperations[1] = {operation_entry};

// UTF-16 as the fault text carries it (UTF-8); an unpaired surrogate becomes U+FFFD.
std::string utf8_of(std::u16string_view text) {
  std::string bytes;
  for (std::size_t index = 0; index < text.size(); ++index) {
    char32_t point = text[index];
    if (point >= 0xD800 && point <= 0xDBFF && index + 1 < text.size() &&
        text[index + 1] >= 0xDC00 && text[index + 1] <= 0xDFFF) {
      point = 0x10000 + ((point - 0xD800) << 10) + (text[index + 1] - 0xDC00);
      ++index;
    } else if (point >= 0xD800 && point <= 0xDFFF) {
      point = 0xFFFD;
    }
    if (point < 0x80) {
      bytes.push_back(static_cast<char>(point));
    } else if (point < 0x800) {
      bytes.push_back(static_cast<char>(0xC0 | (point >> 6)));
      bytes.push_back(static_cast<char>(0x80 | (point & 0x3F)));
    } else if (point < 0x10000) {
      bytes.push_back(static_cast<char>(0xE0 | (point >> 12)));
      bytes.push_back(static_cast<char>(0x80 | ((point >> 6) & 0x3F)));
      bytes.push_back(static_cast<char>(0x80 | (point & 0x3F)));
    } else {
      bytes.push_back(static_cast<char>(0xF0 | (point >> 18)));
      bytes.push_back(static_cast<char>(0x80 | ((point >> 12) & 0x3F)));
      bytes.push_back(static_cast<char>(0x80 | ((point >> 6) & 0x3F)));
      bytes.push_back(static_cast<char>(0x80 | (point & 0x3F)));
    }
  }
  return bytes;
}

// The bytes an operation writes into its heap for `token`: the token, then a pattern.
std::string reply_body(std::uint32_t token, std::size_t pattern_bytes) {
  std::string body(4 + pattern_bytes, '\0');
  std::memcpy(body.data(), &token, 4);
  for (std::size_t index = 0; index < pattern_bytes; ++index) {
    body[4 + index] = static_cast<char>((token * 31u + index * 7u) & 0x7Fu);
  }
  return body;
}

}  // namespace

ServiceDriver& ServiceDriver::active() {
  if (active_driver == nullptr) {
    throw std::logic_error("a service operation ran with no service schedule running");
  }
  return *active_driver;
}

ServiceDriver::ServiceDriver(harness::World& world, harness::SimulatedHost& service_host,
                             harness::SimulatedHost& user_host,
                             const lockstep_implementation& implementation,
                             ServiceDriverConfig config)
    : world_(world),
      service_host_(service_host),
      user_host_(user_host),
      implementation_(implementation),
      config_(config),
      observed_(service_host),
      progress_(world.simulation()) {
  assert(active_driver == nullptr && "one service schedule at a time per process");
  active_driver = this;
  observed_.on_release = [this](const void* block, std::size_t bytes) { on_release(block, bytes); };
  observed_.on_accepted = [this](harness::ConnectionId connection) {
    // Only once the close call has returned: an accept completing while the close function
    // is still being entered may be ordered before the close by the host (its lock decides).
    if (close_returned_) {
      accepted_after_close_.insert(connection);
    }
  };
  observed_.on_send = [this](harness::ConnectionId connection, std::string_view message) {
    const std::uint64_t send = next_send_++;
    auto current = current_call_by_server_connection_.find(connection);
    if (!message.empty() && current != current_call_by_server_connection_.end() &&
        (message[0] == LOCKSTEP_WIRE_REPLY || message[0] == LOCKSTEP_WIRE_FAULT)) {
      reply_sends_[send] = current->second;
      on_reply_sent(connection, message);
    }
    return send;
  };
  // SV7's "written": the host's send of the reply has returned (send copies the message).
  observed_.on_send_returned = [this](std::uint64_t send, HRESULT result) {
    auto found = reply_sends_.find(send);
    if (found == reply_sends_.end()) {
      return;
    }
    if (ServiceCallRecord* call = find(found->second)) {
      call->reply_written = true;
      call->reply_send_in_flight = SUCCEEDED(result);
    }
    if (FAILED(result)) {
      reply_sends_.erase(found);  // refused: no completion will follow
    }
  };
  observed_.on_send_completed = [this](std::uint64_t send, HRESULT) {
    auto found = reply_sends_.find(send);
    if (found == reply_sends_.end()) {
      return;
    }
    if (ServiceCallRecord* call = find(found->second)) {
      call->reply_send_in_flight = false;
    }
    reply_sends_.erase(found);
  };
}

ServiceDriver::~ServiceDriver() {
  if (active_driver == this) {
    active_driver = nullptr;
  }
}

std::uint64_t ServiceDriver::calls_in_flight() const {
  std::uint64_t in_flight = 0;
  for (const auto& [token, call] : calls_) {
    in_flight += call.invoked && !call.completed ? 1 : 0;
  }
  return in_flight;
}

ServiceCallRecord* ServiceDriver::find(std::uint32_t token) {
  auto found = calls_.find(token);
  return found == calls_.end() ? nullptr : &found->second;
}

// A reply names its call by the token at the start of its body (the operation writes it there);
// a fault carries only text, so it answers the connection's current call.
void ServiceDriver::on_reply_sent(harness::ConnectionId connection, std::string_view message) {
  std::uint32_t token = current_call_by_server_connection_.at(connection);
  if (message[0] == LOCKSTEP_WIRE_REPLY && message.size() >= 5) {
    std::uint32_t named = 0;
    std::memcpy(&named, message.data() + 1, 4);
    const ServiceCallRecord* named_call = find(named);
    if (named_call != nullptr && named_call->server_connection == connection) {
      token = named;
    }
  }
  ServiceCallRecord* call = find(token);
  if (call == nullptr) {
    return;
  }
  ++call->replies_sent;
  if (!call->completed) {
    violation("SV1", call->token, "the host sent a reply before the operation completed");
  } else if (call->replies_sent == 2) {
    violation("SV1", call->token, "the host sent a second reply for one call");
  }
  if (message[0] == LOCKSTEP_WIRE_REPLY && call->heap_block != nullptr) {
    world_.violations().reach(harness::Probe::reply_from_heap);
  }
}

void ServiceDriver::violation(const char* rule, std::uint32_t token, std::string explanation) {
  world_.violations().record(rule, "call#" + std::to_string(token), std::move(explanation));
}

// ---- the host's lifecycle ---------------------------------------------------------------------

bool ServiceDriver::create_and_open(std::optional<HostCallShape> shape) {
  const lockstep_service_host_functions* functions = implementation_.service_host;
  lockstep_service_settings settings{};
  settings.struct_size = sizeof(settings);
  settings.address = kServiceAddress;
  settings.operations = kOperations;
  settings.operation_count = 1;
  settings.fault_disclosure = config_.fault_disclosure;
  settings.close_timeout_ns = config_.close_timeout_ns;
  if (FAILED(functions->create_service_host(&implementation_, observed_.table(), &settings,
                                            &service_, nullptr)) ||
      service_ == nullptr) {
    service_ = nullptr;
    world_.subject_not_created();
    return false;
  }
  Simulation& simulation = world_.simulation();
  CallOptions options;
  options.operation = "open";
  options.with_context = shape ? shape->with_context : simulation.chance(1, 2);
  options.with_error = shape ? shape->with_error : simulation.chance(1, 2);
  MonitoredCall& call = world_.monitor().start(options);
  call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
    return functions->open_service_host(service_, context, error);
  });
  world_.monitor().wait(call);
  opened_ = SUCCEEDED(call.result());
  return opened_;
}

void ServiceDriver::close(std::optional<HostCallShape> shape) {
  if (!opened_ || close_started_) {
    return;
  }
  Simulation& simulation = world_.simulation();
  CallOptions options;
  options.operation = "close";
  options.with_context = shape ? shape->with_context : simulation.chance(1, 2);
  options.with_error = shape ? shape->with_error : simulation.chance(1, 2);
  MonitoredCall& call = world_.monitor().start(options);
  close_started_ = true;
  close_started_ns_ = simulation.now_ns();
  close_call_ = &call;
  if (calls_in_flight() > 0) {
    world_.violations().reach(harness::Probe::host_close_with_calls_in_flight);
  }
  call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
    return implementation_.service_host->close_service_host(service_, context, error);
  });
  close_returned_ = true;
  world_.monitor().wait(call);
  close_completed_ = true;
  progress_.notify_all();
  for (auto& [token, record] : calls_) {
    if (record.invoked && !record.completed) {
      violation(abort_started_ ? "SV5" : "SV6", token,
                "the close completed while this call was still in flight");
    }
  }
}

void ServiceDriver::abort(std::optional<bool> with_error) {
  if (!opened_ || abort_started_ || close_completed_) {
    return;
  }
  abort_started_ = true;
  abort_started_ns_ = world_.simulation().now_ns();
  if (calls_in_flight() > 0) {
    world_.violations().reach(harness::Probe::host_abort_with_calls_in_flight);
  }
  for (auto& [token, call] : calls_) {
    // Registered by now: a call that registers later learns of the abort during registration.
    call.in_flight_at_abort = call.invoked && !call.completed && call.registered;
  }
  CallOptions options;
  options.operation = "abort";
  options.with_context = false;
  options.with_error = with_error ? *with_error : world_.simulation().chance(1, 2);
  MonitoredCall& call = world_.monitor().start(options);
  call.invoke([&](const WS_ASYNC_CONTEXT*, WS_ERROR* error) {
    return implementation_.service_host->abort_service_host(service_, error);
  });
}

// ---- the service operation ---------------------------------------------------------------------

HRESULT ServiceDriver::operation(const WS_OPERATION_CONTEXT* context, const void* request,
                                 std::size_t request_size, void** reply, std::size_t* reply_size,
                                 const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error) {
  std::uint32_t token = 0;
  if (request_size != 4) {
    return E_INVALIDARG;
  }
  std::memcpy(&token, request, 4);
  ServiceCallRecord* found = find(token);
  if (found == nullptr) {
    world_.violations().record("SV1", "operation", "invoked with a request no client sent");
    return E_INVALIDARG;
  }
  ServiceCallRecord& call = *found;
  if (call.invoked) {
    violation("SV1", token, "the operation was invoked twice for one request");
    return E_INVALIDARG;
  }
  call.invoked = true;
  call.invoked_ns = world_.simulation().now_ns();
  ++calls_invoked_;
  call.server_connection = world_.network().peer_of(call.client_connection);
  current_call_by_server_connection_[call.server_connection] = token;
  if (call.after_end) {
    violation("SV3", token, "the operation was invoked for a message sent after WS_S_END");
  }
  if (accepted_after_close_.contains(call.server_connection)) {
    violation("SV6", token, "a call was served on a channel accepted after close started");
  }

  Simulation& simulation = world_.simulation();
  const std::uint64_t outcome_draw = simulation.integer(8);
  call.planned_outcome = outcome_draw < 5 ? 0 : (outcome_draw < 7 ? 1 : 2);
  const bool asynchronous = async_context != nullptr && simulation.chance(3, 5);
  const bool registers = simulation.chance(3, 5);
  call.complete_on_cancel = simulation.chance(1, 2);
  call.cancel_only = asynchronous && registers && simulation.chance(1, 5);
  if (call.cancel_only) {
    call.complete_on_cancel = true;
  }
  world_.violations().reach(asynchronous ? harness::Probe::service_operation_asynchronous
                                         : harness::Probe::service_operation_synchronous);
  if (asynchronous) {
    call.async_context = *async_context;  // copied: the host's struct is read during the call only
  }
  call.reply = reply;
  call.reply_size = reply_size;
  call.error = error;

  // The reply is written into the heap now and must read the same when the reply is built.
  call.expected_reply = reply_body(token, simulation.integer(200));
  WS_HEAP* heap = nullptr;
  void* block = nullptr;
  if (FAILED(WsGetOperationContextProperty(context, WS_OPERATION_CONTEXT_PROPERTY_HEAP, &heap,
                                           sizeof(heap), nullptr)) ||
      FAILED(WsAlloc(heap, call.expected_reply.size(), &block, nullptr))) {
    call.planned_outcome = 1;  // no memory: a plain failure
  } else {
    std::memcpy(block, call.expected_reply.data(), call.expected_reply.size());
    call.heap_block = block;
    call.heap_bytes = call.expected_reply.size();
  }
  call.context = context;
  call.registers_late = asynchronous && !registers && simulation.chance(1, 3);
  if (registers) {
    register_for_cancel(call);
  }
  if (!asynchronous) {
    call.completion_returned = true;  // the host takes the result in as the operation returns
    return finish_operation(call, false);
  }
  if (call.cancel_only) {
    return WS_S_ASYNC;  // its completion comes from on_cancel, whenever the host cancels
  }
  const std::uint64_t delay_ns =
      simulation.chance(1, 4) ? 20 * kMillisecondNs : simulation.integer(3 * kMillisecondNs);
  schedule_completion(token, delay_ns);
  return WS_S_ASYNC;
}

void ServiceDriver::register_for_cancel(ServiceCallRecord& call) {
  Simulation& simulation = world_.simulation();
  // The free-state callback is optional (NULL: nothing is called at completion).
  const bool with_free_state = !simulation.chance(1, 4);
  WS_OPERATION_FREE_STATE_CALLBACK free_state = nullptr;
  if (with_free_state) {
    free_state = [](void* state) { ServiceDriver::active().on_free_state(token_of(state)); };
  }
  const WS_OPERATION_CANCEL_CALLBACK cancel = [](WS_SERVICE_CANCEL_REASON reason, void* state) {
    ServiceDriver::active().on_cancel(token_of(state), reason);
  };
  call.registered = true;
  call.registered_free_state = with_free_state;
  registering_token_ = call.token;
  const HRESULT registered =
      WsRegisterOperationForCancel(call.context, cancel, free_state, state_of(call.token), nullptr);
  registering_token_ = 0;
  if (FAILED(registered)) {
    call.registered = false;
    call.registered_free_state = false;
    call.cancel_only = false;
  } else if (simulation.chance(1, 6)) {
    // A second registration fails and leaves the first in force (lockstep/implementation.h).
    const HRESULT second = WsRegisterOperationForCancel(
        call.context, cancel, free_state, state_of(kSecondRegistrationToken), nullptr);
    if (SUCCEEDED(second)) {
      violation("SV4", call.token, "a second cancel registration for one call succeeded");
    }
  }
}

void ServiceDriver::schedule_completion(std::uint32_t token, std::uint64_t delay_ns) {
  const lockstep_host* table = user_host_.table();
  table->timer_start(
      table->self, delay_ns,
      [](void* state) { ServiceDriver::active().complete_later(token_of(state)); },
      state_of(token));
}

void ServiceDriver::complete_later(std::uint32_t token) {
  ServiceCallRecord* call = find(token);
  if (call == nullptr || call->completed) {
    return;  // the cancel's earlier completion already ran
  }
  if (call->registers_late && !call->registered) {
    register_for_cancel(*call);  // a cancel reason that came first is delivered now
  }
  const bool cancelled = call->cancels > 0 && call->complete_on_cancel;
  const HRESULT result = finish_operation(*call, cancelled);
  const WS_ASYNC_CONTEXT context = call->async_context;
  context.callback(result, WS_SHORT_CALLBACK, context.callbackState);
  // Only now is the host done with this completion: it ran inside the callback.
  call = find(token);
  call->completion_returned = true;
  progress_.notify_all();
}

// Fills the out-parameters or the error, marks the call complete, returns its HRESULT.
HRESULT ServiceDriver::finish_operation(ServiceCallRecord& call, bool cancelled) {
  HRESULT result = S_OK;
  if (cancelled) {
    result = WS_E_OPERATION_ABORTED;
  } else if (call.planned_outcome == 1 || call.heap_block == nullptr) {
    result = E_INVALIDARG;
    const std::uint64_t strings = world_.simulation().integer(3);
    for (std::uint64_t index = 0; index < strings; ++index) {
      std::u16string text;
      for (char ascii : std::string(kSecretMarker) + " call " + std::to_string(call.token) +
                            " detail " + std::to_string(index)) {
        text.push_back(static_cast<char16_t>(ascii));
      }
      if (world_.simulation().chance(1, 3)) {
        // Outside ASCII: a Latin-1 letter, the euro sign and a surrogate pair (U+1F512),
        // which the fault text carries in UTF-8 (lockstep/implementation.h).
        text += u" d\u00E9tail \u20AC \U0001F512";
      }
      std::vector<WCHAR> units(text.begin(), text.end());
      WS_STRING string{static_cast<ULONG>(units.size()), units.data()};
      if (SUCCEEDED(WsAddErrorString(call.error, &string))) {
        call.error_strings.push_back(utf8_of(text));
      }
    }
  } else {
    *call.reply = const_cast<void*>(call.heap_block);
    *call.reply_size = call.heap_bytes;
    result = call.planned_outcome == 2 ? WS_S_END : S_OK;
  }
  call.result = result;
  call.completed_ns = world_.simulation().now_ns();
  if (result == WS_S_END) {
    world_.violations().reach(harness::Probe::operation_returned_end);
  }
  call.completed = true;  // before the host hears of it: anything it does next is after
  progress_.notify_all();
  return result;
}

void ServiceDriver::on_cancel(std::uint32_t token, WS_SERVICE_CANCEL_REASON reason) {
  if (token == kSecondRegistrationToken) {
    world_.violations().record("SV4", "cancel",
                               "the cancel callback of a refused second registration fired");
    return;
  }
  ServiceCallRecord* call = find(token);
  if (call == nullptr) {
    world_.violations().record("SV4", "cancel", "the cancel callback got a state never registered");
    return;
  }
  if (++call->cancels == 1) {
    call->first_cancel_ns = world_.simulation().now_ns();
  }
  if (registering_token_ == token) {
    world_.violations().reach(harness::Probe::cancel_during_registration);
  }
  if (reason == WS_SERVICE_HOST_ABORT) {
    world_.violations().reach(harness::Probe::cancel_on_host_abort);
  } else if (reason == WS_SERVICE_CHANNEL_FAULTED) {
    world_.violations().reach(harness::Probe::cancel_on_channel_faulted);
    // Closed by the host itself (abort, close timeout) it may well look like a fault to the
    // host; with both ends still live and the host neither aborted nor closing, it is not one.
    if (!abort_started_ && !close_started_ && server_connection_live(call->server_connection) &&
        server_connection_live(call->client_connection)) {
      violation("SV4", token,
                "cancel with WS_SERVICE_CHANNEL_FAULTED while the client's connection is open "
                "and the host was neither aborted nor closed");
    }
  } else {
    violation("SV4", token, "cancel reason " + std::to_string(static_cast<int>(reason)));
  }
  if (call->cancels > 1) {
    violation("SV4", token,
              "the cancel callback fired " + std::to_string(call->cancels) + " times");
  }
  // A cancel may race with the completion: the operation has decided, but the host has not
  // taken the completion in yet (its lock orders the two). SV4 only requires it to come
  // before the free-state callback, checked next.
  if (call->free_states > 0) {
    violation("SV4", token, "the cancel callback fired after the free-state callback");
  }
  if (!call->completed && call->complete_on_cancel && call->async_context.callback != nullptr) {
    schedule_completion(token, world_.simulation().integer(kMillisecondNs));
  }
}

void ServiceDriver::on_free_state(std::uint32_t token) {
  if (token == kSecondRegistrationToken) {
    world_.violations().record("SV4", "free-state",
                               "the free-state callback of a refused second registration fired");
    return;
  }
  ServiceCallRecord* call = find(token);
  if (call == nullptr) {
    world_.violations().record("SV4", "free-state", "the free-state callback got a foreign state");
    return;
  }
  ++call->free_states;
  if (call->free_states > 1) {
    violation("SV4", token, "the free-state callback fired twice");
  }
  if (!call->completed) {
    violation("SV4", token, "the free-state callback fired before the call completed");
  }
}

}  // namespace lockstep::conformance
