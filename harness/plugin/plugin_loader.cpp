// load_plugin: file checks, dlopen, the one symbol, the host-ABI handshake, then the table
// checks. Every refusal is "plugin '<path>': <problem>" on one line; the path is escaped and
// dlerror's text condensed, because either may contain newlines.
#include "harness/plugin/plugin_loader.h"

#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <sys/stat.h>
#include <cerrno>
#include <cstdio>
#include <string_view>
#include <system_error>
#include <utility>

#include "harness/plugin/implementation_table_check.h"

namespace lockstep::harness {
namespace {

// Control characters become \xNN so a hostile file name cannot break the one-line promise.
std::string escaped(std::string_view text) {
  std::string result;
  for (const char character : text) {
    const auto byte = static_cast<unsigned char>(character);
    if (byte < 0x20 || byte == 0x7f) {
      char escape[5];
      std::snprintf(escape, sizeof(escape), "\\x%02x", byte);
      result += escape;
    } else {
      result += character;
    }
  }
  return result;
}

// dlerror() repeats the path and may span lines: drop the "<path>: " prefix, fold every run of
// whitespace or control characters into one space.
std::string condensed_dlerror(std::string_view path) {
  const char* raw = dlerror();  // NOLINT(concurrency-mt-unsafe): glibc keeps it per thread
  std::string_view text = raw == nullptr ? std::string_view("unknown dlopen error") : raw;
  const std::string prefix = std::string(path) + ": ";
  if (text.substr(0, prefix.size()) == prefix) {
    text.remove_prefix(prefix.size());
  }
  std::string result;
  bool pending_space = false;
  for (const char character : text) {
    const auto byte = static_cast<unsigned char>(character);
    if (byte <= 0x20 || byte == 0x7f) {
      pending_space = !result.empty();
      continue;
    }
    if (pending_space) {
      result += ' ';
      pending_space = false;
    }
    result += character;
  }
  return result;
}

PluginLoadResult refusal(const std::string& path, const std::string& problem) {
  return PluginLoadResult{std::nullopt, "plugin '" + escaped(path) + "': " + problem};
}

// Checked here, before dlopen, so "missing" and "unreadable" are told apart from "not a
// library" with the system's own words.
std::optional<std::string> file_problem(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    return "cannot open the file: " + std::system_category().message(errno);
  }
  if (!S_ISREG(status.st_mode)) {
    return std::string("not a regular file");
  }
  if (::access(path.c_str(), R_OK) != 0) {
    return "cannot read the file: " + std::system_category().message(errno);
  }
  return std::nullopt;
}

}  // namespace

void LoadedPlugin::LibraryCloser::operator()(void* handle) const {
  dlclose(handle);
}

LoadedPlugin::LoadedPlugin(std::unique_ptr<void, LibraryCloser> library,
                           const lockstep_implementation* implementation, std::string path)
    : library_(std::move(library)),
      implementation_(implementation),
      path_(std::move(path)),
      name_(implementation->name),
      version_(implementation->version == nullptr ? "" : implementation->version) {}

PluginLoadResult load_plugin(const std::string& path) {
  if (path.empty()) {
    return refusal(path, "the path is empty");
  }
  if (auto problem = file_problem(path)) {
    return refusal(path, *problem);
  }
  // dlopen searches the library path for a name without a slash; a plugin path never means that.
  const std::string open_path = path.find('/') == std::string::npos ? "./" + path : path;
  std::unique_ptr<void, LoadedPlugin::LibraryCloser> library(
      dlopen(open_path.c_str(), RTLD_NOW | RTLD_LOCAL));
  if (!library) {
    return refusal(path, "not a loadable shared library (" + condensed_dlerror(open_path) + ")");
  }
  void* symbol = dlsym(library.get(), LOCKSTEP_IMPLEMENTATION_SYMBOL);
  if (symbol == nullptr) {
    return refusal(path,
                   "does not export " LOCKSTEP_IMPLEMENTATION_SYMBOL " (is it a lockstep plugin?)");
  }
  // Calling a symbol that is data jumps into it: refuse it by its ELF type instead.
  Dl_info info{};
  void* entry = nullptr;
  if (dladdr1(symbol, &info, &entry, RTLD_DL_SYMENT) != 0 && entry != nullptr) {
    const unsigned type = ELF64_ST_TYPE(static_cast<const ElfW(Sym)*>(entry)->st_info);
    if (type != STT_FUNC && type != STT_GNU_IFUNC) {
      return refusal(path, "exports " LOCKSTEP_IMPLEMENTATION_SYMBOL
                           " as data, not as a function (declare it as a function returning "
                           "the table)");
    }
  }
  // POSIX guarantees a data pointer from dlsym converts to the function it names.
  const auto get_implementation = reinterpret_cast<lockstep_get_implementation_function>(symbol);
  // The argument is the host ABI version (lockstep/implementation.h), not the table's.
  const lockstep_implementation* implementation = get_implementation(LOCKSTEP_HOST_ABI_VERSION);
  if (implementation == nullptr) {
    return refusal(path, LOCKSTEP_IMPLEMENTATION_SYMBOL "(" +
                             std::to_string(LOCKSTEP_HOST_ABI_VERSION) +
                             ") returned NULL: the plugin refuses this host ABI version");
  }
  if (auto problem = check_implementation_table(*implementation)) {
    return refusal(path, *problem);
  }
  return PluginLoadResult{LoadedPlugin(std::move(library), implementation, path), ""};
}

}  // namespace lockstep::harness
