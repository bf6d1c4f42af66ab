// A host table that forwards to a SimulatedHost and lets the service driver watch three things
// the SV rules depend on but the wire cannot show: when memory goes back to the host (SV1, SV5,
// SV7), which connections the host accepts (SV6), and when each message it sends has been
// written (SV7: a message is written once the host's send of it has returned, because send
// copies the message during the call; see lockstep/implementation.h).
//
// Released blocks are not freed at once: their bytes are overwritten with kReleasedByte and
// kept in quarantine until release_quarantine(), so that an implementation that reads memory
// after releasing it sends visibly wrong bytes instead of crashing the harness. Hooks run on
// the implementation's thread, before the event they describe is forwarded, except
// on_send_returned, which runs once the forwarded send has returned.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string_view>
#include <vector>

#include "harness/host/simulated_host.h"
#include "lockstep/host.h"

namespace lockstep::conformance {

class ServiceObservingHost {
 public:
  static constexpr unsigned char kReleasedByte = 0xDD;

  explicit ServiceObservingHost(harness::SimulatedHost& inner);
  ~ServiceObservingHost();
  ServiceObservingHost(const ServiceObservingHost&) = delete;
  ServiceObservingHost& operator=(const ServiceObservingHost&) = delete;

  /// The table handed to the implementation.
  const lockstep_host* table() const { return &table_; }

  /// `block` (of `bytes` bytes) is being released; its bytes are still intact.
  std::function<void(const void* block, std::size_t bytes)> on_release;
  /// The host accepted `server_connection`.
  std::function<void(harness::ConnectionId server_connection)> on_accepted;
  /// The host starts sending `message` on `server_connection`; the result names the send.
  std::function<std::uint64_t(harness::ConnectionId server_connection, std::string_view message)>
      on_send;
  /// The send named `send` returned `result`: its message is written (S_OK), or never will be.
  std::function<void(std::uint64_t send, HRESULT result)> on_send_returned;
  /// The send named `send` completed: the message reached the peer's inbox, or failed.
  std::function<void(std::uint64_t send, HRESULT result)> on_send_completed;

  /// Frees the quarantined blocks for real. Call once nothing can touch them any more.
  void release_quarantine();
  std::size_t quarantined_blocks() const { return quarantine_.size(); }

 private:
  struct PendingAccept {
    ServiceObservingHost* owner;
    std::uint64_t key;
    lockstep_accept_completion completion;
    void* state;
  };
  struct PendingSend {
    ServiceObservingHost* owner;
    std::uint64_t key;
    std::uint64_t send;
    lockstep_send_completion completion;
    void* state;
  };
  static ServiceObservingHost& from(void* self) {
    return *static_cast<ServiceObservingHost*>(self);
  }
  static const lockstep_host& inner(void* self) { return *from(self).inner_; }
  void fill_table();
  void* allocate(std::size_t bytes);
  void release(void* block);
  HRESULT accept(lockstep_listener* listener, lockstep_accept_completion completion, void* state);
  HRESULT send(lockstep_connection* connection, const void* message, std::size_t size,
               lockstep_send_completion completion, void* state);

  const lockstep_host* inner_;
  lockstep_host table_{};
  std::map<const void*, std::size_t> sizes_;  // lookup only, never iterated
  std::vector<void*> quarantine_;
  std::uint64_t next_key_ = 1;
  std::map<std::uint64_t, std::unique_ptr<PendingAccept>> accepts_;
  std::map<std::uint64_t, std::unique_ptr<PendingSend>> sends_;
};

}  // namespace lockstep::conformance
