// CSV tables as label files use them: RFC 4180 quoting (quoted fields may hold commas, quotes and newlines),
// LF or CRLF line ends, an optional UTF-8 byte-order mark, gzip-compressed files read directly (*.gz).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace thorax::data {

struct CsvRow {
  int64_t line = 0;  // 1-based line where the row starts (the header is line 1)
  std::vector<std::string> fields;
};

struct CsvTable {
  std::string file;                 // quoted in errors
  std::vector<std::string> header;  // first row
  std::vector<CsvRow> rows;

  // Index of the column named `name`, or -1.
  int column(const std::string& name) const;
  // Throws one sentence naming the file, the missing columns and the columns it has.
  void require(const std::vector<std::string>& names) const;
};

CsvTable parse_csv(const std::string& text, const std::string& file);
CsvTable read_csv(const std::string& path);  // *.gz is gunzipped first
// The whole file; gunzipped when it ends in .gz. Throws naming the path.
std::string read_text_file(const std::string& path);

}  // namespace thorax::data
