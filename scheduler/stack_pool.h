// Pooled fiber stacks with a guard page.
//
// Creating a guarded stack costs an mmap and an mprotect (tens of microseconds); a schedule
// creates and ends fibers constantly, so stacks are kept and reused. The guard page below each
// stack turns a stack overflow into a SIGSEGV at a known place instead of silent corruption.
// A pool may be shared by many simulations in turn (it must outlive them); it is not
// thread-safe, like everything in the simulator.
#pragma once

#include <cstddef>
#include <vector>

namespace lockstep {

struct FiberStack {
  void* mapping = nullptr;          ///< start of the mapping (the guard page)
  std::size_t mapping_bytes = 0;
  void* bottom = nullptr;           ///< lowest usable address
  std::size_t usable_bytes = 0;

  void* top() const { return static_cast<char*>(bottom) + usable_bytes; }
};

class StackPool {
 public:
  /// `usable_bytes` is rounded up to whole pages.
  explicit StackPool(std::size_t usable_bytes);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  /// Throws std::bad_alloc when the system refuses the mapping.
  FiberStack acquire();
  void release(FiberStack stack);

  std::size_t usable_bytes() const { return usable_bytes_; }
  std::size_t pooled() const { return free_.size(); }

  /// The default per build: sanitizers need deeper stacks.
  static std::size_t default_usable_bytes();

 private:
  std::size_t page_bytes_;
  std::size_t usable_bytes_;
  std::vector<FiberStack> free_;
};

}  // namespace lockstep
