/* prints.c: a channel that breaks AM2 (a buffered receive also posts its callback) and prints
 * 64 KiB of noise to stdout and to stderr in every create_channel, ending with a line that
 * imitates lockstep's own ("PASS"). None of it may reach lockstep's output; the end of it is
 * kept with each failure. */
#include <stdio.h>

#include "hostile_plugin.h"

static HRESULT create_channel(const lockstep_implementation* self, const lockstep_host* host,
                              lockstep_channel** channel, WS_ERROR* error) {
  for (int line = 0; line < 1024; ++line) {
    printf("hostile-noise stdout line %04d ..........................................\n", line);
    fprintf(stderr, "hostile-noise stderr line %04d .........................................\n",
            line);
  }
  printf("  hostile-plugin                     PASS   3000 schedules,      0 failed\n");
  fflush(stdout);
  return reference_channel_functions.create_channel(self, host, channel, error);
}

static lockstep_channel_functions functions;
HOSTILE_TABLE(table, "prints", functions, REFERENCE_CHANNEL_DEFECT_CALLBACK_ON_SYNC_PATH);

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version);

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version) {
  (void)host_abi_version;
  functions = hostile_channel_functions(create_channel);
  return &table.base;
}
