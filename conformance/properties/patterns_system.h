// The system under test of the pattern-calls property: one live PatternWorld (the dispatcher
// and the service of the case's combination, the harness's channel and work) with one client,
// driven command by command through the caller's mailbox.
//
// Why it exists: the pattern suites draw a whole schedule at once; the property generates the
// client's calls (each with its plan and the way its channel request and its service work
// complete) as RapidCheck values, so that a failure shrinks to the fewest, simplest calls.
// The client's fiber is the mailbox's caller fiber (for the event-based pattern, also the
// captured context's thread). Invariant: the PatternWorld shuts its simulation down before
// anything its fibers refer to is destroyed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "conformance/patterns/pattern_world.h"
#include "conformance/properties/caller_mailbox.h"
#include "lockstep/implementation.h"

namespace lockstep::conformance::properties {

/// What a case fixes before its commands: the family under test and the combination.
struct PatternCaseSettings {
  PatternFamily family = PatternFamily::async_result;
  PatternCombination combination;

  std::string to_text() const;
};

/// What a command may use on the caller fiber.
struct PatternCaller {
  PatternWorld* world = nullptr;
  PatternClient* client = nullptr;
};

class PatternSystem {
 public:
  /// `strategy` null: the one the seed stands for (strategy_for_seed); a replay passes its own.
  PatternSystem(const lockstep_implementation& implementation, std::uint64_t schedule_seed,
                const PatternCaseSettings& settings, std::unique_ptr<Strategy> strategy = nullptr);
  ~PatternSystem();
  PatternSystem(const PatternSystem&) = delete;
  PatternSystem& operator=(const PatternSystem&) = delete;

  /// Runs `action` on the caller fiber, stepping the world until the caller waits again.
  void run_on_caller(std::function<void(PatternCaller&)> action);
  /// The client awaits every call and closes its channel; the world runs to its end (the
  /// drivers' end-of-schedule checks). Call once.
  harness::ScheduleOutcome finish();
  /// Calls the client made (a property whose calls never run proves little).
  std::uint64_t calls() const;

 private:
  std::unique_ptr<PatternWorld> world_;
  PatternCaller caller_;
  std::unique_ptr<CallerMailbox> mailbox_;
};

}  // namespace lockstep::conformance::properties
