// Implementation table checks: versions and sizes first, then the name and version (printable,
// because they go into line-oriented replay files), then every provided part's function table
// (each entry of a provided part is mandatory: the suites for that part call them all). The
// pattern parts appended to the table are read only when its struct_size covers them.
#include "harness/plugin/implementation_table_check.h"

#include "harness/plugin/implementation_parts.h"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace lockstep::harness {
namespace {

using EntryList = std::vector<std::pair<std::string_view, bool>>;

// Names and versions end up in line-oriented replay files and one-line reports.
bool has_control_character(std::string_view text) {
  for (const char character : text) {
    const auto byte = static_cast<unsigned char>(character);
    if (byte < 0x20 || byte == 0x7f) {
      return true;
    }
  }
  return false;
}

std::optional<std::string> check_part(std::string_view part, std::uint32_t struct_size,
                                      std::size_t expected_size, const EntryList& entries) {
  if (struct_size < expected_size) {
    return std::string(part) + " table struct_size " + std::to_string(struct_size) +
           " is smaller than " + std::to_string(expected_size) +
           " (this lockstep's sizeof(lockstep_" + std::string(part) + "_functions))";
  }
  for (const auto& [entry, present] : entries) {
    if (!present) {
      return std::string(part) + " table has a NULL " + std::string(entry) + " (every " +
             std::string(part) + " function is mandatory when the part is provided)";
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_channel(const lockstep_channel_functions& channel) {
  return check_part("channel", channel.struct_size, sizeof(lockstep_channel_functions),
                    {{"create_channel", channel.create_channel != nullptr},
                     {"open_channel", channel.open_channel != nullptr},
                     {"send_message", channel.send_message != nullptr},
                     {"receive_message", channel.receive_message != nullptr},
                     {"request_reply", channel.request_reply != nullptr},
                     {"close_channel", channel.close_channel != nullptr},
                     {"abort_channel", channel.abort_channel != nullptr},
                     {"get_channel_state", channel.get_channel_state != nullptr},
                     {"free_channel", channel.free_channel != nullptr}});
}

std::optional<std::string> check_service_host(const lockstep_service_host_functions& service) {
  return check_part("service_host", service.struct_size, sizeof(lockstep_service_host_functions),
                    {{"create_service_host", service.create_service_host != nullptr},
                     {"open_service_host", service.open_service_host != nullptr},
                     {"close_service_host", service.close_service_host != nullptr},
                     {"abort_service_host", service.abort_service_host != nullptr},
                     {"free_service_host", service.free_service_host != nullptr}});
}

// What every pattern part starts with: a part may have one role only (either create function
// NULL), not none; free_instance is always needed.
template <typename Part>
EntryList instance_entries(const Part& part) {
  return {{"free_instance", part.free_instance != nullptr}};
}

template <typename Part>
std::optional<std::string> check_roles(std::string_view name, const Part& part) {
  if (part.create_proxy == nullptr && part.create_service == nullptr) {
    return std::string(name) +
           " table has neither create_proxy nor create_service (a part needs one role at least)";
  }
  return std::nullopt;
}

std::optional<std::string> check_async_result(const lockstep_async_result_functions& part) {
  if (auto problem = check_roles("async_result", part)) {
    return problem;
  }
  EntryList entries = instance_entries(part);
  entries.insert(entries.end(),
                 {{"begin", part.begin != nullptr},
                  {"end", part.end != nullptr},
                  {"completed_synchronously", part.completed_synchronously != nullptr},
                  {"is_completed", part.is_completed != nullptr},
                  {"wait_handle", part.wait_handle != nullptr},
                  {"async_state", part.async_state != nullptr},
                  {"release_result", part.release_result != nullptr}});
  return check_part("async_result", part.struct_size, sizeof(lockstep_async_result_functions),
                    entries);
}

std::optional<std::string> check_event_based(const lockstep_event_based_functions& part) {
  if (auto problem = check_roles("event_based", part)) {
    return problem;
  }
  EntryList entries = instance_entries(part);
  entries.insert(entries.end(), {{"start", part.start != nullptr},
                                 {"cancel", part.cancel != nullptr},
                                 {"is_busy", part.is_busy != nullptr}});
  return check_part("event_based", part.struct_size, sizeof(lockstep_event_based_functions),
                    entries);
}

std::optional<std::string> check_task_based(const lockstep_task_based_functions& part) {
  if (auto problem = check_roles("task_based", part)) {
    return problem;
  }
  EntryList entries = instance_entries(part);
  entries.insert(entries.end(), {{"start", part.start != nullptr},
                                 {"task_status", part.task_status != nullptr},
                                 {"task_result", part.task_result != nullptr},
                                 {"task_error", part.task_error != nullptr},
                                 {"continue_with", part.continue_with != nullptr},
                                 {"wait", part.wait != nullptr},
                                 {"release_task", part.release_task != nullptr}});
  return check_part("task_based", part.struct_size, sizeof(lockstep_task_based_functions), entries);
}

}  // namespace

std::optional<std::string> check_implementation_table(const lockstep_implementation& table) {
  const std::string ours = std::to_string(LOCKSTEP_IMPLEMENTATION_ABI_VERSION);
  if (table.abi_version > LOCKSTEP_IMPLEMENTATION_ABI_VERSION) {
    return "implementation ABI version " + std::to_string(table.abi_version) +
           " is newer than this lockstep's (" + ours + "); use a newer lockstep";
  }
  if (table.abi_version < LOCKSTEP_IMPLEMENTATION_ABI_VERSION) {
    return "implementation ABI version " + std::to_string(table.abi_version) +
           " is older than this lockstep's (" + ours + "); rebuild the plugin";
  }
  // Older plugins end after service_host: their tables load, without the appended parts.
  if (table.struct_size < LOCKSTEP_IMPLEMENTATION_FIRST_STRUCT_SIZE) {
    return "implementation table struct_size " + std::to_string(table.struct_size) +
           " is smaller than " + std::to_string(LOCKSTEP_IMPLEMENTATION_FIRST_STRUCT_SIZE) +
           " (the smallest lockstep_implementation, up to service_host)";
  }
  if (table.name == nullptr) {
    return std::string("implementation name is NULL");
  }
  if (table.name[0] == '\0') {
    return std::string("implementation name is empty");
  }
  if (has_control_character(table.name)) {
    return std::string("implementation name contains a control character");
  }
  if (table.version != nullptr && has_control_character(table.version)) {
    return std::string("implementation version contains a control character");
  }
  if (table.channel != nullptr) {
    if (auto problem = check_channel(*table.channel)) {
      return problem;
    }
  }
  if (table.service_host != nullptr) {
    if (auto problem = check_service_host(*table.service_host)) {
      return problem;
    }
  }
  if (const auto* part = async_result_part(table)) {
    if (auto problem = check_async_result(*part)) {
      return problem;
    }
  }
  if (const auto* part = event_based_part(table)) {
    if (auto problem = check_event_based(*part)) {
      return problem;
    }
  }
  if (const auto* part = task_based_part(table)) {
    if (auto problem = check_task_based(*part)) {
      return problem;
    }
  }
  return std::nullopt;
}

}  // namespace lockstep::harness
