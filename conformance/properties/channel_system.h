// The system under test of the channel lifecycle property: one live World with a client
// channel of an implementation, a commanded echo peer and the caller's mailbox.
//
// Commands reach it only through `caller()`, which runs on the caller fiber; what the
// caller keeps between commands (calls left in flight) lives in ChannelCaller. Invariant: the
// objects fibers refer to (driver, peer, caller state) are unwound by the simulation's
// shutdown before they are destroyed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "conformance/channel/channel_driver.h"
#include "conformance/properties/caller_mailbox.h"
#include "conformance/properties/commanded_peer.h"
#include "harness/host/world.h"
#include "lockstep/implementation.h"

namespace lockstep::conformance::properties {

/// What the caller fiber holds across commands.
struct ChannelCaller {
  static constexpr const char* kPeerAddress = "echo://property-peer";

  ChannelDriver* driver = nullptr;
  CommandedPeer* peer = nullptr;
  Simulation* simulation = nullptr;
  std::vector<harness::MonitoredCall*> in_flight;  ///< asynchronous calls not yet awaited
  bool observed_faulted = false;  ///< the state query after some command said FAULTED

  /// Waits for every call left in flight, oldest first.
  void await_all();
};

class ChannelSystem {
 public:
  /// `strategy` null: the one the seed stands for (strategy_for_seed); a replay passes its own.
  ChannelSystem(const lockstep_implementation& implementation, std::uint64_t schedule_seed,
                std::unique_ptr<Strategy> strategy = nullptr);
  ~ChannelSystem();
  ChannelSystem(const ChannelSystem&) = delete;
  ChannelSystem& operator=(const ChannelSystem&) = delete;

  /// Runs `action` on the caller fiber, stepping the world until the caller waits again.
  void run_on_caller(std::function<void(ChannelCaller&)> action);
  /// Closes the channel if the caller has not, awaits everything, frees the channel, then
  /// runs the world to its end. Call once.
  harness::ScheduleOutcome finish(bool closed_by_commands);
  bool observed_faulted() const { return caller_.observed_faulted; }

 private:
  std::unique_ptr<harness::World> world_;
  std::unique_ptr<CommandedPeer> peer_;
  std::unique_ptr<ChannelDriver> driver_;
  ChannelCaller caller_;
  std::unique_ptr<CallerMailbox> mailbox_;
};

}  // namespace lockstep::conformance::properties
