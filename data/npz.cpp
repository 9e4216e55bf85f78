// MedMNIST .npz: {split}_images.npy (uint8 N×H×W or N×H×W×3) and {split}_labels.npy (N×1 class ids, or N×K 0/1
// for the multi-label ChestMNIST), for split train, val and test. Pixels stay in memory. MedMNIST has no patient
// ids, so each image counts as its own patient (Dataset::patients_known is false and the report says so).
#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "data/dataset.h"
#include "data/files.h"
#include "data/zip_reader.h"
#include "tensor/npy.h"

namespace thorax::data {

namespace {

struct Part {
  std::string split;
  Tensor images, labels;  // labels as int64
};

std::vector<std::string> default_classes(const std::string& file, int64_t columns, int64_t max_label) {
  if (columns == 1 && max_label == 1 && file.starts_with("pneumoniamnist")) return {"Normal", "Pneumonia"};
  if (columns == 14 && file.starts_with("chestmnist")) return nih_findings();
  std::vector<std::string> names;
  for (int64_t c = 0; c < (columns == 1 ? max_label + 1 : columns); ++c) names.push_back("class_" + std::to_string(c));
  return names;
}

}  // namespace

Dataset read_npz(const DatasetSpec& spec, const OpenOptions& options) {
  Dataset d;
  d.report = LoadReport(spec.text, options.policy);
  d.patients_known = false;
  const ZipReader zip = ZipReader::open(spec.path);
  std::vector<std::string> names;
  for (const auto& e : zip.entries()) names.push_back(e.name);

  const std::string split = spec.get("split", "all");
  std::vector<std::string> splits = split == "all" ? std::vector<std::string>{"train", "val", "test"}
                                                   : std::vector<std::string>{split};
  if (split != "all" && split != "train" && split != "val" && split != "test")
    throw std::invalid_argument("npz: split=" + split + " is not one of train, val, test, all");

  std::vector<Part> parts;
  for (const auto& s : splits) {
    const ZipEntry* img = zip.find(s + "_images.npy");
    const ZipEntry* lab = zip.find(s + "_labels.npy");
    if (!img || !lab) {
      if (split == "all") continue;  // a file holding only some splits is fine when all are asked for
      throw std::runtime_error("npz: " + spec.path + " has no " + s + "_images.npy and " + s +
                               "_labels.npy (entries: " + join(names) + ")");
    }
    Part p{s, npy_parse(zip.read(*img), spec.path + ":" + img->name),
           npy_parse(zip.read(*lab), spec.path + ":" + lab->name)};
    // Class ids and 0/1 flags are integers; a float label (NaN, 1e30) has no class to convert to.
    const DType lt = p.labels.dtype();
    if (lt != DType::u8 && lt != DType::i32 && lt != DType::i64 && lt != DType::boolean)
      throw std::runtime_error("npz: " + spec.path + ":" + lab->name + " is " + p.labels.str() +
                               ", expected integer labels (uint8, int32, int64 or bool)");
    p.labels = p.labels.to(DType::i64);
    const auto& is = p.images.shape();
    if (p.images.dtype() != DType::u8 || (is.size() != 3 && !(is.size() == 4 && (is[3] == 3 || is[3] == 1))))
      throw std::runtime_error("npz: " + spec.path + ":" + img->name + " is " + p.images.str() +
                               ", expected uint8 N×H×W or N×H×W×3");
    if (is[1] < 1 || is[2] < 1 || is[1] * is[2] > kMaxImagePixels)
      throw std::runtime_error("npz: " + spec.path + ":" + img->name + " is " + p.images.str() + ": images of " +
                               std::to_string(is[1]) + "x" + std::to_string(is[2]) + " pixels are outside 1 to " +
                               std::to_string(kMaxImagePixels) + " pixels");
    if (p.labels.dim() == 1) p.labels = p.labels.as_strided({p.labels.size(0), 1}, {1, 1}, p.labels.offset());
    if (p.labels.dim() != 2 || p.labels.size(0) != is[0])
      throw std::runtime_error("npz: " + spec.path + ":" + lab->name + " is " + p.labels.str() + " for " +
                               std::to_string(is[0]) + " images, expected N×1 or N×K");
    parts.push_back(std::move(p));
  }
  if (parts.empty())
    throw std::runtime_error("npz: " + spec.path + " has no {train,val,test}_images.npy (entries: " + join(names) +
                             ")");
  // The splits are copied into one N×H×W[×C] block, so everything but N must agree, channels included.
  for (size_t i = 1; i < parts.size(); ++i) {
    Shape a = parts[0].images.shape(), b = parts[i].images.shape();
    a[0] = b[0] = 0;
    if (a != b || parts[i].labels.size(1) != parts[0].labels.size(1))
      throw std::runtime_error("npz: " + spec.path + ": the splits differ in image size, channels or label columns (" +
                               parts[0].images.str() + " and " + parts[i].images.str() + ")");
  }

  // Label spaces beyond this are not chest X-ray data sets but damage, and would make as many class names.
  constexpr int64_t kMaxClasses = 1000;
  const int64_t columns = parts[0].labels.size(1);
  if (columns > kMaxClasses)
    throw std::runtime_error("npz: " + spec.path + ": " + std::to_string(columns) + " label columns, more than the " +
                             std::to_string(kMaxClasses) + " classes thorax accepts");
  int64_t max_label = 0;
  for (const auto& p : parts) {
    const Tensor labels = p.labels.contiguous();
    const int64_t* v = labels.data<int64_t>();
    for (int64_t i = 0; i < labels.numel(); ++i) max_label = std::max(max_label, v[i]);
  }
  if (columns == 1 && max_label >= kMaxClasses && !spec.has("classes"))
    throw std::runtime_error("npz: " + spec.path + ": class id " + std::to_string(max_label) + " implies more than " +
                             std::to_string(kMaxClasses) + " classes (name them with classes=, or the labels are damaged)");
  d.labels.kind = columns == 1 ? LabelKind::multi_class : LabelKind::multi_label;
  d.labels.names = spec.has("classes") ? spec.get_list("classes") : default_classes(file_name(spec.path), columns,
                                                                                      max_label);
  if (columns > 1 && d.labels.size() != columns)
    throw std::invalid_argument("npz: classes= names " + std::to_string(d.labels.size()) + " classes but " +
                                spec.path + " has " + std::to_string(columns) + " label columns");
  const int k = d.labels.size();

  // One uint8 tensor holding every chosen split's images, in split order.
  Shape shape = parts[0].images.shape();
  int64_t total = 0;
  for (const auto& p : parts) total += p.images.size(0);
  shape[0] = total;
  d.memory_images = Tensor::empty(shape, DType::u8);
  const size_t per_image = static_cast<size_t>(numel(shape) / std::max<int64_t>(total, 1));
  int64_t row = 0;
  for (const auto& p : parts) {
    Tensor images = p.images.contiguous();
    std::memcpy(d.memory_images.data<uint8_t>() + row * per_image, images.data<uint8_t>(), images.numel());
    const Tensor labels = p.labels.contiguous();
    const int64_t* lab = labels.data<int64_t>();
    for (int64_t i = 0; i < p.images.size(0); ++i, ++row) {
      Sample s;
      s.id = p.split + "/" + std::to_string(i);
      s.patient_id = s.id;
      s.official_split = p.split;
      s.memory_index = row;
      s.target.assign(k, 0.0f);
      s.mask.assign(k, 1);
      bool ok = true;
      if (columns == 1) {
        int64_t c = lab[i];
        if (c < 0 || c >= k) {
          d.report.problem(Problem::unknown_label, spec.path + ": " + p.split + "_labels.npy row " + std::to_string(i) +
                                                       ": class " + std::to_string(c) + " is outside 0.." +
                                                       std::to_string(k - 1) + " (" + join(d.labels.names) + ")");
          ok = false;
        } else {
          s.target[c] = 1.0f;
        }
      } else {
        for (int64_t c = 0; c < columns && ok; ++c) {
          int64_t v = lab[i * columns + c];
          if (v != 0 && v != 1) {
            d.report.problem(Problem::bad_value, spec.path + ": " + p.split + "_labels.npy row " + std::to_string(i) +
                                                     " column " + std::to_string(c) + ": " + std::to_string(v) +
                                                     " is not 0 or 1");
            ok = false;
          }
          s.target[c] = static_cast<float>(v);
        }
      }
      if (ok) d.samples.push_back(std::move(s));
    }
  }
  d.report.note("MedMNIST has no patient ids: each image counts as its own patient");
  return d;
}

}  // namespace thorax::data
