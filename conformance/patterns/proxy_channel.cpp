// The proxy's channel: counting, turn-taking and the drawn completion of each request.
#include "conformance/patterns/proxy_channel.h"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>

namespace lockstep::conformance {

struct ProxyChannel::Request {
  ProxyChannel* owner = nullptr;
  PatternCall* call = nullptr;
  bool request_reply = true;
  UnderlyingMode mode = UnderlyingMode::later;
  const void* request = nullptr;
  std::size_t request_size = 0;
  void* reply = nullptr;
  std::size_t reply_capacity = 0;
  std::size_t* reply_size = nullptr;
  WS_ERROR* error = nullptr;
  WS_ASYNC_CALLBACK callback = nullptr;  // the proxy's, copied (AM5)
  void* callback_state = nullptr;
  bool has_turn = false;
  bool delivered = false;
  bool done = false;  // completed towards the proxy (returned, or its callback returned)
};

namespace {

ProxyChannel& proxy_of(lockstep_channel* channel) {
  return *reinterpret_cast<ProxyChannel*>(channel);
}

[[noreturn]] void refuse(const char* function) {
  throw std::logic_error(std::string("a proxy called ") + function +
                         " on the caller's channel (a proxy may only call request_reply and "
                         "send_message)");
}

HRESULT create_channel(const lockstep_implementation*, const lockstep_host*, lockstep_channel**,
                       WS_ERROR*) {
  refuse("create_channel");
}
HRESULT open_channel(lockstep_channel*, const char*, const WS_ASYNC_CONTEXT*, WS_ERROR*) {
  refuse("open_channel");
}
HRESULT send_message(lockstep_channel* channel, const void* body, size_t body_size,
                     const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error) {
  return proxy_of(channel).start(false, body, body_size, nullptr, 0, nullptr, async_context, error);
}
HRESULT receive_message(lockstep_channel*, BOOL, void*, size_t, size_t*, const WS_ASYNC_CONTEXT*,
                        WS_ERROR*) {
  refuse("receive_message");
}
HRESULT request_reply(lockstep_channel* channel, const void* request, size_t request_size,
                      void* reply, size_t reply_capacity, size_t* reply_size,
                      const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error) {
  return proxy_of(channel).start(true, request, request_size, reply, reply_capacity, reply_size,
                                 async_context, error);
}
HRESULT close_channel(lockstep_channel*, const WS_ASYNC_CONTEXT*, WS_ERROR*) {
  refuse("close_channel");
}
HRESULT abort_channel(lockstep_channel*, WS_ERROR*) {
  refuse("abort_channel");
}
HRESULT get_channel_state(lockstep_channel* channel, WS_CHANNEL_STATE* state, WS_ERROR* error) {
  return proxy_of(channel).channel_state(state, error);
}
void free_channel(lockstep_channel*) {
  refuse("free_channel");
}

const lockstep_channel_functions kProxyChannelFunctions = {
    sizeof(lockstep_channel_functions),
    create_channel,
    open_channel,
    send_message,
    receive_message,
    request_reply,
    close_channel,
    abort_channel,
    get_channel_state,
    free_channel,
};

void real_completion(HRESULT result, WS_CALLBACK_MODEL model, void* state) {
  auto* request = static_cast<ProxyChannel::Request*>(state);
  request->owner->on_real_completion(*request, result, model);
}

void issue_queued(void* state, WS_CALLBACK_MODEL) {
  auto* request = static_cast<ProxyChannel::Request*>(state);
  request->owner->issue_from_worker(*request);
}

}  // namespace

ProxyChannel::ProxyChannel(ExchangeLedger& ledger, harness::SimulatedHost& host,
                           const lockstep_channel_functions& real_functions,
                           lockstep_channel* real_channel, ChooseMode choose_mode)
    : ledger_(ledger),
      host_(host),
      real_functions_(real_functions),
      real_channel_(real_channel),
      choose_mode_(std::move(choose_mode)),
      waiters_(ledger.world().simulation()) {
  pattern_channel_.struct_size = sizeof(pattern_channel_);
  pattern_channel_.functions = &kProxyChannelFunctions;
  pattern_channel_.channel = reinterpret_cast<lockstep_channel*>(this);
}

FiberId ProxyChannel::current_thread() const {
  return ledger_.world().simulation().current_fiber();
}

void ProxyChannel::wait_idle() {
  waiters_.wait_until(
      [this] {
        for (const auto& request : requests_) {
          if (!request->done) {
            return false;
          }
        }
        return true;
      },
      "proxy channel: waiting for the proxy's requests");
}

HRESULT ProxyChannel::channel_state(WS_CHANNEL_STATE* state, WS_ERROR* error) {
  return real_functions_.get_channel_state(real_channel_, state, error);
}

void ProxyChannel::record_completion(Request& request, HRESULT result, bool synchronously) {
  UnderlyingOperation& underlying = request.call->client;
  underlying.completed = true;
  underlying.completed_synchronously = synchronously;
  underlying.completed_on = ledger_.world().simulation().current_fiber();
  underlying.result = result;
  if (FAILED(result)) {
    ledger_.reach(harness::Probe::call_failed_in_exchange);  // refused, or the line failed
  }
  underlying.reply.clear();
  if (request.request_reply && SUCCEEDED(result) && request.reply_size != nullptr) {
    const std::size_t size = std::min(*request.reply_size, request.reply_capacity);
    underlying.reply.assign(static_cast<const char*>(request.reply), size);
  }
}

void ProxyChannel::release_turn(Request& request) {
  if (!request.request_reply || !request.has_turn) {
    return;
  }
  request.has_turn = false;
  turn_taken_ = false;
  if (turn_queue_.empty()) {
    return;
  }
  Request* next = turn_queue_.front();
  turn_queue_.pop_front();
  turn_taken_ = true;
  next->has_turn = true;
  if (next->mode == UnderlyingMode::later) {
    // Its proxy was told WS_S_ASYNC long ago: start it from a worker, not from whichever
    // thread released the turn (that may be inside another call of the proxy).
    host_.submit_work(&issue_queued, next);
  } else {
    waiters_.notify();  // a synchronous or early request is waiting on its own thread
  }
}

void ProxyChannel::deliver(Request& request, HRESULT result, WS_CALLBACK_MODEL model) {
  const FiberId thread = ledger_.world().simulation().current_fiber();
  ledger_.enter_completion(thread);
  request.callback(result, model, request.callback_state);
  ledger_.leave_completion(thread);
  request.delivered = true;
  request.done = true;
  waiters_.notify();
}

void ProxyChannel::on_real_completion(Request& request, HRESULT result, WS_CALLBACK_MODEL model) {
  record_completion(request, result, false);
  release_turn(request);
  deliver(request, result, model);
}

namespace {

// Sends `request` to the real channel with the harness's own context. The final result if it
// completed synchronously, else nullopt (its completion comes through real_completion).
std::optional<HRESULT> issue_to_real(const lockstep_channel_functions& functions,
                                     lockstep_channel* channel, ProxyChannel::Request& request) {
  WS_ASYNC_CONTEXT own{&real_completion, &request};
  const HRESULT returned =
      request.request_reply
          ? functions.request_reply(channel, request.request, request.request_size, request.reply,
                                    request.reply_capacity, request.reply_size, &own, request.error)
          : functions.send_message(channel, request.request, request.request_size, &own,
                                   request.error);
  if (returned == WS_S_ASYNC) {
    return std::nullopt;
  }
  return returned;
}

}  // namespace

void ProxyChannel::issue_from_worker(Request& request) {
  if (const std::optional<HRESULT> result =
          issue_to_real(real_functions_, real_channel_, request)) {
    // The proxy was told WS_S_ASYNC: a synchronous end still reaches it as a callback.
    record_completion(request, *result, false);
    release_turn(request);
    deliver(request, *result, WS_SHORT_CALLBACK);
  }
}

HRESULT ProxyChannel::start(bool request_reply, const void* request_bytes, std::size_t request_size,
                            void* reply, std::size_t reply_capacity, std::size_t* reply_size,
                            const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error) {
  if (request_bytes == nullptr || request_size < 1 ||
      (request_reply && (reply == nullptr || reply_size == nullptr)) ||
      (async_context != nullptr && async_context->callback == nullptr)) {
    return E_INVALIDARG;
  }
  const std::string_view body(static_cast<const char*>(request_bytes) + 1, request_size - 1);
  PatternCall* call = ledger_.find_by_body(body);
  if (call == nullptr) {
    ledger_.world().violations().record(
        "MX1", "proxy channel",
        "the proxy sent a request no call made: '" + std::string(body.substr(0, 40)) + "'");
    return WS_E_INVALID_FORMAT;
  }
  ledger_.on_proxy_request(*call, request_reply);
  UnderlyingMode mode = choose_mode_(*call, async_context != nullptr);
  if (async_context == nullptr &&
      (mode == UnderlyingMode::later || mode == UnderlyingMode::early)) {
    mode = UnderlyingMode::synchronous;
  }
  // A synchronous or early completion blocks the calling thread until a worker of this host
  // delivers the real channel's completion: never block one of those workers on it (the
  // rule AM8 binds the harness too). Called from a worker with a context, it completes later.
  if (async_context != nullptr && host_.workers().is_worker(current_thread()) &&
      (mode == UnderlyingMode::synchronous || mode == UnderlyingMode::early)) {
    mode = UnderlyingMode::later;
  }
  Request& request = *requests_.emplace_back(std::make_unique<Request>());
  request.owner = this;
  request.call = call;
  request.request_reply = request_reply;
  request.mode = mode;
  request.request = request_bytes;
  request.request_size = request_size;
  request.reply = reply;
  request.reply_capacity = reply_capacity;
  request.reply_size = reply_size;
  request.error = error;
  if (async_context != nullptr) {
    request.callback = async_context->callback;
    request.callback_state = async_context->callbackState;
  }
  if (mode == UnderlyingMode::synchronous_failure) {
    lockstep_error_add_text(error, "the channel refused the request");
    record_completion(request, WS_E_OTHER, true);
    request.done = true;
    return WS_E_OTHER;
  }
  if (!request_reply) {
    request.has_turn = true;  // one-way: no reply to keep in order
  } else if (!turn_taken_) {
    turn_taken_ = true;
    request.has_turn = true;
  } else {
    turn_queue_.push_back(&request);
  }
  if (mode == UnderlyingMode::later && !request.has_turn) {
    return WS_S_ASYNC;  // issued from a worker when its turn comes
  }
  waiters_.wait_until([&request] { return request.has_turn; }, "proxy channel: waiting for turn");
  if (mode == UnderlyingMode::synchronous) {
    const HRESULT result =
        request_reply
            ? real_functions_.request_reply(real_channel_, request_bytes, request_size, reply,
                                            reply_capacity, reply_size, nullptr, error)
            : real_functions_.send_message(real_channel_, request_bytes, request_size, nullptr,
                                           error);
    record_completion(request, result, true);
    request.done = true;
    release_turn(request);
    return result;
  }
  if (const std::optional<HRESULT> result =
          issue_to_real(real_functions_, real_channel_, request)) {
    record_completion(request, *result, true);
    request.done = true;
    release_turn(request);
    return *result;
  }
  if (mode == UnderlyingMode::early) {
    // Return only after the proxy's callback ran on a worker (AM12: callers must cope).
    waiters_.wait_until([&request] { return request.delivered; },
                        "proxy channel: early completion");
  }
  return WS_S_ASYNC;
}

ProxyChannel::~ProxyChannel() = default;

}  // namespace lockstep::conformance
