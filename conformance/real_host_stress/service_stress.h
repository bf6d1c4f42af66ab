// A service-host round of the real-host stress: the implementation's service host on a real
// host, client threads sending requests over the in-process network, service operations that
// complete synchronously or later from a timer of a separate real "user" host, an aborter and a
// close racing the calls in flight.
//
// The operation draws its behaviour per call (a reply from the operation context's heap, a
// failure with WS_ERROR strings carrying a secret marker, WS_S_END, cancel and free-state
// registration). Checks, as far as clients and operations can see them with real threads:
//   SV1 a reply received before its call completed; a second reply; an operation invoked twice;
//       a session ended without a reply for an invoked call.
//   SV2 a failure answered by anything but one fault; the marker under minimal disclosure, or
//       anything but the strings newest first under full disclosure.
//   SV3 an operation invoked for a message sent after a WS_S_END reply; such a message
//       answered, or its channel left open.
//   SV4 a second cancel, a cancel after free-state, free-state before completion, twice, or
//       never; a cancel reason other than 0 or 1.
//   SV5/SV6 the close completed while a call was still in flight (SV5 after an abort); a call
//       served for a client that started connecting after the close returned (SV6).
// Not observable here: when the host releases memory (SV5's and SV7's heap checks), so an
// early release that does not change the reply goes unseen. The ledger adds AM1-AM8 and AM11
// for open and close.
#pragma once

#include <cstdint>

#include "conformance/real_host_stress/stress_round.h"
#include "lockstep/implementation.h"

namespace lockstep::stress {

/// Runs one round against `implementation`'s service host. One round at a time per process.
RoundReport run_service_round(const lockstep_implementation& implementation, std::uint64_t seed,
                              StressLog& log, const RoundSettings& settings);

}  // namespace lockstep::stress
