// WS_ERROR behaviour: strings are copied in; WsGetErrorString's index 0 is the newest, as in
// WWSAPI.
#include "harness/core/ws_error.h"


namespace lockstep::harness {

namespace {
constexpr ULONG kMaxErrorStringLength = 1u << 20;
}

ErrorObject::ErrorObject() {
  static const lockstep_error_ops ops = {
      LOCKSTEP_ERROR_ABI_VERSION, sizeof(lockstep_error_ops), &ErrorObject::add_string,
      &ErrorObject::get_string,   &ErrorObject::string_count, &ErrorObject::reset,
  };
  handle_.header.ops = &ops;
  handle_.owner = this;
}

ErrorObject* ErrorObject::from_handle(WS_ERROR* handle) {
  // Handles only ever come from ErrorObject::handle(): a Handle starts with its WS_ERROR.
  return reinterpret_cast<Handle*>(handle)->owner;
}

std::string ErrorObject::text() const {
  std::string joined;
  for (const std::u16string& string : strings_) {
    if (!joined.empty()) {
      joined += "; ";
    }
    for (char16_t unit : string) {
      joined.push_back(unit < 0x80 ? static_cast<char>(unit) : '?');
    }
  }
  return joined;
}

void ErrorObject::add_text(std::string_view text) {
  std::u16string string;
  for (unsigned char byte : text) {
    string.push_back(static_cast<char16_t>(byte));
  }
  strings_.push_back(std::move(string));
  if (on_late_add_) {
    on_late_add_();
  }
}

HRESULT ErrorObject::add_string(WS_ERROR* error, const WS_STRING* string) {
  if (string->length > kMaxErrorStringLength || (string->length > 0 && string->chars == nullptr)) {
    return E_INVALIDARG;
  }
  ErrorObject* self = from_handle(error);
  self->strings_.emplace_back(reinterpret_cast<const char16_t*>(string->chars), string->length);
  if (self->on_late_add_) {
    self->on_late_add_();
  }
  return S_OK;
}

HRESULT ErrorObject::get_string(WS_ERROR* error, ULONG index, WS_STRING* string) {
  ErrorObject* self = from_handle(error);
  if (index >= self->strings_.size()) {
    return E_INVALIDARG;
  }
  std::u16string& stored = self->strings_[self->strings_.size() - 1 - index];
  string->length = static_cast<ULONG>(stored.size());
  string->chars = reinterpret_cast<WCHAR*>(stored.data());
  return S_OK;
}

ULONG ErrorObject::string_count(WS_ERROR* error) {
  return static_cast<ULONG>(from_handle(error)->strings_.size());
}

HRESULT ErrorObject::reset(WS_ERROR* error) {
  from_handle(error)->strings_.clear();
  return S_OK;
}

}  // namespace lockstep::harness
