// The fault settings of one schedule, themselves drawn from the schedule's seed ("swarm").
//
// Different schedules stress different mixes: one has long delays and no drops, another drops
// often. All ratios are integers per thousand; nothing here is a float. The plan is a pure
// function of the seed, printed next to it in reports and replay files, and parsed back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lockstep::harness {

struct FaultPlan {
  std::uint64_t delay_max_ns = 0;          ///< completions and deliveries take [0, max] ns
  std::uint32_t drop_per_mille = 0;        ///< per message delivery: the connection drops
  std::uint32_t refuse_per_mille = 0;      ///< per connect: refused
  std::uint32_t shutdown_per_mille = 0;    ///< per peer reply: the peer ends the session
  std::uint32_t abort_per_mille = 0;       ///< per injector tick: the caller aborts
  std::uint64_t fault_phase_ns = 0;        ///< faults stop (the network heals) at this time
  std::uint64_t healed_delay_max_ns = 0;   ///< delays after healing

  /// Draws a plan from `seed` (not from the strategy: replay keeps it by keeping the seed).
  static FaultPlan draw(std::uint64_t seed);
  /// A plan without any fault: immediate-ish delivery, no drops, no refusals.
  static FaultPlan none();

  /// "delay<=2000ns drop=3/1000 refuse=0/1000 shutdown=10/1000 abort=5/1000 heal@1000000ns
  /// healed-delay<=100ns"
  std::string to_text() const;
  static std::optional<FaultPlan> from_text(std::string_view text, std::string& error);

  friend bool operator==(const FaultPlan&, const FaultPlan&) = default;
};

}  // namespace lockstep::harness
