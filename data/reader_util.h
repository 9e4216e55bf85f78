// Small pieces every table reader needs, so each rule (and its sentence) is written once.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>

#include "data/csv.h"
#include "data/dataset.h"
#include "data/load_report.h"

namespace thorax::data {

// A row with a different number of fields than the header is reported as malformed; returns whether it is whole.
bool row_is_whole(const CsvTable& table, const CsvRow& row, LoadReport& report);

// Remembers ids already seen; a repeat is reported as a duplicate row (naming both lines). Returns whether new.
class DuplicateCheck {
 public:
  bool first(const std::string& id, const CsvTable& table, const CsvRow& row, LoadReport& report);

 private:
  std::unordered_map<std::string, int64_t> line_of_;
};

// Ages as label files write them: "57", "057Y", "57.0", infants "013M" (months), "002W", "001D"; in whole years.
// -1 when blank, -2 when not an age (unparsable, negative, or above 125 years).
int parse_age(const std::string& text);
// A note when the samples' images come from more than one folder (e.g. a 256-pixel and a full-size copy).
void note_image_folders(const std::vector<Sample>& samples, LoadReport& report);
// "M"/"Male" -> "M", "F"/"Female" -> "F", "" / "Unknown" -> ""; "?" for anything else.
std::string parse_sex(const std::string& text);

std::string where(const CsvTable& table, const CsvRow& row);  // "file line N"

}  // namespace thorax::data
