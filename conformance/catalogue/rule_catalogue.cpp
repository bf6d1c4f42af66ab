// The rules' texts. Keep in step with docs/CONTRACT.md: ids, meaning and sources (a test checks
// the ids); the text here is the rule as checked, interpretations included.
#include "conformance/catalogue/rule_catalogue.h"

#include <cctype>

namespace lockstep::conformance {

namespace {

constexpr std::string_view kAsyncModel = "async model";
constexpr std::string_view kChannel = "channel";
constexpr std::string_view kServiceHost = "service host";
constexpr std::string_view kAsyncResult = ".NET IAsyncResult pattern";
constexpr std::string_view kEventBased = ".NET event-based pattern";
constexpr std::string_view kTaskBased = ".NET task-based pattern";
constexpr std::string_view kExchange = "message exchange";
constexpr std::string_view kResources = "resources";

constexpr std::string_view kAsyncModelSource =
    "WWSAPI \"Asynchronous Model\" (seeds 000-002: French, Portuguese, Spanish); webservices.h";
constexpr std::string_view kChannelSource =
    "WWSAPI reference: WsAbortChannel, WsCloseChannel, WsReceiveMessage, WS_CHANNEL_STATE";
constexpr std::string_view kServerSource =
    "WWSAPI \"Server Side Service Operations\" (seed 004); WsRegisterOperationForCancel";
constexpr std::string_view kResourcesSource =
    "lockstep's own rule, not from the WWSAPI documents: what WsFreeChannel and "
    "WsFreeServiceHost mean for an implementation that obtains everything from its host "
    "(lockstep/host.h: timer_cancel frees a timer, close_connection and close_listener free "
    "theirs); an interpretation, stated in the contract";
constexpr std::string_view kWcfSource =
    "WCF \"Synchronous and Asynchronous Operations\" (seed 003); .NET APM/EAP/TAP guides";
constexpr std::string_view kExchangeSource =
    "WCF \"Synchronous and Asynchronous Operations\" (seed 003): service contracts specify the "
    "message exchange pattern; an AsyncPattern operation is exposed as a single operation with a "
    "request message and a correlated response message; one-way operations have no correlated "
    "response";

}  // namespace

const std::vector<Rule>& rule_catalogue() {
  static const std::vector<Rule> rules = {
      {"AM1", kAsyncModel, "null context is synchronous",
       "With a NULL async context the function completes synchronously: it never returns "
       "WS_S_ASYNC and never invokes any callback.",
       kAsyncModelSource},
      {"AM2", kAsyncModel, "no callback on the synchronous path",
       "With a non-NULL context a function that completes synchronously returns its final "
       "HRESULT (anything but WS_S_ASYNC) and its callback is never invoked, not later either.",
       kAsyncModelSource},
      {"AM3", kAsyncModel, "exactly once",
       "After WS_S_ASYNC the callback is invoked exactly once, with the final HRESULT (never "
       "WS_S_ASYNC), the caller's callbackState unchanged and a callbackModel of 0 or 1; a lost "
       "callback is a hang for the caller.",
       kAsyncModelSource},
      {"AM4", kAsyncModel, "no callback before return on the calling thread",
       "The callback is never invoked on the calling thread before the function has returned.",
       kAsyncModelSource},
      {"AM5", kAsyncModel, "the context may live on the stack",
       "WS_ASYNC_CONTEXT is read only during the call; after the function returns, overwriting "
       "or freeing it changes nothing: callback and callbackState must have been copied.",
       kAsyncModelSource},
      {"AM6", kAsyncModel, "caller-owned pointers",
       "Every other pointer argument stays valid and caller-owned until completion and is never "
       "used after it; out-parameters are written before completion is signalled. Exception: "
       "WsOpenChannel's endpoint address must not be read after the function returns.",
       kAsyncModelSource},
      {"AM7", kAsyncModel, "error before callback",
       "When the operation fails and a WS_ERROR was supplied, the rich error is filled in before "
       "the callback runs.",
       kAsyncModelSource},
      {"AM8", kAsyncModel, "callback model",
       "SHORT callbacks must not block; an implementation may invoke LONG only when another "
       "thread is available to dequeue work, and must keep completing other operations while a "
       "LONG callback blocks.",
       kAsyncModelSource},
      {"AM9", kAsyncModel, "bounded in-flight I/O",
       "An implementation bounds how many I/O operations it has in flight (a configured limit): "
       "excess requests are queued or refused with WS_E_QUOTA_EXCEEDED, never lost, and the peak "
       "never exceeds the limit. The limit is the host's io_limit, shared by everything the "
       "implementation runs on that host (interpretation).",
       kAsyncModelSource},
      {"AM10", kAsyncModel, "WsAsyncExecute",
       "next->function is NULL on entry to each step; a step runs even after a failed step; the "
       "chain ends when a step leaves next NULL; the final callback fires exactly once and only "
       "if some step completed asynchronously; the WS_ASYNC_STATE is not touched after "
       "completion; synchronous steps iterate, they do not recurse.",
       "WWSAPI reference: WsAsyncExecute, WS_ASYNC_FUNCTION"},
      {"AM11", kAsyncModel, "liveness",
       "Once faults stop (the network heals), every started operation completes: no hang, no "
       "deadlock, no operation waiting forever.",
       kAsyncModelSource},
      {"AM12", kAsyncModel, "callers cope with early callbacks",
       "Code that calls async functions copes with the callback arriving on another thread "
       "before the call returns, and keeps its own pointers alive until the callback.",
       kAsyncModelSource},
      {"CH1", kChannel, "abort completes pending work",
       "WsAbortChannel cancels all pending I/O without waiting: each pending operation completes "
       "exactly once with WS_E_OPERATION_ABORTED (or its earlier real result); silently dropping "
       "queued operations is a violation.",
       kChannelSource},
      {"CH2", kChannel, "abort faults the channel",
       "After WsAbortChannel on an OPEN channel the state is FAULTED and new operations return "
       "WS_E_OBJECT_FAULTED (close is still allowed and returns S_OK).",
       kChannelSource},
      {"CH3", kChannel, "abort does not block",
       "WsAbortChannel does not block on in-flight I/O: it waits on no event and lets no virtual "
       "time pass; one still running a second of virtual time after it began never returns "
       "(interpretation).",
       kChannelSource},
      {"CH4", kChannel, "close",
       "WsCloseChannel waits for started I/O, ends in CLOSED even when a graceful shutdown fails "
       "(it returns that error), and returns WS_E_OPERATION_ABORTED if aborted meanwhile.",
       kChannelSource},
      {"CH5", kChannel, "states",
       "An operation in a state that does not allow it returns WS_E_INVALID_OPERATION (send or "
       "receive before open, a second open); on a FAULTED channel WS_E_OBJECT_FAULTED. Closing "
       "is always allowed: close on CREATED, FAULTED or CLOSED returns S_OK. Open with a NULL "
       "address returns E_INVALIDARG. A message larger than the size quota (in this ABI the "
       "receive's or request-reply's buffer) fails with WS_E_QUOTA_EXCEEDED and faults the "
       "channel.",
       "WWSAPI reference: WS_CHANNEL_STATE; facts of the real API from Wine's conformance tests "
       "(docs/CONTRACT.md section 7)"},
      {"CH6", kChannel, "connection drop",
       "When the connection drops, every pending operation completes exactly once with an error "
       "(WS_E_ENDPOINT_DISCONNECTED or WS_E_OPERATION_ABORTED) and the channel faults.",
       kChannelSource},
      {"CH7", kChannel, "end of session",
       "After the peer shuts the session down, an optional receive returns WS_S_END and leaves "
       "its out-parameters untouched; a required receive never returns WS_S_END.",
       kChannelSource},
      {"SV1", kServiceHost, "completion",
       "A service operation returning anything but WS_S_ASYNC is complete when it returns; one "
       "returning WS_S_ASYNC only when it invokes its callback. The host does not reply, free the "
       "operation context or its heap before completion; exactly one reply per call, also for one "
       "that returned WS_S_END.",
       kServerSource},
      {"SV2", kServiceHost, "faults",
       "A failing HRESULT produces exactly one fault reply; under WS_MINIMAL_FAULT_DISCLOSURE "
       "(the default) it contains none of the WS_ERROR's strings, under WS_FULL_FAULT_DISCLOSURE "
       "it does (in lockstep's wire format: newest first, in UTF-8, joined by \"; \").",
       kServerSource},
      {"SV3", kServiceHost, "WS_S_END",
       "After an operation returns WS_S_END the server expects no more messages on that "
       "channel; if another arrives, the server aborts the channel.",
       kServerSource},
      {"SV4", kServiceHost, "cancellation",
       "A registered cancel callback fires at most once per call (possibly during registration) "
       "with WS_SERVICE_HOST_ABORT or WS_SERVICE_CHANNEL_FAULTED; the free-state callback (if not "
       "NULL) fires exactly once, at completion, after any cancel callback. A second "
       "registration fails and leaves the first in force (lockstep's ABI).",
       kServerSource},
      {"SV5", kServiceHost, "abort still waits",
       "WsAbortServiceHost aborts listeners and channels and fires the cancel callbacks, but "
       "completion still comes only from the operation itself.",
       kServerSource},
      {"SV6", kServiceHost, "shutdown",
       "After close starts no new channels are accepted; in-flight calls complete, or after the "
       "close timeout (default 5000 ms) they are aborted; shutdown time is bounded by the calls "
       "in flight.",
       kServerSource},
      {"SV7", kServiceHost, "heap",
       "Out-parameter memory comes from the operation's WS_HEAP, valid until the reply is "
       "written and released after. Written: the host's send of the reply has returned (send "
       "copies the message). Not for fault replies, which are not built from the heap "
       "(interpretation).",
       kServerSource},
      {"AP1", kAsyncResult, "CompletedSynchronously",
       "CompletedSynchronously is true exactly when the operation completed on the thread that "
       "called Begin, before Begin returned; it never changes.",
       kWcfSource},
      {"AP2", kAsyncResult, "callback exactly once",
       "A given callback runs exactly once, also on synchronous completion (then on the calling "
       "thread, before Begin returns, with CompletedSynchronously true).",
       kWcfSource},
      {"AP3", kAsyncResult, "completed when called back",
       "When the callback runs, IsCompleted is true and the wait handle is signalled.", kWcfSource},
      {"AP4", kAsyncResult, "End",
       "End blocks until completion, surfaces the operation's error, and a second End is "
       "refused.",
       kWcfSource},
      {"AP5", kAsyncResult, "failed Begin", "If Begin fails, the callback never runs.", kWcfSource},
      {"EV1", kEventBased, "one Completed event",
       "Exactly one Completed event per accepted call, carrying that call's userState.",
       kWcfSource},
      {"EV2", kEventBased, "no result when cancelled or failed",
       "A cancelled or failed completion has no usable result.", kWcfSource},
      {"EV3", kEventBased, "no progress after Completed", "No progress event after Completed.",
       kWcfSource},
      {"EV4", kEventBased, "busy and duplicate userState",
       "A second call while busy (single-invocation form) is refused; a duplicate in-flight "
       "userState is refused.",
       kWcfSource},
      {"EV5", kEventBased, "captured context",
       "Completed is raised on the caller's captured context (the \"UI thread\").", kWcfSource},
      {"EV6", kEventBased, "CancelAsync", "CancelAsync never fails; it may race completion.",
       kWcfSource},
      {"EV7", kEventBased, "IsBusy",
       "IsBusy is true exactly between the call and its Completed "
       "event.",
       kWcfSource},
      {"TK1", kTaskBased, "hot tasks", "The returned task is already started.", kWcfSource},
      {"TK2", kTaskBased, "where errors go",
       "Only argument errors are raised synchronously; every other failure is stored in the "
       "task.",
       kWcfSource},
      {"TK3", kTaskBased, "pre-cancelled token",
       "A token cancelled before the call gives a cancelled task.", kWcfSource},
      {"TK4", kTaskBased, "cancelled means stopped",
       "A task ends cancelled only if the work stopped because of the request.", kWcfSource},
      {"TK5", kTaskBased, "asynchronous continuations",
       "With asynchronous continuations requested, no continuation runs inline on the "
       "completing thread.",
       kWcfSource},
      {"MX1", kExchange, "one exchange whatever the patterns",
       "The message exchange does not depend on the pattern chosen on either side: any client "
       "pattern against any service pattern makes exactly one request and one correlated reply "
       "per call; a one-way operation makes one request and no reply. Checked as: a call never "
       "sends a second request (no retry), a one-way call is sent without waiting for a reply "
       "and a request/reply call is not sent one-way, the service receives at most one request "
       "per call and its work runs at most once, and the outcome each side delivers is its own "
       "call's exchange (its reply, or its failure), never another call's. A call refused at its "
       "start (argument error, busy, duplicate userState, token cancelled before the call) sends "
       "nothing; a reply lost to a dropped connection fails that call and is not a violation.",
       kExchangeSource},
      {"RS1", kResources, "released by the time its objects are freed",
       "Anything the implementation obtained from its host (tracked memory, events, mutexes, "
       "timers, WS_ERROR objects, listeners, and the connections its connects and accepts "
       "opened) is released by the time its objects are freed: checked when free_channel or "
       "free_service_host has returned and nothing is left to run. A timer counts as held "
       "until timer_cancel frees it, also after it fired.",
       kResourcesSource},
  };
  return rules;
}

const Rule* find_rule(std::string_view id) {
  for (const Rule& rule : rule_catalogue()) {
    if (rule.id.size() != id.size()) {
      continue;
    }
    bool same = true;
    for (std::size_t index = 0; index < id.size(); ++index) {
      same = same && std::toupper(static_cast<unsigned char>(id[index])) == rule.id[index];
    }
    if (same) {
      return &rule;
    }
  }
  return nullptr;
}

}  // namespace lockstep::conformance
