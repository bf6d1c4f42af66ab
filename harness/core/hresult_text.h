// An HRESULT as the messages of every check, driver and stress loop write it ("0x803D0021"):
// one spelling, so that a report's texts can be searched for a code. Header-only, with nothing
// but the public ABI under it, so that the real-host stress loop (which links no simulator) can
// use it too.
#pragma once

#include <lockstep/ws.h>

#include <cstdint>
#include <string>

namespace lockstep::harness {

/// "0x" and eight upper-case hex digits.
inline std::string hresult_text(HRESULT result) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string text = "0x";
  const auto bits = static_cast<std::uint32_t>(result);
  for (int shift = 28; shift >= 0; shift -= 4) {
    text.push_back(kDigits[(bits >> shift) & 0xFu]);
  }
  return text;
}

}  // namespace lockstep::harness
