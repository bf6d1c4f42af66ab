// The system under test of the service host property: one live World with the service host
// of an implementation (driven by a ServiceDriver, which checks SV1-SV7), clients that the
// commands create and steer, and the caller's mailbox.
//
// Why clients are fibers of their own: a request blocks its client until the reply comes,
// while the caller goes on issuing commands (other clients, an abort, a close), so calls of
// several clients are in flight at once, as on a real host. A client runs the actions posted
// to it in order and idles in between. Invariant: the objects fibers refer to (driver, client
// slots) are unwound by the simulation's shutdown before they are destroyed.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "conformance/properties/caller_mailbox.h"
#include "conformance/service/raw_client.h"
#include "conformance/service/service_driver.h"
#include "harness/host/world.h"
#include "lockstep/implementation.h"
#include "scheduler/wait_queue.h"

namespace lockstep::conformance::properties {

/// "context, no-error" and the like.
std::string host_call_shape_text(const HostCallShape& shape);

/// What the generated caller chooses for the whole case, before any command.
struct ServiceCaseSettings {
  bool full_fault_disclosure = false;
  std::uint64_t close_timeout_ns = 0;
  HostCallShape open_shape;
  HostCallShape final_close_shape;  ///< the close at the end, if no command closed the host

  std::string to_text() const;
};

/// One client made by a command: its connection and the actions posted to it.
struct ServiceClientSlot {
  std::size_t index = 0;
  std::unique_ptr<RawClient> client;
  FiberId fiber = 0;
  std::deque<std::function<void(ServiceClientSlot&)>> actions;
  bool idle = false;            ///< blocked, waiting for an action
  bool session_over = false;    ///< refused, dropped, ended by the host, or a failed send
  bool ended_by_reply = false;  ///< an operation returned WS_S_END on this session
  bool leaving = false;         ///< its last action ran: it closes its connection and ends
};

/// What the caller fiber holds across commands.
struct ServiceCaller {
  ServiceDriver* driver = nullptr;
  harness::World* world = nullptr;
  std::deque<ServiceClientSlot> clients;  ///< a deque: slots never move once fibers use them
  bool close_started = false;
  /// Notified when a client fiber ends; ServiceSystem::finish waits on it. Made by the
  /// system, which owns the world it waits in.
  std::unique_ptr<WaitQueue> clients_ended;

  /// Spawns a client fiber that connects to the host, then runs what is posted to it.
  void connect_client();
  /// Queues `action` for client `index` and wakes it if it idles.
  void post(std::size_t index, std::function<void(ServiceClientSlot&)> action);
  /// Client `index` sends one request; with `await_reply` it waits for the reply and checks
  /// it, without it the client goes away with the call in flight (the host must cancel it).
  void request(std::size_t index, bool await_reply);
  /// Client `index` closes its connection after what is already queued.
  void leave(std::size_t index);
  /// The line under client `index` drops now (both ends see it).
  void drop(std::size_t index);
  /// A closer thread starts closing the host; the caller goes on.
  void start_close(HostCallShape shape);
  /// Every client fiber has ended (left, walked away, or found its session over).
  bool clients_finished() const;
};

class ServiceSystem {
 public:
  /// `strategy` null: the one the seed stands for (strategy_for_seed); a replay passes its own.
  ServiceSystem(const lockstep_implementation& implementation, std::uint64_t schedule_seed,
                const ServiceCaseSettings& settings, std::unique_ptr<Strategy> strategy = nullptr);
  ~ServiceSystem();
  ServiceSystem(const ServiceSystem&) = delete;
  ServiceSystem& operator=(const ServiceSystem&) = delete;

  /// Runs `action` on the caller fiber, stepping the world until the caller waits again.
  void run_on_caller(std::function<void(ServiceCaller&)> action);
  /// Every client leaves, the host is closed if no command closed it, then the world runs to
  /// its end (the driver's end-of-schedule checks). Call once.
  harness::ScheduleOutcome finish();
  std::uint64_t calls_invoked() const { return driver_->calls_invoked(); }

 private:
  std::unique_ptr<harness::World> world_;
  std::unique_ptr<ServiceDriver> driver_;
  ServiceCaller caller_;
  std::unique_ptr<CallerMailbox> mailbox_;
  HostCallShape final_close_shape_;
};

}  // namespace lockstep::conformance::properties
