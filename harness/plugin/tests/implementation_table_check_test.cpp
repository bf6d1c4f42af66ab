// check_implementation_table on tables built in memory: the refusals the test plugins do not
// cover (older ABI, empty or unprintable names, small or incomplete part tables, the service
// host), and that a complete table passes.
#include "harness/plugin/implementation_table_check.h"

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
                                         &service_host};
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
  EXPECT_EQ(problem_of(tables), "(accepted)");
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
