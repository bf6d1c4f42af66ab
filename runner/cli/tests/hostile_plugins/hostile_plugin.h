/* hostile_plugin.h: what the hostile test plugins share. Each plugin is the reference client
 * channel (fixtures/reference) with one way of misbehaving toward the harness that loads it,
 * the way third-party code does: crashing outside its schedules, forking, printing, keeping
 * state between schedules. Each builds a reference_implementation table whose create_channel
 * is the plugin's own, which then calls the reference's. Plain C. */
#ifndef LOCKSTEP_HOSTILE_PLUGIN_H
#define LOCKSTEP_HOSTILE_PLUGIN_H

#include <stdint.h>
#include <stdlib.h>

#include "channel.h"
#include "channel_defects.h"
#include "reference_implementation.h"

/* The number in environment variable `name`, or 0. */
static inline long hostile_environment_number(const char* name) {
  const char* text = getenv(name);
  return text == NULL ? 0 : strtol(text, NULL, 10);
}

/* The reference channel's functions with create_channel replaced. */
static inline lockstep_channel_functions hostile_channel_functions(HRESULT (*create_channel)(
    const lockstep_implementation*, const lockstep_host*, lockstep_channel**, WS_ERROR*)) {
  lockstep_channel_functions functions = reference_channel_functions;
  functions.create_channel = create_channel;
  return functions;
}

#define HOSTILE_TABLE(table_name, plugin_name, functions, defects)                              \
  static reference_implementation table_name = {                                                \
      .base = {.abi_version = LOCKSTEP_IMPLEMENTATION_ABI_VERSION,                              \
               .struct_size = sizeof(reference_implementation),                                 \
               .name = plugin_name,                                                             \
               .version = "1",                                                                  \
               .channel = &(functions)},                                                        \
      .channel_defects = (defects)}

#endif
