/* parent_sensitive.c: a channel that breaks AM2 (a buffered receive also posts its callback) and
 * crashes when its code runs in the process whose id is in LOCKSTEP_HOSTILE_PARENT_PID: the
 * lockstep process a test started. Every process that runs its constructor or create_channel
 * appends its id to the file named by LOCKSTEP_HOSTILE_PID_LOG, so a test can check that plugin
 * code never ran in the parent (not to load it, list it, re-run, shrink or replay a failure). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hostile_plugin.h"

static void record_this_process(void) {
  const char* path = getenv("LOCKSTEP_HOSTILE_PID_LOG");
  if (path != NULL) {
    const int log = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (log >= 0) {
      char line[32];
      const int length = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
      if (write(log, line, (size_t)length) != length) {
        /* nothing to do: the test sees a missing line */
      }
      close(log);
    }
  }
  if (hostile_environment_number("LOCKSTEP_HOSTILE_PARENT_PID") == (long)getpid()) {
    *(volatile int*)(uintptr_t)hostile_environment_number("LOCKSTEP_HOSTILE_NULL") = 1;
  }
}

__attribute__((constructor)) static void on_load(void) {
  record_this_process();
}

static HRESULT create_channel(const lockstep_implementation* self, const lockstep_host* host,
                              lockstep_channel** channel, WS_ERROR* error) {
  record_this_process();
  return reference_channel_functions.create_channel(self, host, channel, error);
}

static lockstep_channel_functions functions;
HOSTILE_TABLE(table, "parent-sensitive", functions, REFERENCE_CHANNEL_DEFECT_CALLBACK_ON_SYNC_PATH);

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version);

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version) {
  (void)host_abi_version;
  functions = hostile_channel_functions(create_channel);
  return &table.base;
}
