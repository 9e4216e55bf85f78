// The run directory of the Contracts (DESIGN.md, "Run directory"): one folder per training run holding
// config.json (everything needed to rerun), split.json (image and patient ids per split), metrics.jsonl (one
// line per epoch), checkpoint-last/-best.safetensors, predictions.csv and the eval and report files.
// Every file is written whole to a temporary name and renamed, so a crash never leaves half a file.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace thorax::train {

class RunDir {
 public:
  // Creates the folder (and its parents) when missing.
  explicit RunDir(std::string root, bool create = true);

  const std::string& root() const { return root_; }
  std::string path(const std::string& file) const;  // root/file

  std::string config() const { return path("config.json"); }
  std::string split() const { return path("split.json"); }
  std::string metrics() const { return path("metrics.jsonl"); }
  std::string checkpoint_last() const { return path("checkpoint-last.safetensors"); }
  std::string checkpoint_best() const { return path("checkpoint-best.safetensors"); }
  std::string predictions() const { return path("predictions.csv"); }

  bool has(const std::string& file) const;

 private:
  std::string root_;
};

// JSON files: written atomically with two-space indentation; read with errors naming the file.
void write_json_file(const std::string& path, const nlohmann::json& value);
nlohmann::json read_json_file(const std::string& path);

// metrics.jsonl: rewritten whole (atomically) with the lines given, so a resumed run can first drop the epochs
// after its checkpoint. Small: one line per epoch.
void write_jsonl_file(const std::string& path, const std::vector<nlohmann::json>& lines);
std::vector<nlohmann::json> read_jsonl_file(const std::string& path);  // [] when the file does not exist

}  // namespace thorax::train
