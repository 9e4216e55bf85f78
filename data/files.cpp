#include "data/files.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>

namespace fs = std::filesystem;

namespace thorax::data {

bool has_image_extension(const std::string& name) {
  std::string ext = fs::path(name).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

std::string file_name(const std::string& path) { return fs::path(path).filename().string(); }
std::string file_stem(const std::string& path) { return fs::path(path).stem().string(); }

bool is_directory(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

bool is_file(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

std::vector<std::string> list_files(const std::string& dir) {
  if (!is_directory(dir)) throw std::runtime_error(dir + ": not a folder (missing or not readable)");
  std::vector<std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::follow_directory_symlink, ec), end;
  if (ec) throw std::runtime_error(dir + ": cannot list the folder (" + ec.message() + ")");
  for (; it != end; it.increment(ec)) {
    if (ec) throw std::runtime_error(dir + ": cannot list the folder (" + ec.message() + ")");
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec)) out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

ImageIndex index_images(const std::string& dir) {
  std::map<std::string, std::vector<std::string>> by_name;
  std::map<std::string, int64_t> per_folder;
  for (const auto& path : list_files(dir)) {
    if (!has_image_extension(path)) continue;
    by_name[file_name(path)].push_back(path);
    ++per_folder[fs::path(path).parent_path().string()];
  }
  ImageIndex index;
  for (auto& [name, paths] : by_name) {
    if (paths.size() > 1) {
      // Ties go to the first folder in sorted order, so the choice never depends on listing order.
      std::stable_sort(paths.begin(), paths.end(), [&](const std::string& a, const std::string& b) {
        return per_folder[fs::path(a).parent_path().string()] > per_folder[fs::path(b).parent_path().string()];
      });
      if (index.ambiguous++ == 0) {
        index.example = name + " is in";
        for (const auto& p : paths) index.example += " " + fs::path(p).parent_path().string() + "/";
      }
    }
    index.path_of[name] = paths.front();
  }
  return index;
}

std::string ImageIndex::find(const std::string& name) const {
  auto it = path_of.find(name);
  return it == path_of.end() ? "" : it->second;
}

}  // namespace thorax::data
