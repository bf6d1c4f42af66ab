// Thread-safe WS_ERROR behaviour: strings copied in; WsGetErrorString's index 0 is the newest.
#include "harness/real_host/real_error.h"

namespace lockstep::real_host {

namespace {
constexpr ULONG kMaxErrorStringLength = 1u << 20;
}  // namespace

RealErrorObject::RealErrorObject() {
  static const lockstep_error_ops ops = {
      LOCKSTEP_ERROR_ABI_VERSION,   sizeof(lockstep_error_ops),     &RealErrorObject::add_string,
      &RealErrorObject::get_string, &RealErrorObject::string_count, &RealErrorObject::reset,
  };
  handle_.header.ops = &ops;
  handle_.owner = this;
}

RealErrorObject* RealErrorObject::from_handle(WS_ERROR* handle) {
  return reinterpret_cast<Handle*>(handle)->owner;
}

std::size_t RealErrorObject::string_count() {
  std::lock_guard<std::mutex> lock(mutex_);
  return strings_.size();
}

std::string RealErrorObject::text() {
  std::lock_guard<std::mutex> lock(mutex_);
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

void RealErrorObject::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  strings_.clear();
}

HRESULT RealErrorObject::add_string(WS_ERROR* error, const WS_STRING* string) {
  if (string->length > kMaxErrorStringLength || (string->length > 0 && string->chars == nullptr)) {
    return E_INVALIDARG;
  }
  RealErrorObject* self = from_handle(error);
  std::lock_guard<std::mutex> lock(self->mutex_);
  self->strings_.emplace_back(reinterpret_cast<const char16_t*>(string->chars), string->length);
  return S_OK;
}

HRESULT RealErrorObject::get_string(WS_ERROR* error, ULONG index, WS_STRING* string) {
  RealErrorObject* self = from_handle(error);
  std::lock_guard<std::mutex> lock(self->mutex_);
  if (index >= self->strings_.size()) {
    return E_INVALIDARG;
  }
  std::u16string& stored = self->strings_[self->strings_.size() - 1 - index];
  string->length = static_cast<ULONG>(stored.size());
  string->chars = reinterpret_cast<WCHAR*>(stored.data());
  return S_OK;
}

ULONG RealErrorObject::string_count(WS_ERROR* error) {
  return static_cast<ULONG>(from_handle(error)->string_count());
}

HRESULT RealErrorObject::reset(WS_ERROR* error) {
  from_handle(error)->clear();
  return S_OK;
}

}  // namespace lockstep::real_host
