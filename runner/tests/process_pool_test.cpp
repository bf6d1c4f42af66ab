// The process pool: every task ends exactly once, whatever kills its worker; the tasks a dead
// worker still held are handed out again; a hang is a timeout, not a stuck run; a worker that
// cannot start stops the pool with its reason. And the synchronous client starts a new worker
// after a death.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>

#include <map>
#include <set>
#include <stdexcept>

#include "runner/process_pool.h"
#include "runner/worker_client.h"

namespace lockstep::runner {
namespace {

// Tasks 0 .. count-1; the request is the task number, the handler decides what happens.
class CountingWork final : public PoolWork {
 public:
  explicit CountingWork(std::uint64_t count) : count_(count) {}
  std::optional<std::uint64_t> next_task() override {
    return next_ < count_ ? std::optional<std::uint64_t>(next_++) : std::nullopt;
  }
  std::string request_of(std::uint64_t task) override { return std::to_string(task); }
  bool task_ended(std::uint64_t task, const TaskEnd& end) override {
    EXPECT_EQ(ends_.count(task), 0u) << "task " << task << " ended twice";
    ends_.emplace(task, end);
    return true;
  }
  void task_not_run(std::uint64_t task) override { not_run_.insert(task); }

  std::uint64_t count_;
  std::uint64_t next_ = 0;
  std::map<std::uint64_t, TaskEnd> ends_;
  std::set<std::uint64_t> not_run_;
};

ProcessPoolSettings settings_for(unsigned processes, std::uint64_t timeout_ms = 5'000) {
  ProcessPoolSettings settings;
  settings.processes = processes;
  settings.task_timeout_ms = timeout_ms;
  return settings;
}

TEST(ProcessPool, EveryTaskEndsOnceWithItsReply) {
  CountingWork work(200);
  std::string error;
  const bool ran = run_process_pool(
      {}, [](std::string_view request) { return "done " + std::string(request); }, settings_for(3),
      work, [] {}, error);
  ASSERT_TRUE(ran) << error;
  ASSERT_EQ(work.ends_.size(), 200u);
  for (const auto& [task, end] : work.ends_) {
    EXPECT_EQ(end.outcome.kind, harness::IsolatedOutcomeKind::completed);
    EXPECT_EQ(end.outcome.result, "done " + std::to_string(task));
  }
  EXPECT_TRUE(work.not_run_.empty());
}

TEST(ProcessPool, ACrashEndsItsTaskAndTheTasksBehindItRunElsewhere) {
  CountingWork work(60);
  std::string error;
  const bool ran = run_process_pool(
      {},
      [](std::string_view request) {
        const int task = std::stoi(std::string(request));
        if (task % 20 == 7) {
          std::printf("about to crash in task %d\n", task);
          std::fflush(stdout);
          raise(SIGABRT);  // not SIGSEGV: AddressSanitizer builds report that one first
        }
        return std::string("ok");
      },
      settings_for(2), work, [] {}, error);
  ASSERT_TRUE(ran) << error;
  ASSERT_EQ(work.ends_.size(), 60u);
  for (const auto& [task, end] : work.ends_) {
    if (task % 20 == 7) {
      EXPECT_EQ(end.outcome.kind, harness::IsolatedOutcomeKind::crashed) << task;
      EXPECT_EQ(end.outcome.signal_number, SIGABRT);
      EXPECT_EQ(end.output_tail, "about to crash in task " + std::to_string(task) + "\n");
    } else {
      EXPECT_EQ(end.outcome.result, "ok") << task << ": " << end.outcome.describe();
    }
  }
}

TEST(ProcessPool, AHangIsATimeoutAndTheRunGoesOn) {
  CountingWork work(12);
  std::string error;
  const bool ran = run_process_pool(
      {},
      [](std::string_view request) {
        if (request == "5") {
          while (true) {
            pause();
          }
        }
        return std::string("ok");
      },
      settings_for(2, 200), work, [] {}, error);
  ASSERT_TRUE(ran) << error;
  ASSERT_EQ(work.ends_.size(), 12u);
  EXPECT_EQ(work.ends_.at(5).outcome.kind, harness::IsolatedOutcomeKind::timed_out);
  EXPECT_EQ(work.ends_.at(5).outcome.describe(),
            "timed out: still running after 200 ms of wall-clock time, killed with SIGKILL");
  EXPECT_EQ(work.ends_.at(6).outcome.result, "ok");
}

TEST(ProcessPool, AWorkerThatCannotStartStopsThePoolWithItsReason) {
  CountingWork work(5);
  std::string error;
  const bool ran = run_process_pool([] { return std::string("plugin 'x.so': gone"); },
                                    [](std::string_view) { return std::string("never"); },
                                    settings_for(2), work, [] {}, error);
  EXPECT_FALSE(ran);
  EXPECT_EQ(error, "the worker could not start: plugin 'x.so': gone");
  EXPECT_TRUE(work.ends_.empty());
}

TEST(WorkerClient, OneWorkerForManyCallsAndANewOneAfterADeath) {
  WorkerClient client(
      {},
      [](std::string_view request) {
        if (request == "crash") {
          raise(SIGABRT);
        }
        return std::to_string(getpid());
      },
      harness::WorkerLimits{});
  const std::string first = client.call("a", 5'000).outcome.result;
  EXPECT_EQ(client.call("b", 5'000).outcome.result, first) << "the same worker";
  const TaskEnd crashed = client.call("crash", 5'000);
  EXPECT_EQ(crashed.outcome.kind, harness::IsolatedOutcomeKind::crashed);
  EXPECT_EQ(crashed.outcome.signal_number, SIGABRT);
  const TaskEnd after = client.call("c", 5'000);
  EXPECT_EQ(after.outcome.kind, harness::IsolatedOutcomeKind::completed);
  EXPECT_NE(after.outcome.result, first) << "a new worker";
  EXPECT_EQ(client.workers_started(), 2u);
}

TEST(WorkerClient, InThisProcessRunsSetupOnceAndTheHandlerHereAndStopsAtAFailedSetup) {
  int setups = 0;
  auto here = WorkerClient::in_this_process(
      [&setups] {
        ++setups;
        return std::string();
      },
      [](std::string_view request) {
        if (request == "throw") {
          throw std::runtime_error("no such thing");
        }
        return std::to_string(getpid());
      });
  EXPECT_EQ(here->call("a", 1).outcome.result, std::to_string(getpid()));
  EXPECT_EQ(here->call("b", 1).outcome.result, std::to_string(getpid()));
  const TaskEnd threw = here->call("throw", 1);
  EXPECT_EQ(threw.outcome.kind, harness::IsolatedOutcomeKind::failed);
  EXPECT_EQ(threw.outcome.message, "the work threw: no such thing");
  EXPECT_EQ(setups, 1);
  EXPECT_EQ(here->workers_started(), 0u);

  auto refused = WorkerClient::in_this_process([] { return std::string("no plugin"); },
                                               [](std::string_view) { return std::string("x"); });
  for (int call = 0; call < 2; ++call) {
    const TaskEnd end = refused->call("a", 1);
    EXPECT_EQ(end.outcome.kind, harness::IsolatedOutcomeKind::failed);
    EXPECT_EQ(end.outcome.message, "the worker could not start: no plugin");
  }
}

}  // namespace
}  // namespace lockstep::runner
