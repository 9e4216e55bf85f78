#include "data/reader_util.h"

#include <cstdlib>
#include <filesystem>
#include <map>

namespace thorax::data {

std::string where(const CsvTable& table, const CsvRow& row) {
  return table.file + " line " + std::to_string(row.line);
}

bool row_is_whole(const CsvTable& table, const CsvRow& row, LoadReport& report) {
  if (row.fields.size() == table.header.size()) return true;
  report.problem(Problem::malformed_row, where(table, row) + ": " + std::to_string(row.fields.size()) +
                                             " fields where the header has " + std::to_string(table.header.size()));
  return false;
}

bool DuplicateCheck::first(const std::string& id, const CsvTable& table, const CsvRow& row, LoadReport& report) {
  auto [it, inserted] = line_of_.emplace(id, row.line);
  if (inserted) return true;
  report.problem(Problem::duplicate_row, where(table, row) + ": " + id + " was already listed on line " +
                                             std::to_string(it->second) + " (the first one is used)");
  return false;
}

int parse_age(const std::string& text) {
  if (text.empty()) return -1;
  std::string t = text;
  double per_year = 1.0;  // sample_labels.csv writes "060Y", and infants as "013M" (months) or "001D" (days)
  switch (t.back()) {
    case 'Y': case 'y': per_year = 1.0; t.pop_back(); break;
    case 'M': case 'm': per_year = 12.0; t.pop_back(); break;
    case 'W': case 'w': per_year = 52.0; t.pop_back(); break;
    case 'D': case 'd': per_year = 365.0; t.pop_back(); break;
    default: break;
  }
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (t.empty() || *end != '\0' || !(v >= 0)) return -2;  // !(v >= 0) also refuses "nan"
  v /= per_year;
  if (v > 125) return -2;  // older than anyone has lived: a typo, not an age
  return static_cast<int>(v);
}

void note_image_folders(const std::vector<Sample>& samples, LoadReport& report) {
  std::map<std::string, int64_t> per_folder;
  for (const auto& s : samples)
    if (!s.image.empty()) ++per_folder[std::filesystem::path(s.image).parent_path().string()];
  if (per_folder.size() < 2) return;
  std::string list;
  for (const auto& [folder, n] : per_folder)
    list += (list.empty() ? "" : ", ") + folder + " (" + std::to_string(n) + ")";
  report.note("the images come from " + std::to_string(per_folder.size()) + " folders: " + list);
}

std::string parse_sex(const std::string& text) {
  if (text == "M" || text == "Male" || text == "m" || text == "male") return "M";
  if (text == "F" || text == "Female" || text == "f" || text == "female") return "F";
  if (text.empty() || text == "Unknown" || text == "U") return "";
  return "?";
}

}  // namespace thorax::data
