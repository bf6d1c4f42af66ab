// Temporary file, flush, rename.
#include "reports/atomic_file.h"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace lockstep::reports {

bool write_file_atomically(const std::string& path, const std::string& content,
                           std::string& error) {
  const std::filesystem::path final_path(path);
  const std::filesystem::path temporary_path =
      final_path.parent_path() / ("." + final_path.filename().string() + ".partial");
  {
    std::ofstream stream(temporary_path, std::ios::binary | std::ios::trunc);
    stream << content;
    stream.flush();
    if (!stream) {
      error = "cannot write '" + temporary_path.string() + "'";
      std::error_code ignored;
      std::filesystem::remove(temporary_path, ignored);
      return false;
    }
  }
  std::error_code status;
  std::filesystem::rename(temporary_path, final_path, status);
  if (status) {
    error = "cannot move '" + final_path.string() + "' into place: " + status.message();
    std::error_code ignored;
    std::filesystem::remove(temporary_path, ignored);
    return false;
  }
  return true;
}

}  // namespace lockstep::reports
