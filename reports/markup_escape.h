// Escaping text for XML (junit.xml) and HTML (index.html).
//
// Explanations and labels come from implementations under test and may hold anything. The
// result is always well-formed: the five markup characters become entities, and control
// characters that XML 1.0 forbids even as references become U+FFFD. Newlines and tabs survive
// in text; in attribute values they are written as references so that parsers keep them.
//
// Why no XML library (pugixml is in Debian as libpugixml-dev): junit.xml is a flat list of
// elements this file escapes completely; pugixml writes a control character such as 0x01 from an
// implementation's explanation as the reference "&#01;", which XML 1.0 forbids as well (or, with
// format_skip_control_chars, drops it without a trace), so this replacement by U+FFFD would be
// needed anyway; and index.html is HTML5, which pugixml does not write.
// One escaper for both, held to xmllint by the tests, is less code than a dependency plus it.
#pragma once

#include <string>
#include <string_view>

namespace lockstep::reports {

/// For element content.
std::string escape_markup_text(std::string_view text);
/// For a value inside double quotes.
std::string escape_markup_attribute(std::string_view text);

}  // namespace lockstep::reports
