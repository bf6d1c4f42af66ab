/* patterns.h: the .NET asynchronous patterns of CONTRACT.md section 5 (seed 003), as C tables an
 * implementation under test provides: IAsyncResult (Begin/End), event-based (MethodAsync,
 * MethodCompleted, CancelAsync, IsBusy) and task-based (a task, continuations, a cancellation
 * token). Included by implementation.h; the tables hang off struct lockstep_implementation.
 *
 * One part, two roles. Every part creates *instances* in either role and then calls them the
 * same way:
 *   - a client proxy (create_proxy) over a channel the caller gives it: each call sends one
 *     request through that channel (request_reply, or send_message for a one-way operation) and
 *     turns the reply into the call's outcome;
 *   - a service implementation (create_service) over the service's own work: each call runs
 *     that work once (lockstep_service_work.run) and its outcome is what the service dispatcher
 *     (the harness's, or any service host's operation) replies.
 * A part may provide one role only: create_proxy or create_service NULL (not both). The suites
 * then run it in the role it has, against every pattern of lockstep's reference on the other
 * side.
 * Whichever pattern each side uses, the message exchange is the same (rule MX1): one request and
 * one correlated reply per request/reply call, one request and no reply per one-way call.
 *
 * Wire format (the same as a service host's, see implementation.h): a request is
 * [operation: 1 byte][body]; a reply is ['R'][reply body] or ['F'][fault text]. A proxy maps a
 * reply to the call's outcome: 'R' -> S_OK and the body; 'F' -> WS_E_ENDPOINT_FAULT_RECEIVED
 * with the fault text added to the call's error; anything else -> WS_E_INVALID_FORMAT. A
 * one-way call's outcome is its send's result, with an empty reply.
 *
 * Rules every part keeps (the suites check them, in both roles):
 *   - Argument errors (a NULL request or out-pointer, a NULL body with body_size > 0, an
 *     operation above 255) make the start call (begin / start) return E_INVALIDARG and nothing
 *     else happens: no request, no callback, no event, no task (AP5, TK2, EV1).
 *   - Every other failure (the channel refusing the request, a dropped connection, a fault
 *     reply, the work failing) is the call's outcome, delivered like a success: End returns it,
 *     the Completed event carries it, the task stores it (AP4, EV2, TK2). Never a second
 *     request for one call, never a retry (MX1).
 *   - The request (struct and body) is read during the start call only; copy what you need.
 *   - The underlying operation may complete synchronously, later on a worker thread, or on
 *     another thread before request_reply / run has even returned (AM12): cope with all three,
 *     and never hold a lock of yours across a call into the channel or the work.
 *   - Use nothing but the lockstep_host table given at creation for threads, memory, events
 *     and time. Callbacks, events and continuations are never invoked while you hold a lock.
 * Per part, below: what completion means and where each callback runs.
 *
 * Versioned like every table: struct_size first. Self-contained; C and C++. */
#ifndef LOCKSTEP_PATTERNS_H
#define LOCKSTEP_PATTERNS_H

#include <stddef.h>
#include <stdint.h>

#include "lockstep/host.h"
#include "lockstep/ws.h"

