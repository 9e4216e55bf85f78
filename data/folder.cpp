// Folder-per-class: DIR/CLASS/**/image. Classes are the subfolders (sorted) or the classes= list (that order).
// mode=kermany3 reads the Kermany layout (NORMAL/, PNEUMONIA/) as Normal / Bacterial / Viral from the file names.
// Patient ids: Kermany names carry them (person123_bacteria_4.jpeg -> person123, IM-0115-0001.jpeg -> IM-0115,
// NORMAL2-IM-1234-0001.jpeg -> NORMAL2-IM-1234); any other file counts as its own patient (patient=stem).
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <regex>
#include <stdexcept>

#include "data/dataset.h"
#include "data/files.h"

namespace fs = std::filesystem;

namespace thorax::data {

namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// The patient id in a Kermany file name, or "" when the name has none.
std::string kermany_patient(const std::string& stem) {
  static const std::regex person(R"(^(person\d+)_.*)"), normal(R"(^((?:NORMAL2-)?IM-\d+)-\d+.*)");
  std::smatch m;
  if (std::regex_match(stem, m, person) || std::regex_match(stem, m, normal)) return m[1];
  return "";
}

}  // namespace

Dataset read_folder(const DatasetSpec& spec, const OpenOptions& options) {
  Dataset d;
  d.report = LoadReport(spec.text, options.policy);
  d.labels.kind = LabelKind::multi_class;
  const std::string& dir = spec.path;
  if (!is_directory(dir)) throw std::runtime_error("folder: " + dir + " is not a folder");
  std::vector<std::string> folders;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (e.is_directory() && !name.starts_with(".")) folders.push_back(name);
  }
  std::sort(folders.begin(), folders.end());

  const std::string mode = spec.get("mode", "folders");
  if (mode != "folders" && mode != "kermany3")
    throw std::invalid_argument("folder: mode=" + mode + " is not one of folders, kermany3");
  const bool kermany3 = mode == "kermany3";
  if (kermany3) {
    if (spec.has("classes")) throw std::invalid_argument("folder: mode=kermany3 fixes the classes; drop classes=");
    d.labels.names = {"Normal", "Bacterial", "Viral"};
  } else {
    d.labels.names = spec.has("classes") ? spec.get_list("classes") : folders;
    for (const auto& c : d.labels.names)
      if (std::find(folders.begin(), folders.end(), c) == folders.end())
        throw std::invalid_argument("folder: class '" + c + "' has no folder in " + dir + " (folders: " +
                                    join(folders) + ")");
  }
  if (d.labels.names.empty()) throw std::runtime_error("folder: " + dir + " has no class folders (DIR/CLASS/image)");

  const std::string patients = spec.get("patient", "auto");
  if (patients != "auto" && patients != "kermany" && patients != "stem")
    throw std::invalid_argument("folder: patient=" + patients + " is not one of auto, kermany, stem");

  for (const auto& path : list_files(dir)) {
    fs::path rel = fs::relative(path, dir);
    if (std::distance(rel.begin(), rel.end()) < 2) {
      d.report.problem(Problem::unexpected_file,
                       path + ": a file outside the class folders (expected DIR/CLASS/image)");
      continue;
    }
    const std::string folder = rel.begin()->string();
    if (!has_image_extension(path)) {
      d.report.problem(Problem::unexpected_file, path + ": not an image file (expected .png, .jpg, .jpeg or .bmp)");
      continue;
    }
    int cls = -1;
    const std::string stem = file_stem(path);
    if (kermany3) {
      const std::string f = upper(folder);
      if (f == "NORMAL") {
        cls = 0;
      } else if (f == "PNEUMONIA") {
        bool bacteria = stem.find("bacteria") != std::string::npos, virus = stem.find("virus") != std::string::npos;
        if (bacteria == virus) {
          d.report.problem(Problem::unknown_label, path + ": the name says neither 'bacteria' nor 'virus' (or both), "
                                                          "so mode=kermany3 cannot tell Bacterial from Viral");
          continue;
        }
        cls = bacteria ? 1 : 2;
      } else {
        d.report.excluded("folder not NORMAL or PNEUMONIA (mode=kermany3)");
        continue;
      }
    } else {
      cls = d.labels.index(folder);
      if (cls < 0) {
        d.report.excluded("folder " + folder + " not in classes=" + spec.get("classes"));
        continue;
      }
    }
    Sample s;
    s.image = path;
    s.id = rel.string();
    if (patients != "stem") s.patient_id = kermany_patient(stem);
    if (s.patient_id.empty()) {
      if (patients == "kermany") {
        d.report.problem(Problem::bad_value, path + ": no Kermany patient id in the name (patient=kermany)");
        continue;
      }
      s.patient_id = s.id;
    }
    s.target.assign(d.labels.size(), 0.0f);
    s.target[cls] = 1.0f;
    s.mask.assign(d.labels.size(), 1);
    d.samples.push_back(std::move(s));
  }
  return d;
}

}  // namespace thorax::data
