// popen for short commands; fork/exec for the ones a test signals.
#include "runner/cli/tests/lockstep_process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace lockstep::cli_testing {

Outcome run_lockstep(const std::string& arguments) {
  return run_printed(std::string(LOCKSTEP_BINARY) + " " + arguments);
}

std::string printed(const std::string& words) {
  return std::string(LOCKSTEP_BINARY) + " " + words;
}

Outcome run_printed(const std::string& command_line) {
  const std::string command = command_line + " 2>&1";
  Outcome outcome;
  FILE* pipe = popen(command.c_str(), "r");  // NOLINT(cert-env33-c): the binary under test
  if (pipe == nullptr) {
    return outcome;
  }
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) {
    outcome.output += buffer.data();
  }
  const int status = pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

Started start_lockstep(const std::string& arguments, const std::filesystem::path& output_path,
                       const Environment& environment) {
  Started started;
  started.output_path = output_path;
  const std::string command = "exec " + std::string(LOCKSTEP_BINARY) + " " + arguments + " > '" +
                              output_path.string() + "' 2>&1";
  started.process = fork();
  if (started.process == 0) {
    for (const auto& [name, value] : environment) {
      setenv(name.c_str(), value == "$PID" ? std::to_string(getpid()).c_str() : value.c_str(), 1);
    }
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return started;
}

Outcome Started::wait() const {
  Outcome outcome;
  int status = 0;
  if (waitpid(process, &status, 0) == process && WIFEXITED(status)) {
    outcome.exit_code = WEXITSTATUS(status);
  }
  outcome.output = read_text(output_path);
  return outcome;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::stringstream text;
  text << stream.rdbuf();
  return text.str();
}

nlohmann::json read_report(const std::filesystem::path& directory) {
  return nlohmann::json::parse(read_text(directory / "report.json"));
}

}  // namespace lockstep::cli_testing