#ifdef __cplusplus
extern "C" {
#endif

struct lockstep_implementation;
struct lockstep_channel_functions;
struct lockstep_channel;

/* The longest reply body the harness sends or expects; a proxy's reply buffer of
 * LOCKSTEP_PATTERN_REPLY_CAPACITY + 1 bytes holds any wire reply. */
#define LOCKSTEP_PATTERN_REPLY_CAPACITY 1024u

typedef struct lockstep_pattern_instance lockstep_pattern_instance; /* the implementation's own */

/* One call's request. Read during the start call only. */
typedef struct lockstep_pattern_request {
  uint32_t struct_size;
  uint32_t operation; /* the wire's first byte: 0..255 */
  const void* body;
  size_t body_size;
  /* TRUE: a one-way operation. A proxy sends it with send_message and expects no reply; its
   * outcome is the send's. A service implementation runs the work as for any call (the
   * dispatcher sends no reply). */
  BOOL one_way;
} lockstep_pattern_request;

/* What a client proxy calls through. The caller opened the channel, keeps it open while the
 * proxy exists and closes it after free_instance. A proxy calls only request_reply and
 * send_message on it (with or without a WS_ASYNC_CONTEXT, keeping the AM rules as a caller:
 * buffers stay valid until completion), never open, close, abort or free. */
typedef struct lockstep_pattern_channel {
  uint32_t struct_size;
  const struct lockstep_channel_functions* functions;
  struct lockstep_channel* channel;
} lockstep_pattern_channel;

/* ---- cancellation tokens (created and cancelled by the caller, the harness) --------------- */

typedef struct lockstep_cancellation_token lockstep_cancellation_token;
typedef struct lockstep_cancellation_registration lockstep_cancellation_registration;
typedef void (*lockstep_cancellation_callback)(void* state);

typedef struct lockstep_cancellation_token_ops {
  uint32_t abi_version;
  uint32_t struct_size;
  BOOL (*is_cancellation_requested)(lockstep_cancellation_token* token);
  /* `callback` runs once when cancellation is requested, on the requesting thread, inside
   * that request; if it already was, it runs now, inside this call, on this thread. So never
   * register while holding a lock the callback takes. */
  HRESULT (*register_callback)(lockstep_cancellation_token* token,
                               lockstep_cancellation_callback callback, void* state,
                               lockstep_cancellation_registration** registration);
  /* Call once per registration, whatever happened. TRUE: removed before it started, it will
   * never run. FALSE: it has run, or is running now on another thread (cope, like
   * timer_cancel). The registration handle is invalid afterwards. */
  BOOL (*unregister)(lockstep_cancellation_token* token,
                     lockstep_cancellation_registration* registration);
} lockstep_cancellation_token_ops;

#define LOCKSTEP_CANCELLATION_TOKEN_ABI_VERSION 1u

struct lockstep_cancellation_token {
  const lockstep_cancellation_token_ops* ops; /* the only visible member */
};

static inline BOOL lockstep_token_is_cancellation_requested(lockstep_cancellation_token* token) {
  return token != NULL && token->ops->is_cancellation_requested(token);
}

/* ---- the service's work (given by the dispatcher to create_service) ----------------------- */

/* The work of one service call, in the WWSAPI async shape: it returns WS_S_ASYNC and invokes
 * the context's callback exactly once later (maybe on another thread, maybe before it returned),
 * or completes synchronously; with a NULL context it completes synchronously. The reply is
 * written into `reply` (capacity LOCKSTEP_PATTERN_REPLY_CAPACITY is always enough), which with
 * `reply_size`, `request` and `error` stay the caller's until completion. `token` (may be NULL)
 * is the task's: work that stops because cancellation was requested completes with
 * WS_E_OPERATION_ABORTED, and only then. */
typedef struct lockstep_service_work {
  uint32_t struct_size;
  void* state;
  HRESULT (*run)(void* state, uint32_t operation, const void* request, size_t request_size,
                 lockstep_cancellation_token* token, void* reply, size_t reply_capacity,
                 size_t* reply_size, const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error);
} lockstep_service_work;

/* ---- IAsyncResult: Begin / End (rules AP1-AP5) ------------------------------------------------
 *
 * begin starts a call and returns S_OK with *result set, or fails (argument errors; it may
 * also return a failure the channel or work reported synchronously) with *result untouched and
 * the callback never invoked (AP5).
 * Completion: the outcome is decided, then is_completed becomes TRUE and the wait handle is
 * set, then the callback (if any) runs, exactly once (AP2, AP3). completed_synchronously is
 * TRUE exactly when completion happened on the thread that called begin, before begin returned
 * (then the callback runs on that thread, inside begin); it is fixed when begin returns and
 * never changes (AP1). Otherwise the callback runs later, or on another thread.
 * end blocks until completion, returns the outcome (the reply into `reply`, the failure's
 * strings into `error`), and refuses a second end of the same result with
 * WS_E_INVALID_OPERATION, writing nothing (AP4). end may be called from the callback.
 * The caller releases each result once with release_result, after end returned and after its
 * callback returned; the wait handle (a manual-reset event of the instance's host) lives until
 * then. */

typedef struct lockstep_async_result lockstep_async_result; /* the implementation's own */
/* The caller's callback: the result, and begin's async_state (what async_state(result) says). */
typedef void (*lockstep_async_callback)(lockstep_async_result* result, void* async_state);

typedef struct lockstep_async_result_functions {
  uint32_t struct_size;
  /* A client proxy over `channel` (the struct is copied; the channel outlives the proxy).
   * NULL: the part has no client role (then create_service is not NULL). */
  HRESULT (*create_proxy)(const struct lockstep_implementation* self, const lockstep_host* host,
                          const lockstep_pattern_channel* channel,
                          lockstep_pattern_instance** instance, WS_ERROR* error);
  /* A service implementation over `work` (copied; work.state outlives the instance).
   * NULL: the part has no service role. */
  HRESULT (*create_service)(const struct lockstep_implementation* self, const lockstep_host* host,
                            const lockstep_service_work* work, lockstep_pattern_instance** instance,
                            WS_ERROR* error);
  /* Only once every call has completed and everything handed out has been released. */
  void (*free_instance)(lockstep_pattern_instance* instance);
  HRESULT (*begin)(lockstep_pattern_instance* instance, const lockstep_pattern_request* request,
                   lockstep_async_callback callback, void* async_state,
                   lockstep_async_result** result, WS_ERROR* error);
  HRESULT (*end)(lockstep_pattern_instance* instance, lockstep_async_result* result, void* reply,
                 size_t reply_capacity, size_t* reply_size, WS_ERROR* error);
  BOOL (*completed_synchronously)(lockstep_async_result* result);
  BOOL (*is_completed)(lockstep_async_result* result);
  lockstep_event* (*wait_handle)(lockstep_async_result* result);
  void* (*async_state)(lockstep_async_result* result); /* begin's async_state, unchanged */
  void (*release_result)(lockstep_async_result* result);
} lockstep_async_result_functions;

/* ---- event-based: MethodAsync / MethodCompleted / CancelAsync / IsBusy (rules EV1-EV7) -------
 *
 * start accepts a call (S_OK) or refuses it, with no event ever raised for it: E_INVALIDARG for
 * argument errors and for a non-NULL user_state equal to one still in flight; with a NULL
 * user_state (the single-invocation form) WS_E_INVALID_OPERATION while is_busy (EV4).
 * Every accepted call raises exactly one Completed event carrying its user_state (EV1), and
 * before that zero or more progress events (EV3), all of them *posted* to the handlers' context
 * and run there (EV5), never invoked directly from a worker or inside start. A call is in
 * flight from start's return until its Completed handler has been called: is_busy is TRUE
 * exactly while some call is (EV7), as seen from the context's thread, and its user_state may
 * be reused once its Completed handler has been called.
 * cancel always returns S_OK (EV6), for any user_state (in flight, completed, unknown, NULL: the
 * single-invocation call). A call cancelled before its outcome was decided completes with
 * cancelled TRUE, error WS_E_OPERATION_ABORTED and no result; one whose outcome was decided
 * first completes normally. A failed or cancelled completion has result NULL and result_size 0
 * (EV2). */

/* The caller's captured context (the "UI thread"): a single-threaded dispatcher. */
typedef void (*lockstep_posted_function)(void* state);
typedef struct lockstep_synchronization_context {
  uint32_t struct_size;
  void* self;
  /* Queues `function` to run later on the context's one thread, in posting order, never
   * inline. E_OUTOFMEMORY if it cannot be queued. */
  HRESULT (*post)(void* self, lockstep_posted_function function, void* state);
} lockstep_synchronization_context;

typedef struct lockstep_completed_event_args {
  uint32_t struct_size;
  void* user_state;
  HRESULT error; /* S_OK, the failure, or WS_E_OPERATION_ABORTED when cancelled */
  BOOL cancelled;
  const void* result; /* the reply body when error == S_OK, else NULL; valid during the handler */
  size_t result_size;
  WS_ERROR* error_detail; /* the failure's strings, or NULL; valid during the handler */
} lockstep_completed_event_args;

typedef void (*lockstep_completed_handler)(void* handler_state,
                                           const lockstep_completed_event_args* args);
typedef void (*lockstep_progress_handler)(void* handler_state, void* user_state,
                                          uint32_t progress_percentage);

/* Given to start, copied during the call; the context and handler_state outlive the call. */
typedef struct lockstep_event_handlers {
  uint32_t struct_size;
  lockstep_completed_handler completed;
  lockstep_progress_handler progress; /* NULL: the caller does not listen to progress */
  void* handler_state;
  const lockstep_synchronization_context* context;
} lockstep_event_handlers;

typedef struct lockstep_event_based_functions {
  uint32_t struct_size;
  /* create_proxy, create_service (one may be NULL), free_instance: as in
   * lockstep_async_result_functions. */
  HRESULT (*create_proxy)(const struct lockstep_implementation* self, const lockstep_host* host,
                          const lockstep_pattern_channel* channel,
                          lockstep_pattern_instance** instance, WS_ERROR* error);
  HRESULT (*create_service)(const struct lockstep_implementation* self, const lockstep_host* host,
                            const lockstep_service_work* work, lockstep_pattern_instance** instance,
                            WS_ERROR* error);
  void (*free_instance)(lockstep_pattern_instance* instance);
  HRESULT (*start)(lockstep_pattern_instance* instance, const lockstep_pattern_request* request,
                   void* user_state, const lockstep_event_handlers* handlers, WS_ERROR* error);
  HRESULT (*cancel)(lockstep_pattern_instance* instance, void* user_state);
  BOOL (*is_busy)(lockstep_pattern_instance* instance);
} lockstep_event_based_functions;

/* ---- task-based: a task, its result and continuations (rules TK1-TK5) -----------------------
 *
 * start returns S_OK with a task already started (TK1: the request is sent, or the work runs,
 * without anyone waiting on the task), or E_INVALIDARG for argument errors only (TK2); every
 * other failure, synchronous ones included, is stored in the task: FAULTED, with task_error
 * returning it.
 * Cancellation (token may be NULL): a token cancelled before start gives a CANCELED task and
 * nothing is sent or run (TK3). A task ends CANCELED only if its work stopped because of the
 * request: the token was cancelled before start, or the work it was handed completed with
 * WS_E_OPERATION_ABORTED after cancellation was requested (TK4). A proxy's channel never takes
 * the token, so a proxy whose request went out ends RAN_TO_COMPLETION or FAULTED.
 * Completion: status leaves RUNNING once, to RAN_TO_COMPLETION (task_result gives the reply),
 * FAULTED or CANCELED; then wait returns and every continuation runs exactly once, also one
 * added after completion. A continuation added with LOCKSTEP_TASK_CONTINUE_ASYNCHRONOUSLY
 * never runs inline on the thread that completed the task, inside the completion (TK5): queue
 * it with submit_work. Without the option it may run anywhere, inline included.
 * The caller releases the task once with release_task, after its last continuation ran (the
 * task handed to a continuation is valid during it); the token outlives the task. */

typedef struct lockstep_task lockstep_task; /* the implementation's own */

typedef enum lockstep_task_status {
  LOCKSTEP_TASK_RUNNING = 0,
  LOCKSTEP_TASK_RAN_TO_COMPLETION = 1,
  LOCKSTEP_TASK_FAULTED = 2,
  LOCKSTEP_TASK_CANCELED = 3
} lockstep_task_status;

#define LOCKSTEP_TASK_CONTINUE_ASYNCHRONOUSLY 1u

typedef void (*lockstep_task_continuation)(lockstep_task* task, void* state);

typedef struct lockstep_task_based_functions {
  uint32_t struct_size;
  /* create_proxy, create_service (one may be NULL), free_instance: as in
   * lockstep_async_result_functions. */
  HRESULT (*create_proxy)(const struct lockstep_implementation* self, const lockstep_host* host,
                          const lockstep_pattern_channel* channel,
                          lockstep_pattern_instance** instance, WS_ERROR* error);
  HRESULT (*create_service)(const struct lockstep_implementation* self, const lockstep_host* host,
                            const lockstep_service_work* work, lockstep_pattern_instance** instance,
                            WS_ERROR* error);
  void (*free_instance)(lockstep_pattern_instance* instance);
  HRESULT (*start)(lockstep_pattern_instance* instance, const lockstep_pattern_request* request,
                   lockstep_cancellation_token* token, lockstep_task** task, WS_ERROR* error);
  lockstep_task_status (*task_status)(lockstep_task* task);
  /* RAN_TO_COMPLETION: S_OK and the reply; else WS_E_INVALID_OPERATION, nothing written. */
  HRESULT (*task_result)(lockstep_task* task, void* reply, size_t reply_capacity,
                         size_t* reply_size);
  /* FAULTED: the stored failure, its strings added to `error` (may be NULL); CANCELED:
   * WS_E_OPERATION_ABORTED; RAN_TO_COMPLETION: S_OK; RUNNING: WS_E_INVALID_OPERATION. */
  HRESULT (*task_error)(lockstep_task* task, WS_ERROR* error);
  /* options: 0 or LOCKSTEP_TASK_CONTINUE_ASYNCHRONOUSLY. */
  HRESULT (*continue_with)(lockstep_task* task, lockstep_task_continuation continuation,
                           void* state, uint32_t options);
  /* Blocks the calling thread: S_OK once completed, WS_E_OPERATION_TIMED_OUT after timeout_ns
   * (LOCKSTEP_WAIT_FOREVER: never). */
  HRESULT (*wait)(lockstep_task* task, uint64_t timeout_ns);
  void (*release_task)(lockstep_task* task);
} lockstep_task_based_functions;

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_PATTERNS_H */
