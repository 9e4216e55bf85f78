// A run's config.json as thorax reads it back (train/): `thorax train --resume` takes the "config" object through
// TrainConfig::from_json and check(); `thorax compare` takes the label space from "labels"; the preprocessing
// under "pipeline" goes through data::Pipeline. Only crashes, hangs and sanitizer reports are defects here: the
// errors are worded by train/, whose callers add the file's name.
#include "data/label_space.h"
#include "data/pipeline.h"
#include "fuzz/fuzz_support.h"
#include "train/run_dir.h"
#include "train/train_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = thorax::fuzz::scratch_path("config.json");
  thorax::fuzz::write_bytes(path, thorax::fuzz::as_string(data, size));
  try {
    const nlohmann::json j = thorax::train::read_json_file(path);
    if (j.is_object() && j.contains("config")) {
      try {
        thorax::train::TrainConfig::from_json(j.at("config")).check();
      } catch (const std::exception&) {
      }
    }
    if (j.is_object() && j.contains("labels")) {
      try {
        thorax::data::LabelSpace::from_json(j["labels"]);
      } catch (const std::exception&) {
      }
    }
    if (j.is_object() && j.contains("pipeline")) thorax::data::Pipeline::from_json(j["pipeline"]);
  } catch (const std::exception&) {
  }
  return 0;
}
