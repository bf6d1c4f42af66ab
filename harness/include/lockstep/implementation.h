/* implementation.h: what an implementation under test provides to lockstep.
 *
 * A shared library exports one C function, LOCKSTEP_IMPLEMENTATION_SYMBOL, returning a
 * versioned table: the client channel (WsCreateChannel ... WsFreeChannel), WsAsyncExecute, the
 * service host (WsCreateServiceHost ... WsFreeServiceHost), and the .NET asynchronous patterns
 * (IAsyncResult, event-based, task-based: lockstep/patterns.h). A part an implementation does
 * not provide is NULL, and the suites for it are reported as not applicable. Every function
 * keeps the WWSAPI shape of the function it stands for (nullable WS_ASYNC_CONTEXT, WS_ERROR,
 * WS_S_ASYNC), with message bodies as bytes instead of WS_MESSAGE/serialization. The
 * implementation uses nothing but the lockstep_host table it is given for threads, time,
 * memory and network.
 *
 * Which thread calls what: lockstep calls every function of these tables on a simulated thread
 * (a caller's thread of the scenario, or the fault injector's for an injected abort), never on
 * one of the host's worker threads and never outside a simulated thread, so each may lock host
 * mutexes and wait on host events. free_channel and free_service_host included.
 *
 * Freeing: free_channel is called once per channel, after every call on it has completed and
 * no abort is running; free_service_host once the host's close has completed (or it never
 * opened) and every service operation has completed and its completion callback has
 * returned. Host completions of I/O or timers the object started may still arrive after free
 * returns: the implementation keeps alive whatever they name (the reference counts them) or
 * makes them find it gone. WS_ERRORs, buffers and contexts of calls are the caller's again at
 * completion, as ever (rule AM6).
 *
 * Wire format between the harness and a service host (one message per request or reply):
 * a request is [operation index: 1 byte][request body]; a reply is ['R'][reply body], or
 * ['F'][fault text] when the operation failed. Under WS_MINIMAL_FAULT_DISCLOSURE the fault
 * text is exactly LOCKSTEP_GENERIC_FAULT_TEXT; under WS_FULL_FAULT_DISCLOSURE it is the
 * WS_ERROR's strings, newest first, each converted from UTF-16 to UTF-8 (an unpaired surrogate
 * becomes U+FFFD), joined by "; " (the generic text if there are none). An operation that
 * returned WS_S_END is a success: it gets exactly one reply, ['R'] and the body it put in its
 * heap, and then the host serves no more messages on that channel (rules SV1, SV3, SV7).
 *
 * Versioned: abi_version and struct_size come first in every table. Members are only ever
 * appended: lockstep reads a member only when the table's struct_size covers it, so a plugin
 * built against an older header (a smaller table) still loads, without the newer parts.
 * Initialize tables with designated members (`.name = "x", .channel = &functions`): the parts
 * not named are NULL, and a newer header that appends members then changes nothing in the
 * plugin's source (a positional initializer would draw -Wmissing-field-initializers).
 * Self-contained; C and C++. */
#ifndef LOCKSTEP_IMPLEMENTATION_H
#define LOCKSTEP_IMPLEMENTATION_H

#include <stddef.h>
#include <stdint.h>

#include "lockstep/host.h"
#include "lockstep/patterns.h"
#include "lockstep/ws.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LOCKSTEP_IMPLEMENTATION_ABI_VERSION 1u
#define LOCKSTEP_IMPLEMENTATION_SYMBOL "lockstep_get_implementation"
#define LOCKSTEP_GENERIC_FAULT_TEXT "The server was unable to process the request."
#define LOCKSTEP_WIRE_REPLY 'R'
#define LOCKSTEP_WIRE_FAULT 'F'
#define LOCKSTEP_DEFAULT_CLOSE_TIMEOUT_NS 5000000000ull /* 5000 ms, as in WWSAPI */

typedef struct lockstep_implementation lockstep_implementation;
typedef struct lockstep_channel lockstep_channel;           /* the implementation's own */
typedef struct lockstep_service_host lockstep_service_host; /* the implementation's own */

/* ---- client channel ------------------------------------------------------------------------ */

