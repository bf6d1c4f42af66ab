// Character-by-character escaping.
#include "reports/markup_escape.h"

namespace lockstep::reports {

namespace {

std::string escape(std::string_view text, bool attribute) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char character : text) {
    switch (character) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      case '\n':
        escaped += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        escaped += attribute ? "&#13;" : "\r";
        break;
      case '\t':
        escaped += attribute ? "&#9;" : "\t";
        break;
      default:
        if (static_cast<unsigned char>(character) < 0x20 || character == 0x7F) {
          escaped += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
        } else {
          escaped += character;
        }
    }
  }
  return escaped;
}

}  // namespace

std::string escape_markup_text(std::string_view text) {
  return escape(text, false);
}

std::string escape_markup_attribute(std::string_view text) {
  return escape(text, true);
}

}  // namespace lockstep::reports
