// NIH ChestX-ray14: Data_Entry_2017*.csv[.gz] (or sample_labels.csv) in DIR, images anywhere below DIR.
#include <algorithm>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "data/csv.h"
#include "data/dataset.h"
#include "data/files.h"
#include "data/reader_util.h"

namespace thorax::data {

namespace {

std::string find_label_table(const DatasetSpec& spec, LoadReport& report) {
  const std::string& dir = spec.path;
  if (spec.has("csv")) {
    std::string name = spec.get("csv");
    std::string path = name.find('/') == std::string::npos ? dir + "/" + name : name;
    if (!is_file(path)) throw std::runtime_error("nih: label table " + path + " (csv=" + name + ") does not exist");
    return path;
  }
  if (!is_directory(dir)) throw std::runtime_error("nih: " + dir + " is not a folder");
  std::vector<std::string> entries;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    bool csv = name.ends_with(".csv") || name.ends_with(".csv.gz");
    if (csv && name.starts_with("Data_Entry_2017") && entry.is_regular_file()) entries.push_back(entry.path().string());
  }
  std::sort(entries.begin(), entries.end());
  if (entries.size() > 1)
    report.note("several label tables in " + dir + "; using " + file_name(entries.back()) + " (choose with csv=FILE)");
  if (!entries.empty()) return entries.back();  // Data_Entry_2017_v2020 sorts after Data_Entry_2017
  if (is_file(dir + "/sample_labels.csv")) return dir + "/sample_labels.csv";
  throw std::runtime_error("nih: no label table in " + dir +
                           " (looked for Data_Entry_2017*.csv, Data_Entry_2017*.csv.gz and sample_labels.csv; "
                           "name another with csv=FILE)");
}

std::set<std::string> read_list(const std::string& path) {
  std::set<std::string> names;
  for (const auto& line : split_list(read_text_file(path), '\n')) {
    std::string name = line;
    if (!name.empty() && name.back() == '\r') name.pop_back();
    if (!name.empty()) names.insert(name);
  }
  return names;
}

}  // namespace

