#include "train/predictions.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <unordered_map>

#include "data/csv.h"
#include "data/spec.h"
#include "tensor/npy.h"
#include "train/csv_field.h"

namespace thorax::train {

namespace {

bool same_labels(const data::LabelSpace& a, const data::LabelSpace& b) {
  return a.kind == b.kind && a.names == b.names;
}

void require_size(size_t got, size_t want, const char* column) {
  if (got != want)
    throw std::invalid_argument(std::string("predictions: column '") + column + "' has " + std::to_string(got) +
                                " values where " + std::to_string(want) + " are needed");
}

bool parse_number(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

}  // namespace

void Predictions::append_row(const Predictions& other, size_t row) {
  if (rows() == 0 && labels.names.empty()) labels = other.labels;
  if (!same_labels(labels, other.labels))
    throw std::invalid_argument("predictions: cannot append a row of [" + other.labels.describe() + "] to [" +
                                labels.describe() + "]");
  if (row >= other.rows())
    throw std::out_of_range("predictions: row " + std::to_string(row) + " of " + std::to_string(other.rows()));
  const size_t c = static_cast<size_t>(classes());
  image.push_back(other.image[row]);
  patient_id.push_back(other.patient_id[row]);
  split.push_back(other.split[row]);
  prob.insert(prob.end(), other.prob.begin() + row * c, other.prob.begin() + (row + 1) * c);
  target.insert(target.end(), other.target.begin() + row * c, other.target.begin() + (row + 1) * c);
  sex.push_back(other.sex[row]);
  age.push_back(other.age[row]);
  view.push_back(other.view[row]);
}

void Predictions::check() const {
  const size_t n = rows(), c = static_cast<size_t>(classes());
  require_size(patient_id.size(), n, "patient_id");
  require_size(split.size(), n, "split");
  require_size(prob.size(), n * c, "p_");
  require_size(target.size(), n * c, "y_");
  require_size(sex.size(), n, "sex");
  require_size(age.size(), n, "age");
  require_size(view.size(), n, "view");
  for (size_t r = 0; r < n; ++r)
    for (size_t k = 0; k < c; ++k) {
      const float pv = prob[r * c + k], yv = target[r * c + k];
      if (!(pv >= 0.0f && pv <= 1.0f))
        throw std::invalid_argument("predictions: column 'p_" + labels.names[k] + "' of image '" + image[r] +
                                    "' holds " + std::to_string(pv) + ", not a probability in [0, 1]");
      if (!std::isnan(yv) && yv != 0.0f && yv != 1.0f)
        throw std::invalid_argument("predictions: column 'y_" + labels.names[k] + "' of image '" + image[r] +
                                    "' holds " + std::to_string(yv) + " (labels are 0, 1 or empty for unknown)");
    }
  if (labels.kind != data::LabelKind::multi_class) return;
  // A multi-class row is one-hot, or wholly unknown (an image without a usable label).
  for (size_t r = 0; r < n; ++r) {
    size_t ones = 0, unknown = 0;
    for (size_t k = 0; k < c; ++k) {
      ones += target[r * c + k] == 1.0f;
      unknown += std::isnan(target[r * c + k]);
    }
    if (!(unknown == c || (unknown == 0 && ones == 1)))
      throw std::invalid_argument("predictions: the y_ columns of image '" + image[r] + "' hold " +
                                  std::to_string(ones) + " ones and " + std::to_string(unknown) +
                                  " empty cells; a multi-class label is one-hot (or all empty when unknown)");
  }
}

Predictions select_split(const Predictions& all, const std::string& split) {
  Predictions out;
  out.labels = all.labels;
  for (size_t r = 0; r < all.rows(); ++r)
    if (split.empty() || all.split[r] == split) out.append_row(all, r);
  return out;
}

void write_predictions_csv(const std::string& path, const Predictions& p) {
  p.check();
  std::string text = "image,patient_id,split";
  for (const std::string& name : p.labels.names) text += "," + csv_field("p_" + name);
  for (const std::string& name : p.labels.names) text += "," + csv_field("y_" + name);
  text += ",sex,age,view\n";
  char buf[32];
  for (size_t r = 0; r < p.rows(); ++r) {
    text += csv_field(p.image[r]) + "," + csv_field(p.patient_id[r]) + "," + csv_field(p.split[r]);
    for (int k = 0; k < p.classes(); ++k) {
      std::snprintf(buf, sizeof buf, ",%.9g", static_cast<double>(p.p(r, k)));
      text += buf;
    }
    for (int k = 0; k < p.classes(); ++k) {
      const float y = p.y(r, k);
      text += std::isnan(y) ? "," : (y == 1.0f ? ",1" : ",0");
    }
    text += "," + csv_field(p.sex[r]) + "," + (p.age[r] < 0 ? "" : std::to_string(p.age[r])) + "," +
            csv_field(p.view[r]) + "\n";
  }
  write_file_atomic(path, text);
}

Predictions read_predictions_csv(const std::string& path, data::LabelKind kind) {
  const data::CsvTable table = data::read_csv(path);
  table.require({"image", "patient_id", "split"});
  Predictions p;
  p.labels.kind = kind;
  std::vector<int> p_col, y_col;
  for (size_t c = 0; c < table.header.size(); ++c) {
    const std::string& h = table.header[c];
    if (h.rfind("p_", 0) == 0 && h.size() > 2) {
      p.labels.names.push_back(h.substr(2));
      p_col.push_back(static_cast<int>(c));
    }
  }
  if (p_col.empty()) throw std::runtime_error(path + " line 1: no probability columns (p_<class>) in the header");
  std::vector<std::string> missing;
  for (const std::string& name : p.labels.names) {
    y_col.push_back(table.column("y_" + name));
    if (y_col.back() < 0) missing.push_back("y_" + name);
  }
  if (!missing.empty())
    throw std::runtime_error(path + " line 1: no label column " + data::join(missing) +
                             " for its probability column (every p_<class> needs its y_<class>)");
  const int image_col = table.column("image"), patient_col = table.column("patient_id"),
            split_col = table.column("split"), sex_col = table.column("sex"), age_col = table.column("age"),
            view_col = table.column("view");
  std::unordered_map<std::string, int64_t> first_line;
  for (const data::CsvRow& row : table.rows) {
    const std::string where = path + " line " + std::to_string(row.line);
    if (row.fields.size() != table.header.size())
      throw std::runtime_error(where + ": " + std::to_string(row.fields.size()) + " fields, the header has " +
                               std::to_string(table.header.size()));
    auto field = [&](int col) -> const std::string& {
      static const std::string none;
      return col < 0 ? none : row.fields[static_cast<size_t>(col)];
    };
    const std::string& image = field(image_col);
    if (image.empty()) throw std::runtime_error(where + ", column image: the image id is empty");
    auto [it, fresh] = first_line.emplace(image, row.line);
    if (!fresh)
      throw std::runtime_error(where + ", column image: image '" + image + "' is already on line " +
                               std::to_string(it->second) + " (one row per image)");
    p.image.push_back(image);
    p.patient_id.push_back(field(patient_col).empty() ? image : field(patient_col));
    p.split.push_back(field(split_col));
    for (size_t k = 0; k < p_col.size(); ++k) {
      double v = 0;
      if (!parse_number(field(p_col[k]), v) || !(v >= 0.0 && v <= 1.0))
        throw std::runtime_error(where + ", column " + table.header[p_col[k]] + ": '" + field(p_col[k]) +
                                 "' is not a probability (a number in [0, 1])");
      p.prob.push_back(static_cast<float>(v));
    }
    for (size_t k = 0; k < y_col.size(); ++k) {
      const std::string& text = field(y_col[k]);
      double v = 0;
      if (text.empty()) {
        p.target.push_back(NAN);
      } else if (parse_number(text, v) && (v == 0.0 || v == 1.0)) {
        p.target.push_back(static_cast<float>(v));
      } else {
        throw std::runtime_error(where + ", column " + table.header[y_col[k]] + ": '" + text +
                                 "' is not a label (0, 1, or empty for unknown)");
      }
    }
    p.sex.push_back(field(sex_col));
    const std::string& age = field(age_col);
    double years = -1;
    if (!age.empty() && (!parse_number(age, years) || years < -1 || years != std::floor(years)))
      throw std::runtime_error(where + ", column age: '" + age + "' is not an age in whole years (or empty)");
    p.age.push_back(static_cast<int>(years));
    p.view.push_back(field(view_col));
  }
  try {
    p.check();
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
  return p;
}

}  // namespace thorax::train
