// The SIGSEGV handler for guarded memory and its fixed-size region table.
//
// Invariants: a slot is free when `begin` is 0; slots below `slots_in_use_high_water` are the
// only ones ever used (the handler scans no further); `armed` is true exactly while the
// slot's pages are PROT_NONE because of protect(); `caught` is set by the handler only, at
// most once per arming, and cleared when the access is taken or the slot is reassigned. The
// handler never allocates, locks or throws.
#include "harness/monitor/guard_signal_table.h"

#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

namespace lockstep::harness::guard_signal {
namespace {

// Every pooled mapping holds a slot for as long as it exists, in use or free: enough for
// tens of thousands of buffers alive at once (each mapping costs two of the process's
// vm.max_map_count mappings, usually 65530, so the table is not the first limit). Untouched
// slots cost no resident memory.
constexpr std::size_t kRegionCapacity = 65536;

struct Region {
  std::atomic<std::uintptr_t> begin{0};
  std::size_t length = 0;
  const Simulation* simulation = nullptr;
  std::atomic<bool> armed{false};
  std::atomic<bool> caught{false};
  CaughtAccess access;
};

Region regions[kRegionCapacity];
std::atomic<std::size_t> slots_in_use_high_water{0};
// Slots below the high-water mark that are free again; edited outside the handler only. Never
// destroyed, so that no exit-time destructor order matters.
std::vector<RegionSlot>& free_slots() {
  static auto* slots = new std::vector<RegionSlot>();
  return *slots;
}
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
  const std::size_t used = slots_in_use_high_water.load(std::memory_order_relaxed);
  for (std::size_t slot = 0; slot < used; ++slot) {
    Region& region = regions[slot];
    const std::uintptr_t begin = region.begin.load(std::memory_order_relaxed);
    if (begin == 0 || address < begin || address - begin >= region.length ||
        !region.armed.load(std::memory_order_relaxed) || region.simulation == nullptr) {
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

bool handler_installed() {
  struct sigaction current {};
  return sigaction(SIGSEGV, nullptr, &current) == 0 && (current.sa_flags & SA_SIGINFO) != 0 &&
         current.sa_sigaction == &handle_segmentation_fault;
}

Region& region_at(RegionSlot slot) {
  if (slot >= kRegionCapacity || regions[slot].begin.load(std::memory_order_relaxed) == 0) {
    throw std::logic_error("guarded memory: no region in slot " + std::to_string(slot));
  }
  return regions[slot];
}

}  // namespace

void acquire_handler() {
  ++handler_users;
  if (handler_installed()) {
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
  if (handler_users > 0) {
    --handler_users;
  }
}

RegionSlot register_region(void* begin, std::size_t length) {
  RegionSlot slot = 0;
  if (!free_slots().empty()) {
    slot = free_slots().back();
    free_slots().pop_back();
  } else {
    slot = slots_in_use_high_water.load(std::memory_order_relaxed);
    if (slot >= kRegionCapacity) {
      throw std::runtime_error("guarded memory: more than " + std::to_string(kRegionCapacity) +
                               " guarded buffers alive at once");
    }
  }
  Region& region = regions[slot];
  region.length = length;
  region.simulation = nullptr;
  region.armed.store(false, std::memory_order_relaxed);
  region.caught.store(false, std::memory_order_relaxed);
  region.access = CaughtAccess{};
  std::atomic_signal_fence(std::memory_order_seq_cst);
  region.begin.store(reinterpret_cast<std::uintptr_t>(begin), std::memory_order_relaxed);
  if (slot == slots_in_use_high_water.load(std::memory_order_relaxed)) {
    slots_in_use_high_water.store(slot + 1, std::memory_order_relaxed);
  }
  return slot;
}

void unregister_region(RegionSlot slot) {
  Region& region = region_at(slot);
  region.armed.store(false, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  region.begin.store(0, std::memory_order_relaxed);
  free_slots().push_back(slot);
}

void assign(RegionSlot slot, const Simulation* simulation) {
  Region& region = region_at(slot);
  region.armed.store(false, std::memory_order_relaxed);
  region.caught.store(false, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  region.simulation = simulation;
}

void arm(RegionSlot slot) {
  region_at(slot).armed.store(true, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

bool armed(RegionSlot slot) {
  return region_at(slot).armed.load(std::memory_order_relaxed);
}

std::uint64_t catches_so_far() {
  std::atomic_signal_fence(std::memory_order_seq_cst);
  return next_sequence.load(std::memory_order_relaxed) - 1;
}

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
