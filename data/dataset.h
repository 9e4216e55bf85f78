// A dataset: its label space, one Sample per usable row, and the report of what was used and skipped.
// Readers for each source live in their own files (nih.cpp, chexpert.cpp, folder.cpp, npz.cpp, covid.cpp,
// embedded.cpp); open_dataset() picks one from the spec's kind.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/image.h"
#include "data/label_space.h"
#include "data/load_report.h"
#include "data/spec.h"
#include "tensor/tensor.h"

namespace thorax::data {

struct Sample {
  std::string image;          // path of the image file; empty when the pixels are held in memory
  std::string lung_mask;      // path of a lung-field mask (nonzero = lung) when the source has one, else ""
  std::string id;             // the image's name, unique within the dataset
  std::string patient_id;     // never empty: the image id itself when the source has no patient ids
  std::vector<float> target;  // one value per class: 0/1 (or a smoothed value); one-hot for multi-class
  std::vector<uint8_t> mask;  // 1 where the class counts in the loss (0: an uncertain label under `ignore`)
  int age = -1;               // years; -1 unknown
  std::string sex;            // "M", "F" or ""
  std::string view;           // "PA", "AP", "LL", "Lateral"... as the source writes it
  std::string official_split; // the source's own split ("train_val", "test", "train", "val") or ""
  int64_t memory_index = -1;  // row of Dataset::memory_images for in-memory sources

  int class_index() const;    // multi-class: the class whose target is 1
};

struct Dataset {
  std::string spec;
  LabelSpace labels;
  std::vector<Sample> samples;
  LoadReport report;
  bool patients_known = true;  // false when every image counts as its own patient (no ids in the source)
  Tensor memory_images;        // uint8 N×H×W or N×H×W×3 for in-memory sources (npz)

  size_t size() const { return samples.size(); }
  // Decodes sample i by the rule of image.h (1 or 3 channels, [0,1]).
  Image load_image(size_t i, int channels = 1) const;
  // Sample i's lung-field mask (1 channel); throws naming the sample when it has none.
  Image load_lung_mask(size_t i) const;
};

enum class Verify { none, header, decode };

struct OpenOptions {
  LoadPolicy policy;
  // How far images are checked while opening: not at all (absence is still checked), header only, or fully
  // decoded. Samples whose image fails are removed and reported as unreadable.
  Verify verify = Verify::none;
  int threads = 2;
  std::string cache_dir;  // where `embedded` keeps generated sets; default $THORAX_CACHE or ~/.cache/thorax
  // Called now and then during long scans: (what, done, total).
  std::function<void(const std::string&, int64_t, int64_t)> progress;
};

// A spec of the form "SPEC + SPEC + ..." opens the union of the datasets (data/union.cpp).
Dataset open_dataset(const std::string& spec, const OpenOptions& options = {});
Dataset open_dataset(const DatasetSpec& spec, const OpenOptions& options = {});

// The readers behind open_dataset (each reports into dataset.report).
Dataset read_nih(const DatasetSpec& spec, const OpenOptions& options);
Dataset read_chexpert(const DatasetSpec& spec, const OpenOptions& options);
Dataset read_folder(const DatasetSpec& spec, const OpenOptions& options);
Dataset read_npz(const DatasetSpec& spec, const OpenOptions& options);
Dataset read_covid(const DatasetSpec& spec, const OpenOptions& options);
Dataset read_embedded(const DatasetSpec& spec, const OpenOptions& options);

// The union of datasets that share one label space; part k's image and patient ids are prefixed "k:".
bool is_union_spec(const std::string& spec);
Dataset open_union(const std::string& spec, const OpenOptions& options);

// Checks every sample's image as options.verify says; removes and reports the unreadable ones.
void verify_images(Dataset& dataset, const OpenOptions& options);

}  // namespace thorax::data
