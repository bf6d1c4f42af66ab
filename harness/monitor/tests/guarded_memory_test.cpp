// GuardedArena: accesses after protect are recorded (and survived), others are not, and a
// fault outside guarded pages still reaches whoever handled SIGSEGV before the arena.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "harness/monitor/guard_page_pool.h"
#include "harness/monitor/guarded_memory.h"

namespace lockstep::harness {
namespace {

// Runs `body` on a fiber so accesses carry a simulated thread and step.
void run_on_fiber(Simulation& simulation, const std::function<void()>& body) {
  simulation.spawn("accessor", body);
  const RunResult& result = simulation.run();
  ASSERT_EQ(result.outcome, Outcome::completed) << result.message;
}

TEST(GuardedArena, ReadAfterProtectIsRecordedAndCompletes) {
  Simulation simulation(SimulationConfig{}, make_random_walk_strategy(1));
  GuardedArena arena(simulation);
  const GuardedBufferId buffer = arena.allocate("payload", 100);
  auto* bytes = static_cast<volatile unsigned char*>(arena.data(buffer));
  bytes[42] = 0x5A;
  arena.protect(buffer);
  unsigned char seen = 0;
  FiberId reader = 0;
  run_on_fiber(simulation, [&] {
    reader = simulation.current_fiber();
    seen = bytes[42];
  });
  EXPECT_EQ(seen, 0x5A);
  const std::vector<GuardedAccess> accesses = arena.take_accesses();
  ASSERT_EQ(accesses.size(), 1u);
  EXPECT_EQ(accesses[0].buffer, buffer);
  EXPECT_EQ(accesses[0].buffer_name, "payload");
  EXPECT_EQ(accesses[0].offset, 42u);
  EXPECT_FALSE(accesses[0].write);
  EXPECT_EQ(accesses[0].thread, reader);
  EXPECT_GE(accesses[0].step, 1u);
  EXPECT_TRUE(arena.take_accesses().empty());
}

TEST(GuardedArena, WriteAfterProtectIsRecordedAsWriteAndLands) {
  Simulation simulation(SimulationConfig{}, make_random_walk_strategy(2));
  GuardedArena arena(simulation);
  const GuardedBufferId buffer = arena.allocate("out", 16);
  arena.protect(buffer);
  auto* bytes = static_cast<volatile unsigned char*>(arena.data(buffer));
  run_on_fiber(simulation, [&] { bytes[7] = 0x33; });
  const std::vector<GuardedAccess> accesses = arena.take_accesses();
  ASSERT_EQ(accesses.size(), 1u);
  EXPECT_EQ(accesses[0].offset, 7u);
  EXPECT_TRUE(accesses[0].write);
  EXPECT_EQ(arena.snapshot(buffer)[7], '\x33');
}

TEST(GuardedArena, RecordsOncePerBufferInOrderOfAccess) {
  Simulation simulation(SimulationConfig{}, make_random_walk_strategy(3));
  GuardedArena arena(simulation);
  const GuardedBufferId first = arena.allocate("first", 8);
  const GuardedBufferId second = arena.allocate("second", 8);
  arena.protect(first);
  arena.protect(second);
  auto* first_bytes = static_cast<volatile unsigned char*>(arena.data(first));
  auto* second_bytes = static_cast<volatile unsigned char*>(arena.data(second));
  second_bytes[1] = 1;
  first_bytes[2] = 2;
  second_bytes[3] = 3;
  const std::vector<GuardedAccess> accesses = arena.take_accesses();
  ASSERT_EQ(accesses.size(), 2u);
  EXPECT_EQ(accesses[0].buffer_name, "second");
  EXPECT_EQ(accesses[0].offset, 1u);
  EXPECT_EQ(accesses[1].buffer_name, "first");
  EXPECT_EQ(accesses[1].offset, 2u);
}

TEST(GuardedArena, UnprotectedAccessRecordsNothing) {
  Simulation simulation(SimulationConfig{}, make_random_walk_strategy(4));
  GuardedArena arena(simulation);
  const GuardedBufferId buffer = arena.allocate("free", 3);
  auto* bytes = static_cast<volatile unsigned char*>(arena.data(buffer));
  bytes[0] = 9;
  EXPECT_EQ(bytes[0], 9);
  EXPECT_EQ(arena.size(buffer), 3u);
  EXPECT_FALSE(arena.is_protected(buffer));
  EXPECT_TRUE(arena.take_accesses().empty());
}

TEST(GuardedArena, SnapshotOfProtectedBufferRecordsNothingAndStaysProtected) {
  Simulation simulation(SimulationConfig{}, make_random_walk_strategy(5));
  GuardedArena arena(simulation);
  const GuardedBufferId buffer = arena.allocate("result", 5);
  std::memcpy(arena.data(buffer), "hello", 5);
  arena.protect(buffer);
  EXPECT_EQ(arena.snapshot(buffer), "hello");
  EXPECT_TRUE(arena.take_accesses().empty());
  EXPECT_TRUE(arena.is_protected(buffer));
  // Still guarded after the snapshot: the next access is caught.
  auto* bytes = static_cast<volatile unsigned char*>(arena.data(buffer));
  EXPECT_EQ(bytes[4], 'o');
  EXPECT_EQ(arena.take_accesses().size(), 1u);
}

// ---- pooled mappings -------------------------------------------------------------------------

std::size_t mapping_count() {
  std::ifstream maps("/proc/self/maps");
  std::size_t count = 0;
  for (std::string line; std::getline(maps, line);) {
    ++count;
  }
  return count;
}

// The mappings next to the given buffers (two pages either side of each): only these show a
// split or a merge. A count over the whole process would also see the allocator's own new
// mappings, which AddressSanitizer makes as the test allocates.
std::size_t mapping_count_near(GuardedArena& arena, const std::vector<GuardedBufferId>& buffers) {
  const auto page = static_cast<std::uintptr_t>(getpagesize());
  std::ifstream maps("/proc/self/maps");
  std::size_t count = 0;
  for (std::string line; std::getline(maps, line);) {
    const std::size_t dash = line.find('-');
    const std::uintptr_t start = std::stoull(line.substr(0, dash), nullptr, 16);
    const std::uintptr_t end = std::stoull(line.substr(dash + 1), nullptr, 16);
    for (const GuardedBufferId buffer : buffers) {
      const auto at = reinterpret_cast<std::uintptr_t>(arena.data(buffer));
      if (start < at + 2 * page && at - 2 * page < end) {
        ++count;
        break;
      }
    }
  }
  return count;
}

// One schedule's worth of buffers: allocated, written, protected, some touched after.
void use_arena_once(Simulation& simulation, int buffers) {
  GuardedArena arena(simulation);
  for (int index = 0; index < buffers; ++index) {
    const GuardedBufferId buffer = arena.allocate("b" + std::to_string(index), 1 + 700 * index);
    static_cast<unsigned char*>(arena.data(buffer))[0] = 1;
    arena.protect(buffer);
    if (index % 3 == 0) {
      static_cast<volatile unsigned char*>(arena.data(buffer))[0] = 2;  // caught, reopened
    }
  }
  EXPECT_EQ(arena.take_accesses().size(), static_cast<std::size_t>((buffers + 2) / 3));
}

TEST(GuardedArena, ArenasReusePooledMappingsWithoutNewMappings) {
  Simulation simulation(SimulationConfig{}, make_random_walk_strategy(8));
  use_arena_once(simulation, 12);  // fills the pool for these sizes
  const std::size_t pooled = guard_pool::pooled_count();
  const std::size_t mappings = mapping_count();
  for (int round = 0; round < 50; ++round) {
    use_arena_once(simulation, 12);
  }
  EXPECT_EQ(mapping_count(), mappings);
  EXPECT_EQ(guard_pool::pooled_count(), pooled);
}

TEST(GuardedArena, ProtectingNeverSplitsOrMergesMappings) {
  Simulation simulation(SimulationConfig{}, make_random_walk_strategy(11));
  GuardedArena arena(simulation);
  std::vector<GuardedBufferId> buffers;
  for (int index = 0; index < 16; ++index) {
    buffers.push_back(arena.allocate("b" + std::to_string(index), 64));
  }
  const std::size_t all_open = mapping_count_near(arena, buffers);
  EXPECT_GE(all_open, buffers.size());
  // Every other buffer closed: adjacent mappings with equal flags would have merged while all
  // were open and would split now; with the gap pages each buffer stays one mapping.
  for (std::size_t index = 0; index < buffers.size(); index += 2) {
    arena.protect(buffers[index]);
  }
  EXPECT_EQ(mapping_count_near(arena, buffers), all_open);
  for (std::size_t index = 1; index < buffers.size(); index += 2) {
    arena.protect(buffers[index]);
  }
  EXPECT_EQ(mapping_count_near(arena, buffers), all_open);
}

TEST(GuardedArena, ReusedPagesAreZeroedAndWritableEvenAfterProtection) {
  Simulation simulation(SimulationConfig{}, make_random_walk_strategy(9));
  {
    GuardedArena arena(simulation);
    const GuardedBufferId buffer = arena.allocate("dirty", 4000);
    std::memset(arena.data(buffer), 0xAB, 4000);
    arena.protect(buffer);  // returned to the pool still PROT_NONE
  }
  GuardedArena arena(simulation);
  const GuardedBufferId buffer = arena.allocate("fresh", 4000);
  auto* bytes = static_cast<volatile unsigned char*>(arena.data(buffer));
  for (std::size_t index = 0; index < 4000; index += 97) {
    EXPECT_EQ(bytes[index], 0u) << "at " << index;
  }
  bytes[3999] = 7;
  EXPECT_TRUE(arena.take_accesses().empty());
  EXPECT_FALSE(arena.is_protected(buffer));
}

TEST(GuardedArenaDeathTest, RunningPastTheBuffersPagesHitsTheGap) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Simulation simulation(SimulationConfig{}, make_random_walk_strategy(10));
        GuardedArena arena(simulation);
        const GuardedBufferId buffer = arena.allocate("short", 10);
        const auto page = static_cast<std::size_t>(getpagesize());
        static_cast<volatile unsigned char*>(arena.data(buffer))[page] = 1;
      },
      "");
}

