// File-system helpers shared by the readers: image files found below a folder, names and stems.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace thorax::data {

bool has_image_extension(const std::string& name);  // .png .jpg .jpeg .bmp, any case
std::string file_name(const std::string& path);      // "a/b/c.png" -> "c.png"
std::string file_stem(const std::string& path);      // "a/b/c.png" -> "c"
bool is_directory(const std::string& path);
bool is_file(const std::string& path);
// Regular files below `dir` (recursively, hidden entries skipped), as paths, sorted.
std::vector<std::string> list_files(const std::string& dir);

// Image files below a folder, looked up by file name. When a name occurs in several folders (e.g. images256/ and
// fullres/ of the same set), the copy in the folder holding the most images wins, and `ambiguous` says how many
// names that decided.
struct ImageIndex {
  std::map<std::string, std::string> path_of;  // file name -> path
  int64_t ambiguous = 0;
  std::string example;  // one ambiguous name and the folders it was in, for the report
  std::string find(const std::string& name) const;  // "" when absent
};
ImageIndex index_images(const std::string& dir);

}  // namespace thorax::data
