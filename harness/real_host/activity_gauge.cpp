// The process-wide gauge of foreign threads running inside an implementation.
#include "harness/real_host/activity_gauge.h"

#include <atomic>

namespace lockstep::real_host {

namespace {
std::atomic<std::uint64_t> running{0};
thread_local std::uint32_t scope_depth = 0;
}  // namespace

ForeignCallScope::ForeignCallScope() {
  if (scope_depth++ == 0) {
    running.fetch_add(1);
  }
}

ForeignCallScope::~ForeignCallScope() {
  if (--scope_depth == 0) {
    running.fetch_sub(1);
  }
}

std::uint64_t foreign_threads_running() {
  return running.load();
}

BlockedInHostScope::BlockedInHostScope() : counted_(scope_depth > 0) {
  if (counted_) {
    running.fetch_sub(1);
  }
}

BlockedInHostScope::~BlockedInHostScope() {
  if (counted_) {
    running.fetch_add(1);
  }
}

}  // namespace lockstep::real_host