Dataset read_nih(const DatasetSpec& spec, const OpenOptions& options) {
  Dataset d;
  d.report = LoadReport(spec.text, options.policy);
  const std::string table_path = find_label_table(spec, d.report);
  const CsvTable table = read_csv(table_path);
  table.require({"Image Index", "Finding Labels", "Patient ID"});
  const int c_image = table.column("Image Index"), c_labels = table.column("Finding Labels");
  const int c_patient = table.column("Patient ID"), c_age = table.column("Patient Age");
  const int c_sex = table.column("Patient Gender"), c_view = table.column("View Position");

  // The label space: the 14 findings, or the subset and order named by labels=, plus "No Finding" on request.
  d.labels.kind = LabelKind::multi_label;
  d.labels.names = spec.has("labels") ? spec.get_list("labels") : nih_findings();
  for (const auto& n : d.labels.names)
    if (std::find(nih_findings().begin(), nih_findings().end(), n) == nih_findings().end())
      throw std::invalid_argument("nih: labels=" + spec.get("labels") + " names '" + n +
                                  "', which is not a ChestX-ray14 finding (" + join(nih_findings()) + ")");
  const bool no_finding_class = spec.get_bool("no_finding", false);
  if (no_finding_class) d.labels.names.push_back("No Finding");
  const int k = d.labels.size();

  // The official patient-wise split, when its lists are here.
  std::set<std::string> train_val, test;
  const std::string split = spec.get("split", "official");
  if (split != "official" && split != "none")
    throw std::invalid_argument("nih: split=" + split + " is not one of official, none");
  const bool lists = is_file(spec.path + "/train_val_list.txt") && is_file(spec.path + "/test_list.txt");
  if (split == "official" && lists) {
    train_val = read_list(spec.path + "/train_val_list.txt");
    test = read_list(spec.path + "/test_list.txt");
  } else if (split == "official" && spec.has("split")) {
    throw std::runtime_error("nih: split=official needs train_val_list.txt and test_list.txt in " + spec.path);
  }

  const std::vector<std::string> views = spec.get_list("views");
  const std::string lungs_dir = spec.has("lungs") ? spec.path + "/" + spec.get("lungs") : "";
  if (!lungs_dir.empty() && !is_directory(lungs_dir))
    throw std::runtime_error("nih: lungs=" + spec.get("lungs") + " names no folder in " + spec.path);
  const std::string images_dir = spec.has("images") ? spec.path + "/" + spec.get("images") : spec.path;
  if (options.progress) options.progress("indexing images", 0, 0);
  const ImageIndex images = index_images(images_dir);
  if (images.ambiguous > 0)
    d.report.note(std::to_string(images.ambiguous) + " image names occur in more than one folder (" + images.example +
                  "); the folder holding the most images was used — choose one with images=FOLDER");

  DuplicateCheck duplicates;
  int64_t dropped_labels = 0;
  const std::string table_name = file_name(table_path);
  for (const auto& row : table.rows) {
    if (!row_is_whole(table, row, d.report)) continue;
    const auto& f = row.fields;
    const std::string& name = f[c_image];
    if (name.empty()) {
      d.report.problem(Problem::bad_value, where(table, row) + ": empty Image Index");
      continue;
    }
    if (!duplicates.first(name, table, row, d.report)) continue;

    Sample s;
    s.id = name;
    s.target.assign(k, 0.0f);
    s.mask.assign(k, 1);
    bool ok = true, no_finding = false, finding = false;
    for (const auto& label : split_list(f[c_labels], '|')) {
      if (label == "No Finding") {
        no_finding = true;
        continue;
      }
      if (std::find(nih_findings().begin(), nih_findings().end(), label) == nih_findings().end()) {
        d.report.problem(Problem::unknown_label, where(table, row) + ": unknown label '" + label + "' for " + name +
                                                     " (known: " + join(nih_findings()) + ", No Finding)");
        ok = false;
        break;
      }
      finding = true;
      int c = d.labels.index(label);
      if (c >= 0)
        s.target[c] = 1.0f;
      else
        ++dropped_labels;
    }
    if (!ok) continue;
    if (no_finding && finding) {
      d.report.problem(Problem::bad_value, where(table, row) + ": 'No Finding' together with findings ('" +
                                               f[c_labels] + "') for " + name);
      continue;
    }
    if (!no_finding && !finding) {
      d.report.problem(Problem::bad_value, where(table, row) + ": empty Finding Labels for " + name +
                                               " (write 'No Finding' for none)");
      continue;
    }
    if (no_finding_class) s.target[k - 1] = no_finding ? 1.0f : 0.0f;
    s.patient_id = f[c_patient];
    if (s.patient_id.empty()) {
      d.report.problem(Problem::bad_value, where(table, row) + ": empty Patient ID for " + name);
      continue;
    }
    if (c_age >= 0) {
      s.age = parse_age(f[c_age]);
      if (s.age == -2) {
        d.report.problem(Problem::bad_value, where(table, row) + ": Patient Age '" + f[c_age] + "' is not an age");
        continue;
      }
    }
    if (c_sex >= 0) {
      s.sex = parse_sex(f[c_sex]);
      if (s.sex == "?") {
        d.report.problem(Problem::bad_value, where(table, row) + ": Patient Gender '" + f[c_sex] + "' is not M or F");
        continue;
      }
    }
    if (c_view >= 0) s.view = f[c_view];
    if (!views.empty() && std::find(views.begin(), views.end(), s.view) == views.end()) {
      d.report.excluded("view not in views=" + spec.get("views"));
      continue;
    }
    if (!train_val.empty()) {
      if (test.count(name))
        s.official_split = "test";
      else if (train_val.count(name))
        s.official_split = "train_val";
    }
    s.image = images.find(name);
    if (s.image.empty()) {
      d.report.missing_image(name, table_name);
      continue;
    }
    if (!lungs_dir.empty()) {
      s.lung_mask = lungs_dir + "/" + name;
      if (!is_file(s.lung_mask)) {
        d.report.problem(Problem::unreadable_image,
                         where(table, row) + ": no lung mask " + s.lung_mask + " for " + name);
        continue;
      }
    }
    d.samples.push_back(std::move(s));
  }
  note_image_folders(d.samples, d.report);
  if (dropped_labels > 0)
    d.report.note(std::to_string(dropped_labels) + " positive findings outside labels=" + spec.get("labels") +
                  " were not kept");
  if (!train_val.empty()) {
    int64_t unlisted = std::count_if(d.samples.begin(), d.samples.end(),
                                     [](const Sample& s) { return s.official_split.empty(); });
    if (unlisted > 0)
      d.report.note(std::to_string(unlisted) + " used images are in neither train_val_list.txt nor test_list.txt");
  }
  return d;
}

}  // namespace thorax::data