typedef struct lockstep_channel_functions {
  uint32_t struct_size;
  /* WsCreateChannel: synchronous. The channel starts in WS_CHANNEL_STATE_CREATED. */
  HRESULT (*create_channel)(const lockstep_implementation* self, const lockstep_host* host,
                            lockstep_channel** channel, WS_ERROR* error);
  /* WsOpenChannel: `endpoint_address` is read during the call only, even when the open
   * completes asynchronously (rule AM6's exception). A NULL address: E_INVALIDARG, and the
   * channel stays CREATED. On a channel not CREATED: WS_E_INVALID_OPERATION (a second open), or
   * WS_E_OBJECT_FAULTED when FAULTED (rule CH5). */
  HRESULT (*open_channel)(lockstep_channel* channel, const char* endpoint_address,
                          const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error);
  /* WsSendMessage: `body` is caller-owned until completion. */
  HRESULT (*send_message)(lockstep_channel* channel, const void* body, size_t body_size,
                          const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error);
  /* WsReceiveMessage: the next message's body into the caller's buffer. With `optional` TRUE,
   * after the peer ended the session it returns WS_S_END and leaves the out-parameters
   * untouched (rule CH7); with FALSE it never returns WS_S_END but fails (the reference and
   * the example return WS_E_ENDPOINT_DISCONNECTED; lockstep accepts any failure there).
   * The size quota of this ABI is the caller's buffer: a message larger than `body_capacity`
   * fails the receive with WS_E_QUOTA_EXCEEDED and faults the channel, as the real
   * WsReceiveMessage does with a message over its size quota: the channel is FAULTED before
   * the failure is signalled, everything else pending fails, and later sends and receives
   * return WS_E_OBJECT_FAULTED (rule CH5). WS_E_QUOTA_EXCEEDED from receive_message and
   * request_reply means exactly that; an implementation refusing a call under its I/O bound
   * (rule AM9) refuses sends that way, or queues. */
  HRESULT (*receive_message)(lockstep_channel* channel, BOOL optional, void* body,
                             size_t body_capacity, size_t* body_size,
                             const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error);
  /* WsRequestReply: sends `request`; the next message received is its reply. A reply larger
   * than `reply_capacity` is over the size quota, as for receive_message (rule CH5). */
  HRESULT (*request_reply)(lockstep_channel* channel, const void* request, size_t request_size,
                           void* reply, size_t reply_capacity, size_t* reply_size,
                           const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error);
  /* WsCloseChannel: waits for started I/O, ends in WS_CHANNEL_STATE_CLOSED (rule CH4).
   * Closing is always allowed: on a CREATED, FAULTED or already CLOSED channel it returns
   * S_OK (rule CH5, as the real WsCloseChannel does). */
  HRESULT (*close_channel)(lockstep_channel* channel, const WS_ASYNC_CONTEXT* async_context,
                           WS_ERROR* error);
  /* WsAbortChannel: synchronous, never blocks; pending operations complete with
   * WS_E_OPERATION_ABORTED (rules CH1-CH3). An abort that lets virtual time pass blocks; one
   * still running after a second of virtual time is taken never to return (CH3, and the
   * schedule stops there). */
  HRESULT (*abort_channel)(lockstep_channel* channel, WS_ERROR* error);
  /* WsGetChannelProperty(WS_CHANNEL_PROPERTY_STATE). */
  HRESULT (*get_channel_state)(lockstep_channel* channel, WS_CHANNEL_STATE* state,
                               WS_ERROR* error);
  /* WsFreeChannel: called on a simulated thread once no operation is pending and no abort is
   * running; host completions the channel started may still arrive afterwards (see above). */
  void (*free_channel)(lockstep_channel* channel);
} lockstep_channel_functions;

/* ---- service host --------------------------------------------------------------------------- */

/* A service operation (user code: the harness writes these). It returns WS_S_ASYNC and calls
 * back later, or completes synchronously; the reply body, if any, is allocated from the
 * operation context's heap (rule SV7).
 *
 * The heap and the reply (rule SV7): the heap must stay valid until the reply is written, and
 * a reply is written when the host's `send` of the reply message has returned S_OK (send
 * copies the message during the call, host.h), or when that send failed or the connection is
 * gone (then nothing will ever be written). The heap may be released right after; the
 * reference waits for the send's completion, which is allowed too. A failed call's fault text
 * comes from its WS_ERROR (or is the generic text), never from the heap, so SV7 does not
 * apply to it: its heap may be released at completion.
 *
 * Cancellation (WsRegisterOperationForCancel): the cancel callback may run on any thread: the
 * thread that calls abort_service_host (inside that call), a host worker (the client's
 * connection closed, the close timeout expired), or the operation's own thread inside the
 * registration when the reason came first. The free-state callback may be NULL (nothing is
 * called at completion then). A second registration for one call fails
 * (WS_E_INVALID_OPERATION in the reference; lockstep requires a failure) and leaves the first
 * in force: the second's callbacks never run (rule SV4). */
