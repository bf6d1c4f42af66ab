// The service-host round: the host's lifecycle, the scripted operation, clients and checks.
#include "conformance/real_host_stress/service_stress.h"

#include <atomic>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "conformance/real_host_stress/process_cpu_time.h"
#include "conformance/real_host_stress/raw_client.h"
#include "conformance/real_host_stress/stress_calls.h"
#include "harness/real_host/activity_gauge.h"
#include "harness/real_host/real_clock.h"
#include "harness/real_host/real_host.h"
#include "scheduler/prng.h"

namespace lockstep::stress {

namespace {

using real_host::RealHost;
using real_host::RealHostConfig;
using real_host::RealNetwork;
using real_host::RealNetworkConfig;

constexpr const char* kSecretMarker = "LOCKSTEP-SECRET";
constexpr const char* kServiceAddress = "service://stress-under-test";
// The simulated suite's timings in milliseconds, scaled to a quarter here: the round spends
// real time waiting on them, so shorter waits give more rounds (and more races) per second.
constexpr std::uint64_t kTimeUnitNs = 250'000;  // "a millisecond" of the simulated suite

enum class Outcome : std::uint8_t { reply, fault, end };

// What the round knows about one request (under the round's mutex).
struct ServiceCall {
  std::uint32_t token = 0;
  bool after_end = false;              ///< sent on a channel after a WS_S_END reply
  bool connected_after_close = false;  ///< its client started connecting after close returned
  bool invoked = false;
  bool completed = false;
  HRESULT result = S_OK;
  Outcome planned = Outcome::reply;
  bool complete_on_cancel = false;
  bool asynchronous = false;
  std::string expected_reply;
  std::vector<std::string> error_strings;  ///< oldest first
  void* heap_block = nullptr;
  void** reply = nullptr;
  std::size_t* reply_size = nullptr;
  WS_ERROR* error = nullptr;
  WS_ASYNC_CONTEXT async_context{};
  bool registered = false;
  std::uint32_t cancels = 0;
  std::uint32_t free_states = 0;
  std::uint32_t replies = 0;
  bool client_gave_up = false;
};

class ServiceRound;
std::atomic<ServiceRound*> active_round{nullptr};

void* state_of(std::uint32_t token) {
  return reinterpret_cast<void*>(static_cast<std::uintptr_t>(token));
}
std::uint32_t token_of(void* state) {
  return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(state));
}

HRESULT operation_entry(const WS_OPERATION_CONTEXT* context, const void* request,
                        std::size_t request_size, void** reply, std::size_t* reply_size,
                        const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error);
const lockstep_service_operation kOperations[1] = {operation_entry};

// The bytes an operation writes into its heap for `token`: the token, then a pattern.
std::string reply_body(std::uint32_t token, std::size_t pattern_bytes) {
  std::string body(4 + pattern_bytes, '\0');
  std::memcpy(body.data(), &token, 4);
  for (std::size_t index = 0; index < pattern_bytes; ++index) {
    body[4 + index] = static_cast<char>((token * 31u + index * 7u) & 0x7Fu);
  }
  return body;
}

class ServiceRound {
 public:
  ServiceRound(const lockstep_implementation& implementation, std::uint64_t seed, StressLog& log,
               const RoundSettings& settings)
      : implementation_(implementation),
        log_(log),
        settings_(settings),
        prng_(seed),
        network_(draw_network(prng_)),
        service_host_(network_, RealHostConfig{"service-host",
                                               static_cast<std::uint32_t>(1 + prng_.below(3)), 64}),
        user_host_(network_, RealHostConfig{"service-operations", 2, 16}),
        ledger_(
            log_, service_host_, [this] { return world_idle(); }, settings_.call_bound_seconds) {
    disclosure_ = prng_.chance(1, 2) ? WS_FULL_FAULT_DISCLOSURE : WS_MINIMAL_FAULT_DISCLOSURE;
    close_timeout_ns_ = prng_.chance(1, 2) ? 2 * kTimeUnitNs : 20 * kTimeUnitNs;
    abort_with_error_ = prng_.chance(1, 2);
    operation_prng_ = Prng(prng_.next_u64());
  }

