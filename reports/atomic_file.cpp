// Temporary file, flush, close, rename; the temporary removed on every failure.
#include "reports/atomic_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <system_error>

namespace lockstep::reports {

bool write_file_atomically(const std::string& path, const std::string& content,
                           std::string& error) {
  const std::filesystem::path final_path(path);
  std::error_code status;
  if (std::filesystem::is_directory(final_path, status)) {
    error = "cannot write '" + path + "': it is a directory";
    return false;
  }
  if (final_path.filename().empty()) {
    error = "cannot write '" + path + "': not a file name";
    return false;
  }
  // The process id keeps two writers of the same name apart.
  const std::filesystem::path temporary_path =
      final_path.parent_path() /
      ("." + final_path.filename().string() + "." + std::to_string(getpid()) + ".partial");
  const auto fail = [&](std::string message) {
    error = std::move(message);
    std::error_code ignored;
    std::filesystem::remove(temporary_path, ignored);
    return false;
  };
  {
    std::ofstream stream(temporary_path, std::ios::binary | std::ios::trunc);
    if (!stream) {
      error = "cannot write '" + temporary_path.string() + "'";
      return false;
    }
    stream << content;
    stream.flush();
    stream.close();  // a full disk often shows only here
    if (!stream) {
      return fail("cannot write '" + temporary_path.string() + "' (is the disk full?)");
    }
  }
  std::filesystem::rename(temporary_path, final_path, status);
  if (status) {
    return fail("cannot move '" + final_path.string() + "' into place: " + status.message());
  }
  return true;
}

}  // namespace lockstep::reports
