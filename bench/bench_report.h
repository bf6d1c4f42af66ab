// The figures of one lockstep-bench run: sections of named rows, printed as a table and
// written as JSON.
//
// Why it exists: every section of the bench command (scheduler, suites, growth, memory, and
// sections other parts of the project add) reports through one collector, so the table and the
// JSON always hold the same figures. Rows keep their insertion order; values are numbers with
// a unit, plus an optional free-text note.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace lockstep::bench {

struct BenchRow {
  std::string name;
  double value = 0;
  std::string unit;
  std::string note;
};

struct BenchSection {
  std::string name;
  std::string description;
  std::vector<BenchRow> rows;
};

class BenchReport {
 public:
  /// Starts a section; later add() calls go into it.
  void begin_section(std::string name, std::string description);
  void add(std::string name, double value, std::string unit, std::string note = {});

  const std::vector<BenchSection>& sections() const { return sections_; }
  /// The current section as a table on `out`.
  void print_section(std::FILE* out) const;
  /// {"machine": ..., "sections": [{"name", "description", "rows": [...]}]}
  std::string to_json() const;

 private:
  std::vector<BenchSection> sections_;
};

/// CPU time of this process, user and system, in seconds (getrusage).
struct CpuTime {
  double user_seconds = 0;
  double system_seconds = 0;
  double total() const { return user_seconds + system_seconds; }
};
CpuTime process_cpu_time();
CpuTime operator-(const CpuTime& later, const CpuTime& earlier);

/// This process's CPU time in nanoseconds (clock_gettime, for short loops).
double process_cpu_ns();

/// The median of `values` (which it sorts).
double median(std::vector<double> values);

}  // namespace lockstep::bench
