// The other end of the wire for real-host stress rounds: an echo server on its own real host,
// written against the lockstep_host table like any implementation.
//
// It listens on one address per caller (so it knows whose connection each one is), echoes
// every message back and, while faults are on, ends a session instead of echoing with
// shutdown_per_mille, and drops the connection on half of the "parting" messages (a failed
// graceful shutdown under a close, rule CH4). Drops of a caller's connections, by the peer, by
// the stress's injector or drawn by the network, are counted per caller (rule CH6).
//
// Invariants: every accept and receive it starts is paired with one completion, which frees
// its state; after close_all() it starts nothing new; it is destroyed only after its host has
// shut down (completions refer to it).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "harness/real_host/real_host.h"
#include "scheduler/prng.h"

namespace lockstep::stress {

class StressEchoPeer {
 public:
  static constexpr const char* kPartingPrefix = "parting";

  StressEchoPeer(real_host::RealHost& host, real_host::RealNetwork& network,
                 std::vector<std::string> addresses, std::uint32_t shutdown_per_mille,
                 std::uint64_t seed);
  ~StressEchoPeer();
  StressEchoPeer(const StressEchoPeer&) = delete;
  StressEchoPeer& operator=(const StressEchoPeer&) = delete;

  /// False if some address could not be listened on.
  bool listening() const { return listening_; }
  /// No more session ends or parting drops.
  void stop_faults() { faults_ = false; }
  /// Drops one live connection of caller `caller`; false if it has none.
  bool drop_connection_of(std::size_t caller);
  /// For RealNetworkConfig::on_drop (under the network's lock: only counts).
  void note_drop(real_host::ConnectionId first, real_host::ConnectionId second);
  /// Drops seen on caller `caller`'s connections so far.
  std::uint64_t drops_of(std::size_t caller) const;
  /// Closes the listeners and every connection; nothing new starts afterwards.
  void close_all();

 private:
  struct Listening {
    StressEchoPeer* peer = nullptr;
    std::size_t caller = 0;
    lockstep_listener* listener = nullptr;
  };
  struct Connection {
    StressEchoPeer* peer = nullptr;
    std::size_t caller = 0;
    lockstep_connection* handle = nullptr;
    bool closed = false;
  };
  static void on_accepted(void* state, HRESULT result, lockstep_connection* connection);
  static void on_received(void* state, HRESULT result, const void* message, size_t size);
  static void on_sent(void* state, HRESULT result);
  void accept_next(Listening& listening);
  void receive_next(Connection& connection);
  void close_locked(Connection& connection);

  real_host::RealNetwork& network_;
  const lockstep_host& table_;
  const std::uint32_t shutdown_per_mille_;
  std::atomic<bool> faults_{true};
  bool listening_ = true;

  mutable std::mutex mutex_;
  Prng prng_;
  bool closing_ = false;
  std::vector<std::unique_ptr<Listening>> listeners_;
  std::map<real_host::ConnectionId, std::unique_ptr<Connection>> connections_;
  std::map<real_host::ConnectionId, std::size_t> caller_of_connection_;  // both ends
  mutable std::mutex drop_mutex_;  // a leaf: taken under the network's lock
  std::vector<std::pair<real_host::ConnectionId, real_host::ConnectionId>> dropped_pairs_;
};

}  // namespace lockstep::stress
