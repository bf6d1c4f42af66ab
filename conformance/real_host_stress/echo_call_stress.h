// An echo-call round of the real-host stress: caller threads make archetype echo calls
// (fixtures/archetype/echo_call.h) over their own connections to an echo peer on another real
// host, with NULL or non-NULL contexts, with or without a WS_ERROR, awaited or left in flight,
// while an injector closes connections under the calls and the network delays and drops.
// Checked by the ledger: AM1-AM8 and AM11 (stress_calls.h), and AM9 by the host.
#pragma once

#include <cstdint>
#include <string>

#include "conformance/real_host_stress/stress_round.h"

namespace lockstep::stress {

/// Runs one round of the archetype echo call with `defects` (0: the correct archetype).
RoundReport run_echo_call_round(const std::string& name, unsigned defects, std::uint64_t seed,
                                StressLog& log, const RoundSettings& settings);

}  // namespace lockstep::stress
