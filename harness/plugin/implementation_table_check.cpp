// Implementation table checks: versions and sizes first, then the name and version (printable,
// because they go into line-oriented replay files), then every provided part's function table
// (each entry of a provided part is mandatory: the suites for that part call them all).
#include "harness/plugin/implementation_table_check.h"

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
  if (table.struct_size < sizeof(lockstep_implementation)) {
    return "implementation table struct_size " + std::to_string(table.struct_size) +
           " is smaller than " + std::to_string(sizeof(lockstep_implementation)) +
           " (this lockstep's sizeof(lockstep_implementation))";
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
  return std::nullopt;
}

}  // namespace lockstep::harness
