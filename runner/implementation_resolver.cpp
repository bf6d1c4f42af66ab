// Bundled names, plugin paths, the loading child, and the stand-in tables.
#include "runner/implementation_resolver.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "harness/isolation/run_isolated.h"
#include "harness/plugin/implementation_parts.h"
#include "runner/message_fields.h"

namespace lockstep::runner {

namespace {

[[noreturn]] void plugin_called_outside_a_worker() {
  std::fputs("lockstep: internal error: a plugin function was called outside a worker process\n",
             stderr);
  std::abort();
}

// A function of any table signature that must never run (see the header).
template <typename Function>
struct Trap;
template <typename Result, typename... Arguments>
struct Trap<Result (*)(Arguments...)> {
  static Result call(Arguments...) { plugin_called_outside_a_worker(); }
};
template <typename Function>
void trap(Function& function) {
  function = &Trap<Function>::call;
}

// Control characters would break the one-line promise of an error.
std::string printable(std::string text) {
  for (char& character : text) {
    const auto byte = static_cast<unsigned char>(character);
    if (byte < 0x20 || byte == 0x7f) {
      character = '?';
    }
  }
  return text;
}

void trap_every_function(lockstep_async_result_functions& part) {
  trap(part.create_proxy);
  trap(part.create_service);
  trap(part.free_instance);
  trap(part.begin);
  trap(part.end);
  trap(part.completed_synchronously);
  trap(part.is_completed);
  trap(part.wait_handle);
  trap(part.async_state);
  trap(part.release_result);
}

void trap_every_function(lockstep_event_based_functions& part) {
  trap(part.create_proxy);
  trap(part.create_service);
  trap(part.free_instance);
  trap(part.start);
  trap(part.cancel);
  trap(part.is_busy);
}

void trap_every_function(lockstep_task_based_functions& part) {
  trap(part.create_proxy);
  trap(part.create_service);
  trap(part.free_instance);
  trap(part.start);
  trap(part.task_status);
  trap(part.task_result);
  trap(part.task_error);
  trap(part.continue_with);
  trap(part.wait);
  trap(part.release_task);
}

// A pattern part's roles as three flags in one field: provided, proxy, service ("000".."111").
template <typename Part>
std::string_view roles_of(const Part* part) {
  static const char* const kRoles[] = {"000", "100", "110", "101", "111"};
  if (part == nullptr) {
    return kRoles[0];
  }
  const bool proxy = part->create_proxy != nullptr;
  const bool service = part->create_service != nullptr;
  return kRoles[proxy && service ? 4 : (proxy ? 2 : (service ? 3 : 1))];
}

std::optional<PatternRoles> parse_roles(std::string_view field) {
  if (field.size() != 3 || field.find_first_not_of("01") != std::string_view::npos) {
    return std::nullopt;
  }
  return PatternRoles{field[0] == '1', field[1] == '1', field[2] == '1'};
}

// A stand-in pattern part: every function a trap, the roles as the plugin has them.
template <typename Part>
const Part* stand_in_pattern(Part& part, const PatternRoles& roles) {
  if (!roles.provided) {
    return nullptr;
  }
  part = Part{};
  part.struct_size = sizeof(Part);
  trap_every_function(part);
  if (!roles.proxy) {
    part.create_proxy = nullptr;
  }
  if (!roles.service) {
    part.create_service = nullptr;
  }
  return &part;
}

// In the child: load, check, and answer "1" with the facts or "0" with the refusal.
std::string load_in_child(const std::string& path) {
  // What a constructor prints is not lockstep's output.
  std::fflush(nullptr);
  std::freopen("/dev/null", "w", stdout);
  std::freopen("/dev/null", "w", stderr);
  const harness::PluginLoadResult loaded = harness::load_plugin(path);
  FieldWriter fields;
  if (!loaded.ok()) {
    return fields.add(false).add(std::string_view(loaded.error)).take();
  }
  const harness::LoadedPlugin& plugin = *loaded.plugin;
  return fields.add(true)
      .add(std::string_view(plugin.name()))
      .add(std::string_view(plugin.version()))
      .add(plugin.provides_channel())
      .add(plugin.provides_async_execute())
      .add(plugin.provides_service_host())
      .add(roles_of(harness::async_result_part(*plugin.implementation())))
      .add(roles_of(harness::event_based_part(*plugin.implementation())))
      .add(roles_of(harness::task_based_part(*plugin.implementation())))
      .take();
}

std::optional<PluginFacts> probe_plugin(const std::string& path, std::uint64_t timeout_ms,
                                        std::string& error) {
  harness::IsolationLimits limits;
  limits.wall_clock_ms = timeout_ms;
  limits.memory_bytes = std::uint64_t{2} << 30;
  const harness::IsolatedOutcome outcome =
      harness::run_isolated([&path] { return load_in_child(path); }, limits);
  const std::string named = "plugin '" + printable(path) + "': ";
  switch (outcome.kind) {
    case harness::IsolatedOutcomeKind::completed:
      break;
    case harness::IsolatedOutcomeKind::crashed:
      error = named + "crashed while being loaded and checked (killed by " +
              harness::signal_name(outcome.signal_number) +
              "): in a constructor of the library, in " LOCKSTEP_IMPLEMENTATION_SYMBOL
              ", or reading the table it returned";
      return std::nullopt;
    case harness::IsolatedOutcomeKind::timed_out:
      error = named + "still loading after " + std::to_string(timeout_ms) +
              " ms (a constructor or " LOCKSTEP_IMPLEMENTATION_SYMBOL " does not return)";
      return std::nullopt;
    case harness::IsolatedOutcomeKind::memory_exceeded:
      error = named + "ran out of memory while being loaded";
      return std::nullopt;
    case harness::IsolatedOutcomeKind::failed:
      error = named + "loading it in a child process " + outcome.describe();
      return std::nullopt;
  }
  FieldReader fields(outcome.result);
  const bool ok = fields.flag();
  if (!ok) {
    const std::string_view refusal = fields.text();
    if (!fields.finished()) {
      error = named + "loading it in a child process sent back an unreadable answer";
      return std::nullopt;
    }
    error = printable(std::string(refusal));
    return std::nullopt;
  }
  PluginFacts facts;
  facts.name = fields.text();
  facts.version = fields.text();
  facts.channel = fields.flag();
  facts.async_execute = fields.flag();
  facts.service_host = fields.flag();
  const std::optional<PatternRoles> async_result = parse_roles(fields.text());
  const std::optional<PatternRoles> event_based = parse_roles(fields.text());
  const std::optional<PatternRoles> task_based = parse_roles(fields.text());
  if (!async_result || !event_based || !task_based || !fields.finished()) {
    error = named + "loading it in a child process sent back an unreadable answer";
    return std::nullopt;
  }
  facts.async_result = *async_result;
  facts.event_based = *event_based;
  facts.task_based = *task_based;
  return facts;
}

}  // namespace

bool ImplementationResolver::looks_like_plugin_path(const std::string& argument) {
  return argument.find('/') != std::string::npos || argument.ends_with(".so");
}

const conformance::Implementation* ImplementationResolver::resolve(const std::string& name_or_path,
                                                                   std::string& error,
                                                                   std::uint64_t load_timeout_ms) {
  if (!looks_like_plugin_path(name_or_path)) {
    const conformance::Implementation* bundled =
        conformance::find_bundled_implementation(name_or_path);
    if (bundled == nullptr) {
      error = "unknown implementation '" + name_or_path +
              "' (see lockstep list; a plugin is given by its path, e.g. ./libvendor.so)";
    }
    return bundled;
  }
  std::error_code status;
  std::filesystem::path absolute = std::filesystem::absolute(name_or_path, status);
  const std::string path = status ? name_or_path : absolute.lexically_normal().string();
  for (std::size_t index = 0; index < plugins_.size(); ++index) {
    if (plugins_[index].path == path) {
      return &implementations_[index];
    }
  }
  std::optional<PluginFacts> facts = probe_plugin(path, load_timeout_ms, error);
  if (!facts) {
    return nullptr;
  }
  Plugin& plugin = plugins_.emplace_back();
  plugin.path = path;
  plugin.facts = std::move(*facts);
  plugin.stand_in.abi_version = LOCKSTEP_IMPLEMENTATION_ABI_VERSION;
  plugin.stand_in.struct_size = sizeof(lockstep_implementation);
  plugin.stand_in.name = plugin.facts.name.c_str();
  plugin.stand_in.version = plugin.facts.version.c_str();
  if (plugin.facts.channel) {
    lockstep_channel_functions& channel = plugin.stand_in_channel;
    channel.struct_size = sizeof(channel);
    trap(channel.create_channel);
    trap(channel.open_channel);
    trap(channel.send_message);
    trap(channel.receive_message);
    trap(channel.request_reply);
    trap(channel.close_channel);
    trap(channel.abort_channel);
    trap(channel.get_channel_state);
    trap(channel.free_channel);
    plugin.stand_in.channel = &channel;
  }
  if (plugin.facts.async_execute) {
    trap(plugin.stand_in.async_execute);
  }
  if (plugin.facts.service_host) {
    lockstep_service_host_functions& service = plugin.stand_in_service_host;
    service.struct_size = sizeof(service);
    trap(service.create_service_host);
    trap(service.open_service_host);
    trap(service.close_service_host);
    trap(service.abort_service_host);
    trap(service.free_service_host);
    plugin.stand_in.service_host = &service;
  }
  plugin.stand_in.async_result =
      stand_in_pattern(plugin.stand_in_async_result, plugin.facts.async_result);
  plugin.stand_in.event_based =
      stand_in_pattern(plugin.stand_in_event_based, plugin.facts.event_based);
  plugin.stand_in.task_based = stand_in_pattern(plugin.stand_in_task_based, plugin.facts.task_based);
  conformance::Implementation implementation;
  implementation.name = path;
  implementation.kind = "plugin";
  implementation.description =
      plugin.facts.name + (plugin.facts.version.empty() ? "" : " " + plugin.facts.version);
  implementation.table = &plugin.stand_in;
  implementations_.push_back(std::move(implementation));
  return &implementations_.back();
}

const PluginFacts* ImplementationResolver::facts_of(
    const conformance::Implementation& implementation) const {
  for (std::size_t index = 0; index < implementations_.size(); ++index) {
    if (&implementations_[index] == &implementation) {
      return &plugins_[index].facts;
    }
  }
  return nullptr;
}

std::string ImplementationResolver::load_plugins_here() {
  for (std::size_t index = 0; index < plugins_.size(); ++index) {
    Plugin& plugin = plugins_[index];
    if (plugin.loaded) {
      continue;
    }
    harness::PluginLoadResult loaded = harness::load_plugin(plugin.path);
    if (!loaded.ok()) {
      return loaded.error;
    }
    const harness::LoadedPlugin& library = *loaded.plugin;
    if (library.name() != plugin.facts.name || library.provides_channel() != plugin.facts.channel ||
        library.provides_async_execute() != plugin.facts.async_execute ||
        library.provides_service_host() != plugin.facts.service_host) {
      return "plugin '" + printable(plugin.path) +
             "': loaded again, it names itself or its parts differently than the first time";
    }
    plugin.loaded = std::move(loaded.plugin);
    implementations_[index].table = plugin.loaded->implementation();
  }
  return {};
}

}  // namespace lockstep::runner