// ---- faults that are not ours ---------------------------------------------------------------

void* foreign_page = nullptr;
volatile sig_atomic_t foreign_faults = 0;

void foreign_handler(int, siginfo_t* info, void*) {
  const auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
  const auto begin = reinterpret_cast<std::uintptr_t>(foreign_page);
  if (address >= begin && address - begin < static_cast<std::uintptr_t>(getpagesize())) {
    foreign_faults = foreign_faults + 1;
    mprotect(foreign_page, static_cast<std::size_t>(getpagesize()), PROT_READ | PROT_WRITE);
    return;
  }
  abort();
}

TEST(GuardedArena, ForeignFaultsChainToThePreviousHandler) {
  const auto page = static_cast<std::size_t>(getpagesize());
  foreign_page = mmap(nullptr, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(foreign_page, MAP_FAILED);
  struct sigaction before {};
  struct sigaction ours {};
  ours.sa_sigaction = &foreign_handler;
  ours.sa_flags = SA_SIGINFO;
  sigemptyset(&ours.sa_mask);
  ASSERT_EQ(sigaction(SIGSEGV, &ours, &before), 0);
  foreign_faults = 0;
  {
    Simulation simulation(SimulationConfig{}, make_random_walk_strategy(6));
    GuardedArena arena(simulation);
    const GuardedBufferId buffer = arena.allocate("guarded", 4);
    arena.protect(buffer);
    static_cast<volatile unsigned char*>(foreign_page)[10] = 1;
    EXPECT_EQ(foreign_faults, 1);
    EXPECT_TRUE(arena.take_accesses().empty());
  }
  sigaction(SIGSEGV, &before, nullptr);
  munmap(foreign_page, page);
}

TEST(GuardedArenaDeathTest, ForeignFaultStillCrashes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Simulation simulation(SimulationConfig{}, make_random_walk_strategy(7));
        GuardedArena arena(simulation);
        void* page = mmap(nullptr, static_cast<std::size_t>(getpagesize()), PROT_NONE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        static_cast<volatile unsigned char*>(page)[0] = 1;
      },
      "");
}

}  // namespace
}  // namespace lockstep::harness
