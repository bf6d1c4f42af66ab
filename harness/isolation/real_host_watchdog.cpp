// The watchdog: poll the pipe in short slices against a steady-clock deadline, checking between
// slices whether the child has exited.
//
// The child's exit, not the pipe's end, is what ends the watch: a grandchild may hold the
// pipe open long after the child is gone. Once the child is reaped, everything it wrote is
// already in the pipe, so a non-blocking drain collects the rest without waiting for EOF.
#include "harness/isolation/real_host_watchdog.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace lockstep::harness::isolation {
namespace {

using Clock = std::chrono::steady_clock;

// Long enough to cost nothing, short enough that an exit with the pipe still open is noticed
// promptly.
constexpr std::chrono::milliseconds poll_slice{10};

// Appends what can be read now; false once the pipe reached end of file (or failed).
bool read_available(int read_fd, std::string& bytes) {
  char buffer[65536];
  while (true) {
    const ssize_t count = read(read_fd, buffer, sizeof(buffer));
    if (count > 0) {
      bytes.append(buffer, static_cast<std::size_t>(count));
      continue;
    }
    if (count < 0 && errno == EINTR) {
      continue;
    }
    return count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
}

int wait_blocking(pid_t child) {
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

ChildReport watch_child(pid_t child, int read_fd, std::uint64_t wall_clock_ms) {
  // Capped, so a budget meaning "practically forever" cannot overflow the clock's arithmetic.
  constexpr std::uint64_t longest_budget_ms = std::uint64_t{365} * 24 * 60 * 60 * 1000;
  const Clock::time_point deadline =
      Clock::now() + std::chrono::milliseconds(std::min(wall_clock_ms, longest_budget_ms));
  fcntl(read_fd, F_SETFL, fcntl(read_fd, F_GETFL) | O_NONBLOCK);
  ChildReport report;
  bool pipe_open = true;
  while (true) {
    int status = 0;
    const pid_t waited = waitpid(child, &status, WNOHANG);
    if (waited == child) {
      report.wait_status = status;
      if (pipe_open) {
        read_available(read_fd, report.bytes);
      }
      return report;
    }
    if (waited < 0 && errno != EINTR) {
      // Someone else reaped the child (SIGCHLD ignored, a stray waitpid(-1)): nothing to wait on.
      report.wait_errno = errno;
      return report;
    }
    const Clock::time_point now = Clock::now();
    if (now >= deadline) {
      kill(child, SIGKILL);
      wait_blocking(child);
      report.timed_out = true;
      return report;
    }
    const auto remaining = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
    const int slice_ms = static_cast<int>(std::min(remaining, poll_slice).count());
    if (pipe_open) {
      pollfd readable{read_fd, POLLIN, 0};
      if (poll(&readable, 1, slice_ms) > 0) {
        pipe_open = read_available(read_fd, report.bytes);
      }
    } else {
      poll(nullptr, 0, slice_ms);  // the pipe is closed: wait for the exit alone
    }
  }
}

}  // namespace lockstep::harness::isolation
