// mmap-backed guarded stacks, reused through a free list.
#include "scheduler/stack_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

#include "scheduler/sanitizer_fiber_switch.h"

#if defined(LOCKSTEP_ASAN_FIBERS)
#include <sanitizer/asan_interface.h>
#endif

namespace lockstep {

namespace {

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
  for (const FiberStack& stack : free_) {
    munmap(stack.mapping, stack.mapping_bytes);
  }
}

FiberStack StackPool::acquire() {
  if (!free_.empty()) {
    FiberStack stack = free_.back();
    free_.pop_back();
    forget_old_frames(stack);
    return stack;
  }
  FiberStack stack;
  stack.mapping_bytes = usable_bytes_ + page_bytes_;
  stack.mapping = mmap(nullptr, stack.mapping_bytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (stack.mapping == MAP_FAILED) {
    throw std::bad_alloc();
  }
  if (mprotect(stack.mapping, page_bytes_, PROT_NONE) != 0) {
    munmap(stack.mapping, stack.mapping_bytes);
    throw std::bad_alloc();
  }
  stack.bottom = static_cast<char*>(stack.mapping) + page_bytes_;
  stack.usable_bytes = usable_bytes_;
  forget_old_frames(stack);
  return stack;
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