  RoundReport run() {
    active_round = this;
    const bool threads_done = owner_script();
    const bool service_host_stopped = service_host_.shut_down();
    const bool user_host_stopped = user_host_.shut_down();
    const bool hosts_stopped = service_host_stopped && user_host_stopped;
    network_.stop();
    active_round = nullptr;
    for (const real_host::HostObservation& observation : service_host_.observations()) {
      log_.record(observation.rule, "service host", observation.explanation);
    }
    ledger_.finish([](const StressCall&) -> const char* { return nullptr; });
    if (threads_done && hosts_stopped) {
      finish_checks();
    }
    RoundReport report;
    report.calls = ledger_.calls() + next_token_ - 1;
    report.leak_reason = stuck_parts({{stuck_stage_, threads_done},
                                      {"service host", service_host_stopped},
                                      {"user host", user_host_stopped}});
    report.leaked = !report.leak_reason.empty();
    return report;
  }

  // ---- the service operation and its callbacks (from the host's threads) ----
  HRESULT operation(const WS_OPERATION_CONTEXT* context, const void* request,
                    std::size_t request_size, void** reply, std::size_t* reply_size,
                    const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error);
  void on_cancel(std::uint32_t token, WS_SERVICE_CANCEL_REASON reason);
  void on_free_state(std::uint32_t token);
  void complete_later(std::uint32_t token);

 private:
  static RealNetworkConfig draw_network(Prng& prng) {
    static constexpr std::uint64_t kDelayChoicesNs[] = {0, 20'000, 100'000};
    static constexpr std::uint32_t kDropChoices[] = {0, 0, 10};
    RealNetworkConfig config;
    config.seed = prng.next_u64();
    config.delay_max_ns = kDelayChoicesNs[prng.below(3)];
    config.healed_delay_max_ns = config.delay_max_ns / 4;
    config.drop_per_mille = kDropChoices[prng.below(3)];
    return config;
  }

  bool world_idle() const {
    return service_host_.idle() && user_host_.idle() && network_.idle() &&
           real_host::foreign_threads_running() == 0;
  }

  void violation(const char* rule, std::uint32_t token, std::string explanation) {
    log_.record(rule, "call#" + std::to_string(token), std::move(explanation));
  }

