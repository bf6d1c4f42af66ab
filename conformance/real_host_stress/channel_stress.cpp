// The channel round: its world, the caller script, the fault injector, and the CH checks.
#include "conformance/real_host_stress/channel_stress.h"

#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "conformance/real_host_stress/stress_calls.h"
#include "conformance/real_host_stress/stress_echo_peer.h"
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

constexpr unsigned char kUntouched = 0xA5;
constexpr std::size_t kLargeCapacity = 32;

std::string peer_address(std::size_t caller) {
  return "echo://stress-peer-" + std::to_string(caller);
}

bool is_message_operation(const std::string& operation) {
  return operation == "send" || operation == "receive" || operation == "request_reply";
}

bool untouched(const std::vector<unsigned char>& bytes) {
  for (unsigned char byte : bytes) {
    if (byte != kUntouched) {
      return false;
    }
  }
  return true;
}

// One caller's channel; `lifecycle` is held while it is created, aborted or freed, so an abort
// from the injector never runs into a freed channel.
struct CallerSlot {
  std::mutex lifecycle;
  lockstep_channel* channel = nullptr;
  bool live = false;
  std::atomic<bool> faulted_by_abort{false};
};

// What the channel rules need to know about one call.
struct ChannelCallNote {
  StressCall* call = nullptr;
  std::string operation;
  WS_CHANNEL_STATE before = WS_CHANNEL_STATE_CREATED;
  bool faulted_by_abort = false;
  bool optional = false;
  bool checked = false;
};

using Notes = std::vector<std::unique_ptr<ChannelCallNote>>;

// Where the network's drop observer finds the peer, which is made after the network.
struct PeerSlot {
  std::atomic<StressEchoPeer*> peer{nullptr};
};

RealNetworkConfig draw_network(Prng& prng, const std::shared_ptr<PeerSlot>& slot) {
  static constexpr std::uint64_t kDelayChoicesNs[] = {0, 20'000, 100'000};
  static constexpr std::uint32_t kDropChoices[] = {0, 0, 10, 40};
  static constexpr std::uint32_t kRefuseChoices[] = {0, 0, 30};
  RealNetworkConfig config;
  config.seed = prng.next_u64();
  config.delay_max_ns = kDelayChoicesNs[prng.below(3)];
  config.healed_delay_max_ns = config.delay_max_ns / 4;
  config.drop_per_mille = kDropChoices[prng.below(4)];
  config.refuse_per_mille = kRefuseChoices[prng.below(3)];
  config.on_drop = [slot](real_host::ConnectionId first, real_host::ConnectionId second) {
    if (StressEchoPeer* peer = slot->peer.load()) {
      peer->note_drop(first, second);
    }
  };
  return config;
}

RealHostConfig draw_host(Prng& prng, const lockstep_implementation& implementation) {
  RealHostConfig config;
  config.name = implementation.name != nullptr ? implementation.name : "implementation";
  config.worker_threads = static_cast<std::uint32_t>(1 + prng.below(3));
  // At least 2: the channel keeps one receive posted while it sends.
  config.io_limit = static_cast<std::uint32_t>(2 + prng.below(3));
  return config;
}

CallShape draw_shape(Prng& prng) {
  CallShape shape;
  shape.with_context = prng.chance(3, 4);
  shape.with_error = prng.chance(1, 2);
  return shape;
}

std::string draw_body(Prng& prng, std::uint64_t index) {
  std::string body = "m" + std::to_string(index) + "-";
  body.append(prng.below(12), 'x');
  return body;
}

// Mostly large enough; sometimes too small, so that WS_E_QUOTA_EXCEEDED paths run.
std::size_t draw_capacity(Prng& prng) {
  return prng.chance(1, 5) ? 1 + prng.below(3) : kLargeCapacity;
}

