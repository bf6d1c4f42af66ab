// Caller-owned buffers that report any access after ownership has returned to the caller.
//
// Rule AM6: once a call completes (or, for buffers like WsOpenChannel's endpoint address, once
// it returns) the implementation must neither read nor write the caller's memory. Each guarded
// buffer lives on pages of its own (pooled mappings, guard_page_pool.h, reused across arenas);
// when ownership returns they are protected (PROT_NONE). A
// process-wide SIGSEGV handler (signals are process-wide, so this is the one global of the
// harness) recognises faults inside guarded pages, records them in a fixed-size table without
// allocating, unprotects the page so the access completes, and returns: the implementation
// continues, the harness reports. Faults elsewhere are passed to the previous handler.
// Works in normal builds, not only under AddressSanitizer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "scheduler/simulation.h"

namespace lockstep::harness {

using GuardedBufferId = std::uint32_t;

struct GuardedAccess {
  GuardedBufferId buffer = 0;
  std::string buffer_name;
  std::size_t offset = 0;  ///< byte offset of the faulting address in the buffer
  bool write = false;      ///< true for a write (x86-64 page-fault error code), else read
  std::uint64_t step = 0;  ///< the simulation's step when it happened
  std::uint64_t time_ns = 0;
  std::uint64_t thread = 0;  ///< simulated thread (fiber id)
};

class GuardedArena {
 public:
  /// Makes sure the SIGSEGV handler is installed (it stays installed afterwards).
  explicit GuardedArena(Simulation& simulation);
  /// Returns every buffer's pages to the pool (they may stay PROT_NONE there).
  ~GuardedArena();
  GuardedArena(const GuardedArena&) = delete;
  GuardedArena& operator=(const GuardedArena&) = delete;

  /// A zero-filled buffer of `bytes` (at least 1) on pages of its own.
  GuardedBufferId allocate(std::string name, std::size_t bytes);
  void* data(GuardedBufferId buffer) const;
  std::size_t size(GuardedBufferId buffer) const;
  const std::string& name(GuardedBufferId buffer) const;
  /// From now on any access is recorded (once per buffer) and then allowed.
  void protect(GuardedBufferId buffer);
  bool is_protected(GuardedBufferId buffer) const;
  /// Copies the contents out for the harness itself (works whether protected or not, and
  /// is not recorded as an access).
  std::string snapshot(GuardedBufferId buffer) const;
  /// Accesses recorded since the last call, in the order they happened.
  std::vector<GuardedAccess> take_accesses();

 private:
  struct Buffer;
  Buffer& buffer_ref(GuardedBufferId buffer);
  const Buffer& buffer_ref(GuardedBufferId buffer) const;

  Simulation& simulation_;
  std::vector<Buffer> buffers_;     // index = id - 1
  std::uint64_t catches_seen_ = 0;  // guard_signal::catches_so_far() at the last full scan
};

}  // namespace lockstep::harness
