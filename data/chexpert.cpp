// CheXpert: train.csv / valid.csv with 1.0 / 0.0 / -1.0 (uncertain) / blank (not mentioned) per observation.
//
// Policies (spec options): uncertain=ones|zeros|ignore|smooth:V for every class, uncertain.NAME=... for one class
// (default ignore: an uncertain label is masked out of the loss); blank=zeros|ignore (default zeros: not mentioned
// means negative). smooth:V sets the target to the fixed value V in [0,1] (label smoothing of uncertain labels).
// Filters: frontal=1 or lateral=1 (Frontal/Lateral column), views=AP,PA (AP/PA column; lateral rows have none).
#include <algorithm>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "data/csv.h"
#include "data/dataset.h"
#include "data/files.h"
#include "data/reader_util.h"

namespace fs = std::filesystem;

namespace thorax::data {

namespace {

struct Policy {
  enum Kind { ones, zeros, ignore, smooth } kind = ignore;
  float value = 0.0f;  // for smooth
};

Policy parse_policy(const std::string& text, const std::string& key) {
  if (text == "ones") return {Policy::ones, 1.0f};
  if (text == "zeros") return {Policy::zeros, 0.0f};
  if (text == "ignore") return {Policy::ignore, 0.0f};
  if (text.starts_with("smooth:")) {
    char* end = nullptr;
    std::string v = text.substr(7);
    double x = std::strtod(v.c_str(), &end);
    if (!v.empty() && *end == '\0' && x >= 0.0 && x <= 1.0) return {Policy::smooth, static_cast<float>(x)};
  }
  throw std::invalid_argument("chexpert: " + key + "=" + text +
                              " is not a policy (ones, zeros, ignore, or smooth:V with V in [0,1])");
}

// Where image paths are relative to: the CSV's own folder, or its parent when the paths start with that folder's
// name (CheXpert writes "CheXpert-v1.0-small/train/..." beside "CheXpert-v1.0-small/train.csv").
std::string image_root(const std::string& csv, const CsvTable& table, int c_path) {
  fs::path dir = fs::path(csv).parent_path();
  if (dir.empty()) dir = ".";
  if (table.rows.empty() || table.rows[0].fields.size() <= static_cast<size_t>(c_path)) return dir.string();
  fs::path first = fs::path(table.rows[0].fields[c_path]);
  if (!first.empty() && *first.begin() == fs::absolute(dir).filename()) return fs::absolute(dir).parent_path().string();
  return dir.string();
}

std::string patient_of(const std::string& path) {
  for (const auto& part : fs::path(path))
    if (part.string().starts_with("patient")) return part.string();
  return fs::path(path).parent_path().string();  // the study folder: the best grouping left
}

}  // namespace

Dataset read_chexpert(const DatasetSpec& spec, const OpenOptions& options) {
  Dataset d;
  d.report = LoadReport(spec.text, options.policy);
  std::string csv = spec.path;
  if (is_directory(csv)) {
    csv += "/train.csv";
    d.report.note("reading " + csv + " (name valid.csv in the path to read that one)");
  }
  const CsvTable table = read_csv(csv);
  d.labels.kind = LabelKind::multi_label;
  d.labels.names = spec.has("labels") ? spec.get_list("labels") : chexpert_observations();
  std::vector<std::string> needed = {"Path", "Frontal/Lateral", "AP/PA"};
  needed.insert(needed.end(), d.labels.names.begin(), d.labels.names.end());
  table.require(needed);
  const int c_path = table.column("Path"), c_fl = table.column("Frontal/Lateral"), c_appa = table.column("AP/PA");
  const int c_sex = table.column("Sex"), c_age = table.column("Age");
  const int k = d.labels.size();
  std::vector<int> c_label(k);
  for (int c = 0; c < k; ++c) c_label[c] = table.column(d.labels.names[c]);

  std::vector<Policy> uncertain(k, parse_policy(spec.get("uncertain", "ignore"), "uncertain"));
  for (const auto& [name, value] : spec.with_prefix("uncertain")) {
    int c = d.labels.index(name);
    if (c < 0)
      throw std::invalid_argument("chexpert: uncertain." + name + " names no class of this dataset (" +
                                  join(d.labels.names) + ")");
    uncertain[c] = parse_policy(value, "uncertain." + name);
  }
  const std::string blank = spec.get("blank", "zeros");
  if (blank != "zeros" && blank != "ignore")
    throw std::invalid_argument("chexpert: blank=" + blank + " is not one of zeros, ignore");
  const bool frontal_only = spec.get_bool("frontal", false), lateral_only = spec.get_bool("lateral", false);
  if (frontal_only && lateral_only) throw std::invalid_argument("chexpert: frontal=1 and lateral=1 exclude each other");
  const std::vector<std::string> views = spec.get_list("views");

  const std::string root = spec.has("root") ? spec.get("root") : image_root(csv, table, c_path);
  DuplicateCheck duplicates;
  const std::string table_name = file_name(csv);
  for (const auto& row : table.rows) {
    if (!row_is_whole(table, row, d.report)) continue;
    const auto& f = row.fields;
    if (f[c_path].empty()) {
      d.report.problem(Problem::bad_value, where(table, row) + ": empty Path");
      continue;
    }
    if (!duplicates.first(f[c_path], table, row, d.report)) continue;
    const std::string& fl = f[c_fl];
    if (fl != "Frontal" && fl != "Lateral") {
      d.report.problem(Problem::bad_value,
                       where(table, row) + ": Frontal/Lateral is '" + fl + "', expected Frontal or Lateral");
      continue;
    }
    if ((frontal_only && fl != "Frontal") || (lateral_only && fl != "Lateral")) {
      d.report.excluded(frontal_only ? "lateral view (frontal=1)" : "frontal view (lateral=1)");
      continue;
    }
    if (!views.empty() && std::find(views.begin(), views.end(), f[c_appa]) == views.end()) {
      d.report.excluded("AP/PA not in views=" + spec.get("views"));
      continue;
    }
    Sample s;
    s.id = f[c_path];
    s.patient_id = patient_of(f[c_path]);
    s.view = fl == "Lateral" ? "Lateral" : f[c_appa];
    s.target.assign(k, 0.0f);
    s.mask.assign(k, 1);
    bool ok = true;
    for (int c = 0; c < k && ok; ++c) {
      const std::string& v = f[c_label[c]];
      if (v.empty()) {
        if (blank == "ignore") s.mask[c] = 0;
      } else if (v == "1.0" || v == "1") {
        s.target[c] = 1.0f;
      } else if (v == "0.0" || v == "0") {
      } else if (v == "-1.0" || v == "-1") {
        s.target[c] = uncertain[c].value;
        if (uncertain[c].kind == Policy::ignore) s.mask[c] = 0;
      } else {
        d.report.problem(Problem::bad_value, where(table, row) + ": " + d.labels.names[c] + " is '" + v +
                                                 "', expected 1.0, 0.0, -1.0 or blank");
        ok = false;
      }
    }
    if (!ok) continue;
    if (c_age >= 0) {
      s.age = parse_age(f[c_age]);
      if (s.age == -2) {
        d.report.problem(Problem::bad_value, where(table, row) + ": Age '" + f[c_age] + "' is not an age");
        continue;
      }
    }
    if (c_sex >= 0) {
      s.sex = parse_sex(f[c_sex]);
      if (s.sex == "?") {
        d.report.problem(Problem::bad_value,
                         where(table, row) + ": Sex '" + f[c_sex] + "' is not Male, Female or Unknown");
        continue;
      }
    }
    std::string path = (fs::path(root) / f[c_path]).string();
    if (!is_file(path)) {
      d.report.missing_image(f[c_path], table_name);
      continue;
    }
    s.image = path;
    d.samples.push_back(std::move(s));
  }
  return d;
}

}  // namespace thorax::data
