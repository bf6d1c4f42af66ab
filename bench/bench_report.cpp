// Table printing, JSON and CPU clocks for lockstep-bench.
#include "bench/bench_report.h"

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace lockstep::bench {

void BenchReport::begin_section(std::string name, std::string description) {
  sections_.push_back(BenchSection{std::move(name), std::move(description), {}});
}

void BenchReport::add(std::string name, double value, std::string unit, std::string note) {
  if (sections_.empty()) {
    begin_section("misc", "");
  }
  sections_.back().rows.push_back(
      BenchRow{std::move(name), value, std::move(unit), std::move(note)});
}

void BenchReport::print_section(std::FILE* out) const {
  if (sections_.empty()) {
    return;
  }
  const BenchSection& section = sections_.back();
  std::fprintf(out, "\n== %s: %s\n", section.name.c_str(), section.description.c_str());
  std::size_t name_width = 4;
  for (const BenchRow& row : section.rows) {
    name_width = std::max(name_width, row.name.size());
  }
  for (const BenchRow& row : section.rows) {
    char value[64];
    if (row.value >= 1e6 || row.value == static_cast<double>(static_cast<long long>(row.value))) {
      std::snprintf(value, sizeof(value), "%.0f", row.value);
    } else if (row.value >= 100) {
      std::snprintf(value, sizeof(value), "%.1f", row.value);
    } else {
      std::snprintf(value, sizeof(value), "%.2f", row.value);
    }
    std::fprintf(out, "  %-*s %14s %-14s %s\n", static_cast<int>(name_width), row.name.c_str(),
                 value, row.unit.c_str(), row.note.c_str());
  }
  std::fflush(out);
}

std::string BenchReport::to_json() const {
  nlohmann::json root;
  root["tool"] = "lockstep-bench";
  root["cpus_online"] = sysconf(_SC_NPROCESSORS_ONLN);
  nlohmann::json sections = nlohmann::json::array();
  for (const BenchSection& section : sections_) {
    nlohmann::json rows = nlohmann::json::array();
    for (const BenchRow& row : section.rows) {
      rows.push_back(
          {{"name", row.name}, {"value", row.value}, {"unit", row.unit}, {"note", row.note}});
    }
    sections.push_back(
        {{"name", section.name}, {"description", section.description}, {"rows", rows}});
  }
  root["sections"] = sections;
  return root.dump(2) + "\n";
}

CpuTime process_cpu_time() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  CpuTime time;
  time.user_seconds = static_cast<double>(usage.ru_utime.tv_sec) +
                      static_cast<double>(usage.ru_utime.tv_usec) * 1e-6;
  time.system_seconds = static_cast<double>(usage.ru_stime.tv_sec) +
                        static_cast<double>(usage.ru_stime.tv_usec) * 1e-6;
  return time;
}

CpuTime operator-(const CpuTime& later, const CpuTime& earlier) {
  return CpuTime{later.user_seconds - earlier.user_seconds,
                 later.system_seconds - earlier.system_seconds};
}

double process_cpu_ns() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

double median(std::vector<double> values) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

}  // namespace lockstep::bench
