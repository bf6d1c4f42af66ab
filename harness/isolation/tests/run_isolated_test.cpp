// run_isolated against every way work can end: a result (up to 10 MB), a segfault, abort, a bus
// error, a stack overflow, an endless loop, a memory blow-up, exceptions, early exits; and the
// parent keeps working after each, with no child or file descriptor left behind.
#include "harness/isolation/run_isolated.h"

#include "harness/testing/scratch_directory.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <new>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

namespace lockstep::harness {
namespace {

IsolationLimits fast_limits() {
  IsolationLimits limits;
  limits.wall_clock_ms = 2'000;
  return limits;
}

// UndefinedBehaviorSanitizer would stop the store before the processor faults: the test is
// about the fault.
__attribute__((no_sanitize("null"))) std::string null_write() {
  // Both volatile: the compiler may neither see the null (and trap instead) nor drop the store.
  volatile int* volatile target = nullptr;
  *target = 42;  // NOLINT(clang-analyzer-core.NullDereference): the crash under test
  return "unreachable";
}

std::string bus_error() {
  // A page mapped beyond the end of an (empty) file: touching it raises SIGBUS.
  std::FILE* file = std::tmpfile();
  const long page_bytes = sysconf(_SC_PAGESIZE);
  void* page =
      mmap(nullptr, static_cast<std::size_t>(page_bytes), PROT_READ, MAP_SHARED, fileno(file), 0);
  if (page == MAP_FAILED) {
    return "mmap failed";
  }
  return std::string(1, *static_cast<volatile char*>(page));
}

volatile std::uint64_t recursion_stop_depth = UINT64_MAX;

__attribute__((noinline)) std::uint64_t recurse(std::uint64_t depth) {
  volatile char frame[4096];
  frame[0] = static_cast<char>(depth);
  if (depth == recursion_stop_depth) {
    return 0;
  }
  // Using the frame after the call keeps it from becoming a tail call (a loop).
  return recurse(depth + 1) + static_cast<std::uint64_t>(frame[0]);
}

std::string endless_loop() {
  volatile std::uint64_t spins = 0;
  while (true) {
    spins = spins + 1;
  }
}

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

TEST(RunIsolated, ReturnsTheResult) {
  const IsolatedOutcome outcome = run_isolated([] { return std::string("hello"); }, fast_limits());
  ASSERT_EQ(outcome.kind, IsolatedOutcomeKind::completed) << outcome.describe();
  EXPECT_EQ(outcome.result, "hello");
  EXPECT_EQ(outcome.describe(), "completed: returned 5 bytes");
  expect_no_child_left();
}

TEST(RunIsolated, ReturnsAnEmptyResult) {
  const IsolatedOutcome outcome = run_isolated([] { return std::string(); }, fast_limits());
  ASSERT_EQ(outcome.kind, IsolatedOutcomeKind::completed) << outcome.describe();
  EXPECT_EQ(outcome.result, "");
}

TEST(RunIsolated, ReturnsATenMegabyteResultByteForByte) {
  std::string expected(10u << 20, '\0');
  for (std::size_t index = 0; index < expected.size(); ++index) {
    expected[index] = static_cast<char>((index * 31 + index / 4099) % 256);
  }
  const IsolatedOutcome outcome = run_isolated([&] { return expected; }, fast_limits());
  ASSERT_EQ(outcome.kind, IsolatedOutcomeKind::completed) << outcome.describe();
  EXPECT_EQ(outcome.result.size(), expected.size());
  EXPECT_TRUE(outcome.result == expected);
  EXPECT_EQ(outcome.describe(), "completed: returned 10485760 bytes");
}

TEST(RunIsolated, ASegfaultIsACrash) {
  const IsolatedOutcome outcome = run_isolated(null_write, fast_limits());
  ASSERT_EQ(outcome.kind, IsolatedOutcomeKind::crashed) << outcome.describe();
  EXPECT_EQ(outcome.signal_number, SIGSEGV);
  EXPECT_EQ(outcome.describe(), "crashed: killed by SIGSEGV (signal 11)");
  expect_no_child_left();
}

TEST(RunIsolated, AbortIsACrash) {
  const IsolatedOutcome outcome =
      run_isolated([]() -> std::string { std::abort(); }, fast_limits());
  ASSERT_EQ(outcome.kind, IsolatedOutcomeKind::crashed) << outcome.describe();
  EXPECT_EQ(outcome.signal_number, SIGABRT);
  EXPECT_EQ(outcome.describe(), "crashed: killed by SIGABRT (signal 6)");
}

TEST(RunIsolated, ABusErrorIsACrash) {
  const IsolatedOutcome outcome = run_isolated(bus_error, fast_limits());
  ASSERT_EQ(outcome.kind, IsolatedOutcomeKind::crashed) << outcome.describe();
  EXPECT_EQ(outcome.signal_number, SIGBUS);
  EXPECT_EQ(outcome.describe(), "crashed: killed by SIGBUS (signal 7)");
}

TEST(RunIsolated, AStackOverflowIsASegfault) {
  const IsolatedOutcome outcome =
      run_isolated([] { return std::to_string(recurse(0)); }, fast_limits());
  ASSERT_EQ(outcome.kind, IsolatedOutcomeKind::crashed) << outcome.describe();
  EXPECT_EQ(outcome.signal_number, SIGSEGV);
}

TEST(RunIsolated, AnEndlessLoopTimesOutAndIsKilled) {
  IsolationLimits limits = fast_limits();
  limits.wall_clock_ms = 200;
  const auto start = std::chrono::steady_clock::now();
  const IsolatedOutcome outcome = run_isolated(endless_loop, limits);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(outcome.kind, IsolatedOutcomeKind::timed_out) << outcome.describe();
  EXPECT_GE(elapsed, std::chrono::milliseconds(200));
  EXPECT_LT(elapsed, std::chrono::milliseconds(1'500));
  EXPECT_EQ(outcome.describe(),
            "timed out: still running after 200 ms of wall-clock time, killed with SIGKILL");
  expect_no_child_left();
}

TEST(RunIsolated, AnUnboundedBudgetStillCompletes) {
  IsolationLimits limits = fast_limits();
  limits.wall_clock_ms = UINT64_MAX;
  const IsolatedOutcome outcome = run_isolated([] { return std::string("quick"); }, limits);
  ASSERT_EQ(outcome.kind, IsolatedOutcomeKind::completed) << outcome.describe();
  EXPECT_EQ(outcome.result, "quick");
}

TEST(RunIsolated, AMemoryBlowUpExceedsTheLimit) {
  if (!memory_limit_enforced()) {
    GTEST_SKIP() << "AddressSanitizer build: ASan reserves terabytes of address space, so "
                    "run_isolated sets no RLIMIT_AS and ASan's own allocator reports the failure";
  }
  IsolationLimits limits = fast_limits();
  limits.memory_bytes = std::uint64_t{512} << 20;
  const IsolatedOutcome outcome = run_isolated(
      [] {
        std::vector<std::unique_ptr<char[]>> chunks;
        constexpr std::size_t chunk_bytes = std::size_t{64} << 20;
        for (std::size_t total_bytes = 0; total_bytes < (std::size_t{4} << 30);
             total_bytes += chunk_bytes) {
          chunks.emplace_back(new char[chunk_bytes]);
          chunks.back()[0] = 1;  // used, so the allocation cannot be optimised away
        }
        return std::to_string(chunks.size());
      },
      limits);
  ASSERT_EQ(outcome.kind, IsolatedOutcomeKind::memory_exceeded) << outcome.describe();
  EXPECT_EQ(outcome.describe(),
            "memory exceeded: an allocation failed under the limit of 536870912 bytes of "
            "address space");
}

TEST(RunIsolated, BadAllocFromTheWorkIsMemoryExceeded) {
  const IsolatedOutcome outcome =
      run_isolated([]() -> std::string { throw std::bad_alloc(); }, fast_limits());
  EXPECT_EQ(outcome.kind, IsolatedOutcomeKind::memory_exceeded) << outcome.describe();
}

TEST(RunIsolated, AnExceptionFailsWithItsMessage) {
  const IsolatedOutcome outcome =
      run_isolated([]() -> std::string { throw std::runtime_error("boom"); }, fast_limits());
  ASSERT_EQ(outcome.kind, IsolatedOutcomeKind::failed) << outcome.describe();
  EXPECT_EQ(outcome.message, "the work threw: boom");
  EXPECT_EQ(outcome.describe(), "failed: the work threw: boom");
}

TEST(RunIsolated, AMultiLineExceptionIsDescribedOnOneLine) {
  const IsolatedOutcome outcome =
      run_isolated([]() -> std::string { throw std::logic_error("first\nsecond"); }, fast_limits());
  ASSERT_EQ(outcome.kind, IsolatedOutcomeKind::failed) << outcome.describe();
  EXPECT_EQ(outcome.describe(), "failed: the work threw: first second");
}

TEST(RunIsolated, AnExceptionThatIsNotAStdExceptionFails) {
  const IsolatedOutcome outcome = run_isolated([]() -> std::string { throw 42; }, fast_limits());
  ASSERT_EQ(outcome.kind, IsolatedOutcomeKind::failed) << outcome.describe();
  EXPECT_EQ(outcome.message, "the work threw: an exception that is not a std::exception");
}

TEST(RunIsolated, AnExitWithoutAResultFails) {
  const IsolatedOutcome with_code = run_isolated([]() -> std::string { _exit(3); }, fast_limits());
  ASSERT_EQ(with_code.kind, IsolatedOutcomeKind::failed) << with_code.describe();
  EXPECT_EQ(with_code.describe(),
            "failed: the child exited with code 3 without returning a result");
  // Exit code 0 is not success either: only a complete result frame is.
  const IsolatedOutcome with_zero = run_isolated([]() -> std::string { _exit(0); }, fast_limits());
  ASSERT_EQ(with_zero.kind, IsolatedOutcomeKind::failed) << with_zero.describe();
  EXPECT_EQ(with_zero.message, "the child exited with code 0 without returning a result");
}

TEST(RunIsolated, OutputBufferedByTheParentIsWrittenOnce) {
  const testing::ScratchDirectory scratch("isolation-test");
  const std::string path = (scratch / "buffered.txt").string();
  std::FILE* file = std::fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fputs("written once", file);  // stays in the stdio buffer until a flush
  const IsolatedOutcome outcome = run_isolated([] { return std::string("done"); }, fast_limits());
  std::fclose(file);
  EXPECT_EQ(outcome.kind, IsolatedOutcomeKind::completed) << outcome.describe();
  std::stringstream contents;
  contents << std::ifstream(path).rdbuf();
  EXPECT_EQ(contents.str(), "written once");
}

TEST(RunIsolated, TheParentKeepsWorkingAfterEveryKindOfEnd) {
  IsolationLimits limits = fast_limits();
  limits.wall_clock_ms = 1'000;
  IsolationLimits short_limits = limits;
  short_limits.wall_clock_ms = 30;
  const std::size_t descriptors_before = open_descriptor_count();
  for (int round = 0; round < 10; ++round) {
    EXPECT_EQ(run_isolated(null_write, limits).kind, IsolatedOutcomeKind::crashed);
    EXPECT_EQ(run_isolated([]() -> std::string { std::abort(); }, limits).kind,
              IsolatedOutcomeKind::crashed);
    EXPECT_EQ(run_isolated([]() -> std::string { throw std::runtime_error("x"); }, limits).kind,
              IsolatedOutcomeKind::failed);
    EXPECT_EQ(run_isolated(endless_loop, short_limits).kind, IsolatedOutcomeKind::timed_out);
    const IsolatedOutcome completed =
        run_isolated([round] { return "round " + std::to_string(round); }, limits);
    ASSERT_EQ(completed.kind, IsolatedOutcomeKind::completed) << completed.describe();
    EXPECT_EQ(completed.result, "round " + std::to_string(round));
  }
  EXPECT_EQ(open_descriptor_count(), descriptors_before);
  expect_no_child_left();
}

TEST(RunIsolated, ASanitizerReportIsAFailureNamingIt) {
  if (memory_limit_enforced()) {
    GTEST_SKIP() << "not an AddressSanitizer build: nothing would detect the overflow";
  }
  const IsolatedOutcome outcome = run_isolated(
      [] {
        std::vector<char> bytes(16);
        volatile std::size_t past_the_end = bytes.size();
        return std::string(1, bytes.data()[past_the_end]);
      },
      fast_limits());
  ASSERT_EQ(outcome.kind, IsolatedOutcomeKind::failed) << outcome.describe();
  EXPECT_EQ(outcome.message, "a sanitizer reported an error in the work (the report is on stderr)");
}

TEST(RunIsolated, NamesSignals) {
  EXPECT_EQ(signal_name(SIGSEGV), "SIGSEGV");
  EXPECT_EQ(signal_name(SIGBUS), "SIGBUS");
  EXPECT_EQ(signal_name(SIGKILL), "SIGKILL");
  EXPECT_EQ(signal_name(SIGRTMIN + 1), "signal " + std::to_string(SIGRTMIN + 1));
}

}  // namespace
}  // namespace lockstep::harness