  // The service owner's thread: create, open, start clients and an aborter, close, free.
  bool owner_script() {
    const lockstep_service_host_functions* functions = implementation_.service_host;
    lockstep_service_settings settings{};
    settings.struct_size = sizeof(settings);
    settings.address = kServiceAddress;
    settings.operations = kOperations;
    settings.operation_count = 1;
    settings.fault_disclosure = disclosure_;
    settings.close_timeout_ns = close_timeout_ns_;
    if (FAILED([&] {
          const real_host::ForeignCallScope inside;
          return functions->create_service_host(&implementation_, service_host_.table(), &settings,
                                                &service_, nullptr);
        }()) ||
        service_ == nullptr) {
      service_ = nullptr;
      return true;
    }
    CallShape shape{prng_.chance(1, 2), prng_.chance(1, 2)};
    StressCall& open = ledger_.start("open", shape, 0);
    open.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
      return functions->open_service_host(service_, context, error);
    });
    if (ledger_.wait(open) != WaitOutcome::completed) {
      stuck_stage_ = "open";
      return false;  // the host may still use what it was given: abandon the round
    }
    if (FAILED(open.result())) {
      const real_host::ForeignCallScope inside;
      functions->free_service_host(service_);
      return true;
    }
    ThreadGroup threads;
    const std::uint64_t clients = 1 + prng_.below(3);
    for (std::uint64_t client = 0; client < clients; ++client) {
      const std::uint64_t seed = prng_.next_u64();
      const auto requests = static_cast<std::uint32_t>(2 + prng_.below(4));
      threads.start([this, seed, requests] { run_client(seed, requests); });
    }
    if (prng_.chance(1, 4)) {
      const std::uint64_t seed = prng_.next_u64();
      threads.start([this, seed] {
        Prng prng(seed);
        for (int attempt = 0; attempt < 5 && !close_started_; ++attempt) {
          real_host::sleep_for_ns(1 + prng.below(3 * kTimeUnitNs));
          if (calls_in_flight() > 0) {
            abort();
            return;
          }
        }
      });
    }
    // Sometimes while the clients are still busy (SV6), mostly once they are about done.
    real_host::sleep_for_ns(kTimeUnitNs +
                            prng_.below(prng_.chance(1, 3) ? 5 * kTimeUnitNs : 15 * kTimeUnitNs));
    const bool closed = close();
    const bool threads_done =
        threads.join_or_abandon([this] { return world_idle(); },
                                settings_.stuck_after_quiet_seconds, settings_.round_bound_seconds);
    if (closed && threads_done) {
      const real_host::ForeignCallScope inside;
      functions->free_service_host(service_);
    }
    stuck_stage_ = !closed ? "close" : "clients";
    return closed && threads_done;
  }

  bool close() {
    CallShape shape{prng_.chance(1, 2), prng_.chance(1, 2)};
    StressCall& call = ledger_.start("close", shape, 0);
    close_started_ = true;
    call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
      return implementation_.service_host->close_service_host(service_, context, error);
    });
    close_returned_ = true;
    if (ledger_.wait(call) != WaitOutcome::completed) {
      return false;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [token, record] : calls_) {
      if (record.invoked && !record.completed) {
        violation(abort_started_ ? "SV5" : "SV6", token,
                  "the close completed while this call was still in flight");
      }
    }
    return true;
  }

  void abort() {
    bool expected = false;
    if (close_started_ || !abort_started_.compare_exchange_strong(expected, true)) {
      return;
    }
    StressCall& call = ledger_.start("abort", CallShape{false, abort_with_error_}, 0);
    call.invoke([&](const WS_ASYNC_CONTEXT*, WS_ERROR* error) {
      return implementation_.service_host->abort_service_host(service_, error);
    });
  }

  std::uint64_t calls_in_flight() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::uint64_t in_flight = 0;
    for (const auto& [token, call] : calls_) {
      in_flight += call.invoked && !call.completed ? 1 : 0;
    }
    return in_flight;
  }

  void run_client(std::uint64_t seed, std::uint32_t requests) {
    Prng prng(seed);
    real_host::sleep_for_ns(prng.below(3 * kTimeUnitNs));
    const bool after_close = close_returned_.load();
    RawClient client(
        network_, [this] { return world_idle(); }, settings_.call_bound_seconds);
    if (FAILED(client.connect(kServiceAddress))) {
      return;  // refused, or nobody listening (not yet, or any more)
    }
    bool ended = false;
    for (std::uint32_t index = 0; index < requests; ++index) {
      if (prng.chance(1, 4)) {
        real_host::sleep_for_ns(prng.below(kTimeUnitNs));
      }
      const std::uint32_t token = new_call(ended, after_close);
      std::string request(1, '\0');  // operation 0
      request.append(reinterpret_cast<const char*>(&token), 4);
      if (FAILED(client.send(std::move(request)))) {
        break;
      }
      if (!ended && prng.chance(1, 6)) {
        // The client goes away with its call in flight: the host must cancel it (SV4).
        real_host::sleep_for_ns(prng.below(kTimeUnitNs));
        break;
      }
      const RawClient::Received received = client.receive();
      if (received.given_up) {
        std::lock_guard<std::mutex> lock(mutex_);
        calls_.at(token).client_gave_up = true;
        break;
      }
      if (received.result == WS_S_END) {
        check_missing_reply(token, "the host ended the session");
        break;
      }
      if (received.result != S_OK) {
        break;  // dropped or aborted: nothing more on this connection
      }
      const bool ended_now = check_reply(token, received.message);
      if (ended) {
        break;  // answered after WS_S_END (reported): the session is over anyway
      }
      if (ended_now) {
        ended = true;
        if (prng.chance(1, 2)) {
          break;  // a well-behaved client stops; the other one tries once more (SV3)
        }
      }
    }
    client.close();
  }

  std::uint32_t new_call(bool after_end, bool after_close) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::uint32_t token = next_token_++;
    ServiceCall& call = calls_[token];
    call.token = token;
    call.after_end = after_end;
    call.connected_after_close = after_close;
    return token;
  }

  std::string expected_fault(const ServiceCall& call) const {
    if (disclosure_ != WS_FULL_FAULT_DISCLOSURE || call.error_strings.empty()) {
      return LOCKSTEP_GENERIC_FAULT_TEXT;
    }
    std::string text;
    for (auto string = call.error_strings.rbegin(); string != call.error_strings.rend(); ++string) {
      text += (text.empty() ? "" : "; ") + *string;
    }
    return text;
  }

  // True when the reply says the operation returned WS_S_END.
  bool check_reply(std::uint32_t token, const std::string& message) {
    std::lock_guard<std::mutex> lock(mutex_);
    ServiceCall& call = calls_.at(token);
    ++call.replies;
    if (call.after_end) {
      violation("SV3", token, "a message sent after WS_S_END was answered instead of aborting");
      return false;
    }
    if (!call.completed) {
      violation("SV1", token, "a reply arrived before the operation completed");
      return false;
    }
    if (call.replies > 1) {
      violation("SV1", token, "a second reply for one call");
      return false;
    }
    const std::string body = message.empty() ? std::string() : message.substr(1);
    const char kind = message.empty() ? '\0' : message[0];
    if (FAILED(call.result)) {
      if (kind != LOCKSTEP_WIRE_FAULT) {
        violation("SV2", token, "a failed call was answered without a fault");
      } else if (disclosure_ == WS_MINIMAL_FAULT_DISCLOSURE &&
                 body.find(kSecretMarker) != std::string::npos) {
        violation("SV2", token,
                  "the fault discloses the WS_ERROR's strings under minimal disclosure");
      } else if (body != expected_fault(call)) {
        violation("SV2", token,
                  "fault text \"" + body + "\", expected \"" + expected_fault(call) + "\"");
      }
      return false;
    }
    if (kind != LOCKSTEP_WIRE_REPLY) {
      violation("SV2", token, "a successful call was answered with a fault");
      return false;
    }
    if (body != call.expected_reply) {
      std::uint32_t other_token = 0;
      if (body.size() >= 4) {
        std::memcpy(&other_token, body.data(), 4);
      }
      auto other = calls_.find(other_token);
      if (other != calls_.end() && other_token != token && body == other->second.expected_reply) {
        violation("SV1", other_token, "a second reply for one call");
      } else {
        violation("SV7", token,
                  "the reply's " + std::to_string(body.size()) +
                      " bytes differ from what the operation wrote into its heap");
      }
      return false;
    }
    return call.result == WS_S_END;
  }

  void check_missing_reply(std::uint32_t token, const char* how) {
    std::lock_guard<std::mutex> lock(mutex_);
    const ServiceCall& call = calls_.at(token);
    if (!call.invoked || call.after_end || call.replies > 0) {
      return;
    }
    violation(call.completed && FAILED(call.result) ? "SV2" : "SV1", token,
              std::string(how) + " without a reply for a call the operation was invoked for");
  }

  // Once every thread and host has stopped.
  void finish_checks() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [token, call] : calls_) {
      if (call.client_gave_up && call.after_end) {
        violation("SV3", token, "the channel was not aborted after a message following WS_S_END");
      } else if (call.client_gave_up && call.invoked && call.replies == 0) {
        violation(call.completed && FAILED(call.result) ? "SV2" : "SV1", token,
                  "the world went quiet without a reply for a call the operation was invoked "
                  "for");
      }
      if (call.registered && call.completed && call.free_states == 0) {
        violation("SV4", token, "the free-state callback never fired");
      }
    }
  }

  HRESULT finish_operation_locked(ServiceCall& call, bool cancelled) {
    HRESULT result = S_OK;
    if (cancelled) {
      result = WS_E_OPERATION_ABORTED;
    } else if (call.planned == Outcome::fault || call.heap_block == nullptr) {
      result = E_INVALIDARG;
      const std::uint64_t strings = operation_prng_.below(3);
      for (std::uint64_t index = 0; index < strings; ++index) {
        const std::string text = std::string(kSecretMarker) + " call " +
                                 std::to_string(call.token) + " detail " + std::to_string(index);
        if (SUCCEEDED(lockstep_error_add_text(call.error, text.c_str()))) {
          call.error_strings.push_back(text);
        }
      }
    } else {
      *call.reply = call.heap_block;
      *call.reply_size = call.expected_reply.size();
      result = call.planned == Outcome::end ? WS_S_END : S_OK;
    }
    call.result = result;
    call.completed = true;  // before the host hears of it: anything it does next is after
    return result;
  }

  void schedule_completion(std::uint32_t token, std::uint64_t delay_ns) {
    const lockstep_host* table = user_host_.table();
    table->timer_start(
        table->self, delay_ns,
        [](void* state) {
          if (ServiceRound* round = active_round.load()) {
            round->complete_later(token_of(state));
          }
        },
        state_of(token));
  }

  const lockstep_implementation& implementation_;
  StressLog& log_;
  const RoundSettings settings_;
  Prng prng_;  // the owner's draws, and (under mutex_) the operation's
  bool abort_with_error_ = false;
  RealNetwork network_;
  RealHost service_host_;
  RealHost user_host_;
  CallLedger ledger_;
  WS_FAULT_DISCLOSURE disclosure_ = WS_MINIMAL_FAULT_DISCLOSURE;
  std::uint64_t close_timeout_ns_ = 0;
  lockstep_service_host* service_ = nullptr;
  std::atomic<bool> close_started_{false};
  std::atomic<bool> close_returned_{false};
  std::atomic<bool> abort_started_{false};
  const char* stuck_stage_ = "owner";

  std::mutex mutex_;
  Prng operation_prng_{0};  // the operation's draws, under mutex_
  std::uint32_t next_token_ = 1;
  std::map<std::uint32_t, ServiceCall> calls_;
};

