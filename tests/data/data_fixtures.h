// Helpers for the data tests: the shared real data (or a skip when it is absent), temporary folders, small files.
#pragma once
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "data/image.h"
#include "data/png_writer.h"
#include "tensor/npy.h"

namespace thorax::data::testing {

// The real data folder (THORAX_DATA_DIR); a test that needs it and finds it absent skips the program (exit 77).
inline std::string data_dir() {
  const std::string dir = THORAX_DATA_DIR;
  if (!std::filesystem::is_directory(dir + "/nih") || !std::filesystem::is_directory(dir + "/kermany")) {
    std::printf("skipping: the shared chest X-ray data is not at %s (THORAX_DATA_DIR)\n", dir.c_str());
    std::fflush(stdout);
    std::_Exit(77);
  }
  return dir;
}

// A fresh folder under the system temp dir, removed with everything in it at the end of the scope.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "thorax-data-test-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) throw std::runtime_error("cannot create a temporary folder");
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline void write_text(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  write_file_atomic(path, text);
}

// A small gray PNG whose pixel (y, x) is (7·y + 3·x + seed) mod 256.
inline void write_test_png(const std::string& path, int h = 8, int w = 8, int seed = 0) {
  std::vector<uint8_t> px(static_cast<size_t>(h) * w);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) px[static_cast<size_t>(y) * w + x] = static_cast<uint8_t>((7 * y + 3 * x + seed) % 256);
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  write_file_atomic(path, encode_png(px, w, h, 1));
}

inline void copy_file(const std::string& from, const std::string& to) {
  std::filesystem::create_directories(std::filesystem::path(to).parent_path());
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

}  // namespace thorax::data::testing
