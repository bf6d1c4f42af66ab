/* vendor_task_client.c: a task-based client proxy (the .NET task-based pattern of
 * lockstep/patterns.h), written as a third party would write one to validate it with lockstep.
 * Read it top to bottom as a walkthrough:
 *
 *   1. the objects: the proxy (over the caller's channel) and its tasks;
 *   2. finishing a task: decide its status once, signal, then run its continuations;
 *   3. the channel's completion, and the wire format of a reply;
 *   4. the entry points (create_proxy ... release_task);
 *   5. the exported table: only the task-based part, and only its client role.
 *
 * The rules it keeps (CONTRACT.md section 5, TK1-TK5, and the exchange rule MX1), and where:
 *   - start sends the request before it returns: the task is hot (TK1);
 *   - start fails only for an argument error; every other failure, synchronous ones included,
 *     ends the task FAULTED (TK2);
 *   - a token already cancelled gives a CANCELED task and nothing is sent (TK3); later, the
 *     token is not looked at: the channel cannot stop a request once sent, so a task whose
 *     request went out ends with the request's own outcome, never CANCELED (TK4);
 *   - a continuation that asked for asynchronous continuations is queued to a host worker,
 *     never run inline by the thread that completed the task (TK5);
 *   - one request per call, request_reply for a request/reply call and send_message for a
 *     one-way call, no retry (MX1);
 *   - one mutex (the proxy's) guards every task; no continuation and no channel call runs
 *     while it is held; a task lives while the caller, the channel or a queued continuation
 *     holds it (a reference count).
 * Everything goes through the lockstep_host table. Plain C11. */
#include <stdint.h>
#include <string.h>

#include "lockstep/implementation.h"

/* ---- 1. The objects -------------------------------------------------------------------------- */

struct lockstep_pattern_instance {
  const lockstep_host* host;
  lockstep_pattern_channel channel; /* the caller's, open; we only send through it */
  lockstep_mutex* mutex;
};

typedef struct continuation continuation;
struct continuation {
  continuation* next;
  lockstep_task* task;
  lockstep_task_continuation function;
  void* state;
  uint32_t options;
};

struct lockstep_task {
  lockstep_pattern_instance* proxy;
  lockstep_task_status status;
  HRESULT failure;      /* FAULTED: what the request ended with */
  WS_ERROR* error;      /* the request's rich error (from the host) */
  lockstep_event* done; /* manual reset: set once status left RUNNING */
  continuation* continuations;
  BOOL one_way;
  /* The request and the reply buffer: ours until the channel completes (AM6). */
  unsigned char* request;
  size_t request_size;
  unsigned char reply[LOCKSTEP_PATTERN_REPLY_CAPACITY + 1];
  size_t received;
  const unsigned char* body; /* RAN_TO_COMPLETION: the reply body, inside `reply` */
  size_t body_size;
  unsigned references;
};

static void lock(lockstep_pattern_instance* proxy) {
  proxy->host->mutex_lock(proxy->host->self, proxy->mutex);
}

static void unlock(lockstep_pattern_instance* proxy) {
  proxy->host->mutex_unlock(proxy->host->self, proxy->mutex);
}

static void release(lockstep_task* task) {
  lockstep_pattern_instance* proxy = task->proxy;
  const lockstep_host* host = proxy->host;
  lock(proxy);
  const BOOL last = --task->references == 0;
  unlock(proxy);
  if (!last) {
    return;
  }
  if (task->error != NULL) {
    host->error_free(host->self, task->error);
  }
  host->event_destroy(host->self, task->done);
  host->release(host->self, task->request);
  host->release(host->self, task);
}

/* ---- 2. Finishing a task -----------------------------------------------------------------------
 */

static void run_queued(void* state, WS_CALLBACK_MODEL model) {
  continuation* entry = (continuation*)state;
  lockstep_task* task = entry->task;
  (void)model;
  entry->function(task, entry->state);
  task->proxy->host->release(task->proxy->host->self, entry);
  release(task); /* the queued continuation's hold */
}

