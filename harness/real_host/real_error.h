// WS_ERROR objects safe to share between threads, for the real host and its callers.
//
// With real threads a caller may read an error while an implementation still writes it (a
// defect the harness must survive: rule AM7 is about exactly that), so every operation takes
// the object's lock. Strings are kept in a deque so that a string handed out by get_string
// stays where it is until the error is reset or destroyed, as WWSAPI promises.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>

#include "lockstep/ws.h"

namespace lockstep::real_host {

class RealErrorObject {
 public:
  RealErrorObject();
  RealErrorObject(const RealErrorObject&) = delete;
  RealErrorObject& operator=(const RealErrorObject&) = delete;

  WS_ERROR* handle() { return &handle_.header; }
  std::size_t string_count();
  /// The strings, oldest first, narrowed to ASCII ('?' for other characters), joined by "; ".
  std::string text();
  void clear();

 private:
  static RealErrorObject* from_handle(WS_ERROR* handle);
  static HRESULT add_string(WS_ERROR* error, const WS_STRING* string);
  static HRESULT get_string(WS_ERROR* error, ULONG index, WS_STRING* string);
  static ULONG string_count(WS_ERROR* error);
  static HRESULT reset(WS_ERROR* error);

  // Standard layout, header first: a WS_ERROR* handed out points at this struct.
  struct Handle {
    WS_ERROR header;
    RealErrorObject* owner;
  };
  Handle handle_;
  std::mutex mutex_;
  std::deque<std::u16string> strings_;
};

}  // namespace lockstep::real_host
