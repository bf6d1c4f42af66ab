// The choices of a pattern schedule, as data: what each caller does with a call, how the
// harness's channel and work complete what the implementation asks of them, and which
// patterns face each other.
//
// Why a file of its own: the drivers (the checks) take these plans; the scenario draws them
// (pattern_scenario.h, through the simulation). Keeping them apart lets another engine draw the
// same plans (a behaviour-space description, a RapidCheck generator) and run the same drivers.
// Every field has a default that makes a plain, valid call.
#pragma once

#include <cstdint>

#include "lockstep/ws.h"

namespace lockstep::conformance {

/// The client side of an exchange: one of the three patterns, or the harness's plain channel
/// calls (request_reply with a WS_ASYNC_CONTEXT, no pattern).
enum class ClientPattern : std::uint8_t { async_result, event_based, task_based, channel };
/// The service side: the implementation's Begin/End, task-returning or event-based service, or
/// the harness's synchronous method.
enum class ServicePattern : std::uint8_t { begin_end, event_based, task_based, synchronous };
/// A part of lockstep/patterns.h (one suite each).
enum class PatternFamily : std::uint8_t { async_result, event_based, task_based };

const char* client_pattern_name(ClientPattern pattern);
const char* service_pattern_name(ServicePattern pattern);
const char* pattern_family_name(PatternFamily family);
/// The family's part as a client (its proxy) and as a service.
ClientPattern client_pattern_of(PatternFamily family);
ServicePattern service_pattern_of(PatternFamily family);

struct PatternCombination {
  ClientPattern client = ClientPattern::channel;
  ServicePattern service = ServicePattern::synchronous;
};

/// How the harness's channel or work completes one underlying operation.
enum class UnderlyingMode : std::uint8_t {
  synchronous,          ///< returns the final result (the callback never runs)
  later,                ///< WS_S_ASYNC, the callback later from a worker
  early,                ///< the callback on a worker before the call has returned (AM12)
  synchronous_failure,  ///< fails synchronously (the channel refuses: nothing is sent)
};

/// What the service's work does for one call.
struct WorkChoice {
  UnderlyingMode mode = UnderlyingMode::later;
  bool fails = false;                ///< completes with WS_E_OTHER and an error string
  bool honours_cancellation = true;  ///< stops (WS_E_OPERATION_ABORTED) when its token is cancelled
  std::uint64_t delay_ns = 0;        ///< for `later`
};

struct AsyncResultPlan {
  enum class EndFrom : std::uint8_t {
    callback,                  ///< End inside the callback (needs with_callback)
    caller_after_wait_handle,  ///< the caller waits on the wait handle, then calls End
    caller_blocking,           ///< the caller calls End at once (it must block)
  };
  bool with_callback = true;
  EndFrom end_from = EndFrom::callback;
  bool second_end = false;       ///< End once more: it must be refused (AP4)
  bool invalid_request = false;  ///< an operation above 255: Begin must fail (AP5)
};

struct EventPlan {
  bool single_invocation = false;  ///< a NULL userState
  bool with_progress = true;
  bool cancel_at_start = false;        ///< CancelAsync right after the call was accepted
  bool cancel_later = false;           ///< CancelAsync after the next pause
  bool try_duplicate = false;          ///< the same userState again while in flight (EV4)
  bool try_single_while_busy = false;  ///< a NULL-userState call while busy (EV4)
  bool cancel_unknown = false;         ///< CancelAsync of a userState never used (EV6)
  bool invalid_request = false;        ///< an operation above 255: start must refuse it
  std::uint64_t pause_ns = 0;          ///< the context pumps this long after the call
};

struct TaskPlan {
  enum class Token : std::uint8_t { none, untouched, precancelled, cancelled_while_running };
  enum class Await : std::uint8_t {
    continuation,                  ///< continue_with, options 0
    asynchronous_continuation,     ///< continue_with, LOCKSTEP_TASK_CONTINUE_ASYNCHRONOUSLY
    wait,                          ///< wait on the task
    continuation_after_completion  ///< wait, then continue_with on the completed task
  };
  Token token = Token::none;
  Await await = Await::continuation;
  bool untouched_first = false;  ///< leave the task alone a while: its work must start (TK1)
  bool invalid_request = false;  ///< an operation above 255: start must fail (TK2)
};

/// One client call's plan: the plan of the client's pattern is the one used.
struct ClientCallPlan {
  bool one_way = false;
  AsyncResultPlan async_result;
  EventPlan event_based;
  TaskPlan task_based;
};

/// The operation of a call on the wire.
inline constexpr std::uint32_t kRequestReplyOperation = 0;
inline constexpr std::uint32_t kOneWayOperation = 1;
/// An operation no wire byte can carry: an argument error for every start call.
inline constexpr std::uint32_t kInvalidOperation = 256;

}  // namespace lockstep::conformance
