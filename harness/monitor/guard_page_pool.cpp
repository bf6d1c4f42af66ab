// The pool of guard_page_pool.h: free lists by page count.
#include "harness/monitor/guard_page_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace lockstep::harness::guard_pool {
namespace {

// Free mappings kept per size; beyond this a returned mapping is unmapped. Each costs two of
// the process's mappings and its pages' resident memory.
constexpr std::size_t kKeptPerSize = 2048;
// Buffers larger than this many pages are mapped and unmapped each time (rare).
constexpr std::size_t kLargestPooledPages = 256;

std::size_t page_bytes() {
  static const std::size_t bytes = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return bytes;
}

struct Pool {
  std::vector<std::vector<PooledPages>> free_by_pages;  // index = page count
  std::size_t pooled = 0;
};

// Never destroyed: mappings outlive every arena and the process's exit-time destructors.
Pool& pool() {
  static auto* instance = new Pool();
  return *instance;
}

PooledPages map_new(std::size_t mapped_bytes) {
  const std::size_t page = page_bytes();
  void* base = mmap(nullptr, mapped_bytes + page, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) {
    throw std::runtime_error("guarded memory: mmap of " + std::to_string(mapped_bytes + page) +
                             " bytes failed");
  }
  char* gap = static_cast<char*>(base) + mapped_bytes;
  if (mprotect(gap, page, PROT_NONE) != 0 || madvise(base, mapped_bytes, MADV_DONTDUMP) != 0) {
    munmap(base, mapped_bytes + page);
    throw std::runtime_error("guarded memory: cannot set up the gap page of a buffer mapping");
  }
  PooledPages pages;
  pages.data = base;
  pages.mapped_bytes = mapped_bytes;
  try {
    pages.slot = guard_signal::register_region(base, mapped_bytes);
  } catch (...) {
    munmap(base, mapped_bytes + page);
    throw;
  }
  return pages;
}

void unmap(const PooledPages& pages) {
  guard_signal::unregister_region(pages.slot);
  munmap(pages.data, pages.mapped_bytes + page_bytes());
}

}  // namespace

PooledPages take(std::size_t bytes, const Simulation& simulation) {
  const std::size_t page = page_bytes();
  const std::size_t page_count = (std::max<std::size_t>(bytes, 1) + page - 1) / page;
  Pool& state = pool();
  PooledPages pages;
  if (page_count < state.free_by_pages.size() && !state.free_by_pages[page_count].empty()) {
    pages = state.free_by_pages[page_count].back();
    state.free_by_pages[page_count].pop_back();
    --state.pooled;
    if (pages.closed) {
      if (mprotect(pages.data, pages.mapped_bytes, PROT_READ | PROT_WRITE) != 0) {
        unmap(pages);
        throw std::runtime_error("guarded memory: mprotect failed on a pooled buffer");
      }
      pages.closed = false;
    }
    std::memset(pages.data, 0, pages.mapped_bytes);
  } else {
    pages = map_new(page_count * page);
  }
  guard_signal::assign(pages.slot, &simulation);
  return pages;
}

void give_back(PooledPages pages, bool closed) {
  guard_signal::assign(pages.slot, nullptr);
  pages.closed = closed;
  const std::size_t page_count = pages.mapped_bytes / page_bytes();
  Pool& state = pool();
  if (page_count > kLargestPooledPages) {
    unmap(pages);
    return;
  }
  if (state.free_by_pages.size() <= page_count) {
    state.free_by_pages.resize(page_count + 1);
  }
  std::vector<PooledPages>& free = state.free_by_pages[page_count];
  if (free.size() >= kKeptPerSize) {
    unmap(pages);
    return;
  }
  free.push_back(pages);
  ++state.pooled;
}

std::size_t pooled_count() {
  return pool().pooled;
}

}  // namespace lockstep::harness::guard_pool
