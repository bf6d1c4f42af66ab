// The SIGSEGV handler for guarded memory and its fixed-size region table.
//
// Invariants: a slot is free when `begin` is 0; `armed` is true exactly while the slot's pages
// are PROT_NONE because of protect(); `caught` is set by the handler only, at most once per
// arming, and cleared when the access is taken. The handler never allocates, locks or throws.
#include "harness/monitor/guard_signal_table.h"

#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <atomic>
#include <stdexcept>
#include <string>

namespace lockstep::harness::guard_signal {
namespace {

// Enough for every buffer of many concurrent calls; each slot costs under a hundred bytes and
// a scan of all of them in the handler is still far cheaper than the fault itself.
constexpr std::size_t kRegionCapacity = 8192;

struct Region {
  std::atomic<std::uintptr_t> begin{0};
  std::size_t length = 0;
  const Simulation* simulation = nullptr;
  std::atomic<bool> armed{false};
  std::atomic<bool> caught{false};
  CaughtAccess access;
};

Region regions[kRegionCapacity];
std::atomic<std::uint64_t> next_sequence{1};
std::size_t handler_users = 0;
struct sigaction previous_action;

// x86-64 page faults report bit 1 of the error code set for writes. Elsewhere the harness
// cannot tell and reports a read.
bool fault_was_write(void* context) {
#if defined(__x86_64__)
  const auto* user_context = static_cast<const ucontext_t*>(context);
  return (user_context->uc_mcontext.gregs[REG_ERR] & 2) != 0;
#else
  (void)context;
  return false;
#endif
}

void pass_to_previous_handler(int signal_number, siginfo_t* info, void* context) {
  if ((previous_action.sa_flags & SA_SIGINFO) != 0) {
    if (previous_action.sa_sigaction != nullptr) {
      previous_action.sa_sigaction(signal_number, info, context);
    }
    return;
  }
  if (previous_action.sa_handler == SIG_DFL || previous_action.sa_handler == SIG_IGN) {
    // Returning re-executes the faulting instruction, which now meets the default action and
    // ends the process the way it would have without the harness.
    sigaction(SIGSEGV, &previous_action, nullptr);
    return;
  }
  previous_action.sa_handler(signal_number);
}

void handle_segmentation_fault(int signal_number, siginfo_t* info, void* context) {
  const auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
  for (Region& region : regions) {
    const std::uintptr_t begin = region.begin.load(std::memory_order_relaxed);
    if (begin == 0 || address < begin || address - begin >= region.length ||
        !region.armed.load(std::memory_order_relaxed)) {
      continue;
    }
    region.access.sequence = next_sequence.fetch_add(1, std::memory_order_relaxed);
    region.access.offset = address - begin;
    region.access.write = fault_was_write(context);
    region.access.step = region.simulation->steps();
    region.access.time_ns = region.simulation->now_ns();
    region.access.thread = region.simulation->current_fiber();
    region.armed.store(false, std::memory_order_relaxed);
    region.caught.store(true, std::memory_order_relaxed);
    // The whole buffer, not only the page: an access is recorded once per buffer.
    mprotect(reinterpret_cast<void*>(begin), region.length, PROT_READ | PROT_WRITE);
    return;
  }
  pass_to_previous_handler(signal_number, info, context);
}

Region& region_at(RegionSlot slot) {
  if (slot >= kRegionCapacity || regions[slot].begin.load(std::memory_order_relaxed) == 0) {
    throw std::logic_error("guarded memory: no region in slot " + std::to_string(slot));
  }
  return regions[slot];
}

}  // namespace

void acquire_handler() {
  if (handler_users++ > 0) {
    return;
  }
  struct sigaction action {};
  action.sa_sigaction = &handle_segmentation_fault;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  if (sigaction(SIGSEGV, &action, &previous_action) != 0) {
    --handler_users;
    throw std::runtime_error("guarded memory: cannot install the SIGSEGV handler");
  }
}

void release_handler() {
  if (handler_users == 0 || --handler_users > 0) {
    return;
  }
  struct sigaction current {};
  if (sigaction(SIGSEGV, nullptr, &current) == 0 && (current.sa_flags & SA_SIGINFO) != 0 &&
      current.sa_sigaction == &handle_segmentation_fault) {
    sigaction(SIGSEGV, &previous_action, nullptr);
  }
}

RegionSlot register_region(void* begin, std::size_t length, const Simulation& simulation) {
  for (RegionSlot slot = 0; slot < kRegionCapacity; ++slot) {
    Region& region = regions[slot];
    if (region.begin.load(std::memory_order_relaxed) != 0) {
      continue;
    }
    region.length = length;
    region.simulation = &simulation;
    region.armed.store(false, std::memory_order_relaxed);
    region.caught.store(false, std::memory_order_relaxed);
    region.access = CaughtAccess{};
    std::atomic_signal_fence(std::memory_order_seq_cst);
    region.begin.store(reinterpret_cast<std::uintptr_t>(begin), std::memory_order_relaxed);
    return slot;
  }
  throw std::runtime_error("guarded memory: more than " + std::to_string(kRegionCapacity) +
                           " guarded buffers alive at once");
}

void unregister_region(RegionSlot slot) {
  Region& region = region_at(slot);
  region.armed.store(false, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  region.begin.store(0, std::memory_order_relaxed);
}

void arm(RegionSlot slot) {
  region_at(slot).armed.store(true, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

bool armed(RegionSlot slot) { return region_at(slot).armed.load(std::memory_order_relaxed); }

bool take_caught_access(RegionSlot slot, CaughtAccess& access) {
  Region& region = region_at(slot);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  if (!region.caught.load(std::memory_order_relaxed)) {
    return false;
  }
  access = region.access;
  region.caught.store(false, std::memory_order_relaxed);
  return true;
}

}  // namespace lockstep::harness::guard_signal