/* Runs one continuation of a finished task: queued when it asked to run asynchronously (TK5). */
static void dispatch(continuation* entry) {
  lockstep_task* task = entry->task;
  const lockstep_host* host = task->proxy->host;
  if ((entry->options & LOCKSTEP_TASK_CONTINUE_ASYNCHRONOUSLY) != 0) {
    lock(task->proxy);
    ++task->references;
    unlock(task->proxy);
    if (SUCCEEDED(host->submit_work(host->self, run_queued, entry))) {
      return;
    }
    release(task); /* could not queue it: run it here rather than never */
  }
  entry->function(task, entry->state);
  host->release(host->self, entry);
}

static void finish(lockstep_task* task, lockstep_task_status status) {
  lockstep_pattern_instance* proxy = task->proxy;
  lock(proxy);
  task->status = status;
  continuation* entry = task->continuations;
  task->continuations = NULL;
  unlock(proxy);
  proxy->host->event_set(proxy->host->self, task->done); /* wait returns from now on */
  /* Registered continuations run in the order they were added. The list was built by
   * prepending: reverse it first. */
  continuation* ordered = NULL;
  while (entry != NULL) {
    continuation* next = entry->next;
    entry->next = ordered;
    ordered = entry;
    entry = next;
  }
  while (ordered != NULL) {
    continuation* next = ordered->next;
    dispatch(ordered);
    ordered = next;
  }
}

/* ---- 3. The channel's completion
 * ----------------------------------------------------------------- */

/* The request is over: its outcome is the task's (the wire format of lockstep/patterns.h). */
static void request_done(lockstep_task* task, HRESULT result) {
  if (SUCCEEDED(result) && !task->one_way) {
    if (task->received >= 1 && task->reply[0] == (unsigned char)LOCKSTEP_WIRE_REPLY) {
      task->body = task->reply + 1;
      task->body_size = task->received - 1;
    } else if (task->received >= 1 && task->reply[0] == (unsigned char)LOCKSTEP_WIRE_FAULT) {
      char text[LOCKSTEP_PATTERN_REPLY_CAPACITY + 1];
      memcpy(text, task->reply + 1, task->received - 1);
      text[task->received - 1] = '\0';
      lockstep_error_add_text(task->error, text);
      result = WS_E_ENDPOINT_FAULT_RECEIVED;
    } else {
      result = WS_E_INVALID_FORMAT;
    }
  }
  task->failure = result;
  finish(task, SUCCEEDED(result) ? LOCKSTEP_TASK_RAN_TO_COMPLETION : LOCKSTEP_TASK_FAULTED);
}

static void on_channel_completion(HRESULT result, WS_CALLBACK_MODEL model, void* state) {
  lockstep_task* task = (lockstep_task*)state;
  (void)model; /* nothing below blocks: fine under either callback model (AM8) */
  request_done(task, result);
  release(task); /* the channel's hold */
}

/* ---- 4. The entry points
 * ------------------------------------------------------------------------- */

static HRESULT create_proxy(const lockstep_implementation* self, const lockstep_host* host,
                            const lockstep_pattern_channel* channel,
                            lockstep_pattern_instance** instance, WS_ERROR* error) {
  (void)self, (void)error;
  if (host == NULL || channel == NULL || instance == NULL || channel->functions == NULL ||
      channel->channel == NULL) {
    return E_INVALIDARG;
  }
  lockstep_pattern_instance* proxy =
      (lockstep_pattern_instance*)host->allocate(host->self, sizeof(lockstep_pattern_instance));
  if (proxy == NULL) {
    return E_OUTOFMEMORY;
  }
  proxy->host = host;
  proxy->channel = *channel;
  proxy->mutex = host->mutex_create(host->self);
  if (proxy->mutex == NULL) {
    host->release(host->self, proxy);
    return E_OUTOFMEMORY;
  }
  *instance = proxy;
  return S_OK;
}

