/* fixable_plugin.c: a plugin that can be "fixed" between a run and a replay, for the tests of
 * replay after a fix and of the failure database.
 *
 * Built twice under one table name: with FIXABLE_PLUGIN_BROKEN it is the reference with the
 * context-by-pointer defect (it reads the caller's WS_ASYNC_CONTEXT after returning: AM5 within
 * a few channel schedules); without, it is the reference itself, version "2". A test copies one
 * build over the other at the same path, as a vendor's rebuild would. */
#include "async_execute.h"
#include "channel.h"
#include "channel_defects.h"
#include "lockstep/implementation.h"
#include "reference_implementation.h"
#include "reference_service_host.h"

#ifdef FIXABLE_PLUGIN_BROKEN
#define FIXABLE_VERSION "1"
#define FIXABLE_DEFECTS REFERENCE_CHANNEL_DEFECT_CONTEXT_BY_POINTER
#else
#define FIXABLE_VERSION "2"
#define FIXABLE_DEFECTS 0u
#endif

/* Designated initializers: the table only ever grows members (implementation.h). */
static const reference_implementation fixable_table = {
    .base = {.abi_version = LOCKSTEP_IMPLEMENTATION_ABI_VERSION,
             .struct_size = sizeof(reference_implementation),
             .name = "fixable",
             .version = FIXABLE_VERSION,
             .channel = &reference_channel_functions,
             .async_execute = WsAsyncExecute,
             .service_host = &reference_service_host_functions},
    .channel_defects = FIXABLE_DEFECTS,
};

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version);

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version) {
  return host_abi_version >= LOCKSTEP_HOST_ABI_VERSION ? &fixable_table.base : NULL;
}
