// run_isolated: the fork and the verdict. The child's side is isolated_child.cpp, the parent's
// watch real_host_watchdog.cpp; this file decides what their report means (child_protocol.h).
#include "harness/isolation/run_isolated.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <system_error>
#include <utility>

#include "harness/isolation/child_protocol.h"
#include "harness/isolation/isolated_child.h"
#include "harness/isolation/real_host_watchdog.h"

namespace lockstep::harness {
namespace {

IsolatedOutcome with_kind(IsolatedOutcomeKind kind, const IsolationLimits& limits) {
  IsolatedOutcome outcome;
  outcome.kind = kind;
  outcome.limits = limits;
  return outcome;
}

IsolatedOutcome failure(std::string message, const IsolationLimits& limits) {
  IsolatedOutcome outcome = with_kind(IsolatedOutcomeKind::failed, limits);
  outcome.message = std::move(message);
  return outcome;
}

// A frame is complete when its header announces exactly the bytes that follow it.
bool complete_frame(const std::string& bytes, char& kind, std::string& payload) {
  if (bytes.size() < isolation::frame_header_bytes) {
    return false;
  }
  std::uint64_t length = 0;
  std::memcpy(&length, bytes.data() + 1, sizeof(length));
  if (bytes.size() - isolation::frame_header_bytes != length) {
    return false;
  }
  kind = bytes[0];
  payload = bytes.substr(isolation::frame_header_bytes);
  return true;
}

IsolatedOutcome from_exit(int exit_code, const std::string& bytes, const IsolationLimits& limits) {
  if (exit_code == isolation::exit_code_memory_exceeded) {
    return with_kind(IsolatedOutcomeKind::memory_exceeded, limits);
  }
  if (exit_code == isolation::exit_code_sanitizer_report) {
    return failure("a sanitizer reported an error in the work (the report is on stderr)", limits);
  }
  if (exit_code == isolation::exit_code_pipe_failed) {
    return failure("the child could not write its result to the parent", limits);
  }
  char kind = 0;
  std::string payload;
  if (exit_code != isolation::exit_code_reported || !complete_frame(bytes, kind, payload)) {
    return failure(
        "the child exited with code " + std::to_string(exit_code) + " without returning a result",
        limits);
  }
  if (kind == isolation::frame_exception) {
    return failure("the work threw: " + payload, limits);
  }
  IsolatedOutcome outcome = with_kind(IsolatedOutcomeKind::completed, limits);
  outcome.result = std::move(payload);
  return outcome;
}

}  // namespace

IsolatedOutcome run_isolated(const std::function<std::string()>& work,
                             const IsolationLimits& limits) {
  int pipe_ends[2];
  if (pipe2(pipe_ends, O_CLOEXEC) != 0) {
    return failure("cannot create a pipe: " + std::system_category().message(errno), limits);
  }
  const int read_fd = pipe_ends[0];
  const int write_fd = pipe_ends[1];
  // Whatever is buffered now would otherwise be written twice: by the parent and by the child.
  std::cout.flush();
  std::cerr.flush();
  std::clog.flush();
  std::fflush(nullptr);
  const pid_t parent = getpid();
  const pid_t child = fork();
  if (child < 0) {
    const int fork_errno = errno;
    close(read_fd);
    close(write_fd);
    return failure("cannot fork: " + std::system_category().message(fork_errno), limits);
  }
  if (child == 0) {
    close(read_fd);
    isolation::run_child(work, limits, write_fd, parent);
  }
  // Also here, not only in the child: whichever runs first, the group exists before the parent
  // may have to kill it.
  setpgid(child, child);
  // The parent holds no write end, so the pipe ends when the child (and its children) do.
  close(write_fd);
  const isolation::ChildReport report =
      isolation::watch_child(child, read_fd, limits.wall_clock_ms);
  close(read_fd);
  if (report.timed_out) {
    return with_kind(IsolatedOutcomeKind::timed_out, limits);
  }
  if (report.wait_errno != 0) {
    return failure(
        "cannot wait for the child: " + std::system_category().message(report.wait_errno), limits);
  }
  if (WIFSIGNALED(report.wait_status)) {
    IsolatedOutcome outcome = with_kind(IsolatedOutcomeKind::crashed, limits);
    outcome.signal_number = WTERMSIG(report.wait_status);
    return outcome;
  }
  return from_exit(WEXITSTATUS(report.wait_status), report.bytes, limits);
}

}  // namespace lockstep::harness
