#include "train/experiment.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "data/random.h"
#include "data/split.h"

namespace thorax::train {

data::Dataset open_for_run(const std::string& spec, int threads, const ProgressFn& progress) {
  data::OpenOptions options;
  options.threads = threads;
  options.progress = progress;
  return data::open_dataset(spec, options);
}

std::vector<std::string> apply_saved_split(const data::Dataset& dataset, const nlohmann::json& split_json,
                                           size_t* missing) {
  std::map<std::string, size_t> by_id;
  for (size_t i = 0; i < dataset.size(); ++i) by_id[dataset.samples[i].id] = i;
  std::vector<std::string> split(dataset.size());
  size_t absent = 0;
  if (!split_json.contains("splits") || !split_json["splits"].is_object())
    throw std::runtime_error("split.json has no \"splits\" object");
  for (const auto& [name, part] : split_json["splits"].items())
    for (const auto& id : part.at("images")) {
      const auto it = by_id.find(id.get<std::string>());
      if (it == by_id.end())
        ++absent;
      else
        split[it->second] = name;
    }
  if (missing) *missing = absent;
  return split;
}

namespace {

std::vector<std::string> make_split(const TrainConfig& c, const data::Dataset& d) {
  // The images in use: all, or a patient-wise stratified subset of them (--max-images).
  std::vector<size_t> all(d.size());
  std::iota(all.begin(), all.end(), size_t{0});
  std::vector<size_t> used = all;
  if (c.max_images > 0 && static_cast<size_t>(c.max_images) < d.size())
    used = data::stratified_subset(d, all, static_cast<double>(c.max_images) / d.size(), c.seed);

  const bool has_official =
      std::all_of(d.samples.begin(), d.samples.end(), [](const data::Sample& s) { return !s.official_split.empty(); });
  // A partial copy of a data set may hold few or no images of the official test list (the shared NIH sample
  // holds one): "auto" then splits by patient — the official lists only when at least 5% of the images in use
  // are on the test list (NIH's own share is 23%) — and "official" refuses a split without test images.
  const size_t official_test = static_cast<size_t>(std::count_if(
      used.begin(), used.end(), [&](size_t i) { return d.samples[i].official_split == "test"; }));
  if (c.split == "official" && !has_official)
    throw std::runtime_error(d.spec + " has no official split for every image; use --split patient");
  if (c.split == "official" && official_test == 0)
    throw std::runtime_error(d.spec + ": none of the images in use is on the official test list; use --split patient");
  const bool use_official = has_official && (c.split == "official" || official_test * 20 >= used.size());
  std::vector<std::string> split = use_official
                                       ? data::official_split(d, c.val_fraction, c.seed)
                                       : data::patient_split(d,
                                                             {1.0 - c.val_fraction - c.test_fraction, c.val_fraction,
                                                              c.test_fraction},
                                                             c.seed);
  std::vector<std::string> out(d.size());
  for (size_t i : used) out[i] = split[i];
  return out;
}

}  // namespace

Experiment prepare_experiment(const TrainConfig& c, const RunDir& run, const ProgressFn& progress) {
  Experiment e{open_for_run(c.data, c.threads, progress), {}, {}, {}, {}, 0};
  const data::Dataset& d = e.dataset;
  if (d.size() == 0) throw std::runtime_error(c.data + ": no usable images (" + d.report.summary() + ")");
  const std::string saved = run.has("split.json") ? run.split() : c.split_file;
  if (!saved.empty()) {
    size_t missing = 0;
    e.split = apply_saved_split(d, read_json_file(saved), &missing);
    if (missing > 0)
      throw std::runtime_error(saved + " lists " + std::to_string(missing) + " images that " + c.data +
                               " does not have: it was made on other data");
    if (!run.has("split.json")) write_json_file(run.split(), data::split_to_json(d, e.split));
  } else {
    e.split = make_split(c, d);
    const auto leaks = data::find_leaks(d, e.split);
    if (!leaks.empty())
      throw std::logic_error("split puts patient " + leaks[0].patient + " in more than one split");
    write_json_file(run.split(), data::split_to_json(d, e.split));
  }
  const std::vector<size_t> pool = data::indices_of(e.split, "train");
  e.val = data::indices_of(e.split, "val");
  e.test = data::indices_of(e.split, "test");
  if (pool.empty()) throw std::runtime_error(c.data + ": the split leaves no training images");
  if (e.val.empty()) throw std::runtime_error(c.data + ": the split leaves no validation images (raise --val-fraction)");
  e.train_pool = pool.size();
  if (c.shuffle_labels) {
    // The control of issue 8: image i learns the label of image order[i]; eval reads the data set afresh, so the
    // test split keeps its true labels and measures what such a model knows (chance, if nothing leaks).
    std::vector<size_t> seen = pool;
    seen.insert(seen.end(), e.val.begin(), e.val.end());
    std::vector<size_t> order = seen;
    data::Rng rng(c.seed, data::stream_id(31, 0));
    rng.shuffle(order);
    std::vector<std::pair<std::vector<float>, std::vector<uint8_t>>> labels;  // the labels as they were
    labels.reserve(seen.size());
    for (size_t i : order) labels.emplace_back(e.dataset.samples[i].target, e.dataset.samples[i].mask);
    for (size_t k = 0; k < seen.size(); ++k)
      std::tie(e.dataset.samples[seen[k]].target, e.dataset.samples[seen[k]].mask) = std::move(labels[k]);
  }
  e.train = c.label_fraction < 1.0 ? data::stratified_subset(d, pool, c.label_fraction, c.seed) : pool;
  return e;
}

data::Pipeline make_pipeline(const TrainConfig& c) {
  std::vector<data::PipelineStep> steps;
  data::PipelineStep resize;
  resize.op = "resize";
  resize.height = resize.width = c.resolution;
  steps.push_back(resize);
  if (c.clahe) {
    data::PipelineStep clahe;
    clahe.op = "clahe";
    steps.push_back(clahe);
  }
  data::PipelineStep channels;
  channels.op = "channels";
  channels.channels = c.channels;
  steps.push_back(channels);
  data::PipelineStep normalize;
  normalize.op = "normalize";
  normalize.preset = c.normalize;
  steps.push_back(normalize);
  return data::Pipeline(steps);
}

}  // namespace thorax::train
