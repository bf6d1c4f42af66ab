// The echo-call round: connections through the host table, echo calls through the ledger.
#include "conformance/real_host_stress/echo_call_stress.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "conformance/real_host_stress/stress_calls.h"
#include "conformance/real_host_stress/stress_echo_peer.h"
#include "echo_call.h"
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

constexpr std::size_t kReplyCapacity = 64;

std::string peer_address(std::size_t caller) {
  return "echo://echo-call-peer-" + std::to_string(caller);
}

// One caller's connection; `mutex` orders the injector's close with the caller's own.
struct ConnectionSlot {
  std::mutex mutex;
  lockstep_connection* handle = nullptr;
  bool closed = true;
};

struct ConnectWaiter {
  const lockstep_host* host = nullptr;
  lockstep_event* done = nullptr;
  HRESULT result = S_OK;
  lockstep_connection* handle = nullptr;
};

class EchoCallRound {
 public:
  EchoCallRound(std::string name, unsigned defects, std::uint64_t seed, StressLog& log,
                const RoundSettings& settings)
      : defects_(defects),
        log_(log),
        settings_(settings),
        prng_(seed),
        network_(draw_network(prng_)),
        implementation_host_(
            network_,
            RealHostConfig{std::move(name), static_cast<std::uint32_t>(1 + prng_.below(3)), 16}),
        peer_host_(network_, RealHostConfig{"echo-peer", 2, 1024}),
        callers_(1 + prng_.below(3)) {
    std::vector<std::string> addresses;
    for (std::size_t caller = 0; caller < callers_; ++caller) {
      addresses.push_back(peer_address(caller));
      slots_.push_back(std::make_unique<ConnectionSlot>());
    }
    peer_ = std::make_unique<StressEchoPeer>(peer_host_, network_, std::move(addresses), 0,
                                             prng_.next_u64());
    ledger_ = std::make_unique<CallLedger>(
        log_, implementation_host_, [this] { return world_idle(); }, settings_.call_bound_seconds);
  }

