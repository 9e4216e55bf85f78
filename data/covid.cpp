// The COVID-19 image data collection: metadata.csv (patientid, finding, view, modality, filename or png) in DIR,
// images anywhere below DIR. The class is the last part of `finding` ("Pneumonia/Viral/COVID-19" -> COVID-19);
// rows still marked "todo" or "Unknown" are left out as unlabelled, CT rows as another modality.
#include <algorithm>
#include <set>
#include <stdexcept>

#include "data/csv.h"
#include "data/dataset.h"
#include "data/files.h"
#include "data/reader_util.h"

namespace thorax::data {

namespace {

std::string class_of(const std::string& finding) {
  size_t slash = finding.rfind('/');
  return slash == std::string::npos ? finding : finding.substr(slash + 1);
}

bool unlabelled(const std::string& cls) { return cls == "todo" || cls == "Unknown" || cls.empty(); }

}  // namespace

Dataset read_covid(const DatasetSpec& spec, const OpenOptions& options) {
  Dataset d;
  d.report = LoadReport(spec.text, options.policy);
  d.labels.kind = LabelKind::multi_class;
  const std::string csv = spec.path + "/metadata.csv";
  if (!is_file(csv)) throw std::runtime_error("covid: no metadata.csv in " + spec.path);
  const CsvTable table = read_csv(csv);
  table.require({"patientid", "finding", "view"});
  const int c_image = table.column("png") >= 0 ? table.column("png") : table.column("filename");
  if (c_image < 0) table.require({"filename"});
  const int c_patient = table.column("patientid"), c_finding = table.column("finding");
  const int c_view = table.column("view"), c_modality = table.column("modality");
  const int c_sex = table.column("sex"), c_age = table.column("age");

  if (spec.has("classes")) {
    d.labels.names = spec.get_list("classes");
  } else {
    std::set<std::string> found;
    for (const auto& row : table.rows)
      if (row.fields.size() == table.header.size() && !unlabelled(class_of(row.fields[c_finding])))
        found.insert(class_of(row.fields[c_finding]));
    d.labels.names.assign(found.begin(), found.end());
  }
  const int k = d.labels.size();
  const std::vector<std::string> views = spec.get_list("views");
  const ImageIndex images = index_images(spec.has("images") ? spec.path + "/" + spec.get("images") : spec.path);
  if (images.ambiguous > 0)
    d.report.note(std::to_string(images.ambiguous) + " image names occur in more than one folder (" + images.example +
                  "); the folder holding the most images was used — choose one with images=FOLDER");

  DuplicateCheck duplicates;
  for (const auto& row : table.rows) {
    if (!row_is_whole(table, row, d.report)) continue;
    const auto& f = row.fields;
    const std::string& name = f[c_image];
    if (name.empty()) {
      d.report.problem(Problem::bad_value, where(table, row) + ": no image file name");
      continue;
    }
    if (!duplicates.first(name, table, row, d.report)) continue;
    if (c_modality >= 0 && !f[c_modality].empty() && f[c_modality] != "X-ray") {
      d.report.excluded("modality " + f[c_modality] + " (not X-ray)");
      continue;
    }
    const std::string cls = class_of(f[c_finding]);
    if (unlabelled(cls)) {
      d.report.excluded("finding '" + f[c_finding] + "' (not labelled)");
      continue;
    }
    const int c = d.labels.index(cls);
    if (c < 0) {
      d.report.excluded("finding " + cls + " not in classes=" + spec.get("classes"));
      continue;
    }
    const std::string view_word = split_list(f[c_view], ' ').empty() ? "" : split_list(f[c_view], ' ')[0];
    if (!views.empty() && std::find(views.begin(), views.end(), view_word) == views.end()) {
      d.report.excluded("view not in views=" + spec.get("views"));
      continue;
    }
    Sample s;
    s.id = name;
    s.patient_id = f[c_patient];
    if (s.patient_id.empty()) {
      d.report.problem(Problem::bad_value, where(table, row) + ": empty patientid for " + name);
      continue;
    }
    s.view = f[c_view];
    if (c_sex >= 0) {
      s.sex = parse_sex(f[c_sex]);
      if (s.sex == "?") {
        d.report.problem(Problem::bad_value, where(table, row) + ": sex '" + f[c_sex] + "' is not M or F");
        continue;
      }
    }
    if (c_age >= 0) {
      s.age = parse_age(f[c_age]);
      if (s.age == -2) {
        d.report.problem(Problem::bad_value, where(table, row) + ": age '" + f[c_age] + "' is not an age");
        continue;
      }
    }
    s.target.assign(k, 0.0f);
    s.target[c] = 1.0f;
    s.mask.assign(k, 1);
    s.image = images.find(name);
    if (s.image.empty()) {
      d.report.missing_image(name, "metadata.csv");
      continue;
    }
    d.samples.push_back(std::move(s));
  }
  note_image_folders(d.samples, d.report);
  return d;
}

}  // namespace thorax::data
