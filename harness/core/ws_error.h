// The WS_ERROR objects the harness creates as the caller.
//
// An implementation sees only the ws.h functions (WsAddErrorString, WsGetErrorString, ...),
// which dispatch through the table at the start of the object. The harness can seal an error
// when the call it was passed to completes: a string added after that is reported through the
// seal's hook (rule AM7) and still kept.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lockstep/ws.h"

namespace lockstep::harness {

class ErrorObject {
 public:
  ErrorObject();
  ErrorObject(const ErrorObject&) = delete;
  ErrorObject& operator=(const ErrorObject&) = delete;

  WS_ERROR* handle() { return &handle_.header; }
  /// The object behind a handle that ErrorObject created (never a foreign pointer).
  static ErrorObject* from_handle(WS_ERROR* handle);

  std::size_t string_count() const { return strings_.size(); }
  /// The strings, oldest first, narrowed to ASCII ('?' for other characters), joined by "; ".
  std::string text() const;
  /// From now on, adding a string calls `on_late_add` (after keeping the string).
  void seal(std::function<void()> on_late_add) { on_late_add_ = std::move(on_late_add); }
  void add_text(std::string_view text);

 private:
  static HRESULT add_string(WS_ERROR* error, const WS_STRING* string);
  static HRESULT get_string(WS_ERROR* error, ULONG index, WS_STRING* string);
  static ULONG string_count(WS_ERROR* error);
  static HRESULT reset(WS_ERROR* error);

  // Standard-layout, header first: a WS_ERROR* handed out is a pointer to this struct.
  struct Handle {
    WS_ERROR header;
    ErrorObject* owner;
  };
  Handle handle_;
  std::vector<std::u16string> strings_;
  std::function<void()> on_late_add_;
};

}  // namespace lockstep::harness
