// A channel round of the real-host stress: caller threads, each with its own client channel of
// the implementation, against an echo peer on another real host, while a fault injector aborts
// channels and drops connections at real moments, and the network delays, drops and refuses.
//
// Each caller runs the script of the simulated channel suite (misuse before open, open, a few
// sends, receives and request_replies, concurrently or one by one, with NULL or non-NULL
// context, with or without a WS_ERROR, buffers large enough or too small, its own aborts, a
// parting message, a trailing optional receive, close, misuse after close), drawn from its own
// generator. Besides the caller-side AM checks (stress_calls.h) and AM9 (the host), it checks:
//   CH1 a call pending when abort ran on an OPENING/OPEN/CLOSING channel never completed;
//   CH2 abort did not return S_OK, or left an OPEN/OPENING channel neither FAULTED nor CLOSED;
//       a call on a channel faulted by abort did not return WS_E_OBJECT_FAULTED;
//   CH3 abort waited on a host event on the aborting thread;
//   CH4 a close called on CREATED, OPEN or FAULTED completed without the state being CLOSED;
//   CH5 a call in CREATED (but open) or CLOSED, or a second open, did not return
//       WS_E_INVALID_OPERATION; a call in FAULTED (not by abort) did not return
//       WS_E_OBJECT_FAULTED;
//   CH6 a call pending when its connection dropped never completed;
//   CH7 an optional receive returned WS_S_END but changed its out-parameters.
// Only states the caller alone can leave (CREATED, FAULTED, CLOSED) serve as "the state
// before" a call: with real threads the others change under it. Close on an already CLOSED
// channel is not checked: CONTRACT.md section 7 says S_OK, the simulated suite and the
// reference say WS_E_INVALID_OPERATION (a disagreement left to the contract's owner).
#pragma once

#include <cstdint>

#include "conformance/real_host_stress/stress_round.h"
#include "lockstep/implementation.h"

namespace lockstep::stress {

/// Runs one channel round of `implementation` (which provides a channel).
RoundReport run_channel_round(const lockstep_implementation& implementation, std::uint64_t seed,
                              StressLog& log, const RoundSettings& settings);

}  // namespace lockstep::stress
