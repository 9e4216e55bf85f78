// The CSV table reader every label file goes through (data/csv.cpp): quoting, line ends, byte-order mark, and
// gzip-compressed tables (an input starting with the gzip magic is read back from a .csv.gz file).
#include <cstdio>
#include <cstdlib>

#include "data/csv.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = thorax::fuzz::as_string(data, size);
  const bool gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
  const std::string name = gz ? thorax::fuzz::scratch_path("table.csv.gz") : "fuzz.csv";
  try {
    thorax::data::CsvTable table;
    if (gz) {
      thorax::fuzz::write_bytes(name, text);
      table = thorax::data::read_csv(name);
    } else {
      table = thorax::data::parse_csv(text, name);
    }
    // Rows start on increasing lines after the header; the lookups readers make work on any header.
    int64_t previous = 1;
    for (const auto& row : table.rows) {
      if (row.line <= previous) {
        std::fprintf(stderr, "thorax fuzz: row on line %lld after line %lld\n", static_cast<long long>(row.line),
                     static_cast<long long>(previous));
        std::abort();
      }
      previous = row.line;
    }
    if (!table.header.empty()) table.column(table.header.back());
    table.require({"Image Index", "Finding Labels"});
  } catch (const std::exception& e) {
    thorax::fuzz::expect_named(e, name);
  }
  return 0;
}
