// A union of datasets that share one label space: "SPEC + SPEC + ..." wherever a dataset spec is taken, e.g. the
// sites of a federated run pooled for the centralized comparison (`thorax federate`). Part k's image and patient
// ids get the prefix "k:" so that ids stay unique and no patient is merged across parts.
#include <stdexcept>

#include "data/dataset.h"

namespace thorax::data {

namespace {

std::vector<std::string> union_parts(const std::string& text) {
  std::vector<std::string> parts;
  size_t at = 0;
  for (size_t plus; (plus = text.find(" + ", at)) != std::string::npos; at = plus + 3) parts.push_back(text.substr(at, plus - at));
  parts.push_back(text.substr(at));
  return parts;
}

}  // namespace

bool is_union_spec(const std::string& spec) { return spec.find(" + ") != std::string::npos; }

Dataset open_union(const std::string& spec, const OpenOptions& options) {
  const std::vector<std::string> parts = union_parts(spec);
  Dataset all;
  all.spec = spec;
  int64_t used = 0;
  for (size_t k = 0; k < parts.size(); ++k) {
    Dataset part = open_dataset(parse_spec(parts[k]), options);
    if (part.memory_images.defined())
      throw std::runtime_error(parts[k] + ": a union of datasets takes image files, not in-memory sets (npz)");
    if (k == 0) {
      all.labels = part.labels;
      all.report = LoadReport(spec, part.report.policy());
    } else if (part.labels.names != all.labels.names || part.labels.kind != all.labels.kind) {
      throw std::runtime_error("the datasets of a union must share one label space: " + parts[0] + " has " +
                               all.labels.describe() + ", " + parts[k] + " has " + part.labels.describe());
    }
    all.patients_known = all.patients_known && part.patients_known;
    const std::string prefix = std::to_string(k) + ":";
    for (Sample& s : part.samples) {
      s.id = prefix + s.id;
      s.patient_id = prefix + s.patient_id;
      all.samples.push_back(std::move(s));
    }
    if (part.report.skipped() > 0) all.report.note(parts[k] + ": " + std::to_string(part.report.skipped()) + " rows skipped (" + part.report.source() + ")");
    used += part.report.used();
  }
  all.report.set_used(used);
  return all;
}

}  // namespace thorax::data
