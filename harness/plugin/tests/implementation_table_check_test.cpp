// check_implementation_table on tables built in memory: the refusals the test plugins do not
// cover (older ABI, empty or unprintable names, small or incomplete part tables, the service
// host, the pattern parts), that a complete table passes, and that a table of the first release
// loads without its appended members being read.
#include "harness/plugin/implementation_table_check.h"

#include "harness/plugin/implementation_parts.h"

#include <gtest/gtest.h>

namespace lockstep::harness {
namespace {

// Never called: the checks only look at whether entries are present.
HRESULT create_channel(const lockstep_implementation*, const lockstep_host*, lockstep_channel**,
                       WS_ERROR*) {
  return -1;
}
HRESULT open_channel(lockstep_channel*, const char*, const WS_ASYNC_CONTEXT*, WS_ERROR*) {
  return -1;
}
HRESULT send_message(lockstep_channel*, const void*, size_t, const WS_ASYNC_CONTEXT*, WS_ERROR*) {
  return -1;
}
HRESULT receive_message(lockstep_channel*, BOOL, void*, size_t, size_t*, const WS_ASYNC_CONTEXT*,
                        WS_ERROR*) {
  return -1;
}
HRESULT request_reply(lockstep_channel*, const void*, size_t, void*, size_t, size_t*,
                      const WS_ASYNC_CONTEXT*, WS_ERROR*) {
  return -1;
}
HRESULT close_channel(lockstep_channel*, const WS_ASYNC_CONTEXT*, WS_ERROR*) {
  return -1;
}
HRESULT abort_channel(lockstep_channel*, WS_ERROR*) {
  return -1;
}
HRESULT get_channel_state(lockstep_channel*, WS_CHANNEL_STATE*, WS_ERROR*) {
  return -1;
}
void free_channel(lockstep_channel*) {}

HRESULT create_service_host(const lockstep_implementation*, const lockstep_host*,
                            const lockstep_service_settings*, lockstep_service_host**, WS_ERROR*) {
  return -1;
}
HRESULT open_service_host(lockstep_service_host*, const WS_ASYNC_CONTEXT*, WS_ERROR*) {
  return -1;
}
HRESULT close_service_host(lockstep_service_host*, const WS_ASYNC_CONTEXT*, WS_ERROR*) {
  return -1;
}
HRESULT abort_service_host(lockstep_service_host*, WS_ERROR*) {
  return -1;
}
void free_service_host(lockstep_service_host*) {}

HRESULT create_proxy(const lockstep_implementation*, const lockstep_host*,
                     const lockstep_pattern_channel*, lockstep_pattern_instance**, WS_ERROR*) {
  return -1;
}
HRESULT create_service(const lockstep_implementation*, const lockstep_host*,
                       const lockstep_service_work*, lockstep_pattern_instance**, WS_ERROR*) {
  return -1;
}
void free_instance(lockstep_pattern_instance*) {}
HRESULT begin(lockstep_pattern_instance*, const lockstep_pattern_request*, lockstep_async_callback,
              void*, lockstep_async_result**, WS_ERROR*) {
  return -1;
}
HRESULT end(lockstep_pattern_instance*, lockstep_async_result*, void*, size_t, size_t*, WS_ERROR*) {
  return -1;
}
BOOL result_flag(lockstep_async_result*) {
  return FALSE;
}
lockstep_event* wait_handle(lockstep_async_result*) {
  return nullptr;
}
void* async_state(lockstep_async_result*) {
  return nullptr;
}
void release_result(lockstep_async_result*) {}
HRESULT event_start(lockstep_pattern_instance*, const lockstep_pattern_request*, void*,
                    const lockstep_event_handlers*, WS_ERROR*) {
  return -1;
}
HRESULT event_cancel(lockstep_pattern_instance*, void*) {
  return -1;
}
BOOL is_busy(lockstep_pattern_instance*) {
  return FALSE;
}
HRESULT task_start(lockstep_pattern_instance*, const lockstep_pattern_request*,
                   lockstep_cancellation_token*, lockstep_task**, WS_ERROR*) {
  return -1;
}
lockstep_task_status task_status(lockstep_task*) {
  return LOCKSTEP_TASK_RUNNING;
}
HRESULT task_result(lockstep_task*, void*, size_t, size_t*) {
  return -1;
}
HRESULT task_error(lockstep_task*, WS_ERROR*) {
  return -1;
}
HRESULT continue_with(lockstep_task*, lockstep_task_continuation, void*, uint32_t) {
  return -1;
}
HRESULT task_wait(lockstep_task*, uint64_t) {
  return -1;
}
void release_task(lockstep_task*) {}

// The implementation points at the part tables beside it: never copied, so never dangling.
struct Tables {
  Tables() = default;
  Tables(const Tables&) = delete;
  Tables& operator=(const Tables&) = delete;

