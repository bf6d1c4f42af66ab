// A client's channel, proxy and calls.
#include "conformance/patterns/pattern_client.h"

#include <algorithm>
#include <stdexcept>

namespace lockstep::conformance {

PatternClient::PatternClient(ExchangeLedger& ledger, PatternScenario& scenario,
                             ClientPattern pattern, const PatternParts& parts,
                             harness::SimulatedHost& host, std::string address, std::uint32_t index,
                             ProxyChannel::ChooseMode channel_mode)
    : ledger_(ledger),
      scenario_(scenario),
      pattern_(pattern),
      parts_(parts),
      host_(host),
      address_(std::move(address)),
      index_(index),
      channel_mode_(std::move(channel_mode)),
      waiters_(std::make_unique<FiberWaiters>(ledger.world().simulation())) {}

PatternClient::~PatternClient() = default;

std::string PatternClient::label(std::uint32_t call) const {
  return "client " + std::to_string(index_ + 1) + " call " + std::to_string(call + 1) + " (" +
         client_pattern_name(pattern_) + ")";
}

bool PatternClient::open() {
  const lockstep_channel_functions& channel = *parts_.channel.functions;
  if (FAILED(channel.create_channel(parts_.channel.self, host_.table(), &channel_, nullptr))) {
    channel_ = nullptr;
    return false;
  }
  if (FAILED(channel.open_channel(channel_, address_.c_str(), nullptr, nullptr))) {
    close_channel();  // a refused connect (fault plan): this client makes no call
    return false;
  }
  proxy_channel_ = std::make_unique<ProxyChannel>(ledger_, host_, channel, channel_, channel_mode_);
  create_proxy();
  return true;
}

void PatternClient::close_channel() {
  if (channel_ == nullptr) {
    return;
  }
  const lockstep_channel_functions& channel = *parts_.channel.functions;
  channel.close_channel(channel_, nullptr, nullptr);
  channel.free_channel(channel_);
  channel_ = nullptr;
}

void PatternClient::plain_call(PatternCall& call) {
  // The harness as a WWSAPI caller: request_reply (or send) with a context, then the wire.
  const std::string request =
      std::string(1, static_cast<char>(call.one_way ? kOneWayOperation : kRequestReplyOperation)) +
      call.body;
  char reply[LOCKSTEP_PATTERN_REPLY_CAPACITY + 1];
  std::size_t reply_size = 0;
  struct Completion {
    FiberWaiters* waiters;
    bool done = false;
    HRESULT result = S_OK;
  } completion{waiters_.get()};
  WS_ASYNC_CONTEXT context{[](HRESULT result, WS_CALLBACK_MODEL, void* state) {
                             auto* done = static_cast<Completion*>(state);
                             done->result = result;
                             done->done = true;
                             done->waiters->notify();
                           },
                           &completion};
  const lockstep_channel_functions& functions = *proxy_channel_->pattern_channel()->functions;
  lockstep_channel* channel = proxy_channel_->pattern_channel()->channel;
  HRESULT result =
      call.one_way
          ? functions.send_message(channel, request.data(), request.size(), &context, nullptr)
          : functions.request_reply(channel, request.data(), request.size(), reply, sizeof(reply),
                                    &reply_size, &context, nullptr);
  if (result == WS_S_ASYNC) {
    waiters_->wait_until([&completion] { return completion.done; }, "plain call");
    result = completion.result;
  }
  std::string body;
  if (SUCCEEDED(result) && !call.one_way) {
    const std::string wire(reply, std::min(reply_size, sizeof(reply)));
    if (!wire.empty() && wire[0] == LOCKSTEP_WIRE_REPLY) {
      body = wire.substr(1);
    } else {
      result = wire.empty() || wire[0] != LOCKSTEP_WIRE_FAULT ? WS_E_INVALID_FORMAT
                                                              : WS_E_ENDPOINT_FAULT_RECEIVED;
    }
  }
  ledger_.check_outcome(call, PatternRole::client, result, body, "the plain call");
}

void PatternClient::create_proxy() {
  const lockstep_host* table = host_.table();
  const lockstep_pattern_channel* channel = proxy_channel_->pattern_channel();
  HRESULT created = S_OK;
  switch (pattern_) {
    case ClientPattern::async_result:
      created = parts_.async_result_client.functions->create_proxy(
          parts_.async_result_client.self, table, channel, &instance_, nullptr);
      if (SUCCEEDED(created)) {
        async_result_ = std::make_unique<AsyncResultDriver>(
            ledger_, host_, *parts_.async_result_client.functions, instance_, PatternRole::client);
      }
      break;
    case ClientPattern::event_based:
      created = parts_.event_based_client.functions->create_proxy(
          parts_.event_based_client.self, table, channel, &instance_, nullptr);
      if (SUCCEEDED(created)) {
        context_ = std::make_unique<harness::SynchronizationContext>(
            ledger_.world().simulation(), "client-" + std::to_string(index_ + 1) + "-context");
        context_->bind_current_thread();
        event_based_ =
            std::make_unique<EventDriver>(ledger_, host_, *parts_.event_based_client.functions,
                                          instance_, PatternRole::client, *context_);
      }
      break;
    case ClientPattern::task_based:
      created = parts_.task_based_client.functions->create_proxy(
          parts_.task_based_client.self, table, channel, &instance_, nullptr);
      if (SUCCEEDED(created)) {
        task_based_ = std::make_unique<TaskDriver>(
            ledger_, host_, *parts_.task_based_client.functions, instance_, PatternRole::client);
      }
      break;
    case ClientPattern::channel:
      break;
  }
  if (FAILED(created)) {
    close_channel();
    // Not a rule of its own: a proxy that cannot be created fails the schedule.
    throw std::runtime_error(std::string(client_pattern_name(pattern_)) +
                             ": create_proxy failed with " + hresult_text(created));
  }
}

PatternCall& PatternClient::new_call(bool one_way) {
  return ledger_.new_call(label(calls_++), one_way);
}

void PatternClient::call(PatternCall& call, const ClientCallPlan& plan) {
  if (!opened()) {
    return;
  }
  const OutcomeSink ignore = [](HRESULT, const std::string&) {};
  switch (pattern_) {
    case ClientPattern::async_result:
      async_result_->call(call, plan.async_result, ignore);
      break;
    case ClientPattern::event_based:
      event_based_->call(call, plan.event_based, ignore);
      break;
    case ClientPattern::task_based:
      task_based_->call(call, plan.task_based, ignore);
      break;
    case ClientPattern::channel:
      plain_call(call);
      break;
  }
}

void PatternClient::await_all() {
  if (async_result_) {
    async_result_->wait_all();
  }
  if (event_based_) {
    event_based_->pump_until_all_completed();
  }
  if (task_based_) {
    task_based_->wait_all();
  }
}

void PatternClient::close() {
  if (!opened()) {
    return;
  }
  await_all();
  proxy_channel_->wait_idle();
  close_channel();
}

void PatternClient::run() {
  if (!open()) {
    return;
  }
  const std::uint32_t calls = scenario_.calls_per_client();
  for (std::uint32_t index = 0; index < calls; ++index) {
    const ClientCallPlan plan = scenario_.client_call_plan(pattern_);
    call(new_call(plan.one_way), plan);
    const std::uint64_t pause_ns = scenario_.pause_between_calls_ns();
    if (pause_ns > 0) {
      pause(pause_ns);
    }
  }
  close();
}

void PatternClient::pause(std::uint64_t duration_ns) {
  if (context_) {
    context_->pump_for(duration_ns);
  } else {
    ledger_.world().simulation().sleep_for(duration_ns);
  }
}

void PatternClient::finish() {
  if (async_result_) {
    async_result_->finish();
  }
  if (event_based_) {
    event_based_->finish();
  }
}

void PatternClient::free_instance() {
  if (instance_ == nullptr) {
    return;
  }
  switch (pattern_) {
    case ClientPattern::async_result:
      parts_.async_result_client.functions->free_instance(instance_);
      break;
    case ClientPattern::event_based:
      parts_.event_based_client.functions->free_instance(instance_);
      break;
    case ClientPattern::task_based:
      parts_.task_based_client.functions->free_instance(instance_);
      break;
    case ClientPattern::channel:
      break;
  }
  instance_ = nullptr;
}

}  // namespace lockstep::conformance
