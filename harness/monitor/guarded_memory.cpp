// GuardedArena: caller buffers on pages of their own, protected when ownership returns.
//
// Invariants: buffer ids are 1-based indexes into `buffers`; every buffer owns whole pages
// starting at its data pointer and one region slot of the signal table for as long as the
// arena lives. `protected_by_owner` says the caller took ownership back; whether the pages are
// still PROT_NONE is the signal table's `armed` (the first caught access unprotects them).
#include "harness/monitor/guarded_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "harness/monitor/guard_signal_table.h"

namespace lockstep::harness {

namespace {

std::size_t page_bytes() {
  static const std::size_t bytes = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return bytes;
}

}  // namespace

struct GuardedArena::Buffer {
  std::string name;
  void* data = nullptr;
  std::size_t bytes = 0;
  std::size_t mapped_bytes = 0;
  guard_signal::RegionSlot slot = 0;
  bool protected_by_owner = false;
};

GuardedArena::GuardedArena(Simulation& simulation) : simulation_(simulation) {
  guard_signal::acquire_handler();
}

GuardedArena::~GuardedArena() {
  for (Buffer& buffer : buffers_) {
    guard_signal::unregister_region(buffer.slot);
    munmap(buffer.data, buffer.mapped_bytes);
  }
  guard_signal::release_handler();
}

GuardedBufferId GuardedArena::allocate(std::string name, std::size_t bytes) {
  const std::size_t page = page_bytes();
  const std::size_t mapped_bytes = (std::max<std::size_t>(bytes, 1) + page - 1) / page * page;
  void* data = mmap(nullptr, mapped_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                    -1, 0);
  if (data == MAP_FAILED) {
    throw std::runtime_error("guarded memory: mmap of " + std::to_string(mapped_bytes) +
                             " bytes failed for buffer '" + name + "'");
  }
  Buffer buffer;
  buffer.name = std::move(name);
  buffer.data = data;
  buffer.bytes = std::max<std::size_t>(bytes, 1);
  buffer.mapped_bytes = mapped_bytes;
  try {
    buffer.slot = guard_signal::register_region(data, mapped_bytes, simulation_);
  } catch (...) {
    munmap(data, mapped_bytes);
    throw;
  }
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

void* GuardedArena::data(GuardedBufferId buffer) const { return buffer_ref(buffer).data; }

std::size_t GuardedArena::size(GuardedBufferId buffer) const { return buffer_ref(buffer).bytes; }

const std::string& GuardedArena::name(GuardedBufferId buffer) const {
  return buffer_ref(buffer).name;
}

void GuardedArena::protect(GuardedBufferId buffer) {
  Buffer& record = buffer_ref(buffer);
  if (record.protected_by_owner) {
    return;
  }
  if (mprotect(record.data, record.mapped_bytes, PROT_NONE) != 0) {
    throw std::runtime_error("guarded memory: mprotect failed for buffer '" + record.name + "'");
  }
  guard_signal::arm(record.slot);
  record.protected_by_owner = true;
}

bool GuardedArena::is_protected(GuardedBufferId buffer) const {
  return buffer_ref(buffer).protected_by_owner;
}

std::string GuardedArena::snapshot(GuardedBufferId buffer) const {
  const Buffer& record = buffer_ref(buffer);
  const bool pages_closed = guard_signal::armed(record.slot);
  // Opening the pages for the copy keeps the harness's own read out of the access record.
  if (pages_closed) {
    mprotect(record.data, record.mapped_bytes, PROT_READ);
  }
  std::string contents(record.bytes, '\0');
  std::memcpy(contents.data(), record.data, record.bytes);
  if (pages_closed) {
    mprotect(record.data, record.mapped_bytes, PROT_NONE);
  }
  return contents;
}

std::vector<GuardedAccess> GuardedArena::take_accesses() {
  std::vector<std::pair<std::uint64_t, GuardedAccess>> caught;
  for (std::size_t index = 0; index < buffers_.size(); ++index) {
    guard_signal::CaughtAccess access;
    if (!guard_signal::take_caught_access(buffers_[index].slot, access)) {
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
