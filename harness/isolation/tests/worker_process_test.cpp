// WorkerProcess: many requests per process, answered in order; every way a worker can end
// (crash, memory, exception, a failed setup, an exit, a kill) told apart; what the work prints
// captured per request and never written to the parent's output; what the work forked killed
// with the worker; the worker and its group gone when the process that started it dies; and no
// child or descriptor left behind.
#include "harness/isolation/worker_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <new>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace lockstep::harness {
namespace {

std::size_t open_descriptor_count() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++count;
  }
  return count;
}

void expect_no_child_left() {
  errno = 0;
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

// Gone, or a zombie nobody reaped yet (whoever inherits an orphan reaps it in its own time).
bool process_gone(pid_t process) {
  if (kill(process, 0) != 0 && errno == ESRCH) {
    return true;
  }
  std::ifstream stat("/proc/" + std::to_string(process) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const std::size_t close = text.rfind(')');
  return close == std::string::npos || text.size() < close + 3 || text[close + 2] == 'Z' ||
         text[close + 2] == 'X';
}

// Waits for and returns the next reply; empty when the worker ended first.
std::optional<std::string> next_reply(WorkerProcess& worker) {
  std::vector<std::string> replies;
  for (int attempt = 0; attempt < 500; ++attempt) {
    const bool open = worker.read_replies(replies);
    if (!replies.empty()) {
      return replies.front();
    }
    if (!open || worker.has_exited()) {
      return std::nullopt;
    }
    pollfd watched{worker.reply_descriptor(), POLLIN, 0};
    ::poll(&watched, 1, 20);
  }
  return std::nullopt;
}

std::unique_ptr<WorkerProcess> start(const WorkerHandler& handler, const WorkerSetup& setup = {}) {
  std::string error;
  std::unique_ptr<WorkerProcess> worker =
      WorkerProcess::start(setup, handler, WorkerLimits{}, error);
  EXPECT_NE(worker, nullptr) << error;
  return worker;
}

// UndefinedBehaviorSanitizer would stop the store before the processor faults.
__attribute__((no_sanitize("null"))) std::string null_write() {
  volatile int* volatile target = nullptr;
  *target = 42;  // NOLINT(clang-analyzer-core.NullDereference): the crash under test
  return "unreachable";
}

TEST(WorkerProcess, AnswersManyRequestsInOrderFromOneProcess) {
  const std::size_t descriptors = open_descriptor_count();
  auto worker = start([](std::string_view request) {
    return std::string(request) + " from " + std::to_string(getpid());
  });
  ASSERT_NE(worker, nullptr);
  for (int request = 0; request < 50; ++request) {
    ASSERT_TRUE(worker->send("request " + std::to_string(request)));
  }
  std::vector<std::string> replies;
  while (replies.size() < 50) {
    ASSERT_TRUE(worker->read_replies(replies) || replies.size() == 50);
    pollfd watched{worker->reply_descriptor(), POLLIN, 0};
    ::poll(&watched, 1, 100);
  }
  const std::string process = " from " + std::to_string(worker->process());
  for (int request = 0; request < 50; ++request) {
    EXPECT_EQ(replies[request], "request " + std::to_string(request) + process);
  }
  EXPECT_TRUE(worker->ready());
  const IsolatedOutcome end = worker->finish(/*kill=*/false);
  EXPECT_EQ(end.kind, IsolatedOutcomeKind::completed) << end.describe();
  worker.reset();
  expect_no_child_left();
  EXPECT_EQ(open_descriptor_count(), descriptors);
}

TEST(WorkerProcess, ACrashEndsTheWorkerWithItsSignalAndTheNextWorkerGoesOn) {
  auto worker = start([](std::string_view request) {
    return request == "crash" ? null_write() : std::string("fine");
  });
  ASSERT_TRUE(worker->send("first"));
  EXPECT_EQ(next_reply(*worker), "fine");
  ASSERT_TRUE(worker->send("crash"));
  EXPECT_EQ(next_reply(*worker), std::nullopt);
  const IsolatedOutcome end = worker->finish(/*kill=*/false);
  // Also in a sanitizer build: the worker restores the default crash signals, so the store is
  // a plain SIGSEGV there too.
  ASSERT_EQ(end.kind, IsolatedOutcomeKind::crashed) << end.describe();
  EXPECT_EQ(end.signal_number, SIGSEGV);
  worker.reset();
  auto next = start([](std::string_view) { return std::string("again"); });
  ASSERT_TRUE(next->send("x"));
  EXPECT_EQ(next_reply(*next), "again");
  next.reset();
  expect_no_child_left();
}

TEST(WorkerProcess, MemoryExceptionsSetupFailuresAndExitsAreToldApart) {
  {
    auto worker = start([](std::string_view) -> std::string { throw std::bad_alloc(); });
    ASSERT_TRUE(worker->send("x"));
    EXPECT_EQ(next_reply(*worker), std::nullopt);
    EXPECT_EQ(worker->finish(false).kind, IsolatedOutcomeKind::memory_exceeded);
  }
  {
    auto worker =
        start([](std::string_view) -> std::string { throw std::runtime_error("no\nsuch thing"); });
    ASSERT_TRUE(worker->send("x"));
    EXPECT_EQ(next_reply(*worker), std::nullopt);
    const IsolatedOutcome end = worker->finish(false);
    EXPECT_EQ(end.kind, IsolatedOutcomeKind::failed);
    EXPECT_EQ(end.describe(), "failed: the work threw: no such thing");
  }
  {
    auto worker = start([](std::string_view) { return std::string("never"); },
                        [] { return std::string("the plugin refused"); });
    EXPECT_EQ(next_reply(*worker), std::nullopt);
    EXPECT_FALSE(worker->ready());
    const IsolatedOutcome end = worker->finish(false);
    EXPECT_EQ(end.describe(), "failed: the worker could not start: the plugin refused");
  }
  {
    auto worker = start([](std::string_view) -> std::string { _exit(3); });
    ASSERT_TRUE(worker->send("x"));
    EXPECT_EQ(next_reply(*worker), std::nullopt);
    EXPECT_EQ(worker->finish(false).describe(), "failed: the worker exited with code 3");
  }
  expect_no_child_left();
}

TEST(WorkerProcess, OutputIsCapturedPerRequestAndNeverReachesTheParent) {
  // The parent's own stdout is a pipe here, so anything the worker printed would show in it.
  int pipe_ends[2];
  ASSERT_EQ(pipe(pipe_ends), 0);
  std::fflush(stdout);  // what gtest printed so far belongs to the terminal, not the pipe
  const int saved_stdout = dup(STDOUT_FILENO);
  dup2(pipe_ends[1], STDOUT_FILENO);
  auto worker = start([](std::string_view request) {
    std::printf("printed for %.*s\n", static_cast<int>(request.size()), request.data());
    std::fprintf(stderr, "and on stderr\n");
    return std::string(worker_output_so_far(1000));
  });
  ASSERT_TRUE(worker->send("one"));
  EXPECT_EQ(next_reply(*worker), "printed for one\nand on stderr\n");
  ASSERT_TRUE(worker->send("two"));
  EXPECT_EQ(next_reply(*worker), "printed for two\nand on stderr\n") << "emptied per request";
  std::uint64_t total = 0;
  EXPECT_EQ(worker->output_tail(7, &total), "stderr\n");
  EXPECT_EQ(total, 30u);
  worker->finish(false);
  std::fflush(stdout);
  dup2(saved_stdout, STDOUT_FILENO);
  close(saved_stdout);
  close(pipe_ends[1]);
  fcntl(pipe_ends[0], F_SETFL, O_NONBLOCK);
  char leaked[64];
  const ssize_t leaked_bytes = read(pipe_ends[0], leaked, sizeof(leaked));
  EXPECT_LE(leaked_bytes, 0) << "the worker wrote to our stdout: "
                             << std::string(leaked, leaked_bytes > 0 ? leaked_bytes : 0);
  close(pipe_ends[0]);
}

TEST(WorkerProcess, WhatTheWorkForkedDiesWithTheWorker) {
  auto worker = start([](std::string_view) {
    const pid_t child = fork();
    if (child == 0) {
      sleep(60);
      _exit(0);
    }
    return std::to_string(child);
  });
  ASSERT_TRUE(worker->send("fork"));
  const std::optional<std::string> reply = next_reply(*worker);
  ASSERT_TRUE(reply);
  const pid_t forked = static_cast<pid_t>(std::stol(*reply));
  EXPECT_EQ(kill(forked, 0), 0) << "alive while the worker is";
  worker->finish(/*kill=*/false);
  bool gone = false;
  for (int attempt = 0; attempt < 100 && !gone; ++attempt) {
    gone = process_gone(forked);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone) << "process " << forked << " outlived its worker";
}

// A process that starts a worker (which forks a sleeper) is killed: the worker and the sleeper
// die with it.
TEST(WorkerProcess, TheWorkerAndItsGroupDieWithTheProcessThatStartedIt) {
  int report[2];
  ASSERT_EQ(pipe(report), 0);
  const pid_t middle = fork();
  if (middle == 0) {
    close(report[0]);
    std::string error;
    auto worker = WorkerProcess::start(
        {},
        [](std::string_view) {
          const pid_t child = fork();
          if (child == 0) {
            sleep(60);
            _exit(0);
          }
          return std::to_string(child);
        },
        WorkerLimits{}, error);
    worker->send("fork");
    const std::optional<std::string> forked = next_reply(*worker);
    const std::string ids = std::to_string(worker->process()) + " " + forked.value_or("0") + "\n";
    if (write(report[1], ids.data(), ids.size()) < 0) {
      _exit(1);
    }
    pause();
    _exit(0);
  }
  close(report[1]);
  char buffer[64] = {};
  ASSERT_GT(read(report[0], buffer, sizeof(buffer) - 1), 0);
  close(report[0]);
  long worker_id = 0;
  long forked_id = 0;
  ASSERT_EQ(std::sscanf(buffer, "%ld %ld", &worker_id, &forked_id), 2);
  ASSERT_GT(forked_id, 0);
  kill(middle, SIGKILL);
  waitpid(middle, nullptr, 0);
  bool gone = false;
  for (int attempt = 0; attempt < 200 && !gone; ++attempt) {
    gone =
        process_gone(static_cast<pid_t>(worker_id)) && process_gone(static_cast<pid_t>(forked_id));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto state_of = [](long id) {
    std::ifstream stat("/proc/" + std::to_string(id) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    return text;
  };
  EXPECT_TRUE(gone) << "the worker or what it forked outlived the process that started it: "
                    << state_of(worker_id) << " / " << state_of(forked_id);
  expect_no_child_left();
}

TEST(WorkerProcess, AKilledWorkerIsReapedAndSaysSo) {
  auto worker = start([](std::string_view) -> std::string {
    while (true) {
      pause();
    }
  });
  ASSERT_TRUE(worker->send("hang"));
  std::vector<std::string> replies;
  EXPECT_TRUE(worker->read_replies(replies));
  EXPECT_TRUE(replies.empty());
  const IsolatedOutcome end = worker->finish(/*kill=*/true);
  EXPECT_EQ(end.kind, IsolatedOutcomeKind::crashed);
  EXPECT_EQ(end.signal_number, SIGKILL);
  worker.reset();
  expect_no_child_left();
}

}  // namespace
}  // namespace lockstep::harness
