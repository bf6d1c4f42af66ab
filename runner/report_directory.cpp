// Preparing and writing a report directory.
#include "runner/report_directory.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "reports/atomic_file.h"
#include "reports/html_report.h"
#include "reports/junit_report.h"

namespace lockstep::runner {

bool check_report_directory(const std::string& directory, std::string& error) {
  std::error_code status;
  std::filesystem::create_directories(directory, status);
  if (status) {
    error = "cannot create report directory '" + directory + "': " + status.message();
    return false;
  }
  const std::string probe = (std::filesystem::path(directory) / "write-check").string();
  if (!reports::write_file_atomically(probe, "", error)) {
    error = "report directory '" + directory + "' cannot be written";
    return false;
  }
  std::filesystem::remove(probe, status);
  return true;
}

void clear_failure_files(const std::string& directory) {
  std::error_code status;
  const std::filesystem::path failures = std::filesystem::path(directory) / "failures";
  if (std::filesystem::is_directory(failures, status)) {
    for (const auto& entry : std::filesystem::directory_iterator(failures, status)) {
      const std::string name = entry.path().filename().string();
      if (name.ends_with(".replay") || name.ends_with(".trace.json") ||
          name.ends_with(".output.txt")) {
        std::filesystem::remove(entry.path(), status);
      }
    }
  }
}

bool prepare_report_directory(const std::string& directory, std::string& error) {
  if (!check_report_directory(directory, error)) {
    return false;
  }
  clear_failure_files(directory);
  return true;
}

bool is_failure_file_name(const std::string& path) {
  constexpr std::string_view prefix = "failures/";
  if (path.size() <= prefix.size() || path.rfind(prefix, 0) != 0) {
    return false;
  }
  const std::string_view name = std::string_view(path).substr(prefix.size());
  if (name.front() == '.' || name.find('/') != std::string_view::npos ||
      name.find('\\') != std::string_view::npos) {
    return false;
  }
  for (const char character : name) {
    const auto byte = static_cast<unsigned char>(character);
    if (byte < 0x20 || byte == 0x7f) {
      return false;
    }
  }
  return true;
}

bool write_report_directory(const reports::RunReport& report, const std::string& directory,
                            std::string& error) {
  const std::filesystem::path root(directory);
  const reports::TraceLoader load_trace =
      [&](const std::string& stem) -> std::optional<std::string> {
    std::ifstream stream(root / "failures" / (stem + ".trace.json"), std::ios::binary);
    if (!stream) {
      return std::nullopt;
    }
    std::stringstream text;
    text << stream.rdbuf();
    return text.str();
  };
  return reports::write_file_atomically((root / "junit.xml").string(), reports::junit_xml(report),
                                        error) &&
         reports::write_file_atomically((root / "index.html").string(),
                                        reports::html_report(report, load_trace), error) &&
         reports::write_report(report, directory, error);
}

}  // namespace lockstep::runner
