// A WsAsyncExecute round of the real-host stress: caller threads run chains of scripted steps
// whose asynchronous completions come from the workers of a real "user" host, sometimes while
// the step is still running (the caller must cope, rule AM12).
//
// The steps check, as AM10: next->function is NULL on entry; each step receives its
// predecessor's result, failures included; no step runs after the chain ended; a chain of
// synchronous steps does not grow the stack by more than 32 KiB (a recursing implementation;
// the chain is then cut short). Every step sets next->function itself, so an implementation
// that hands a stale next in cannot run the chain forever. Once the round ends: the final
// result is the last step's; a chain that never went asynchronous did not return WS_S_ASYNC;
// every step of the script ran. The ledger adds AM1-AM8 and AM11 (the WS_ASYNC_STATE is a
// caller buffer, poisoned at completion).
#pragma once

#include <cstdint>

#include "conformance/real_host_stress/stress_round.h"
#include "lockstep/implementation.h"

namespace lockstep::stress {

/// Runs one round of chains through `implementation`'s async_execute.
RoundReport run_async_execute_round(const lockstep_implementation& implementation,
                                    std::uint64_t seed, StressLog& log,
                                    const RoundSettings& settings);

}  // namespace lockstep::stress
