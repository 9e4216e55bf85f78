#include <doctest/doctest.h>
#include <zlib.h>

#include <string>

#include "data/csv.h"
#include "data/zip_reader.h"
#include "data_fixtures.h"
#include "tensor/npy.h"

using namespace thorax;
using namespace thorax::data;

TEST_CASE("csv: quotes, embedded commas and newlines, CRLF, BOM, blank lines; line numbers of each row") {
  const std::string text =
      "\xEF\xBB\xBF" "a,b,c\r\n"
      "1,\"x, y\",3\r\n"
      "\r\n"
      "4,\"two\nlines\",\"say \"\"hi\"\"\"\n"
      "7,,\n";
  CsvTable t = parse_csv(text, "t.csv");
  CHECK(t.header == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(t.rows.size() == 3);
  CHECK(t.rows[0].fields == std::vector<std::string>{"1", "x, y", "3"});
  CHECK(t.rows[0].line == 2);
  CHECK(t.rows[1].fields == std::vector<std::string>{"4", "two\nlines", "say \"hi\""});
  CHECK(t.rows[1].line == 4);
  CHECK(t.rows[2].fields == std::vector<std::string>{"7", "", ""});
  CHECK(t.rows[2].line == 6);
  CHECK(t.column("c") == 2);
  CHECK(t.column("z") == -1);
  CHECK_THROWS_WITH(t.require({"a", "Path", "Age"}),
                    "t.csv line 1: missing columns 'Path', 'Age' (the header has 'a', 'b', 'c')");
  CHECK_THROWS_WITH(parse_csv("a,b\n1,\"open\n2,3\n", "q.csv"),
                    "q.csv line 2: a quoted field is never closed (missing '\"')");
  CHECK_THROWS_WITH(parse_csv("", "e.csv"), "e.csv: empty CSV file (no header row)");
}

TEST_CASE("csv: gzip-compressed tables are read directly, damaged ones named") {
  testing::TempDir tmp;
  const std::string path = tmp / "t.csv.gz";
  gzFile gz = gzopen(path.c_str(), "wb");
  REQUIRE(gz);
  const std::string text = "x,y\n1,2\n3,4\n";
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
  CsvTable t = read_csv(path);
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[1].fields == std::vector<std::string>{"3", "4"});
  std::string bytes = read_file_bytes(path);
  write_file_atomic(tmp / "cut.csv.gz", bytes.substr(0, bytes.size() - 12));
  CHECK_THROWS_WITH(read_csv(tmp / "cut.csv.gz"), doctest::Contains("cut.csv.gz: damaged gzip data"));
  CHECK_THROWS_WITH(read_csv(tmp / "absent.csv"), doctest::Contains("absent.csv"));
}

namespace {

// A ZIP archive built the way NumPy's savez writes one (local headers, central directory, end record).
struct ZipBuilder {
  std::string bytes, directory;
  int count = 0;
  static void le(std::string& s, uint64_t v, int n) {
    for (int i = 0; i < n; ++i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
  }
  void add(const std::string& name, const std::string& data, bool compress) {
    std::string stored = data;
    if (compress) {
      z_stream z{};
      deflateInit2(&z, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
      stored.resize(deflateBound(&z, data.size()));
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
      z.avail_in = static_cast<uInt>(data.size());
      z.next_out = reinterpret_cast<Bytef*>(stored.data());
      z.avail_out = static_cast<uInt>(stored.size());
      deflate(&z, Z_FINISH);
      stored.resize(z.total_out);
      deflateEnd(&z);
    }
    uint32_t crc = crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
    const uint64_t offset = bytes.size();
    le(bytes, 0x04034b50, 4), le(bytes, 20, 2), le(bytes, 0, 2), le(bytes, compress ? 8 : 0, 2), le(bytes, 0, 4);
    le(bytes, crc, 4), le(bytes, stored.size(), 4), le(bytes, data.size(), 4);
    le(bytes, name.size(), 2), le(bytes, 0, 2);
    bytes += name + stored;
    std::string& d = directory;
    le(d, 0x02014b50, 4), le(d, 20, 2), le(d, 20, 2), le(d, 0, 2), le(d, compress ? 8 : 0, 2), le(d, 0, 4);
    le(d, crc, 4), le(d, stored.size(), 4), le(d, data.size(), 4), le(d, name.size(), 2), le(d, 0, 2), le(d, 0, 2);
    le(d, 0, 2), le(d, 0, 2), le(d, 0, 4), le(d, offset, 4);
    d += name;
    ++count;
  }
  std::string finish() const {
    std::string out = bytes + directory;
    le(out, 0x06054b50, 4), le(out, 0, 2), le(out, 0, 2), le(out, count, 2), le(out, count, 2);
    le(out, directory.size(), 4), le(out, bytes.size(), 4), le(out, 0, 2);
    return out;
  }
};

}  // namespace

TEST_CASE("zip: stored and deflated entries read back byte for byte; names are only names") {
  ZipBuilder z;
  const std::string a(1000, 'a'), npy = npy_serialize(Tensor::arange(10));
  z.add("a.txt", a, true);
  z.add("x.npy", npy, false);
  z.add("../../etc/evil.npy", "payload", true);  // read as an entry named so, never as a path
  ZipReader zip(z.finish(), "t.npz");
  REQUIRE(zip.entries().size() == 3);
  CHECK(zip.read(*zip.find("a.txt")) == a);
  CHECK(npy_parse(zip.read(*zip.find("x.npy")), "x").to_vector() == Tensor::arange(10).to_vector());
  CHECK(zip.read(*zip.find("../../etc/evil.npy")) == "payload");
  CHECK(zip.find("absent") == nullptr);
}

TEST_CASE("zip: damage is detected and named") {
  ZipBuilder z;
  z.add("a.txt", std::string(300, 'q'), true);
  std::string good = z.finish();
  CHECK_THROWS_WITH(ZipReader("PK", "tiny.npz"), doctest::Contains("tiny.npz: not a ZIP archive"));
  CHECK_THROWS_WITH(ZipReader(std::string(100, 'x'), "x.npz"), "x.npz: not a ZIP archive (no end-of-directory record)");
  std::string flipped = good;
  flipped[35] ^= 0x55;  // a byte of the deflated data
  ZipReader damaged(flipped, "d.npz");
  CHECK_THROWS_WITH(damaged.read(damaged.entries()[0]), doctest::Contains("d.npz entry a.txt"));
  std::string moved = good;
  moved[moved.size() - 6] = 0x7F;  // the directory offset now points past the end
  CHECK_THROWS_WITH(ZipReader(moved, "m.npz"), doctest::Contains("m.npz: damaged ZIP"));
}

TEST_CASE("zip: the real MedMNIST npz (ZIP64 extra fields, stored entries)" * doctest::test_suite("real_data")) {
  const std::string dir = testing::data_dir();
  ZipReader zip = ZipReader::open(dir + "/medmnist/pneumoniamnist_28_balanced.npz");
  CHECK(zip.entries().size() == 6);
  Tensor images = npy_parse(zip.read(*zip.find("train_images.npy")), "train_images");
  CHECK(images.shape() == Shape{2428, 28, 28});
  CHECK(images.dtype() == DType::u8);
}