HRESULT ServiceRound::operation(const WS_OPERATION_CONTEXT* context, const void* request,
                                std::size_t request_size, void** reply, std::size_t* reply_size,
                                const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error) {
  std::uint32_t token = 0;
  if (request_size != 4) {
    return E_INVALIDARG;
  }
  std::memcpy(&token, request, 4);
  std::unique_lock<std::mutex> lock(mutex_);
  auto found = calls_.find(token);
  if (found == calls_.end()) {
    log_.record("SV1", "operation", "invoked with a request no client sent");
    return E_INVALIDARG;
  }
  ServiceCall& call = found->second;
  if (call.invoked) {
    violation("SV1", token, "the operation was invoked twice for one request");
    return E_INVALIDARG;
  }
  call.invoked = true;
  if (call.after_end) {
    violation("SV3", token, "the operation was invoked for a message sent after WS_S_END");
  }
  if (call.connected_after_close) {
    violation("SV6", token,
              "a call was served for a client that started connecting after the close returned");
  }
  Prng& prng = operation_prng_;
  const std::uint64_t outcome_draw = prng.below(8);
  call.planned =
      outcome_draw < 5 ? Outcome::reply : (outcome_draw < 7 ? Outcome::fault : Outcome::end);
  call.asynchronous = async_context != nullptr && prng.chance(3, 5);
  const bool registers = prng.chance(3, 5);
  call.complete_on_cancel = prng.chance(1, 2);
  call.reply = reply;
  call.reply_size = reply_size;
  call.error = error;
  call.expected_reply = reply_body(token, prng.below(200));
  WS_HEAP* heap = nullptr;
  void* block = nullptr;
  if (FAILED(WsGetOperationContextProperty(context, WS_OPERATION_CONTEXT_PROPERTY_HEAP, &heap,
                                           sizeof(heap), nullptr)) ||
      FAILED(WsAlloc(heap, call.expected_reply.size(), &block, nullptr))) {
    call.planned = Outcome::fault;  // no memory: a plain failure
  } else {
    std::memcpy(block, call.expected_reply.data(), call.expected_reply.size());
    call.heap_block = block;
  }
  const bool asynchronous = call.asynchronous;
  const std::uint64_t delay_ns = prng.chance(1, 4) ? 20 * kTimeUnitNs : prng.below(3 * kTimeUnitNs);
  if (asynchronous) {
    call.async_context = *async_context;  // copied: the host's struct is read during the call
  }
  if (registers) {
    call.registered = true;
    // The cancel may fire during the registration itself (SV4): not under our lock.
    lock.unlock();
    const HRESULT registered = WsRegisterOperationForCancel(
        context,
        [](WS_SERVICE_CANCEL_REASON reason, void* state) {
          if (ServiceRound* round = active_round.load()) {
            round->on_cancel(token_of(state), reason);
          }
        },
        [](void* state) {
          if (ServiceRound* round = active_round.load()) {
            round->on_free_state(token_of(state));
          }
        },
        state_of(token), nullptr);
    lock.lock();
    if (FAILED(registered)) {
      call.registered = false;
    }
  }
  if (!asynchronous) {
    return finish_operation_locked(call, false);
  }
  lock.unlock();
  schedule_completion(token, delay_ns);
  return WS_S_ASYNC;
}