  lockstep_channel_functions channel{sizeof(lockstep_channel_functions),
                                     create_channel,
                                     open_channel,
                                     send_message,
                                     receive_message,
                                     request_reply,
                                     close_channel,
                                     abort_channel,
                                     get_channel_state,
                                     free_channel};
  lockstep_service_host_functions service_host{sizeof(lockstep_service_host_functions),
                                               create_service_host,
                                               open_service_host,
                                               close_service_host,
                                               abort_service_host,
                                               free_service_host};
  lockstep_implementation implementation{LOCKSTEP_IMPLEMENTATION_ABI_VERSION,
                                         sizeof(lockstep_implementation),
                                         "in-memory",
                                         "1.0",
                                         &channel,
                                         nullptr,
                                         &service_host,
                                         &async_result,
                                         &event_based,
                                         &task_based};
  lockstep_async_result_functions async_result{sizeof(lockstep_async_result_functions),
                                               create_proxy,
                                               create_service,
                                               free_instance,
                                               begin,
                                               end,
                                               result_flag,
                                               result_flag,
                                               wait_handle,
                                               async_state,
                                               release_result};
  lockstep_event_based_functions event_based{sizeof(lockstep_event_based_functions),
                                             create_proxy,
                                             create_service,
                                             free_instance,
                                             event_start,
                                             event_cancel,
                                             is_busy};
  lockstep_task_based_functions task_based{sizeof(lockstep_task_based_functions),
                                           create_proxy,
                                           create_service,
                                           free_instance,
                                           task_start,
                                           task_status,
                                           task_result,
                                           task_error,
                                           continue_with,
                                           task_wait,
                                           release_task};
};

std::string problem_of(const Tables& tables) {
  return check_implementation_table(tables.implementation).value_or("(accepted)");
}

TEST(ImplementationTableCheck, AcceptsACompleteTable) {
  Tables tables;
  EXPECT_EQ(problem_of(tables), "(accepted)");
}

TEST(ImplementationTableCheck, AcceptsATableThatProvidesNoPart) {
  Tables tables;
  tables.implementation.channel = nullptr;
  tables.implementation.service_host = nullptr;
  tables.implementation.async_result = nullptr;
  tables.implementation.event_based = nullptr;
  tables.implementation.task_based = nullptr;
  EXPECT_EQ(problem_of(tables), "(accepted)");
}

TEST(ImplementationTableCheck, ATableOfTheFirstReleaseLoadsAndItsTailIsNeverRead) {
  Tables tables;
  // What lies beyond a first-release table is not the plugin's: even garbage is never read.
  tables.implementation.async_result =
      reinterpret_cast<const lockstep_async_result_functions*>(std::uintptr_t{8});
  tables.implementation.event_based =
      reinterpret_cast<const lockstep_event_based_functions*>(std::uintptr_t{8});
  tables.implementation.task_based =
      reinterpret_cast<const lockstep_task_based_functions*>(std::uintptr_t{8});
  tables.implementation.struct_size = LOCKSTEP_IMPLEMENTATION_FIRST_STRUCT_SIZE;
  EXPECT_EQ(problem_of(tables), "(accepted)");
  EXPECT_EQ(async_result_part(tables.implementation), nullptr);
  EXPECT_EQ(event_based_part(tables.implementation), nullptr);
  EXPECT_EQ(task_based_part(tables.implementation), nullptr);
  // A table that ends inside the appended members has only the members it holds.
  tables.implementation.async_result = &tables.async_result;
  tables.implementation.struct_size =
      offsetof(lockstep_implementation, async_result) + sizeof(void*);
  EXPECT_EQ(problem_of(tables), "(accepted)");
  EXPECT_EQ(async_result_part(tables.implementation), &tables.async_result);
  EXPECT_EQ(event_based_part(tables.implementation), nullptr);
  tables.implementation.struct_size = LOCKSTEP_IMPLEMENTATION_FIRST_STRUCT_SIZE - 1;
  EXPECT_EQ(problem_of(tables), "implementation table struct_size " +
                                    std::to_string(LOCKSTEP_IMPLEMENTATION_FIRST_STRUCT_SIZE - 1) +
                                    " is smaller than " +
                                    std::to_string(LOCKSTEP_IMPLEMENTATION_FIRST_STRUCT_SIZE) +
                                    " (the smallest lockstep_implementation, up to service_host)");
}

TEST(ImplementationTableCheck, RefusesIncompleteOrSmallPatternParts) {
  Tables without_end;
  without_end.async_result.end = nullptr;
  EXPECT_EQ(problem_of(without_end),
            "async_result table has a NULL end (every async_result function is mandatory when "
            "the part is provided)");
  Tables without_cancel;
  without_cancel.event_based.cancel = nullptr;
  EXPECT_EQ(problem_of(without_cancel),
            "event_based table has a NULL cancel (every event_based function is mandatory when "
            "the part is provided)");
  Tables client_only;
  client_only.task_based.create_service = nullptr;  // one role is enough
  EXPECT_EQ(problem_of(client_only), "(accepted)");
  Tables no_role;
  no_role.task_based.create_service = nullptr;
  no_role.task_based.create_proxy = nullptr;
  EXPECT_EQ(problem_of(no_role),
            "task_based table has neither create_proxy nor create_service (a part needs one "
            "role at least)");
  Tables small;
  small.task_based.struct_size = 8;
  EXPECT_EQ(problem_of(small), "task_based table struct_size 8 is smaller than " +
                                   std::to_string(sizeof(lockstep_task_based_functions)) +
                                   " (this lockstep's sizeof(lockstep_task_based_functions))");
}

TEST(ImplementationTableCheck, AcceptsANullVersionAndLargerStructs) {
  Tables tables;
  tables.implementation.version = nullptr;
  tables.implementation.struct_size += 16;  // a newer plugin build that appended members
  tables.channel.struct_size += 8;
  EXPECT_EQ(problem_of(tables), "(accepted)");
}

TEST(ImplementationTableCheck, RefusesAnOlderAbiVersion) {
  Tables tables;
  tables.implementation.abi_version = LOCKSTEP_IMPLEMENTATION_ABI_VERSION - 1;
  EXPECT_EQ(problem_of(tables),
            "implementation ABI version 0 is older than this lockstep's (1); rebuild the plugin");
}

TEST(ImplementationTableCheck, RefusesANewerAbiVersion) {
  Tables tables;
  tables.implementation.abi_version = LOCKSTEP_IMPLEMENTATION_ABI_VERSION + 1;
  EXPECT_EQ(problem_of(tables),
            "implementation ABI version 2 is newer than this lockstep's (1); use a newer lockstep");
}

TEST(ImplementationTableCheck, RefusesEmptyOrUnprintableNames) {
  Tables tables;
  tables.implementation.name = "";
  EXPECT_EQ(problem_of(tables), "implementation name is empty");
  tables.implementation.name = "two\nlines";
  EXPECT_EQ(problem_of(tables), "implementation name contains a control character");
  tables.implementation.name = "fine";
  tables.implementation.version = "1.0\r";
  EXPECT_EQ(problem_of(tables), "implementation version contains a control character");
}

TEST(ImplementationTableCheck, RefusesASmallChannelTable) {
  Tables tables;
  tables.channel.struct_size = sizeof(lockstep_channel_functions) - sizeof(void*);
  EXPECT_EQ(problem_of(tables),
            "channel table struct_size " + std::to_string(tables.channel.struct_size) +
                " is smaller than " + std::to_string(sizeof(lockstep_channel_functions)) +
                " (this lockstep's sizeof(lockstep_channel_functions))");
}

TEST(ImplementationTableCheck, RefusesEveryMissingChannelEntry) {
  Tables without_free;
  without_free.channel.free_channel = nullptr;
  EXPECT_EQ(problem_of(without_free),
            "channel table has a NULL free_channel (every channel function is mandatory when "
            "the part is provided)");
  Tables without_create;
  without_create.channel.create_channel = nullptr;
  EXPECT_EQ(problem_of(without_create),
            "channel table has a NULL create_channel (every channel function is mandatory when "
            "the part is provided)");
}

TEST(ImplementationTableCheck, RefusesAnIncompleteServiceHostTable) {
  Tables without_abort;
  without_abort.service_host.abort_service_host = nullptr;
  EXPECT_EQ(problem_of(without_abort),
            "service_host table has a NULL abort_service_host (every service_host function is "
            "mandatory when the part is provided)");
  Tables small;
  small.service_host.struct_size = 4;
  EXPECT_EQ(problem_of(small), "service_host table struct_size 4 is smaller than " +
                                   std::to_string(sizeof(lockstep_service_host_functions)) +
                                   " (this lockstep's sizeof(lockstep_service_host_functions))");
}

}  // namespace
}  // namespace lockstep::harness
