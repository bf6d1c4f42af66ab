// The fields of a message between the runner and its worker processes: each one
// "<decimal length>:<bytes>", one after the other, so that any bytes (a Chrome trace, a
// program's output, a decision log) travel unchanged and a truncated or garbled message is
// noticed rather than misread. Both ends are the same binary; the format is not a file format.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace lockstep::runner {

class FieldWriter {
 public:
  FieldWriter& add(std::string_view field) {
    text_ += std::to_string(field.size());
    text_ += ':';
    text_ += field;
    return *this;
  }
  FieldWriter& add(std::uint64_t number) { return add(std::string_view(std::to_string(number))); }
  FieldWriter& add(bool flag) { return add(std::string_view(flag ? "1" : "0")); }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

/// Reads fields in the order they were written. After a malformed field every read gives an
/// empty value and ok() is false for good.
class FieldReader {
 public:
  explicit FieldReader(std::string_view text) : rest_(text) {}

  std::string_view text() {
    std::uint64_t length = 0;
    const std::from_chars_result parsed =
        std::from_chars(rest_.data(), rest_.data() + rest_.size(), length);
    if (!ok_ || parsed.ec != std::errc() || parsed.ptr == rest_.data() + rest_.size() ||
        *parsed.ptr != ':') {
      ok_ = false;
      return {};
    }
    const std::size_t header = static_cast<std::size_t>(parsed.ptr - rest_.data()) + 1;
    if (rest_.size() - header < length) {
      ok_ = false;
      return {};
    }
    const std::string_view field = rest_.substr(header, length);
    rest_.remove_prefix(header + length);
    return field;
  }
  std::uint64_t number() {
    const std::string_view field = text();
    std::uint64_t value = 0;
    const std::from_chars_result parsed =
        std::from_chars(field.data(), field.data() + field.size(), value);
    if (field.empty() || parsed.ec != std::errc() || parsed.ptr != field.data() + field.size()) {
      ok_ = false;
    }
    return value;
  }
  bool flag() { return number() == 1; }
  /// True when every read so far was well formed.
  bool ok() const { return ok_; }
  /// True when every field was read and nothing is left over.
  bool finished() const { return ok_ && rest_.empty(); }

 private:
  std::string_view rest_;
  bool ok_ = true;
};

}  // namespace lockstep::runner
