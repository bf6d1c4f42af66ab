/* forks.c: the reference channel, except that every create_channel forks a process that
 * sleeps for a minute, holding whatever the schedule's process had open. The forked process
 * ids go to the file named by LOCKSTEP_HOSTILE_PID_LOG, so a test can check none outlives the
 * run. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "hostile_plugin.h"

static HRESULT create_channel(const lockstep_implementation* self, const lockstep_host* host,
                              lockstep_channel** channel, WS_ERROR* error) {
  const pid_t child = fork();
  if (child == 0) {
    sleep(60);
    _exit(0);
  }
  const char* path = getenv("LOCKSTEP_HOSTILE_PID_LOG");
  if (child > 0 && path != NULL) {
    const int log = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (log >= 0) {
      char line[32];
      const int length = snprintf(line, sizeof(line), "%ld\n", (long)child);
      if (write(log, line, (size_t)length) != length) {
        /* nothing to do: the test sees a missing line */
      }
      close(log);
    }
  }
  return reference_channel_functions.create_channel(self, host, channel, error);
}

static lockstep_channel_functions functions;
HOSTILE_TABLE(table, "forks", functions, 0u);

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version);

const lockstep_implementation* lockstep_get_implementation(uint32_t host_abi_version) {
  (void)host_abi_version;
  functions = hostile_channel_functions(create_channel);
  return &table.base;
}