static void free_instance(lockstep_pattern_instance* proxy) {
  proxy->host->mutex_destroy(proxy->host->self, proxy->mutex);
  proxy->host->release(proxy->host->self, proxy);
}

static HRESULT start(lockstep_pattern_instance* proxy, const lockstep_pattern_request* request,
                     lockstep_cancellation_token* token, lockstep_task** task_out,
                     WS_ERROR* error) {
  /* Argument errors are the only failures start returns (TK2). */
  if (proxy == NULL || task_out == NULL || request == NULL ||
      request->struct_size < sizeof(lockstep_pattern_request) || request->operation > 255u ||
      (request->body == NULL && request->body_size > 0)) {
    lockstep_error_add_text(error, "invalid request");
    return E_INVALIDARG;
  }
  const lockstep_host* host = proxy->host;
  lockstep_task* task = (lockstep_task*)host->allocate(host->self, sizeof(lockstep_task));
  if (task == NULL) {
    return E_OUTOFMEMORY;
  }
  memset(task, 0, sizeof(*task));
  task->proxy = proxy;
  task->status = LOCKSTEP_TASK_RUNNING;
  task->one_way = request->one_way;
  task->done = host->event_create(host->self, TRUE, FALSE);
  task->error = host->error_create(host->self);
  /* The request is read during this call only: copy it, as [operation][body]. */
  task->request_size = 1 + request->body_size;
  task->request = (unsigned char*)host->allocate(host->self, task->request_size);
  if (task->done == NULL || task->request == NULL) {
    /* The host refused memory before there was a task to store the failure in. */
    if (task->done != NULL) {
      host->event_destroy(host->self, task->done);
    }
    if (task->error != NULL) {
      host->error_free(host->self, task->error);
    }
    if (task->request != NULL) {
      host->release(host->self, task->request);
    }
    host->release(host->self, task);
    return E_OUTOFMEMORY;
  }
  task->request[0] = (unsigned char)request->operation;
  if (request->body_size > 0) {
    memcpy(task->request + 1, request->body, request->body_size);
  }
  task->references = 1; /* the caller's, until release_task */
  *task_out = task;
  if (lockstep_token_is_cancellation_requested(token)) {
    finish(task, LOCKSTEP_TASK_CANCELED); /* nothing is sent (TK3) */
    return S_OK;
  }
  /* Send it now: the task is hot (TK1). The channel may complete at once, or call back later
   * (maybe before it returns, on another thread: we hold no lock and touch nothing after). */
  ++task->references; /* the channel's, until its completion */
  WS_ASYNC_CONTEXT context = {on_channel_completion, task};
  const lockstep_channel_functions* channel = proxy->channel.functions;
  const HRESULT returned =
      task->one_way ? channel->send_message(proxy->channel.channel, task->request,
                                            task->request_size, &context, task->error)
                    : channel->request_reply(proxy->channel.channel, task->request,
                                             task->request_size, task->reply, sizeof(task->reply),
                                             &task->received, &context, task->error);
  if (returned != WS_S_ASYNC) {
    /* Completed synchronously, failures included: the outcome goes into the task (TK2). */
    request_done(task, returned);
    release(task);
  }
  return S_OK;
}

static lockstep_task_status task_status(lockstep_task* task) {
  lock(task->proxy);
  const lockstep_task_status status = task->status;
  unlock(task->proxy);
  return status;
}

static HRESULT task_result(lockstep_task* task, void* reply, size_t reply_capacity,
                           size_t* reply_size) {
  if (task == NULL || reply_size == NULL || (reply == NULL && reply_capacity > 0)) {
    return E_INVALIDARG;
  }
  if (task_status(task) != LOCKSTEP_TASK_RAN_TO_COMPLETION) {
    return WS_E_INVALID_OPERATION;
  }
  if (task->body_size > reply_capacity) {
    return WS_E_QUOTA_EXCEEDED;
  }
  if (task->body_size > 0) {
    memcpy(reply, task->body, task->body_size);
  }
  *reply_size = task->body_size;
  return S_OK;
}