  RoundReport run() {
    ThreadGroup callers;
    for (std::size_t caller = 0; caller < callers_; ++caller) {
      const std::uint64_t seed = prng_.next_u64();
      callers.start([this, caller, seed] { caller_script(caller, seed); });
    }
    ThreadGroup injector;
    const std::uint64_t injector_seed = prng_.next_u64();
    const auto actions = static_cast<std::uint32_t>(prng_.below(3));
    injector.start([this, injector_seed, actions] {
      Prng prng(injector_seed);
      for (std::uint32_t action = 0; action < actions && !callers_finished_; ++action) {
        real_host::sleep_for_ns(50'000 + prng.below(500'000));
        close_connection(prng.below(callers_));
      }
    });
    const bool callers_done =
        callers.join_or_abandon([this] { return world_idle(); },
                                settings_.stuck_after_quiet_seconds, settings_.round_bound_seconds);
    callers_finished_ = true;
    const bool injector_done =
        injector.join_or_abandon([] { return false; }, 0, settings_.round_bound_seconds);
    const bool host_stopped = implementation_host_.shut_down();
    peer_->close_all();
    const bool peer_stopped = peer_host_.shut_down();
    network_.stop();
    for (const real_host::HostObservation& observation : implementation_host_.observations()) {
      log_.record(observation.rule, "host", observation.explanation);
    }
    ledger_->finish([](const StressCall&) -> const char* { return nullptr; });
    RoundReport report;
    report.calls = ledger_->calls();
    report.leak_reason = stuck_parts({{"callers", callers_done},
                                      {"injector", injector_done},
                                      {"implementation host", host_stopped},
                                      {"peer host", peer_stopped}});
    report.leaked = !report.leak_reason.empty();
    return report;
  }

 private:
  static RealNetworkConfig draw_network(Prng& prng) {
    static constexpr std::uint64_t kDelayChoicesNs[] = {0, 20'000, 100'000};
    static constexpr std::uint32_t kDropChoices[] = {0, 0, 20};
    RealNetworkConfig config;
    config.seed = prng.next_u64();
    config.delay_max_ns = kDelayChoicesNs[prng.below(3)];
    config.drop_per_mille = kDropChoices[prng.below(3)];
    return config;
  }

  bool world_idle() const {
    return implementation_host_.idle() && peer_host_.idle() && network_.idle() &&
           real_host::foreign_threads_running() == 0;
  }

  void close_connection(std::size_t caller) {
    const real_host::ForeignCallScope inside;
    ConnectionSlot& slot = *slots_[caller];
    std::lock_guard<std::mutex> lock(slot.mutex);
    if (!slot.closed) {
      slot.closed = true;
      const lockstep_host& table = *implementation_host_.table();
      table.close_connection(table.self, slot.handle);
    }
  }

  // Connects through the host table like an implementation would, waiting on a host event.
  lockstep_connection* connect(std::size_t caller) {
    const real_host::ForeignCallScope inside;
    const lockstep_host& table = *implementation_host_.table();
    ConnectWaiter waiter{&table, table.event_create(table.self, 1, 0), S_OK, nullptr};
    const HRESULT started = table.connect(
        table.self, peer_address(caller).c_str(),
        [](void* state, HRESULT result, lockstep_connection* handle) {
          auto* record = static_cast<ConnectWaiter*>(state);
          record->result = result;
          record->handle = handle;
          record->host->event_set(record->host->self, record->done);
        },
        &waiter);
    if (SUCCEEDED(started)) {
      table.event_wait(table.self, waiter.done, LOCKSTEP_WAIT_FOREVER);
    }
    table.event_destroy(table.self, waiter.done);
    return SUCCEEDED(started) && SUCCEEDED(waiter.result) ? waiter.handle : nullptr;
  }

  void caller_script(std::size_t caller, std::uint64_t seed) {
    Prng prng(seed);
    lockstep_connection* connection = connect(caller);
    if (connection == nullptr) {
      return;  // refused or not found: nothing to call
    }
    ConnectionSlot& slot = *slots_[caller];
    {
      std::lock_guard<std::mutex> lock(slot.mutex);
      slot.handle = connection;
      slot.closed = false;
    }
    const lockstep_host* table = implementation_host_.table();
    std::vector<StressCall*> in_flight;
    const std::uint64_t calls = 2 + prng.below(4);
    for (std::uint64_t index = 0; index < calls; ++index) {
      {
        std::lock_guard<std::mutex> lock(slot.mutex);
        if (slot.closed) {
          break;
        }
      }
      CallShape shape{prng.chance(3, 4), prng.chance(1, 2)};
      StressCall& call = ledger_->start("echo", shape, static_cast<int>(caller));
      const std::string message = "message-" + std::to_string(index);
      auto* request = reinterpret_cast<char*>(
          call.add_buffer(message.size(), Ownership::until_completion, message.data()));
      auto* reply =
          reinterpret_cast<char*>(call.add_buffer(kReplyCapacity, Ownership::until_completion));
      auto* reply_size = reinterpret_cast<std::size_t*>(
          call.add_buffer(sizeof(std::size_t), Ownership::until_completion));
      const unsigned defects = defects_;
      call.invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
        return archetype_echo_call(table, connection, request, message.size(), reply,
                                   kReplyCapacity, reply_size, context, error, defects);
      });
      if (prng.chance(1, 2)) {
        if (ledger_->wait(call) != WaitOutcome::completed) {
          return;
        }
      } else {
        in_flight.push_back(&call);
      }
    }
    for (StressCall* call : in_flight) {
      if (ledger_->wait(*call) != WaitOutcome::completed) {
        return;
      }
    }
    close_connection(caller);
  }

  const unsigned defects_;
  StressLog& log_;
  const RoundSettings settings_;
  Prng prng_;
  RealNetwork network_;
  RealHost implementation_host_;
  RealHost peer_host_;
  const std::size_t callers_;
  std::vector<std::unique_ptr<ConnectionSlot>> slots_;
  std::unique_ptr<StressEchoPeer> peer_;
  std::unique_ptr<CallLedger> ledger_;
  std::atomic<bool> callers_finished_{false};
};

}  // namespace

RoundReport run_echo_call_round(const std::string& name, unsigned defects, std::uint64_t seed,
                                StressLog& log, const RoundSettings& settings) {
  auto round = std::make_unique<EchoCallRound>(name, defects, seed, log, settings);
  const RoundReport report = round->run();
  if (report.leaked) {
    static_cast<void>(round.release());  // a stuck thread may still use it: never freed
  }
  return report;
}

}  // namespace lockstep::stress
