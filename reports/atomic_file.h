// Writing a report file so that a reader (CI, a browser, a merge) sees the old file or the
// new one, never half: the text goes to a temporary file in the same directory, which is then
// renamed over the final name (rename is atomic within one file system). The temporary's name
// starts with '.', ends with ".partial", and is removed when writing fails.
#pragma once

#include <string>

namespace lockstep::reports {

/// Writes `content` to `path` atomically. On failure returns false and sets `error` to one line.
bool write_file_atomically(const std::string& path, const std::string& content, std::string& error);

}  // namespace lockstep::reports
