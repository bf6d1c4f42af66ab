// Reading shards, merging, copying failure files, writing OUT: everything is staged in a
// hidden directory inside OUT and moved into place only once the whole merge has succeeded.
#include "runner/cli/merge_command.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <vector>

#include "reports/report_merge.h"
#include "reports/shell_command.h"
#include "runner/cli/invocation.h"
#include "runner/cli/replay_command.h"
#include "runner/report_directory.h"

namespace lockstep::cli {

namespace {

namespace fs = std::filesystem;

// The same directory, whether or not either exists yet, however it is spelled.
bool same_directory(const fs::path& a, const fs::path& b) {
  std::error_code status;
  if (fs::exists(a, status) && fs::exists(b, status)) {
    return fs::equivalent(a, b, status);
  }
  return fs::weakly_canonical(a, status) == fs::weakly_canonical(b, status);
}

// The files of one failure to copy: its replay and trace, its output if any, and its shrunk
// replay and trace when the merge kept the shrink.
std::vector<std::string> files_of(const reports::Failure& failure) {
  std::vector<std::string> files;
  for (const std::string& replay_file : {failure.replay_file, failure.shrunk_replay_file}) {
    if (!replay_file.empty()) {
      files.push_back(replay_file);
      files.push_back("failures/" + reports::Failure::stem_of(replay_file) + ".trace.json");
    }
  }
  if (!failure.output_file.empty()) {
    files.push_back(failure.output_file);
  }
  return files;
}

// Every file name a shard's report gives must be a plain name under its failures/: a report
// is input, and "../../x" would copy from, and write to, anywhere.
std::string unsafe_file_name(const reports::RunReport& report) {
  for (const reports::ImplementationReport& implementation : report.implementations) {
    for (const reports::Failure& failure : implementation.failures) {
      for (const std::string* file :
           {&failure.replay_file, &failure.shrunk_replay_file, &failure.output_file}) {
        if (!file->empty() && (!runner::is_failure_file_name(*file) ||
                               (file != &failure.output_file && !file->ends_with(".replay")))) {
          return *file;
        }
      }
    }
  }
  return {};
}

// Moves the staged report into OUT: the old failure files go only now, report.json last.
bool commit(const fs::path& staging, const fs::path& output, std::string& error) {
  runner::clear_failure_files(output.string());
  std::error_code status;
  fs::create_directories(output / "failures", status);
  if (fs::is_directory(staging / "failures", status)) {
    for (const auto& entry : fs::directory_iterator(staging / "failures", status)) {
      fs::rename(entry.path(), output / "failures" / entry.path().filename(), status);
      if (status) {
        error = "cannot move " + entry.path().filename().string() + " into " +
                (output / "failures").string() + ": " + status.message();
        return false;
      }
    }
  }
  for (const char* name : {"junit.xml", "index.html", "report.json"}) {
    fs::rename(staging / name, output / name, status);
    if (status) {
      error =
          "cannot move " + std::string(name) + " into " + output.string() + ": " + status.message();
      return false;
    }
  }
  return true;
}

int merge_into(const MergeOptions& options, const fs::path& output, const fs::path& staging) {
  std::string error;
  std::vector<reports::ShardReport> shards;
  // Where each kept failure's files come from: (implementation, stem) -> shard directory.
  std::map<std::string, std::string> origin_of_stem;
  for (const std::string& directory : options.shard_directories) {
    std::optional<reports::RunReport> report = reports::read_report(directory, error);
    if (!report) {
      std::fprintf(stderr, "lockstep: %s\n", error.c_str());
      return kExitUsage;
    }
    if (const std::string unsafe = unsafe_file_name(*report); !unsafe.empty()) {
      std::fprintf(stderr,
                   "lockstep: %s/report.json names the failure file '%s', which is not a plain "
                   "file name under failures/\n",
                   directory.c_str(), unsafe.c_str());
      return kExitUsage;
    }
    for (const reports::ImplementationReport& implementation : report->implementations) {
      for (const reports::Failure& failure : implementation.failures) {
        origin_of_stem[failure.file_stem(implementation.file_name())] = directory;
      }
    }
    shards.push_back(reports::ShardReport{directory, std::move(*report)});
  }
  std::optional<reports::RunReport> merged = reports::merge_reports(shards, error);
  if (!merged) {
    std::fprintf(stderr, "lockstep: %s\n", error.c_str());
    return kExitUsage;
  }
  std::error_code status;
  fs::create_directories(staging / "failures", status);
  if (status) {
    std::fprintf(stderr, "lockstep: cannot create %s: %s\n", staging.c_str(),
                 status.message().c_str());
    return kExitUsage;
  }
  for (reports::ImplementationReport& implementation : merged->implementations) {
    for (reports::Failure& failure : implementation.failures) {
      if (failure.replay_file.empty()) {
        continue;
      }
      const std::string origin = origin_of_stem[failure.file_stem(implementation.file_name())];
      const fs::path from = fs::path(origin) / failure.replay_file;
      if (!fs::exists(from)) {
        std::fprintf(stderr, "lockstep: %s lists a failure whose replay file %s is missing\n",
                     origin.c_str(), from.c_str());
        return kExitUsage;
      }
      for (const std::string& file : files_of(failure)) {
        const fs::path source = fs::path(origin) / file;
        if (!status && fs::is_regular_file(source, status)) {
          fs::copy_file(source, staging / file, fs::copy_options::overwrite_existing, status);
        }
      }
      if (status) {
        std::fprintf(stderr, "lockstep: cannot copy the files of %s into %s: %s\n",
                     failure.replay_file.c_str(), options.output_directory.c_str(),
                     status.message().c_str());
        return kExitUsage;
      }
      const auto replay_command_of = [](const std::filesystem::path& path) {
        std::vector<std::string> words = invocation();
        words.insert(words.end(), {"replay", path.string()});
        return reports::shell_command(words);
      };
      failure.reproduce = replay_command_of(output / failure.replay_file);
      if (failure.shrunk()) {
        failure.shrunk_reproduce = replay_command_of(output / failure.shrunk_replay_file);
      }
    }
  }
  if (!runner::write_report_directory(*merged, staging.string(), error) ||
      !commit(staging, output, error)) {
    std::fprintf(stderr, "lockstep: %s\n", error.c_str());
    return kExitUsage;
  }
  std::uint64_t schedules = 0;
  for (const reports::ImplementationReport& implementation : merged->implementations) {
    schedules += implementation.schedules;
  }
  std::printf("merged %zu report(s): %llu schedules, run digest %016llx, %s%s\n", shards.size(),
              static_cast<unsigned long long>(schedules),
              static_cast<unsigned long long>(merged->run_digest), merged->final_verdict().c_str(),
              merged->shard_count > 1 ? " (not every shard yet)" : "");
  std::printf("report written to %s/report.json\n", options.output_directory.c_str());
  return merged->verdict_passed() ? kExitPass : kExitViolation;
}

}  // namespace

int merge_command(const MergeOptions& options) {
  const fs::path output(options.output_directory);
  for (const std::string& directory : options.shard_directories) {
    if (same_directory(directory, output)) {
      std::fprintf(stderr,
                   "lockstep: -o %s is one of the directories being merged; write the merge to "
                   "a directory of its own\n",
                   options.output_directory.c_str());
      return kExitUsage;
    }
  }
  std::string error;
  if (!runner::check_report_directory(options.output_directory, error)) {
    std::fprintf(stderr, "lockstep: %s\n", error.c_str());
    return kExitUsage;
  }
  const fs::path staging = output / (".merge-" + std::to_string(getpid()) + ".partial");
  const int exit_code = merge_into(options, output, staging);
  std::error_code ignored;
  fs::remove_all(staging, ignored);
  return exit_code;
}

}  // namespace lockstep::cli