void ServiceRound::complete_later(std::uint32_t token) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto found = calls_.find(token);
  if (found == calls_.end() || found->second.completed) {
    return;  // the cancel's earlier completion already ran
  }
  ServiceCall& call = found->second;
  const bool cancelled = call.cancels > 0 && call.complete_on_cancel;
  const HRESULT result = finish_operation_locked(call, cancelled);
  const WS_ASYNC_CONTEXT context = call.async_context;
  lock.unlock();
  context.callback(result, WS_SHORT_CALLBACK, context.callbackState);
}

void ServiceRound::on_cancel(std::uint32_t token, WS_SERVICE_CANCEL_REASON reason) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto found = calls_.find(token);
  if (found == calls_.end()) {
    log_.record("SV4", "cancel", "the cancel callback got a state never registered");
    return;
  }
  ServiceCall& call = found->second;
  ++call.cancels;
  if (reason != WS_SERVICE_HOST_ABORT && reason != WS_SERVICE_CHANNEL_FAULTED) {
    violation("SV4", token, "cancel reason " + std::to_string(static_cast<int>(reason)));
  }
  if (call.cancels > 1) {
    violation("SV4", token, "the cancel callback fired " + std::to_string(call.cancels) + " times");
  }
  if (call.free_states > 0) {
    violation("SV4", token, "the cancel callback fired after the free-state callback");
  }
  const bool complete_soon = !call.completed && call.complete_on_cancel && call.asynchronous;
  const std::uint64_t delay_ns = operation_prng_.below(kTimeUnitNs);
  lock.unlock();
  if (complete_soon) {
    schedule_completion(token, delay_ns);
  }
}

