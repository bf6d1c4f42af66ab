// Running the `lockstep` binary under test as users and CI do, for the command-line tests.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "harness/testing/scratch_directory.h"

namespace lockstep::cli_testing {

struct Outcome {
  int exit_code = -1;  ///< -1 if it did not exit normally
  std::string output;  ///< stdout and stderr
};

/// Runs `lockstep ARGUMENTS` through the shell and waits.
Outcome run_lockstep(const std::string& arguments);
/// Runs a command line exactly as lockstep printed it (reproduce lines name the binary).
Outcome run_printed(const std::string& command_line);
/// What a printed lockstep command starts with here: the binary under test, then `words`.
std::string printed(const std::string& words);

/// A started `lockstep` whose output goes to `output_path`; wait() collects it.
struct Started {
  pid_t process = -1;
  std::filesystem::path output_path;
  Outcome wait() const;
};
/// Variables set for the started process only; a value "$PID" becomes its process id (which
/// is lockstep's: the shell execs it).
using Environment = std::vector<std::pair<std::string, std::string>>;
Started start_lockstep(const std::string& arguments, const std::filesystem::path& output_path,
                       const Environment& environment = {});

/// A new, empty directory under the temporary directory, removed with its contents when the
/// returned object goes out of scope.
inline testing::ScratchDirectory fresh_directory(const std::string& name) {
  return testing::ScratchDirectory(name.rfind("lockstep-", 0) == 0 ? name.substr(9)
                                                                   : "cli-" + name);
}
nlohmann::json read_report(const std::filesystem::path& directory);
std::string read_text(const std::filesystem::path& path);

}  // namespace lockstep::cli_testing
