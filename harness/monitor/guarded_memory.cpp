// GuardedArena: caller buffers on pooled pages of their own, protected when ownership returns.
//
// Invariants: buffer ids are 1-based indexes into `buffers`; every buffer owns one pooled
// mapping (whole pages starting at its data pointer, and that mapping's region slot of the
// signal table) for as long as the arena lives. `protected_by_owner` says the caller took
// ownership back; whether the pages are still PROT_NONE is the signal table's `armed` (the
// first caught access unprotects them).
#include "harness/monitor/guarded_memory.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "harness/monitor/guard_page_pool.h"
#include "harness/monitor/guard_signal_table.h"

namespace lockstep::harness {

struct GuardedArena::Buffer {
  std::string name;
  guard_pool::PooledPages pages;
  std::size_t bytes = 0;
  bool protected_by_owner = false;
};

GuardedArena::GuardedArena(Simulation& simulation) : simulation_(simulation) {
  guard_signal::acquire_handler();
}

GuardedArena::~GuardedArena() {
  for (Buffer& buffer : buffers_) {
    guard_pool::give_back(buffer.pages, guard_signal::armed(buffer.pages.slot));
  }
  guard_signal::release_handler();
}

GuardedBufferId GuardedArena::allocate(std::string name, std::size_t bytes) {
  Buffer buffer;
  try {
    buffer.pages = guard_pool::take(bytes, simulation_);
  } catch (const std::runtime_error& error) {
    throw std::runtime_error(std::string(error.what()) + " for buffer '" + name + "'");
  }
  buffer.name = std::move(name);
  buffer.bytes = std::max<std::size_t>(bytes, 1);
  buffers_.push_back(std::move(buffer));
  return static_cast<GuardedBufferId>(buffers_.size());
}

GuardedArena::Buffer& GuardedArena::buffer_ref(GuardedBufferId buffer) {
  if (buffer == 0 || buffer > buffers_.size()) {
    throw std::out_of_range("guarded memory: no buffer #" + std::to_string(buffer));
  }
  return buffers_[buffer - 1];
}

const GuardedArena::Buffer& GuardedArena::buffer_ref(GuardedBufferId buffer) const {
  return const_cast<GuardedArena*>(this)->buffer_ref(buffer);
}

void* GuardedArena::data(GuardedBufferId buffer) const {
  return buffer_ref(buffer).pages.data;
}

std::size_t GuardedArena::size(GuardedBufferId buffer) const {
  return buffer_ref(buffer).bytes;
}

const std::string& GuardedArena::name(GuardedBufferId buffer) const {
  return buffer_ref(buffer).name;
}

void GuardedArena::protect(GuardedBufferId buffer) {
  Buffer& record = buffer_ref(buffer);
  if (record.protected_by_owner) {
    return;
  }
  if (mprotect(record.pages.data, record.pages.mapped_bytes, PROT_NONE) != 0) {
    throw std::runtime_error("guarded memory: mprotect failed for buffer '" + record.name + "'");
  }
  guard_signal::arm(record.pages.slot);
  record.protected_by_owner = true;
}

bool GuardedArena::is_protected(GuardedBufferId buffer) const {
  return buffer_ref(buffer).protected_by_owner;
}

std::string GuardedArena::snapshot(GuardedBufferId buffer) const {
  const Buffer& record = buffer_ref(buffer);
  const bool pages_closed = guard_signal::armed(record.pages.slot);
  // Opening the pages for the copy keeps the harness's own read out of the access record.
  if (pages_closed) {
    mprotect(record.pages.data, record.pages.mapped_bytes, PROT_READ);
  }
  std::string contents(record.bytes, '\0');
  std::memcpy(contents.data(), record.pages.data, record.bytes);
  if (pages_closed) {
    mprotect(record.pages.data, record.pages.mapped_bytes, PROT_NONE);
  }
  return contents;
}

std::vector<GuardedAccess> GuardedArena::take_accesses() {
  // Called around every call and callback: scan the buffers only when something was caught.
  const std::uint64_t catches = guard_signal::catches_so_far();
  if (catches == catches_seen_) {
    return {};
  }
  catches_seen_ = catches;
  std::vector<std::pair<std::uint64_t, GuardedAccess>> caught;
  for (std::size_t index = 0; index < buffers_.size(); ++index) {
    guard_signal::CaughtAccess access;
    if (!guard_signal::take_caught_access(buffers_[index].pages.slot, access)) {
      continue;
    }
    GuardedAccess result;
    result.buffer = static_cast<GuardedBufferId>(index + 1);
    result.buffer_name = buffers_[index].name;
    result.offset = access.offset;
    result.write = access.write;
    result.step = access.step;
    result.time_ns = access.time_ns;
    result.thread = access.thread;
    caught.emplace_back(access.sequence, std::move(result));
  }
  std::sort(caught.begin(), caught.end(),
            [](const auto& left, const auto& right) { return left.first < right.first; });
  std::vector<GuardedAccess> accesses;
  accesses.reserve(caught.size());
  for (auto& entry : caught) {
    accesses.push_back(std::move(entry.second));
  }
  return accesses;
}

}  // namespace lockstep::harness
