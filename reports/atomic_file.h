// Writing a report file so that a reader (CI, a browser, a merge) sees the old file or the
// new one, never half: the text goes to a temporary file in the same directory, which is then
// renamed over the final name (rename is atomic within one file system). The temporary's name
// starts with '.', carries the writer's process id, ends with ".partial", and is removed
// whenever writing fails (a full disk leaves nothing behind). A path that is a directory is
// refused: nothing is written beside it.
#pragma once

#include <string>

namespace lockstep::reports {

/// Writes `content` to `path` atomically. On failure returns false and sets `error` to one line.
bool write_file_atomically(const std::string& path, const std::string& content, std::string& error);

}  // namespace lockstep::reports
