// One CSV field as RFC 4180 writes it (data/csv.h reads it back): quoted when it holds a comma, a quote or a line
// break, with its quotes doubled. Shared by the writers of predictions.csv and eval_per_class.csv.
#pragma once
#include <string>

namespace thorax::train {

inline std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

}  // namespace thorax::train
