// AddressSanitizer annotations for fiber switches.
//
// ASan tracks one stack per thread; when we jump between fiber stacks it must be told, or an
// exception thrown on a fiber (and its unwinding) leaves stale redzones and later reports false
// stack-buffer-overflows. Every jump is bracketed: start before leaving (naming the stack we go
// to), finish after arriving (learning the stack we came from). Without ASan these are no-ops.
#pragma once

#include <cstddef>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LOCKSTEP_ASAN_FIBERS 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define LOCKSTEP_ASAN_FIBERS 1
#endif

#if defined(LOCKSTEP_ASAN_FIBERS)
#include <sanitizer/common_interface_defs.h>
#endif

namespace lockstep {

/// `fake_stack_save` is null when the stack being left will never be resumed.
inline void sanitizer_start_switch(void** fake_stack_save, const void* to_bottom,
                                   std::size_t to_bytes) {
#if defined(LOCKSTEP_ASAN_FIBERS)
  __sanitizer_start_switch_fiber(fake_stack_save, to_bottom, to_bytes);
#else
  (void)fake_stack_save;
  (void)to_bottom;
  (void)to_bytes;
#endif
}

inline void sanitizer_finish_switch(void* fake_stack_save, const void** from_bottom,
                                    std::size_t* from_bytes) {
#if defined(LOCKSTEP_ASAN_FIBERS)
  __sanitizer_finish_switch_fiber(fake_stack_save, from_bottom, from_bytes);
#else
  (void)fake_stack_save;
  (void)from_bottom;
  (void)from_bytes;
#endif
}

}  // namespace lockstep
