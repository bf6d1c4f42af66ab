/* test_plugin.c: one small C plugin, built several times with different TEST_PLUGIN_* macros,
 * each build breaking exactly one rule load_plugin checks (see harness/plugin/CMakeLists.txt).
 * The default build is a good plugin. Its functions only return E_NOTIMPL: the loader never
 * calls them, it only checks that they are there. */
#include <stddef.h>

#include <stdint.h>

#include "lockstep/implementation.h"

#ifdef TEST_PLUGIN_NEWER_ABI
#define TEST_PLUGIN_ABI_VERSION (LOCKSTEP_IMPLEMENTATION_ABI_VERSION + 1u)
#else
#define TEST_PLUGIN_ABI_VERSION LOCKSTEP_IMPLEMENTATION_ABI_VERSION
#endif
#ifdef TEST_PLUGIN_SMALL_STRUCT
/* As if built against an older header without the service_host member. */
#define TEST_PLUGIN_STRUCT_SIZE offsetof(lockstep_implementation, service_host)
#elif defined(TEST_PLUGIN_FIRST_RELEASE)
/* As if built against the first release's header, before the pattern parts were appended. */
#define TEST_PLUGIN_STRUCT_SIZE LOCKSTEP_IMPLEMENTATION_FIRST_STRUCT_SIZE
#else
#define TEST_PLUGIN_STRUCT_SIZE sizeof(lockstep_implementation)
#endif
#ifdef TEST_PLUGIN_NULL_NAME
#define TEST_PLUGIN_NAME NULL
#else
#define TEST_PLUGIN_NAME "test-plugin"
#endif
#ifndef TEST_PLUGIN_SYMBOL
#define TEST_PLUGIN_SYMBOL lockstep_get_implementation
#endif

#define NOT_IMPLEMENTED ((HRESULT)0x80004001L) /* E_NOTIMPL */

static HRESULT create_channel(const lockstep_implementation* self, const lockstep_host* host,
                              lockstep_channel** channel, WS_ERROR* error) {
  (void)self, (void)host, (void)channel, (void)error;
#if defined(TEST_PLUGIN_CRASHES)
  /* A plugin that crashes: the isolated run must report it and go on. */
  *(volatile int*)(uintptr_t)host->io_limit(host->self) = 1;
#elif defined(TEST_PLUGIN_HANGS)
  /* A plugin that never returns: the watchdog must report it and go on. */
  for (volatile int spinning = 1; spinning;) {
  }
#endif
  return NOT_IMPLEMENTED;
}

static HRESULT open_channel(lockstep_channel* channel, const char* endpoint_address,
                            const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error) {
  (void)channel, (void)endpoint_address, (void)async_context, (void)error;
  return NOT_IMPLEMENTED;
}

static HRESULT send_message(lockstep_channel* channel, const void* body, size_t body_size,
                            const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error) {
  (void)channel, (void)body, (void)body_size, (void)async_context, (void)error;
  return NOT_IMPLEMENTED;
}

#ifdef TEST_PLUGIN_OMIT_RECEIVE_MESSAGE
#define TEST_PLUGIN_RECEIVE_MESSAGE NULL
#else
#define TEST_PLUGIN_RECEIVE_MESSAGE receive_message
static HRESULT receive_message(lockstep_channel* channel, BOOL optional, void* body,
                               size_t body_capacity, size_t* body_size,
                               const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error) {
  (void)channel, (void)optional, (void)body, (void)body_capacity, (void)body_size;
  (void)async_context, (void)error;
  return NOT_IMPLEMENTED;
}
#endif

static HRESULT request_reply(lockstep_channel* channel, const void* request, size_t request_size,
                             void* reply, size_t reply_capacity, size_t* reply_size,
                             const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error) {
  (void)channel, (void)request, (void)request_size, (void)reply, (void)reply_capacity;
  (void)reply_size, (void)async_context, (void)error;
  return NOT_IMPLEMENTED;
}

static HRESULT close_channel(lockstep_channel* channel, const WS_ASYNC_CONTEXT* async_context,
                             WS_ERROR* error) {
  (void)channel, (void)async_context, (void)error;
  return NOT_IMPLEMENTED;
}

static HRESULT abort_channel(lockstep_channel* channel, WS_ERROR* error) {
  (void)channel, (void)error;
  return NOT_IMPLEMENTED;
}

static HRESULT get_channel_state(lockstep_channel* channel, WS_CHANNEL_STATE* state,
                                 WS_ERROR* error) {
  (void)channel, (void)state, (void)error;
  return NOT_IMPLEMENTED;
}

static void free_channel(lockstep_channel* channel) {
  (void)channel;
}

static HRESULT async_execute(WS_ASYNC_STATE* async_state, WS_ASYNC_FUNCTION operation,
                             WS_CALLBACK_MODEL callback_model, void* callback_state,
                             const WS_ASYNC_CONTEXT* async_context, WS_ERROR* error) {
  (void)async_state, (void)operation, (void)callback_model, (void)callback_state;
  (void)async_context, (void)error;
  return NOT_IMPLEMENTED;
}

static const lockstep_channel_functions channel_functions = {
    sizeof(lockstep_channel_functions),
    create_channel,
    open_channel,
    send_message,
    TEST_PLUGIN_RECEIVE_MESSAGE,
    request_reply,
    close_channel,
    abort_channel,
    get_channel_state,
    free_channel,
};

static const lockstep_implementation implementation = {
    TEST_PLUGIN_ABI_VERSION,
    TEST_PLUGIN_STRUCT_SIZE,
    TEST_PLUGIN_NAME,
    "1.0",
    &channel_functions,
    async_execute,
    NULL, /* no service host: load_plugin reports the part as not provided */
    NULL, /* no IAsyncResult part */
    NULL, /* no event-based part */
    NULL, /* no task-based part */
};

const lockstep_implementation* TEST_PLUGIN_SYMBOL(uint32_t host_abi_version);

const lockstep_implementation* TEST_PLUGIN_SYMBOL(uint32_t host_abi_version) {
#ifdef TEST_PLUGIN_REFUSE
  (void)host_abi_version;
  (void)&implementation; /* every variant keeps the same table; this one never hands it out */
  return NULL;
#else
  /* Any host at least as new as the headers this was built with (members are only appended). */
  return host_abi_version >= LOCKSTEP_HOST_ABI_VERSION ? &implementation : NULL;
#endif
}
