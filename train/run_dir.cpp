#include "train/run_dir.h"

#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "tensor/npy.h"

namespace thorax::train {

namespace fs = std::filesystem;

RunDir::RunDir(std::string root, bool create) : root_(std::move(root)) {
  if (root_.empty()) throw std::runtime_error("run directory: the path is empty");
  if (create) {
    std::error_code ec;
    fs::create_directories(root_, ec);
    if (ec) throw std::runtime_error("run directory " + root_ + ": cannot create it (" + ec.message() + ")");
  } else if (!fs::is_directory(root_)) {
    throw std::runtime_error("run directory " + root_ + " does not exist (give the --out of a `thorax train` run)");
  }
}

std::string RunDir::path(const std::string& file) const { return (fs::path(root_) / file).string(); }

bool RunDir::has(const std::string& file) const { return fs::exists(path(file)); }

void write_json_file(const std::string& path, const nlohmann::json& value) {
  write_file_atomic(path, value.dump(2) + "\n");
}

nlohmann::json read_json_file(const std::string& path) {
  const std::string text = read_file_bytes(path);
  // Run files nest a few levels; far deeper text is refused while parsing, since printing a value (`thorax report`
  // shows config.json) recurses once per level and would exhaust the stack.
  constexpr int kMaxDepth = 64;
  auto bounded = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if ((event == nlohmann::json::parse_event_t::object_start || event == nlohmann::json::parse_event_t::array_start) &&
        depth >= kMaxDepth)
      throw std::runtime_error(path + ": nested deeper than " + std::to_string(kMaxDepth) + " levels");
    return true;
  };
  try {
    return nlohmann::json::parse(text, bounded);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": not valid JSON (" + e.what() + ")");
  }
}

void write_jsonl_file(const std::string& path, const std::vector<nlohmann::json>& lines) {
  std::string text;
  for (const auto& line : lines) text += line.dump() + "\n";
  write_file_atomic(path, text);
}

std::vector<nlohmann::json> read_jsonl_file(const std::string& path) {
  std::vector<nlohmann::json> lines;
  if (!fs::exists(path)) return lines;
  std::istringstream in(read_file_bytes(path));
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    try {
      lines.push_back(nlohmann::json::parse(line));
    } catch (const nlohmann::json::exception&) {
      throw std::runtime_error(path + " line " + std::to_string(number) + ": not valid JSON");
    }
  }
  return lines;
}

}  // namespace thorax::train
