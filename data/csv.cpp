#include "data/csv.h"

#include <zlib.h>

#include <memory>
#include <stdexcept>

#include "data/spec.h"
#include "tensor/npy.h"

namespace thorax::data {

std::string read_text_file(const std::string& path) {
  if (path.size() < 3 || path.compare(path.size() - 3, 3, ".gz") != 0) return read_file_bytes(path);
  std::unique_ptr<gzFile_s, int (*)(gzFile)> gz(gzopen(path.c_str(), "rb"), gzclose);
  if (!gz) throw std::runtime_error("cannot open " + path + " (missing or unreadable)");
  std::string out;
  char buf[1 << 16];
  int n = 0;
  while ((n = gzread(gz.get(), buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  int err = 0;
  const char* msg = gzerror(gz.get(), &err);
  if (n < 0 || (err != Z_OK && err != Z_STREAM_END))
    throw std::runtime_error(path + ": damaged gzip data (" + std::string(msg) + ")");
  return out;
}

CsvTable parse_csv(const std::string& text, const std::string& file) {
  CsvTable table;
  table.file = file;
  size_t i = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;  // byte-order mark
  int64_t line = 1;
  std::vector<std::vector<std::string>> rows;
  std::vector<int64_t> starts;
  while (i < text.size()) {
    std::vector<std::string> fields;
    std::string field;
    const int64_t start = line;
    bool end_of_row = false;
    while (!end_of_row) {
      if (i < text.size() && text[i] == '"') {  // quoted field
        const int64_t open_line = line;
        ++i;
        for (;;) {
          if (i >= text.size())
            throw std::runtime_error(file + " line " + std::to_string(open_line) +
                                     ": a quoted field is never closed (missing '\"')");
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') ++line;
          field += text[i++];
        }
      }
      while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') field += text[i++];
      fields.push_back(std::move(field));
      field.clear();
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      if (i < text.size() && text[i] == '\r') ++i;
      if (i < text.size() && text[i] == '\n') ++i;
      ++line;
      end_of_row = true;
    }
    bool blank = fields.size() == 1 && fields[0].empty();
    if (!blank) {
      rows.push_back(std::move(fields));
      starts.push_back(start);
    }
  }
  if (rows.empty()) throw std::runtime_error(file + ": empty CSV file (no header row)");
  table.header = std::move(rows[0]);
  for (size_t r = 1; r < rows.size(); ++r) table.rows.push_back({starts[r], std::move(rows[r])});
  return table;
}

CsvTable read_csv(const std::string& path) { return parse_csv(read_text_file(path), path); }

int CsvTable::column(const std::string& name) const {
  for (size_t c = 0; c < header.size(); ++c)
    if (header[c] == name) return static_cast<int>(c);
  return -1;
}

void CsvTable::require(const std::vector<std::string>& names) const {
  std::vector<std::string> missing;
  for (const auto& n : names)
    if (column(n) < 0) missing.push_back("'" + n + "'");
  if (missing.empty()) return;
  std::vector<std::string> present;
  for (const auto& h : header)
    if (!h.empty()) present.push_back("'" + h + "'");
  throw std::runtime_error(file + " line 1: missing column" + (missing.size() > 1 ? "s " : " ") + join(missing) +
                           " (the header has " + join(present) + ")");
}

}  // namespace thorax::data