void ServiceRound::on_free_state(std::uint32_t token) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = calls_.find(token);
  if (found == calls_.end()) {
    log_.record("SV4", "free-state", "the free-state callback got a foreign state");
    return;
  }
  ServiceCall& call = found->second;
  ++call.free_states;
  if (call.free_states > 1) {
    violation("SV4", token, "the free-state callback fired twice");
  }
  if (!call.completed) {
    violation("SV4", token, "the free-state callback fired before the call completed");
  }
}

HRESULT operation_entry(const WS_OPERATION_CONTEXT* context, const void* request,
                        std::size_t request_size, void** reply, std::size_t* reply_size,
                        const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error) {
  ServiceRound* round = active_round.load();
  if (round == nullptr) {
    return E_INVALIDARG;
  }
  return round->operation(context, request, request_size, reply, reply_size, async_context, error);
}

}  // namespace

RoundReport run_service_round(const lockstep_implementation& implementation, std::uint64_t seed,
                              StressLog& log, const RoundSettings& settings) {
  auto round = std::make_unique<ServiceRound>(implementation, seed, log, settings);
  const RoundReport report = round->run();
  if (report.leaked) {
    static_cast<void>(round.release());  // a stuck thread may still use it: never freed
  }
  return report;
}

}  // namespace lockstep::stress
