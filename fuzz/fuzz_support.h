// What every fuzz target shares: a scratch folder for readers that take paths, and the rule that bad input ends in
// a clear error. A target catches std::exception (bad input must end in one), and `expect_named` turns an error
// that does not name the input — a bare "basic_string::substr" or "[json.exception...]" escaping from deep inside
// a parser — into a crash, so the fuzzer reports it like any other defect.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace thorax::fuzz {

inline std::string as_string(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// One folder per process, made on first use and removed at exit: libFuzzer runs inputs one after another in one
// process, and ctest runs replays of different targets in parallel, each in its own process.
inline const std::string& scratch_dir() {
  static const std::string dir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "thorax-fuzz-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) {
      std::perror("thorax fuzz: cannot create a scratch folder");
      std::abort();
    }
    std::string made = buf.data();
    static std::string to_remove;
    to_remove = made;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(to_remove, ec);
    });
    return made;
  }();
  return dir;
}

inline std::string scratch_path(const std::string& name) { return scratch_dir() + "/" + name; }

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) {
    std::fprintf(stderr, "thorax fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
}

// An error that does not say which input it is about is a defect: the user cannot act on it.
// THORAX_FUZZ_VERBOSE=1 prints every error, to see what a replayed input ends in.
inline void expect_named(const std::exception& e, const std::string& name) {
  const std::string what = e.what();
  static const bool verbose = std::getenv("THORAX_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "  error: %s\n", what.c_str());
  if (what.find(name) != std::string::npos) return;
  std::fprintf(stderr, "thorax fuzz: an error that does not name '%s': %s\n", name.c_str(), what.c_str());
  std::abort();
}

}  // namespace thorax::fuzz
