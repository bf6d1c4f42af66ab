// A scoped temporary directory for tests: made fresh under $TMPDIR (mkdtemp, so tests that CTest
// runs at once, and other checkouts', never share one) and removed with everything in it when
// the object goes out of scope, also when the test fails an assertion and returns early. Every
// test that writes files writes them under one, so a test run leaves nothing in $TMPDIR
// (./run-tests checks that it does not).
//
// Header-only, for test binaries of any folder; not part of lockstep itself.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

namespace lockstep::testing {

class ScratchDirectory {
 public:
  /// Creates $TMPDIR/lockstep-<name>-XXXXXX.
  explicit ScratchDirectory(const std::string& name) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / ("lockstep-" + name + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot create a scratch directory from " + pattern);
    }
    path_ = pattern;
  }
  ~ScratchDirectory() {
    if (!path_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
    }
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  /// The directory now belongs to the new object; the old one removes nothing.
  ScratchDirectory(ScratchDirectory&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  ScratchDirectory& operator=(ScratchDirectory&&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string string() const { return path_.string(); }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  operator const std::filesystem::path&() const { return path_; }  // NOLINT: a path, scoped

 private:
  std::filesystem::path path_;
};

}  // namespace lockstep::testing
