// Everything a pattern schedule runs on: the World and its three hosts (the client's, the
// service's, the backend that completes the service's work), the exchange ledger, the
// service's work, the service side of the chosen pattern behind the harness's dispatcher, and
// the clients.
//
// Why it exists: the pattern suites run a whole schedule (pattern_schedule.h) and the stateful
// property drives one client command by command; both build this, so they run the same
// service, dispatcher, channel and drivers. What the harness's channel and work do for each
// call comes from the scenario's draws, unless a call was given its own choices
// (set_call_choices: a property's generated values, which shrink). Invariant: the simulation
// is shut down before anything its fibers refer to is destroyed, and the implementation's
// instances are freed only after that (nothing of it runs any more).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>

#include "conformance/patterns/pattern_client.h"
#include "conformance/patterns/pattern_dispatcher.h"
#include "conformance/patterns/pattern_exchange.h"
#include "conformance/patterns/pattern_parts.h"
#include "conformance/patterns/pattern_plans.h"
#include "conformance/patterns/pattern_scenario.h"
#include "conformance/patterns/pattern_service_side.h"
#include "conformance/patterns/service_work.h"
#include "harness/host/world.h"

namespace lockstep::conformance {

/// How the harness completes one call's underlying operations, when given rather than drawn.
struct CallChoices {
  UnderlyingMode channel_mode = UnderlyingMode::later;
  WorkChoice work;
};

class PatternWorld {
 public:
  /// The combination is `fixed`, or drawn for `family` (one of them is set).
  PatternWorld(const lockstep_implementation& implementation, std::optional<PatternFamily> family,
               std::optional<PatternCombination> fixed, const harness::WorldConfig& config,
               std::unique_ptr<Strategy> strategy);
  ~PatternWorld();
  PatternWorld(const PatternWorld&) = delete;
  PatternWorld& operator=(const PatternWorld&) = delete;

  harness::World& world() { return *world_; }
  PatternScenario& scenario() { return *scenario_; }
  ExchangeLedger& ledger() { return *ledger_; }
  const PatternCombination& combination() const { return combination_; }
  /// A new client of the combination's client pattern; its fiber is the caller's to run.
  PatternClient& add_client();
  /// The choices of `call`'s underlying operations, instead of the scenario's draws.
  void set_call_choices(const PatternCall& call, CallChoices choices);

 private:
  UnderlyingMode channel_mode(const PatternCall& call, bool with_context);
  WorkChoice work_choice(const PatternCall& call, bool with_context, bool with_token);

  std::unique_ptr<harness::World> world_;
  std::unique_ptr<PatternScenario> scenario_;
  PatternParts parts_;
  PatternCombination combination_;
  harness::SimulatedHost* client_host_ = nullptr;
  std::unique_ptr<ExchangeLedger> ledger_;
  std::unique_ptr<ServiceWork> work_;
  std::unique_ptr<PatternServiceSide> service_;
  std::unique_ptr<PatternDispatcher> dispatcher_;
  std::deque<std::unique_ptr<PatternClient>> clients_;
  std::map<std::uint32_t, CallChoices> call_choices_;  // by call id
};

}  // namespace lockstep::conformance