static HRESULT task_error(lockstep_task* task, WS_ERROR* error) {
  if (task == NULL) {
    return E_INVALIDARG;
  }
  switch (task_status(task)) {
    case LOCKSTEP_TASK_RUNNING:
      return WS_E_INVALID_OPERATION;
    case LOCKSTEP_TASK_RAN_TO_COMPLETION:
      return S_OK;
    case LOCKSTEP_TASK_CANCELED:
      return WS_E_OPERATION_ABORTED;
    case LOCKSTEP_TASK_FAULTED:
      break;
  }
  /* The request's strings, oldest first, so that the caller's error reads the same. */
  for (ULONG index = lockstep_error_string_count(task->error); index > 0 && error != NULL;
       --index) {
    WS_STRING string;
    if (SUCCEEDED(WsGetErrorString(task->error, index - 1, &string))) {
      WsAddErrorString(error, &string);
    }
  }
  return task->failure;
}

static HRESULT continue_with(lockstep_task* task, lockstep_task_continuation function, void* state,
                             uint32_t options) {
  if (task == NULL || function == NULL ||
      (options & ~(uint32_t)LOCKSTEP_TASK_CONTINUE_ASYNCHRONOUSLY) != 0) {
    return E_INVALIDARG;
  }
  const lockstep_host* host = task->proxy->host;
  continuation* entry = (continuation*)host->allocate(host->self, sizeof(continuation));
  if (entry == NULL) {
    return E_OUTOFMEMORY;
  }
  entry->task = task;
  entry->function = function;
  entry->state = state;
  entry->options = options;
  lock(task->proxy);
  const BOOL running = task->status == LOCKSTEP_TASK_RUNNING;
  if (running) {
    entry->next = task->continuations;
    task->continuations = entry;
  }
  unlock(task->proxy);
  if (!running) {
    entry->next = NULL;
    dispatch(entry); /* already finished: now (or queued, when asked to run asynchronously) */
  }
  return S_OK;
}

static HRESULT wait(lockstep_task* task, uint64_t timeout_ns) {
  if (task == NULL) {
    return E_INVALIDARG;
  }
  const lockstep_host* host = task->proxy->host;
  return host->event_wait(host->self, task->done, timeout_ns);
}

static void release_task(lockstep_task* task) {
  if (task != NULL) {
    release(task);
  }
}

/* ---- 5. The exported table
 * ----------------------------------------------------------------------- */

static const lockstep_task_based_functions vendor_task_functions = {
    sizeof(lockstep_task_based_functions),
    create_proxy,
    NULL, /* no service role: the suite runs the client against lockstep's reference services */
    free_instance,
    start,
    task_status,
    task_result,
    task_error,
    continue_with,
    wait,
    release_task,
};

static const lockstep_implementation vendor_implementation = {
    LOCKSTEP_IMPLEMENTATION_ABI_VERSION,
    sizeof(lockstep_implementation),
    "vendor-task-client",
    "1.0",
    NULL, /* no channel: the proxy runs over lockstep's reference channel */
    NULL, /* no WsAsyncExecute */
    NULL, /* no service host */
    NULL, /* no IAsyncResult part */
    NULL, /* no event-based part */
    &vendor_task_functions,
};

/* The one exported symbol (the library is built with hidden visibility otherwise). */
__attribute__((visibility("default"))) const lockstep_implementation* lockstep_get_implementation(
    uint32_t host_abi_version);

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version) {
  /* Built against host ABI 1: an older host would lack functions this code calls. */
  return host_abi_version >= LOCKSTEP_HOST_ABI_VERSION ? &vendor_implementation : NULL;
}
