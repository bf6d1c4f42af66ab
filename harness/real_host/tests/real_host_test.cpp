// The real host keeps host.h's semantics on OS threads: work runs later on a worker, exactly
// once; LONG is offered only when another worker is idle; timers, events, mutexes, memory and
// the I/O count behave as documented; misuse is recorded, never undefined behaviour.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "harness/real_host/real_clock.h"
#include "harness/real_host/real_host.h"

namespace lockstep::real_host {
namespace {

constexpr std::uint64_t kMillisecondNs = 1'000'000;

// Waits (really) until `done` holds, at most a few seconds; a test never hangs on a bug.
template <typename Predicate>
bool eventually(Predicate done) {
  const std::uint64_t deadline = monotonic_now_ns() + 5'000 * kMillisecondNs;
  while (!done()) {
    if (monotonic_now_ns() > deadline) {
      return false;
    }
    sleep_for_ns(100'000);
  }
  return true;
}

struct WorkRecord {
  std::atomic<int> runs{0};
  std::atomic<std::uint64_t> thread{0};
  std::atomic<int> model{-1};
};

void record_work(void* state, WS_CALLBACK_MODEL model) {
  auto* record = static_cast<WorkRecord*>(state);
  record->thread = current_thread_number();
  record->model = static_cast<int>(model);
  ++record->runs;
}

TEST(RealHost, TableIsVersionedAndComplete) {
  RealNetwork network(RealNetworkConfig{});
  RealHost host(network, RealHostConfig{});
  const lockstep_host* table = host.table();
  EXPECT_EQ(table->abi_version, LOCKSTEP_HOST_ABI_VERSION);
  EXPECT_EQ(table->struct_size, sizeof(lockstep_host));
  // Every function slot between `self` and the end is filled.
  const auto* first = reinterpret_cast<const char*>(&table->submit_work);
  const auto* end = reinterpret_cast<const char*>(table) + sizeof(lockstep_host);
  for (const char* slot = first; slot < end; slot += sizeof(void*)) {
    void* function = nullptr;
    std::memcpy(&function, slot, sizeof(void*));
    EXPECT_NE(function, nullptr) << "slot at offset "
                                 << (slot - reinterpret_cast<const char*>(table));
  }
  EXPECT_EQ(table->worker_thread_count(table->self), 2u);
  EXPECT_EQ(table->io_limit(table->self), 16u);
  EXPECT_NE(table->current_thread(table->self), 0u);
}

TEST(RealHost, WorkRunsOnceOnAWorkerNeverInline) {
  RealNetwork network(RealNetworkConfig{});
  RealHost host(network, RealHostConfig{"host", 1});
  const lockstep_host* table = host.table();
  std::vector<WorkRecord> records(200);
  for (WorkRecord& record : records) {
    ASSERT_EQ(table->submit_work(table->self, &record_work, &record), S_OK);
  }
  ASSERT_TRUE(eventually([&] { return host.idle(); }));
  for (const WorkRecord& record : records) {
    EXPECT_EQ(record.runs.load(), 1);
    EXPECT_NE(record.thread.load(), current_thread_number());
    // One worker: no other worker can ever be idle, so only SHORT is offered.
    EXPECT_EQ(record.model.load(), WS_SHORT_CALLBACK);
  }
  EXPECT_EQ(host.work_items_run(), 200u);
}

struct Gate {
  std::mutex mutex;
  std::condition_variable opened;
  bool open = false;
  std::atomic<int> model{-1};
  std::atomic<bool> entered{false};
};

void blocking_work(void* state, WS_CALLBACK_MODEL model) {
  auto* gate = static_cast<Gate*>(state);
  gate->model = static_cast<int>(model);
  gate->entered = true;
  std::unique_lock<std::mutex> lock(gate->mutex);
  gate->opened.wait(lock, [gate] { return gate->open; });
}

TEST(RealHost, LongIsOfferedOnlyWhileAnotherWorkerIsIdle) {
  RealNetwork network(RealNetworkConfig{});
  RealHost host(network, RealHostConfig{"host", 2});
  const lockstep_host* table = host.table();
  ASSERT_TRUE(eventually([&] { return host.idle(); }));
  sleep_for_ns(20 * kMillisecondNs);  // both workers reach their wait
  Gate first;
  ASSERT_EQ(table->submit_work(table->self, &blocking_work, &first), S_OK);
  ASSERT_TRUE(eventually([&] { return first.entered.load(); }));
  EXPECT_EQ(first.model.load(), WS_LONG_CALLBACK) << "the second worker was idle";
  Gate second;
  ASSERT_EQ(table->submit_work(table->self, &blocking_work, &second), S_OK);
  ASSERT_TRUE(eventually([&] { return second.entered.load(); }));
  EXPECT_EQ(second.model.load(), WS_SHORT_CALLBACK) << "the only other worker was busy";
  for (Gate* gate : {&first, &second}) {
    std::lock_guard<std::mutex> lock(gate->mutex);
    gate->open = true;
    gate->opened.notify_all();
  }
  EXPECT_TRUE(eventually([&] { return host.idle(); }));
}

void count_timer(void* state) {
  ++*static_cast<std::atomic<int>*>(state);
}

TEST(RealHost, TimersRunOnceUnlessCancelledFirst) {
  RealNetwork network(RealNetworkConfig{});
  RealHost host(network, RealHostConfig{});
  const lockstep_host* table = host.table();
  std::atomic<int> fired{0};
  std::atomic<int> cancelled_fired{0};
  const std::uint64_t start_ns = table->now_ns(table->self);
  lockstep_timer* soon = table->timer_start(table->self, 2 * kMillisecondNs, &count_timer, &fired);
  lockstep_timer* later =
      table->timer_start(table->self, 10'000 * kMillisecondNs, &count_timer, &cancelled_fired);
  EXPECT_TRUE(table->timer_cancel(table->self, later));
  ASSERT_TRUE(eventually([&] { return fired.load() == 1; }));
  EXPECT_GE(table->now_ns(table->self) - start_ns, 2 * kMillisecondNs);
  EXPECT_FALSE(table->timer_cancel(table->self, soon)) << "it already ran";
  sleep_for_ns(5 * kMillisecondNs);
  EXPECT_EQ(fired.load(), 1);
  EXPECT_EQ(cancelled_fired.load(), 0);
  EXPECT_TRUE(host.observations().empty());
}

TEST(RealHost, EventsWaitAndTimeOutInRealTime) {
  RealNetwork network(RealNetworkConfig{});
  RealHost host(network, RealHostConfig{});
  const lockstep_host* table = host.table();
  lockstep_event* automatic = table->event_create(table->self, FALSE, TRUE);
  const std::uint64_t waits_before = RealHost::event_waits_on_this_thread();
  EXPECT_EQ(table->event_wait(table->self, automatic, 0), S_OK);
  EXPECT_EQ(table->event_wait(table->self, automatic, kMillisecondNs), WS_E_OPERATION_TIMED_OUT)
      << "an auto-reset event is reset by the wait it released";
  EXPECT_EQ(RealHost::event_waits_on_this_thread() - waits_before, 2u);
  lockstep_event* manual = table->event_create(table->self, TRUE, FALSE);
  std::thread setter([&] {
    sleep_for_ns(2 * kMillisecondNs);
    table->event_set(table->self, manual);
  });
  EXPECT_EQ(table->event_wait(table->self, manual, LOCKSTEP_WAIT_FOREVER), S_OK);
  EXPECT_EQ(table->event_wait(table->self, manual, 0), S_OK) << "manual reset stays set";
  setter.join();
  table->event_reset(table->self, manual);
  EXPECT_EQ(table->event_wait(table->self, manual, 0), WS_E_OPERATION_TIMED_OUT);
  table->event_destroy(table->self, automatic);
  table->event_destroy(table->self, manual);
  EXPECT_TRUE(host.observations().empty());
}

TEST(RealHost, MutexExcludesAndMisuseIsRecordedNotUndefined) {
  RealNetwork network(RealNetworkConfig{});
  RealHost host(network, RealHostConfig{});
  const lockstep_host* table = host.table();
  lockstep_mutex* mutex = table->mutex_create(table->self);
  int shared_counter = 0;
  std::vector<std::thread> threads;
  for (int thread = 0; thread < 4; ++thread) {
    threads.emplace_back([&] {
      for (int round = 0; round < 2000; ++round) {
        table->mutex_lock(table->self, mutex);
        ++shared_counter;
        table->mutex_unlock(table->self, mutex);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(shared_counter, 8000);
  EXPECT_TRUE(host.observations().empty());
  table->mutex_lock(table->self, mutex);
  table->mutex_lock(table->self, mutex);     // recursive: refused, recorded
  table->mutex_destroy(table->self, mutex);  // still locked: refused, recorded
  table->mutex_unlock(table->self, mutex);
  table->mutex_unlock(table->self, mutex);  // not locked: recorded
  table->mutex_destroy(table->self, mutex);
  table->event_set(table->self, reinterpret_cast<lockstep_event*>(mutex));  // forged handle
  int stack_block = 0;
  table->release(table->self, &stack_block);  // a block the host never gave out
  const std::vector<HostObservation> observations = host.observations();
  ASSERT_EQ(observations.size(), 5u);
  for (const HostObservation& observation : observations) {
    EXPECT_EQ(observation.rule, "host");
  }
  EXPECT_NE(observations[0].explanation.find("already holds"), std::string::npos);
  EXPECT_NE(observations[1].explanation.find("still locked"), std::string::npos);
  EXPECT_NE(observations[2].explanation.find("not locked"), std::string::npos);
  EXPECT_NE(observations[3].explanation.find("event_set"), std::string::npos);
  EXPECT_NE(observations[4].explanation.find("release"), std::string::npos);
}

TEST(RealHost, MemoryIsTrackedAgainstItsBudget) {
  RealNetwork network(RealNetworkConfig{});
  RealHostConfig config;
  config.memory_limit_bytes = 1000;
  RealHost host(network, config);
  const lockstep_host* table = host.table();
  void* block = table->allocate(table->self, 600);
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(table->allocate(table->self, 600), nullptr) << "beyond the budget";
  EXPECT_EQ(host.live_allocations(), 1u);
  table->release(table->self, block);
  EXPECT_EQ(host.live_allocations(), 0u);
  EXPECT_NE(table->allocate(table->self, 600), nullptr) << "the budget came back";
}

TEST(RealHost, ErrorsKeepTheirStringsNewestFirst) {
  RealNetwork network(RealNetworkConfig{});
  RealHost host(network, RealHostConfig{});
  const lockstep_host* table = host.table();
  WS_ERROR* error = table->error_create(table->self);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(lockstep_error_add_text(error, "first"), S_OK);
  EXPECT_EQ(lockstep_error_add_text(error, "second"), S_OK);
  EXPECT_EQ(lockstep_error_string_count(error), 2u);
  WS_STRING newest{};
  ASSERT_EQ(WsGetErrorString(error, 0, &newest), S_OK);
  EXPECT_EQ(newest.length, 6u);
  EXPECT_EQ(newest.chars[0], u's');
  table->error_free(table->self, error);
  table->error_free(table->self, error);  // twice: recorded
  ASSERT_EQ(host.observations().size(), 1u);
}

TEST(RealHost, ShutdownDrainsQueuedWorkThenRefusesMore) {
  RealNetwork network(RealNetworkConfig{});
  RealHost host(network, RealHostConfig{"host", 1});
  const lockstep_host* table = host.table();
  std::vector<WorkRecord> records(50);
  for (WorkRecord& record : records) {
    table->submit_work(table->self, &record_work, &record);
  }
  EXPECT_TRUE(host.shut_down());
  for (const WorkRecord& record : records) {
    EXPECT_EQ(record.runs.load(), 1);
  }
  WorkRecord late;
  EXPECT_EQ(table->submit_work(table->self, &record_work, &late), E_OUTOFMEMORY);
  EXPECT_EQ(late.runs.load(), 0);
}

}  // namespace
}  // namespace lockstep::real_host