void pause(Prng& prng) {
  if (prng.chance(1, 3)) {
    real_host::sleep_for_ns(prng.below(4) * 20'000);
  }
}

class ChannelRound {
 public:
  ChannelRound(const lockstep_implementation& implementation, std::uint64_t seed, StressLog& log,
               const RoundSettings& settings)
      : implementation_(implementation),
        log_(log),
        settings_(settings),
        prng_(seed),
        peer_slot_(std::make_shared<PeerSlot>()),
        network_(draw_network(prng_, peer_slot_)),
        peer_host_(network_, RealHostConfig{"echo-peer", 2, 1024}),
        callers_(2 + prng_.below(3)) {
    std::vector<std::string> addresses;
    for (std::size_t caller = 0; caller < callers_; ++caller) {
      addresses.push_back(peer_address(caller));
      slots_.push_back(std::make_unique<CallerSlot>());
      // One host per channel, as in the simulated suite: io_limit bounds one instance.
      implementation_hosts_.push_back(
          std::make_unique<RealHost>(network_, draw_host(prng_, implementation)));
    }
    static constexpr std::uint32_t kShutdownChoices[] = {0, 20, 80};
    peer_ = std::make_unique<StressEchoPeer>(peer_host_, network_, std::move(addresses),
                                             kShutdownChoices[prng_.below(3)], prng_.next_u64());
    peer_slot_->peer = peer_.get();
    ledger_ = std::make_unique<CallLedger>(
        log_,
        [this]() -> std::optional<WS_CALLBACK_MODEL> {
          for (const auto& host : implementation_hosts_) {
            if (auto offered = host->offered_model_here()) {
              return offered;
            }
          }
          return std::nullopt;
        },
        [this] { return world_idle(); }, settings_.call_bound_seconds);
  }

  // Everything the threads touch lives in this object: a stuck round is leaked whole.
  RoundReport run() {
    RoundReport report;
    ThreadGroup callers;
    for (std::size_t caller = 0; caller < callers_; ++caller) {
      const std::uint64_t seed = prng_.next_u64();
      callers.start([this, caller, seed] { caller_script(caller, seed); });
    }
    ThreadGroup injector_thread;
    const std::uint64_t injector_seed = prng_.next_u64();
    const auto actions = static_cast<std::uint32_t>(prng_.below(5));
    injector_thread.start([this, injector_seed, actions] { injector(injector_seed, actions); });
    const bool callers_done =
        callers.join_or_abandon([this] { return world_idle(); },
                                settings_.stuck_after_quiet_seconds, settings_.round_bound_seconds);
    callers_finished_ = true;
    const bool injector_done =
        injector_thread.join_or_abandon([] { return false; }, 0, settings_.round_bound_seconds);
    peer_->stop_faults();
    network_.heal();
    bool hosts_stopped = true;
    for (const auto& host : implementation_hosts_) {
      hosts_stopped = host->shut_down() && hosts_stopped;
    }
    peer_->close_all();
    const bool peer_stopped = peer_host_.shut_down();
    network_.stop();
    peer_slot_->peer = nullptr;
    for (std::size_t caller = 0; caller < callers_; ++caller) {
      for (const real_host::HostObservation& observation :
           implementation_hosts_[caller]->observations()) {
        log_.record(observation.rule, "caller " + std::to_string(caller) + " host",
                    observation.explanation);
      }
    }
    ledger_->finish([this](const StressCall& call) -> const char* {
      if (call.pending_at_abort.load()) {
        return "CH1";
      }
      if (peer_->drops_of(static_cast<std::size_t>(call.owner())) > call.drops_at_start) {
        return "CH6";
      }
      return nullptr;
    });
    report.calls = ledger_->calls();
    report.leak_reason = stuck_parts({{"callers", callers_done},
                                      {"injector", injector_done},
                                      {"implementation hosts", hosts_stopped},
                                      {"peer host", peer_stopped}});
    report.leaked = !report.leak_reason.empty();
    return report;
  }

 private:
  bool world_idle() const {
    for (const auto& host : implementation_hosts_) {
      if (!host->idle()) {
        return false;
      }
    }
    return peer_host_.idle() && network_.idle() && real_host::foreign_threads_running() == 0;
  }

  void violation(const char* rule, const std::string& operation, std::string explanation) {
    log_.record(rule, operation, std::move(explanation));
  }

  WS_CHANNEL_STATE state(std::size_t caller) {
    const real_host::ForeignCallScope inside;
    WS_CHANNEL_STATE state = WS_CHANNEL_STATE_CREATED;
    implementation_.channel->get_channel_state(slots_[caller]->channel, &state, nullptr);
    return state;
  }

  ChannelCallNote& begin(Notes& notes, std::size_t caller, const std::string& operation,
                         CallShape shape) {
    auto note = std::make_unique<ChannelCallNote>();
    note->operation = operation;
    note->before = state(caller);
    note->faulted_by_abort =
        note->before == WS_CHANNEL_STATE_FAULTED && slots_[caller]->faulted_by_abort.load();
    note->call = &ledger_->start(operation, shape, static_cast<int>(caller));
    note->call->drops_at_start = peer_->drops_of(caller);
    notes.push_back(std::move(note));
    return *notes.back();
  }

  ChannelCallNote& open(Notes& notes, std::size_t caller, CallShape shape) {
    ChannelCallNote& note = begin(notes, caller, "open", shape);
    const std::string address = peer_address(caller);
    auto* text = reinterpret_cast<char*>(
        note.call->add_buffer(address.size() + 1, Ownership::until_return, address.c_str()));
    lockstep_channel* channel = slots_[caller]->channel;
    note.call->invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
      return implementation_.channel->open_channel(channel, text, context, error);
    });
    return note;
  }

  ChannelCallNote& send(Notes& notes, std::size_t caller, const std::string& body,
                        CallShape shape) {
    ChannelCallNote& note = begin(notes, caller, "send", shape);
    unsigned char* data =
        note.call->add_buffer(body.size(), Ownership::until_completion, body.data());
    lockstep_channel* channel = slots_[caller]->channel;
    note.call->invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
      return implementation_.channel->send_message(channel, data, body.size(), context, error);
    });
    return note;
  }

  ChannelCallNote& receive(Notes& notes, std::size_t caller, bool optional, std::size_t capacity,
                           CallShape shape) {
    ChannelCallNote& note = begin(notes, caller, "receive", shape);
    note.optional = optional;
    unsigned char* body =
        note.call->add_buffer(capacity, Ownership::until_completion, nullptr, kUntouched);
    auto* size = reinterpret_cast<std::size_t*>(note.call->add_buffer(
        sizeof(std::size_t), Ownership::until_completion, nullptr, kUntouched));
    lockstep_channel* channel = slots_[caller]->channel;
    note.call->invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
      return implementation_.channel->receive_message(channel, optional ? TRUE : FALSE, body,
                                                      capacity, size, context, error);
    });
    return note;
  }

  ChannelCallNote& request_reply(Notes& notes, std::size_t caller, const std::string& request,
                                 std::size_t capacity, CallShape shape) {
    ChannelCallNote& note = begin(notes, caller, "request_reply", shape);
    unsigned char* data =
        note.call->add_buffer(request.size(), Ownership::until_completion, request.data());
    unsigned char* reply = note.call->add_buffer(capacity, Ownership::until_completion);
    auto* reply_size = reinterpret_cast<std::size_t*>(
        note.call->add_buffer(sizeof(std::size_t), Ownership::until_completion));
    lockstep_channel* channel = slots_[caller]->channel;
    note.call->invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
      return implementation_.channel->request_reply(channel, data, request.size(), reply, capacity,
                                                    reply_size, context, error);
    });
    return note;
  }

  ChannelCallNote& close(Notes& notes, std::size_t caller, CallShape shape) {
    ChannelCallNote& note = begin(notes, caller, "close", shape);
    lockstep_channel* channel = slots_[caller]->channel;
    note.call->invoke([&](const WS_ASYNC_CONTEXT* context, WS_ERROR* error) {
      return implementation_.channel->close_channel(channel, context, error);
    });
    return note;
  }

  // Waits for the call, then checks what the contract says about its result and the state
  // after it. False when the call never completed (the caller stops its script there).
  bool wait(ChannelCallNote& note, std::size_t caller) {
    if (ledger_->wait(*note.call) != WaitOutcome::completed) {
      return false;
    }
    check_completed(note);
    const bool close_must_close =
        note.operation == "close" && note.before != WS_CHANNEL_STATE_CLOSED &&
        note.before != WS_CHANNEL_STATE_CLOSING && note.before != WS_CHANNEL_STATE_OPENING;
    if (close_must_close) {
      const WS_CHANNEL_STATE after = state(caller);  // CLOSED is final: nothing can leave it
      if (after != WS_CHANNEL_STATE_CLOSED) {
        violation(note.faulted_by_abort ? "CH2" : "CH4", note.call->label(),
                  std::string("close called on ") + channel_state_name(note.before) +
                      " completed with " + hresult_text(note.call->result()) +
                      " but left the channel " + channel_state_name(after) + " instead of CLOSED");
      }
    }
    return true;
  }

  void check_completed(ChannelCallNote& note) {
    if (note.checked || !note.call->completed()) {
      return;
    }
    note.checked = true;
    const HRESULT result = note.call->result();
    const WS_CHANNEL_STATE before = note.before;
    auto expect = [&](HRESULT expected, const char* rule) {
      if (result != expected) {
        violation(rule, note.call->label(),
                  note.operation + " on a " + channel_state_name(before) + " channel returned " +
                      hresult_text(result) + " instead of " + hresult_text(expected));
      }
    };
    if (is_message_operation(note.operation) || note.operation == "open") {
      if (before == WS_CHANNEL_STATE_FAULTED) {
        expect(WS_E_OBJECT_FAULTED, note.faulted_by_abort ? "CH2" : "CH5");
      } else if (before == WS_CHANNEL_STATE_CLOSED) {
        expect(WS_E_INVALID_OPERATION, "CH5");
      } else if (before == WS_CHANNEL_STATE_CREATED && note.operation != "open") {
        expect(WS_E_INVALID_OPERATION, "CH5");
      } else if (note.operation == "open" && before != WS_CHANNEL_STATE_CREATED &&
                 result != WS_E_INVALID_OPERATION && result != WS_E_OBJECT_FAULTED) {
        expect(WS_E_INVALID_OPERATION, "CH5");  // a second open
      }
    }
    if (note.operation == "receive" && note.optional && result == WS_S_END) {
      const bool body_kept = untouched(note.call->snapshot(0));
      const bool size_kept = untouched(note.call->snapshot(1));
      if (!body_kept || !size_kept) {
        violation("CH7", note.call->label(),
                  std::string("optional receive returned WS_S_END but changed its ") +
                      (size_kept ? "body" : "*body_size") + " out-parameter");
      }
    }
  }

  void abort(std::size_t caller, bool try_only) {
    CallerSlot& slot = *slots_[caller];
    std::unique_lock<std::mutex> lifecycle(slot.lifecycle, std::defer_lock);
    if (try_only) {
      if (!lifecycle.try_lock()) {
        return;  // the caller is creating or freeing it: the injector tries another moment
      }
    } else {
      lifecycle.lock();
    }
    if (!slot.live) {
      return;
    }
    const std::string label = "caller " + std::to_string(caller) + " abort";
    const WS_CHANNEL_STATE before = state(caller);
    const bool had_work = before == WS_CHANNEL_STATE_OPENING || before == WS_CHANNEL_STATE_OPEN ||
                          before == WS_CHANNEL_STATE_CLOSING;
    const std::vector<StressCall*> pending = ledger_->pending(static_cast<int>(caller));
    const std::uint64_t waits_before = RealHost::event_waits_on_this_thread();
    const HRESULT result = [&] {
      const real_host::ForeignCallScope inside;
      return implementation_.channel->abort_channel(slot.channel, nullptr);
    }();
    const std::uint64_t waits = RealHost::event_waits_on_this_thread() - waits_before;
    if (waits > 0) {
      violation(
          "CH3", label,
          "abort blocked: " + std::to_string(waits) + " event wait(s) on the aborting thread");
    }
    if (result != S_OK) {
      violation("CH2", label, "abort returned " + hresult_text(result));
    }
    const WS_CHANNEL_STATE after = state(caller);
    if ((before == WS_CHANNEL_STATE_OPEN || before == WS_CHANNEL_STATE_OPENING) &&
        after != WS_CHANNEL_STATE_FAULTED && after != WS_CHANNEL_STATE_CLOSED) {
      // CLOSED: the caller's close may have run on its own thread in between.
      violation("CH2", label,
                std::string("abort on an ") + channel_state_name(before) + " channel left it " +
                    channel_state_name(after) + " instead of FAULTED");
    }
    if (before == WS_CHANNEL_STATE_CLOSED && after != WS_CHANNEL_STATE_CLOSED) {
      violation("CH2", label,
                std::string("abort on a CLOSED channel left it ") + channel_state_name(after));
    }
    if (after == WS_CHANNEL_STATE_FAULTED && had_work) {
      slot.faulted_by_abort = true;
    }
    if (had_work) {
      for (StressCall* call : pending) {
        call->pending_at_abort = true;
      }
    }
  }

  // The simulated channel suite's caller script, on a real thread with its own generator.
  void caller_script(std::size_t caller, std::uint64_t seed) {
    Prng prng(seed);
    CallerSlot& slot = *slots_[caller];
    {
      const real_host::ForeignCallScope inside;
      std::lock_guard<std::mutex> lifecycle(slot.lifecycle);
      if (FAILED(implementation_.channel->create_channel(
              &implementation_, implementation_hosts_[caller]->table(), &slot.channel, nullptr)) ||
          slot.channel == nullptr) {
        return;
      }
      slot.live = true;
    }
    Notes notes;
    std::vector<ChannelCallNote*> in_flight;
    bool stuck = false;
    auto await = [&](ChannelCallNote& note) {
      if (!stuck && !wait(note, caller)) {
        stuck = true;
      }
    };
    auto keep_or_wait = [&](ChannelCallNote& note) {
      if (prng.chance(1, 2)) {
        await(note);
      } else {
        in_flight.push_back(&note);
      }
    };
    if (prng.chance(1, 6)) {  // misuse before open (CH5)
      await(prng.chance(1, 2) ? send(notes, caller, "early", draw_shape(prng))
                              : receive(notes, caller, prng.chance(1, 2), 8, draw_shape(prng)));
    }
    await(open(notes, caller, draw_shape(prng)));
    if (!stuck && prng.chance(1, 8)) {  // a second open (CH5)
      await(open(notes, caller, draw_shape(prng)));
    }
    std::int64_t echoes_owed = 0;
    const std::uint64_t operations = 2 + prng.below(6);
    for (std::uint64_t index = 0; index < operations && !stuck; ++index) {
      std::uint64_t kind = prng.below(3);
      if (kind == 1 && echoes_owed <= 0) {
        kind = 0;
      }
      if (kind == 0 && prng.chance(1, 4)) {
        // A burst of sends left in flight: more than the I/O limit queue inside the channel.
        const std::uint64_t burst = 2 + prng.below(4);
        for (std::uint64_t sent = 0; sent < burst; ++sent) {
          CallShape shape = draw_shape(prng);
          shape.with_context = true;
          in_flight.push_back(&send(notes, caller, draw_body(prng, index), shape));
          ++echoes_owed;
        }
      } else if (kind == 0) {
        keep_or_wait(send(notes, caller, draw_body(prng, index), draw_shape(prng)));
        ++echoes_owed;
      } else if (kind == 1) {
        const bool optional = prng.chance(1, 2);
        keep_or_wait(receive(notes, caller, optional, draw_capacity(prng), draw_shape(prng)));
        --echoes_owed;
      } else {
        keep_or_wait(request_reply(notes, caller, draw_body(prng, index), draw_capacity(prng),
                                   draw_shape(prng)));
      }
      pause(prng);
      if (prng.chance(1, 10)) {
        abort(caller, false);  // the caller's own abort, racing the completions on the workers
      }
    }
    if (!stuck && prng.chance(1, 3)) {
      // A parting message in flight when close starts: close waits for it; the peer may drop
      // the connection on it (a failed graceful shutdown, CH4).
      CallShape shape = draw_shape(prng);
      shape.with_context = true;
      in_flight.push_back(&send(notes, caller, StressEchoPeer::kPartingPrefix, shape));
    }
    const bool trailing_receive = !stuck && prng.chance(1, 3);
    if (trailing_receive) {
      // Left waiting across close: it ends with WS_S_END if the peer ended the session (CH7),
      // else close completes it. Asynchronous, or the caller could not close.
      CallShape shape = draw_shape(prng);
      shape.with_context = true;
      in_flight.push_back(&receive(notes, caller, true, draw_capacity(prng), shape));
    }
    const bool close_with_calls_in_flight =
        trailing_receive || (!in_flight.empty() && prng.chance(1, 2));
    if (!close_with_calls_in_flight) {
      for (ChannelCallNote* note : in_flight) {
        await(*note);
      }
    }
    if (!stuck) {
      await(close(notes, caller, draw_shape(prng)));
    }
    for (ChannelCallNote* note : in_flight) {
      await(*note);
    }
    if (!stuck && prng.chance(1, 6)) {  // misuse after close (CH5; a second close unchecked)
      await(prng.chance(1, 2) ? send(notes, caller, "late", draw_shape(prng))
                              : close(notes, caller, draw_shape(prng)));
    }
    if (stuck) {
      return;  // a call never completed: the channel may still be in use, never free it
    }
    const real_host::ForeignCallScope inside;
    std::lock_guard<std::mutex> lifecycle(slot.lifecycle);
    slot.live = false;
    implementation_.channel->free_channel(slot.channel);
  }

  // The fault injector: aborts channels and drops connections at real moments.
  void injector(std::uint64_t seed, std::uint32_t actions) {
    Prng prng(seed);
    for (std::uint32_t action = 0; action < actions && !callers_finished_; ++action) {
      real_host::sleep_for_ns(50'000 + prng.below(750'000));
      if (callers_finished_) {
        return;
      }
      const std::size_t caller = prng.below(callers_);
      if (prng.chance(2, 3)) {
        abort(caller, true);
      } else {
        const real_host::ForeignCallScope inside;  // the drop hands completions to hosts
        peer_->drop_connection_of(caller);
      }
    }
  }

  const lockstep_implementation& implementation_;
  StressLog& log_;
  const RoundSettings settings_;
  Prng prng_;
  std::shared_ptr<PeerSlot> peer_slot_;
  RealNetwork network_;
  RealHost peer_host_;
  const std::size_t callers_;
  std::vector<std::unique_ptr<RealHost>> implementation_hosts_;
  std::vector<std::unique_ptr<CallerSlot>> slots_;
  std::unique_ptr<StressEchoPeer> peer_;
  std::unique_ptr<CallLedger> ledger_;
  std::atomic<bool> callers_finished_{false};
};

}  // namespace

RoundReport run_channel_round(const lockstep_implementation& implementation, std::uint64_t seed,
                              StressLog& log, const RoundSettings& settings) {
  auto round = std::make_unique<ChannelRound>(implementation, seed, log, settings);
  const RoundReport report = round->run();
  if (report.leaked) {
    static_cast<void>(round.release());  // a stuck thread may still use it: never freed
  }
  return report;
}

}  // namespace lockstep::stress
