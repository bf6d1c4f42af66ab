// Slab-backed guarded stacks, reused through a free list.
#include "scheduler/stack_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

#include "scheduler/sanitizer_fiber_switch.h"

#if defined(LOCKSTEP_ASAN_FIBERS)
#include <sanitizer/asan_interface.h>
#endif

// Debian 12's headers predate the flag (Linux 6.13); the value is the kernel's ABI.
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

namespace lockstep {

namespace {

// Whether this kernel takes MADV_GUARD_INSTALL; learnt from the first guard installed.
enum class GuardSupport { unknown, lightweight, mprotect_only };
GuardSupport guard_support = GuardSupport::unknown;

bool install_guard(void* page, std::size_t page_bytes) {
  if (guard_support != GuardSupport::mprotect_only) {
    if (madvise(page, page_bytes, MADV_GUARD_INSTALL) == 0) {
      guard_support = GuardSupport::lightweight;
      return true;
    }
    if (guard_support == GuardSupport::unknown && errno == EINVAL) {
      guard_support = GuardSupport::mprotect_only;
    } else if (guard_support == GuardSupport::lightweight) {
      return false;
    }
  }
  return mprotect(page, page_bytes, PROT_NONE) == 0;
}

// A stack handed to a new fiber holds no live frame, but AddressSanitizer's shadow may still
// mark redzones of frames a fiber never returned from (its entry frame, frames abandoned at
// shutdown), here or at an earlier mapping of the same addresses. Left alone, that stale
// poison is reported, now and then, as a bogus stack error inside a correct fiber.
void forget_old_frames(const FiberStack& stack) {
#if defined(LOCKSTEP_ASAN_FIBERS)
  __asan_unpoison_memory_region(stack.bottom, stack.usable_bytes);
#else
  (void)stack;
#endif
}

}  // namespace

StackPool::StackPool(std::size_t usable_bytes)
    : page_bytes_(static_cast<std::size_t>(sysconf(_SC_PAGESIZE))) {
  usable_bytes_ = (usable_bytes + page_bytes_ - 1) / page_bytes_ * page_bytes_;
  if (usable_bytes_ == 0) {
    usable_bytes_ = page_bytes_;
  }
}

StackPool::~StackPool() {
  for (const Slab& slab : slabs_) {
    munmap(slab.base, slab.bytes);
  }
}

bool StackPool::lightweight_guards() {
  return guard_support == GuardSupport::lightweight;
}

bool StackPool::add_slab(std::string& error) {
  const std::size_t stride = usable_bytes_ + page_bytes_;
  const std::size_t bytes = stride * kStacksPerSlab;
  void* base = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) {
    error = "the system refused " + std::to_string(bytes >> 20) + " MiB for " +
            std::to_string(kStacksPerSlab) + " more fiber stacks (" + std::strerror(errno) +
            ") with " + std::to_string(slabs_.size() * kStacksPerSlab) + " stacks mapped";
    return false;
  }
  for (std::size_t index = 0; index < kStacksPerSlab; ++index) {
    if (!install_guard(static_cast<char*>(base) + index * stride, page_bytes_)) {
      error = "the system refused a fiber stack's guard page (" +
              std::string(std::strerror(errno)) + ", vm.max_map_count?) with " +
              std::to_string(slabs_.size() * kStacksPerSlab + index) + " stacks mapped";
      munmap(base, bytes);
      return false;
    }
  }
  slabs_.push_back(Slab{base, bytes});
  // Handed out from the slab's top down, the order the stacks were carved in.
  for (std::size_t index = kStacksPerSlab; index-- > 0;) {
    FiberStack stack;
    stack.mapping = static_cast<char*>(base) + index * stride;
    stack.mapping_bytes = stride;
    stack.bottom = static_cast<char*>(stack.mapping) + page_bytes_;
    stack.usable_bytes = usable_bytes_;
    free_.push_back(stack);
  }
  return true;
}

std::optional<FiberStack> StackPool::try_acquire(std::string& error) {
  if (free_.empty() && !add_slab(error)) {
    return std::nullopt;
  }
  FiberStack stack = free_.back();
  free_.pop_back();
  forget_old_frames(stack);
  return stack;
}

FiberStack StackPool::acquire() {
  std::string error;
  std::optional<FiberStack> stack = try_acquire(error);
  if (!stack) {
    throw std::bad_alloc();
  }
  return *stack;
}

void StackPool::release(FiberStack stack) {
  free_.push_back(stack);
}

std::size_t StackPool::default_usable_bytes() {
#if defined(LOCKSTEP_SANITIZED_BUILD)
  return std::size_t{1} << 20;
#else
  return std::size_t{256} << 10;
#endif
}

}  // namespace lockstep
