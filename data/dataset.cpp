#include "data/dataset.h"

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>

#include "tensor/npy.h"

namespace thorax::data {

int Sample::class_index() const {
  for (size_t c = 0; c < target.size(); ++c)
    if (target[c] > 0.5f) return static_cast<int>(c);
  return -1;
}

Image Dataset::load_image(size_t i, int channels) const {
  if (i >= samples.size())
    throw std::out_of_range("sample " + std::to_string(i) + " is past the end of " + spec + " (" +
                            std::to_string(samples.size()) + " samples)");
  const Sample& s = samples[i];
  if (s.memory_index < 0) return read_image(s.image, channels);
  // In-memory uint8 pixels (N×H×W or N×H×W×3), converted by the same rule as files.
  const auto& shape = memory_images.shape();
  const int h = static_cast<int>(shape[1]), w = static_cast<int>(shape[2]);
  const int stored = shape.size() == 4 ? static_cast<int>(shape[3]) : 1;
  const size_t n = static_cast<size_t>(h) * w;
  const uint8_t* px = memory_images.data<uint8_t>() + s.memory_index * n * stored;
  Image out(channels, h, w);
  for (size_t p = 0; p < n; ++p) {
    const uint8_t* v = px + p * stored;
    if (channels == 1)
      out.pixels[p] = stored >= 3 ? luminance(v[0] / 255.0f, v[1] / 255.0f, v[2] / 255.0f) : v[0] / 255.0f;
    else
      for (int c = 0; c < 3; ++c) out.pixels[c * n + p] = v[stored >= 3 ? c : 0] / 255.0f;
  }
  return out;
}

Image Dataset::load_lung_mask(size_t i) const {
  const Sample& s = samples.at(i);
  if (s.lung_mask.empty())
    throw std::runtime_error("sample " + s.id + " of " + spec + " has no lung mask (lung_crop needs one per image; "
                             "NIH-layout sets name their mask folder with lungs=FOLDER)");
  return read_image(s.lung_mask, 1);
}

void verify_images(Dataset& dataset, const OpenOptions& options) {
  if (options.verify == Verify::none) return;
  const size_t n = dataset.samples.size();
  std::vector<std::string> errors(n);
  std::atomic<int64_t> done{0};
  const int threads = std::max(1, options.threads);
  auto work = [&](int t) {
    for (size_t i = t; i < n; i += threads) {
      const Sample& s = dataset.samples[i];
      try {
        if (s.memory_index < 0) {
          std::string bytes = read_file_bytes(s.image);
          if (options.verify == Verify::header)
            probe_image(bytes, s.image);
          else
            decode_image(bytes, s.image, 1);
        }
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
      int64_t d = ++done;
      if (t == 0 && options.progress && (d % 256 == 0)) options.progress("checking images", d, n);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  if (options.progress) options.progress("checking images", static_cast<int64_t>(n), static_cast<int64_t>(n));

  // Reported in sample order, so the report (and --strict's first error) never depends on thread timing.
  std::vector<Sample> kept;
  kept.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (errors[i].empty())
      kept.push_back(std::move(dataset.samples[i]));
    else
      dataset.report.problem(Problem::unreadable_image, errors[i]);
  }
  dataset.samples = std::move(kept);
  dataset.report.set_used(static_cast<int64_t>(dataset.samples.size()));
}

Dataset open_dataset(const std::string& spec, const OpenOptions& options) {
  if (is_union_spec(spec)) return open_union(spec, options);
  return open_dataset(parse_spec(spec), options);
}

Dataset open_dataset(const DatasetSpec& spec, const OpenOptions& options) {
  Dataset d;
  if (spec.kind == "nih")
    d = read_nih(spec, options);
  else if (spec.kind == "chexpert")
    d = read_chexpert(spec, options);
  else if (spec.kind == "folder")
    d = read_folder(spec, options);
  else if (spec.kind == "npz")
    d = read_npz(spec, options);
  else if (spec.kind == "covid")
    d = read_covid(spec, options);
  else if (spec.kind == "embedded")
    d = read_embedded(spec, options);
  else
    throw std::invalid_argument("dataset spec '" + spec.text + "': no reader for kind '" + spec.kind + "'");
  d.spec = spec.text;
  d.report.set_used(static_cast<int64_t>(d.samples.size()));
  verify_images(d, options);
  return d;
}

}  // namespace thorax::data
