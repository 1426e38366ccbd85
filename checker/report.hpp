// Printers for a check: text (for people) and JSON (for tools; stable schema).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "checker/run.hpp"

namespace cow {

struct ReportOptions {
  bool all_traces = false;  // text: print a trace for every violated property
  bool columns = false;     // the traces as CPU columns (checker/columns.hpp)
};

// One line per thread: its name, its process and what its operations model, e.g.
// "R0 (parent): odirect_read page 0 [GUP-fast, FOLL_WRITE, FOLL_GET]".
std::vector<std::string> threads_legend(const Scenario& sc);
// What one op does, in a few words ("vmsplice page 0 [read, FOLL_GET, GUP-fast first]").
std::string op_text(const Scenario& sc, const Op& op);
// sync_file_range's flags by name, each after `prefix`, joined by `sep`
// ("WAIT_BEFORE|WRITE"; "SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER").
std::string sync_flags_text(u8 flags, std::string_view prefix, std::string_view sep);

std::string text_report(const CheckRun& run, const ReportOptions& opt);
nlohmann::json json_report(const CheckRun& run);
nlohmann::json json_trace(const CheckRun& run, std::size_t outcome);
std::string text_trace(const CheckRun& run, std::size_t outcome);

}  // namespace cow
