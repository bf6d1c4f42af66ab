// Whether this is an AddressSanitizer build, asked in one place (internal to
// harness/isolation). GCC defines __SANITIZE_ADDRESS__; clang only answers __has_feature.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define LOCKSTEP_ISOLATION_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LOCKSTEP_ISOLATION_ADDRESS_SANITIZER 1
#endif
#endif
#ifndef LOCKSTEP_ISOLATION_ADDRESS_SANITIZER
#define LOCKSTEP_ISOLATION_ADDRESS_SANITIZER 0
#endif