typedef HRESULT (*lockstep_service_operation)(const WS_OPERATION_CONTEXT* context,
                                              const void* request, size_t request_size,
                                              void** reply, size_t* reply_size,
                                              const WS_ASYNC_CONTEXT* async_context,
                                              WS_ERROR* error);

typedef struct lockstep_service_settings {
  uint32_t struct_size;
  const char* address; /* where the host listens */
  /* Operations by index: the request's first byte. */
  const lockstep_service_operation* operations;
  uint32_t operation_count;
  WS_FAULT_DISCLOSURE fault_disclosure;
  uint64_t close_timeout_ns; /* 0 means LOCKSTEP_DEFAULT_CLOSE_TIMEOUT_NS */
} lockstep_service_settings;

typedef struct lockstep_service_host_functions {
  uint32_t struct_size;
  /* WsCreateServiceHost: synchronous; `settings` and what it points to are copied. */
  HRESULT (*create_service_host)(const lockstep_implementation* self, const lockstep_host* host,
                                 const lockstep_service_settings* settings,
                                 lockstep_service_host** service_host, WS_ERROR* error);
  /* WsOpenServiceHost: listens and starts accepting. */
  HRESULT (*open_service_host)(lockstep_service_host* service_host,
                               const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error);
  /* WsCloseServiceHost: no new channels; in-flight calls complete, or after the close timeout
   * they are aborted (rule SV6). */
  HRESULT (*close_service_host)(lockstep_service_host* service_host,
                                const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error);
  /* WsAbortServiceHost: aborts listeners and channels, fires cancel callbacks; completion of
   * each call still comes from the operation itself (rule SV5). */
  HRESULT (*abort_service_host)(lockstep_service_host* service_host, WS_ERROR* error);
  /* WsFreeServiceHost: called on a simulated thread once the close has completed (or the
   * host never opened) and every operation's completion callback has returned. */
  void (*free_service_host)(lockstep_service_host* service_host);
} lockstep_service_host_functions;

/* ---- the table -------------------------------------------------------------------------------- */

struct lockstep_implementation {
  uint32_t abi_version; /* LOCKSTEP_IMPLEMENTATION_ABI_VERSION */
  uint32_t struct_size; /* sizeof(lockstep_implementation) as the implementation was built */
  const char* name;     /* short, stable, kebab-case */
  const char* version;
  const lockstep_channel_functions* channel;           /* NULL: not provided */
  HRESULT (*async_execute)(WS_ASYNC_STATE* async_state, WS_ASYNC_FUNCTION operation,
                           WS_CALLBACK_MODEL callback_model, void* callback_state,
                           const WS_ASYNC_CONTEXT* async_context,
                           WS_ERROR* error);                 /* NULL: not provided */
  const lockstep_service_host_functions* service_host; /* NULL: not provided */
  /* Appended after the first release: present when struct_size reaches them
   * (LOCKSTEP_IMPLEMENTATION_HAS). Each NULL when not provided. */
  const lockstep_async_result_functions* async_result; /* IAsyncResult: Begin/End */
  const lockstep_event_based_functions* event_based;   /* MethodAsync / Completed */
  const lockstep_task_based_functions* task_based;     /* tasks and continuations */
};

/* The size of the table as first released (up to service_host): the smallest lockstep loads. */
#define LOCKSTEP_IMPLEMENTATION_FIRST_STRUCT_SIZE \
  (offsetof(lockstep_implementation, service_host) + sizeof(const void*))

/* Whether `table` (a const lockstep_implementation*) is large enough to hold `member`. */
#define LOCKSTEP_IMPLEMENTATION_HAS(table, member)             \
  ((table)->struct_size >= offsetof(lockstep_implementation, member) + \
                               sizeof((table)->member))

/* The one symbol a plugin exports (named by LOCKSTEP_IMPLEMENTATION_SYMBOL). It is given the
 * host ABI version (LOCKSTEP_HOST_ABI_VERSION) lockstep was built with and returns its table,
 * or NULL if it cannot work with that host. A newer host only appends members to
 * lockstep_host, so accept every version at least as new as the one you were built with. */
typedef const lockstep_implementation* (*lockstep_get_implementation_function)(
    uint32_t host_abi_version);

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_IMPLEMENTATION_H */
