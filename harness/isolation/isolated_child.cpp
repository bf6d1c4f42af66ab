// The isolated child: its own process group, crash signals back to their default action, no
// core files, the memory limit, death with the parent (child_setup.h says why each); then the
// work, one frame to the parent, and _exit.
//
// Default signal actions matter because the child inherits whatever handlers the parent
// installed (AddressSanitizer's SEGV handler, for one, would turn a crash into an ordinary exit
// code 1); with the default action the kernel ends the child by the signal itself, which is what
// the parent reports, and a stack overflow needs no alternate signal stack to be reported.
#include "harness/isolation/isolated_child.h"

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <new>
#include <string_view>

#include "harness/isolation/child_protocol.h"
#include "harness/isolation/child_setup.h"

namespace lockstep::harness::isolation {
namespace {

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t written = write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  return true;
}

// A string_view, so reporting an exception's text allocates nothing.
[[noreturn]] void report_and_exit(int result_fd, char kind, std::string_view payload) {
  char header[frame_header_bytes];
  header[0] = kind;
  const std::uint64_t length = payload.size();
  std::memcpy(header + 1, &length, sizeof(length));
  const bool written = write_all(result_fd, header, sizeof(header)) &&
                       write_all(result_fd, payload.data(), payload.size());
  // Only what the work itself printed is in these buffers: the parent flushed before the fork.
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  _exit(written ? exit_code_reported : exit_code_pipe_failed);
}

}  // namespace

void run_child(const std::function<std::string()>& work, const IsolationLimits& limits,
               int result_fd, pid_t parent) {
  lead_own_process_group();
  restore_default_crash_signals();
  report_sanitizer_deaths();
  die_with_parent(parent);
  apply_limits(limits.memory_bytes, 0);
  try {
    const std::string result = work();
    report_and_exit(result_fd, frame_result, result);
  } catch (const std::bad_alloc&) {
    _exit(exit_code_memory_exceeded);
  } catch (const std::exception& exception) {
    report_and_exit(result_fd, frame_exception, exception.what());
  } catch (...) {
    report_and_exit(result_fd, frame_exception, "an exception that is not a std::exception");
  }
}

}  // namespace lockstep::harness::isolation
