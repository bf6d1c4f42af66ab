// The echo peer's accept and receive loops, on its own real host's workers.
#include "conformance/real_host_stress/stress_echo_peer.h"

#include <string_view>

namespace lockstep::stress {

using real_host::ConnectionId;
using real_host::RealHost;

StressEchoPeer::StressEchoPeer(RealHost& host, real_host::RealNetwork& network,
                               std::vector<std::string> addresses, std::uint32_t shutdown_per_mille,
                               std::uint64_t seed)
    : network_(network),
      table_(*host.table()),
      shutdown_per_mille_(shutdown_per_mille),
      prng_(seed) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (std::size_t caller = 0; caller < addresses.size(); ++caller) {
    auto listening = std::make_unique<Listening>();
    listening->peer = this;
    listening->caller = caller;
    if (FAILED(table_.listen(table_.self, addresses[caller].c_str(), &listening->listener))) {
      listening_ = false;
      continue;
    }
    accept_next(*listening);
    listeners_.push_back(std::move(listening));
  }
}

StressEchoPeer::~StressEchoPeer() = default;

void StressEchoPeer::accept_next(Listening& listening) {
  if (closing_) {
    return;
  }
  table_.accept(table_.self, listening.listener, &StressEchoPeer::on_accepted, &listening);
}

void StressEchoPeer::on_accepted(void* state, HRESULT result, lockstep_connection* handle) {
  auto& listening = *static_cast<Listening*>(state);
  StressEchoPeer& peer = *listening.peer;
  std::lock_guard<std::mutex> lock(peer.mutex_);
  if (FAILED(result)) {
    return;  // the listener closed
  }
  const ConnectionId id = RealHost::connection_id(handle);
  auto connection = std::make_unique<Connection>();
  connection->peer = &peer;
  connection->caller = listening.caller;
  connection->handle = handle;
  Connection& accepted = *connection;
  peer.connections_.emplace(id, std::move(connection));
  peer.caller_of_connection_[id] = listening.caller;
  peer.caller_of_connection_[peer.network_.peer_of(id)] = listening.caller;
  if (peer.closing_) {
    peer.close_locked(accepted);
    return;
  }
  peer.receive_next(accepted);
  peer.accept_next(listening);
}

void StressEchoPeer::receive_next(Connection& connection) {
  if (FAILED(table_.receive(table_.self, connection.handle, &StressEchoPeer::on_received,
                            &connection))) {
    close_locked(connection);
  }
}

void StressEchoPeer::on_sent(void*, HRESULT) {}

void StressEchoPeer::on_received(void* state, HRESULT result, const void* message, size_t size) {
  auto& connection = *static_cast<Connection*>(state);
  StressEchoPeer& peer = *connection.peer;
  std::lock_guard<std::mutex> lock(peer.mutex_);
  if (result != S_OK || peer.closing_) {
    peer.close_locked(connection);  // ended, dropped or closed: nothing more to echo
    return;
  }
  const std::string_view text(static_cast<const char*>(message), size);
  if (peer.faults_ && text.starts_with(kPartingPrefix) && peer.prng_.chance(1, 2)) {
    peer.network_.drop(RealHost::connection_id(connection.handle));
    peer.close_locked(connection);
    return;
  }
  if (peer.faults_ && peer.prng_.chance(peer.shutdown_per_mille_, 1000)) {
    peer.table_.shutdown_session(peer.table_.self, connection.handle);
    peer.receive_next(connection);  // its completion ends with an error once the caller closes
    return;
  }
  peer.table_.send(peer.table_.self, connection.handle, message, size, &StressEchoPeer::on_sent,
                   nullptr);
  peer.receive_next(connection);
}

void StressEchoPeer::close_locked(Connection& connection) {
  if (!connection.closed) {
    connection.closed = true;
    table_.close_connection(table_.self, connection.handle);
  }
}

bool StressEchoPeer::drop_connection_of(std::size_t caller) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [id, connection] : connections_) {
    if (connection->caller == caller && !connection->closed && network_.drop(id)) {
      return true;
    }
  }
  return false;
}

// Called under the network's lock, possibly while a peer completion holds mutex_ and waits for
// the network (a parting drop): so only drop_mutex_, a leaf lock, is taken here, and the ids are
// resolved to callers when asked.
void StressEchoPeer::note_drop(ConnectionId first, ConnectionId second) {
  std::lock_guard<std::mutex> lock(drop_mutex_);
  dropped_pairs_.emplace_back(first, second);
}

std::uint64_t StressEchoPeer::drops_of(std::size_t caller) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::lock_guard<std::mutex> drops_lock(drop_mutex_);
  std::uint64_t drops = 0;
  for (const auto& [first, second] : dropped_pairs_) {
    for (const ConnectionId end : {first, second}) {
      auto found = caller_of_connection_.find(end);
      if (found != caller_of_connection_.end()) {
        drops += found->second == caller ? 1 : 0;
        break;
      }
    }
  }
  return drops;
}

void StressEchoPeer::close_all() {
  std::lock_guard<std::mutex> lock(mutex_);
  closing_ = true;
  for (const auto& listening : listeners_) {
    table_.close_listener(table_.self, listening->listener);
  }
  for (auto& [id, connection] : connections_) {
    close_locked(*connection);
  }
}

}  // namespace lockstep::stress
