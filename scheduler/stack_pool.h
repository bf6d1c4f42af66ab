// Pooled fiber stacks with a guard page, carved from large slabs.
//
// Creating a stack costs system calls, and a schedule creates and ends fibers constantly, so
// stacks are kept and reused. The guard page below each stack turns a stack overflow into a
// SIGSEGV at a known place instead of silent corruption of a neighbour.
//
// Why slabs: a stack of its own mapping with an mprotect'ed guard costs two of the process's
// memory mappings (vm.max_map_count, usually 65530), which capped a process at about 32,700
// fibers. Stacks are carved from slabs of kStacksPerSlab; their guard pages are installed with
// MADV_GUARD_INSTALL (Linux 6.13 and later), which marks pages without splitting the slab's
// mapping, so 100,000 stacks cost about 1,600 mappings. On an older kernel the guard falls
// back to mprotect (one split per stack, the old limit). Slabs are reserved MAP_NORESERVE: a
// stack costs resident memory only for the pages its fiber touched.
//
// A pool may be shared by many simulations in turn (it must outlive them); it is not
// thread-safe, like everything in the simulator.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace lockstep {

struct FiberStack {
  void* mapping = nullptr;        ///< the guard page below the stack
  std::size_t mapping_bytes = 0;  ///< guard page and usable bytes
  void* bottom = nullptr;         ///< lowest usable address
  std::size_t usable_bytes = 0;

  void* top() const { return static_cast<char*>(bottom) + usable_bytes; }
};

class StackPool {
 public:
  static constexpr std::size_t kStacksPerSlab = 64;

  /// `usable_bytes` is rounded up to whole pages.
  explicit StackPool(std::size_t usable_bytes);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  /// A stack, or nullopt with a one-line `error` when the system refuses a new slab.
  std::optional<FiberStack> try_acquire(std::string& error);
  /// Throws std::bad_alloc when the system refuses the mapping.
  FiberStack acquire();
  void release(FiberStack stack);

  std::size_t usable_bytes() const { return usable_bytes_; }
  std::size_t pooled() const { return free_.size(); }
  /// Slabs mapped so far (each one memory mapping when guard pages need no split).
  std::size_t slabs() const { return slabs_.size(); }
  /// True when guard pages are installed without splitting mappings (MADV_GUARD_INSTALL).
  static bool lightweight_guards();

  /// The default per build: sanitizers need deeper stacks.
  static std::size_t default_usable_bytes();

 private:
  struct Slab {
    void* base = nullptr;
    std::size_t bytes = 0;
  };
  bool add_slab(std::string& error);

  std::size_t page_bytes_;
  std::size_t usable_bytes_;
  std::vector<Slab> slabs_;
  std::vector<FiberStack> free_;
};

}  // namespace lockstep
