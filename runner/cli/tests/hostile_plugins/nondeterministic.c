/* nondeterministic.c: a channel that breaks AM2 (a buffered receive also posts its callback) and
 * annotates each schedule's trace with how many channels this process created before: state
 * kept between schedules, so the same schedule gives another trace hash depending on what the
 * process ran before it. lockstep must notice (exit 3) without losing the report. */
#include "hostile_plugin.h"

static uint64_t channels_created;

static HRESULT create_channel(const lockstep_implementation* self, const lockstep_host* host,
                              lockstep_channel** channel, WS_ERROR* error) {
  host->annotate(host->self, "channels created before", channels_created++);
  return reference_channel_functions.create_channel(self, host, channel, error);
}

static lockstep_channel_functions functions;
HOSTILE_TABLE(table, "nondeterministic", functions, REFERENCE_CHANNEL_DEFECT_CALLBACK_ON_SYNC_PATH);

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version);

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version) {
  (void)host_abi_version;
  functions = hostile_channel_functions(create_channel);
  return &table.base;
}
