// What the isolated child tells its parent, and how (internal to harness/isolation).
//
// The child writes one frame to the pipe, [kind: 1 byte][payload length: 8 bytes, host order]
// [payload], then leaves with exit code 0; a frame is only trusted when it is complete and the
// child exited with 0, so work that calls exit(0) itself, or dies halfway through writing,
// is never mistaken for a result. An allocation failure leaves with its own exit code and no
// frame, because reporting it must not need memory.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lockstep::harness::isolation {

inline constexpr char frame_result = 'R';     ///< payload: the string the work returned
inline constexpr char frame_exception = 'E';  ///< payload: the exception's what()
inline constexpr std::size_t frame_header_bytes = 1 + sizeof(std::uint64_t);

inline constexpr int exit_code_reported = 0;
/// std::bad_alloc escaped the work. Chosen far from the codes programs commonly use.
inline constexpr int exit_code_memory_exceeded = 117;
/// The pipe to the parent broke while the frame was written.
inline constexpr int exit_code_pipe_failed = 118;
/// A sanitizer found an error in the work (its report is on stderr). Sanitizers otherwise exit
/// with code 1, which work could also do on its own.
inline constexpr int exit_code_sanitizer_report = 119;

}  // namespace lockstep::harness::isolation
