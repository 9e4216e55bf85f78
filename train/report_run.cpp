// The parts of a run's report section that do not come from eval.json: its settings, training curves, the
// reliability diagram computed from the evaluation's predictions, and the Grad-CAM gallery.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <tuple>

#include "tensor/npy.h"
#include "train/report_calibration.h"
#include "train/report_html.h"
#include "train/report_sections.h"
#include "train/svg.h"

namespace thorax::train::report {

namespace {

using json = nlohmann::json;
using html::attribute;
using html::element;
using html::pointer;

// A setting as the config file holds it: numbers exactly as written, flags as yes/no, empty text as a dash.
std::string setting_value(const json& v, const std::string& ptr) {
  if (v.is_number()) return html::raw_number(v, ptr);
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_string()) return v.get<std::string>().empty() ? "—" : html::escape(v.get<std::string>());
  return html::escape(v.dump());
}

std::string setting_row(const std::string& key, const std::string& value_html) {
  return element("tr", attribute("data-setting", key),
                 element("th", " scope=\"row\"", html::escape(key)) + element("td", "", value_html));
}

// The settings that tell runs apart, first; every setting in a closed <details> below.
const char* const kKeySettings[] = {"method",         "model",          "data",       "init",
                                    "freeze_encoder", "label_fraction", "resolution", "epochs",
                                    "batch_size",     "optimizer",      "lr",         "scheduler",
                                    "loss",           "temperature",    "seed"};  // temperature: contrastive runs

// One chart of metrics.jsonl: the keys drawn, each with its legend text.
struct CurveChart {
  const char* id;
  const char* title;
  const char* y_label;
  bool unit_range;  // the y axis spans [0, 1] (scores), else the data's range
  std::vector<std::pair<const char*, const char*>> series;
};

const std::vector<std::pair<const char*, const char*>> kLosses = {
    {"train_loss", "train"}, {"val_loss", "validation"}, {"contrastive_loss", "NT-Xent (part of train)"}};
const std::vector<std::pair<const char*, const char*>> kScores = {{"val_macro_auroc", "validation macro AUROC"},
                                                                  {"contrastive_top1", "SimCLR pair top-1"}};

const CurveChart kCurveCharts[] = {
    {"loss", "Loss per epoch", "loss", false, kLosses},
    {"scores", "Scores per epoch", "score", true, kScores},
    {"lr", "Learning rate (head) at the end of each epoch", "learning rate", false, {{"lr", "learning rate"}}},
};

double number_or_nan(const json& line, const char* key) {
  return line.contains(key) && line[key].is_number() ? line[key].get<double>() : NAN;
}

// A pure SimCLR run's train loss is its NT-Xent loss: drawing both would hide one under the other.
bool same_as_train_loss(const std::vector<json>& lines, const char* key) {
  return std::all_of(lines.begin(), lines.end(),
                     [&](const json& l) { return number_or_nan(l, key) == number_or_nan(l, "train_loss"); });
}

std::string curve_figure(const RunInputs& run, const CurveChart& spec) {
  svg::Chart chart;
  chart.attributes = attribute("data-chart", spec.id);
  chart.title = spec.title;
  chart.x = {"epoch", NAN, NAN, true};
  chart.y = {spec.y_label, spec.unit_range ? 0.0 : NAN, spec.unit_range ? 1.0 : NAN, false};
  chart.width = 340;
  for (const auto& [key, label] : spec.series) {
    svg::Series s{label, {}, {}, {}, true, true};
    for (const json& line : run.metrics) {
      const double x = number_or_nan(line, "epoch"), y = number_or_nan(line, key);
      s.x.push_back(x);
      s.y.push_back(y);
      s.tips.push_back("epoch " + html::fixed(x, 0) + ": " + label + " " + (std::isnan(y) ? "n/a" : html::fixed(y, 4)));
    }
    const bool drawn = std::any_of(s.y.begin(), s.y.end(), [](double v) { return !std::isnan(v); });
    if (drawn && !(std::string(key) == "contrastive_loss" && same_as_train_loss(run.metrics, key)))
      chart.series.push_back(s);
  }
  if (chart.series.empty()) return "";
  return element("figure", " class=\"curve\"" + attribute("data-chart", spec.id),
                 svg::render(chart) + element("figcaption", "", html::escape(spec.title)));
}

// "Epochs 1–3 recorded; the best validation macro AUROC, 0.617, at epoch 1."
std::string curves_sentence(const RunInputs& run) {
  const size_t last = run.metrics.size() - 1;
  std::string s = "Epochs " + html::number(run.metrics.front().value("epoch", json()), "/0/epoch") + "–" +
                  html::number(run.metrics.back().value("epoch", json()), pointer(pointer("", last), "epoch")) +
                  " recorded";
  size_t best = run.metrics.size();
  for (size_t i = 0; i < run.metrics.size(); ++i)
    if (!std::isnan(number_or_nan(run.metrics[i], "val_macro_auroc")) &&
        (best == run.metrics.size() ||
         number_or_nan(run.metrics[i], "val_macro_auroc") > number_or_nan(run.metrics[best], "val_macro_auroc")))
      best = i;
  if (best < run.metrics.size())
    s += "; the best validation macro AUROC, " +
         html::number(run.metrics[best]["val_macro_auroc"], pointer(pointer("", best), "val_macro_auroc")) +
         ", at epoch " + html::number(run.metrics[best]["epoch"], pointer(pointer("", best), "epoch"));
  return element("p", "", s + ".");
}

std::string bin_number(double v, const std::string& what, size_t bin) {
  if (std::isnan(v))
    return element("span", attribute("data-calc", what) + attribute("data-bin", std::to_string(bin)), "—");
  return element("span",
                 attribute("data-calc", what) + attribute("data-bin", std::to_string(bin)) +
                     attribute("data-value", json(v).dump()),
                 what == "count" ? html::fixed(v, 0) : html::fixed(v, 3));
}

std::string reliability_chart(const Calibration& c) {
  svg::Chart chart;
  chart.attributes = " data-chart=\"reliability\"";
  chart.title = "Reliability diagram";
  chart.x = {"mean predicted probability", 0, 1, false};
  chart.y = {"observed frequency", 0, 1, false};
  chart.diagonal = true;
  chart.legend = false;
  chart.width = 300;
  chart.height = 270;
  svg::Series s{"observed", {}, {}, {}, true, true};
  for (const CalibrationBin& b : c.bins) {
    if (b.count == 0) continue;  // an empty bin has no point; the line joins its neighbours
    s.x.push_back(b.mean_predicted);
    s.y.push_back(b.observed);
    s.tips.push_back(html::fixed(b.low, 1) + "–" + html::fixed(b.high, 1) + ": " + std::to_string(b.count) +
                     " predictions, mean predicted " + html::fixed(b.mean_predicted, 3) + ", observed " +
                     html::fixed(b.observed, 3));
  }
  chart.series.push_back(s);
  return svg::render(chart);
}

std::string bins_table(const Calibration& c) {
  std::string rows;
  for (size_t i = 0; i < c.bins.size(); ++i) {
    const CalibrationBin& b = c.bins[i];
    rows += element("tr", attribute("data-bin", std::to_string(i)),
                    element("th", " scope=\"row\"", html::fixed(b.low, 1) + "–" + html::fixed(b.high, 1)) +
                        element("td", "", bin_number(static_cast<double>(b.count), "count", i)) +
                        element("td", "", bin_number(b.mean_predicted, "mean_predicted", i)) +
                        element("td", "", bin_number(b.observed, "observed", i)));
  }
  return html::table(" class=\"metrics\" data-table=\"calibration\"",
                     {"predicted", "predictions", "mean predicted", "observed"}, rows);
}

std::string lesion_text(const json& entry, const std::string& at) {
  if (!entry["lesion"].is_object()) return "no lesion of this class marked";
  const json& l = entry["lesion"];
  const std::string lat = pointer(at, "lesion");
  std::string s = "lesion area " + html::number(l["area_fraction"], pointer(lat, "area_fraction"));
  for (const auto& [key, label] : {std::pair{"gradcam", "Grad-CAM"}, std::pair{"gradcam_pp", "Grad-CAM++"}}) {
    const std::string mat = pointer(lat, key);
    const bool hit = l[key]["hit"].get<bool>();
    s += std::string("<br>") + label + ": " +
         element("span",
                 attribute("data-src", pointer(mat, "hit")) + attribute("data-value", hit ? "true" : "false") +
                     " data-format=\"hit\"" + (hit ? " class=\"hit\"" : " class=\"miss\""),
                 hit ? "hit" : "miss") +
         ", IoU " + html::number(l[key]["iou"], pointer(mat, "iou"));
  }
  return s;
}

std::string overlay_image(const RunInputs& run, const json& entry, const char* key, const char* label,
                          int& unreadable) {
  if (!entry.contains(key)) return "";
  const std::string path = (std::filesystem::path(run.explain_dir) / entry[key].get<std::string>()).string();
  std::string bytes;
  try {
    bytes = read_file_bytes(path);
  } catch (const std::exception&) {
    ++unreadable;
    return element("div", " class=\"no-image\"", html::escape(label) + ": " + html::escape(path) + " is missing");
  }
  return element("div", "",
                 "<img alt=\"" + html::escape(label) + "\" src=\"" + html::data_uri("image/png", bytes) + "\">" +
                     element("div", " class=\"small\"", html::escape(label)));
}

// The entries with overlays in the order the gallery shows them: those with a marked lesion first (their maps can
// be judged), then each class's highest-scoring image, each class's second, and so on, so every class shows early.
std::vector<size_t> gallery_order(const json& images) {
  std::vector<size_t> order;
  for (size_t i = 0; i < images.size(); ++i)
    if (images[i].contains("overlay_gradcam")) order.push_back(i);
  std::map<std::string, std::vector<size_t>> by_class;
  for (size_t i : order) by_class[images[i]["class"].get<std::string>()].push_back(i);
  std::vector<size_t> rank(images.size(), 0);
  for (auto& [name, members] : by_class) {
    std::stable_sort(members.begin(), members.end(), [&](size_t a, size_t b) {
      return images[a]["score"].get<double>() > images[b]["score"].get<double>();
    });
    for (size_t r = 0; r < members.size(); ++r) rank[members[r]] = r;
  }
  auto key = [&](size_t i) { return std::tuple(!images[i]["lesion"].is_object(), rank[i], i); };
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
  return order;
}

std::string explain_summary(const json& explain) {
  std::string rows;
  for (size_t i = 0; i < explain["summary"].size(); ++i) {
    const json& s = explain["summary"][i];
    const std::string at = pointer("/summary", i);
    std::string cells = element("th", " scope=\"row\"", html::escape(s["class"].get<std::string>())) +
                        element("td", "", html::number(s["explained"], pointer(at, "explained"))) +
                        element("td", "", html::number(s["with_lesion"], pointer(at, "with_lesion")));
    if (s["chance"].is_number()) {
      cells += element("td", "", html::number(s["chance"], pointer(at, "chance")));
      for (const char* m : {"gradcam", "gradcam_pp"})
        cells += element("td", "", html::number(s[m]["pointing"], pointer(pointer(at, m), "pointing"))) +
                 element("td", "", html::number(s[m]["iou"], pointer(pointer(at, m), "iou")));
    } else {
      cells += "<td colspan=\"5\" class=\"na text\">no image with a marked lesion of this class</td>";
    }
    rows += element("tr", attribute("data-class", s["class"]), cells);
  }
  return html::table(" class=\"metrics\" data-table=\"explain-summary\"",
                     {"class", "explained", "with lesion", "chance", "pointing Grad-CAM", "IoU Grad-CAM",
                      "pointing Grad-CAM++", "IoU Grad-CAM++"},
                     rows);
}

}  // namespace

std::string missing_note(const RunInputs& run, const std::string& piece) {
  for (const auto& [what, sentence] : run.missing)
    if (what == piece)
      return element("p", " class=\"missing\"" + attribute("data-missing", piece), html::escape(sentence));
  return "";
}

std::string settings_section(const RunInputs& run) {
  std::string out = element("h3", "", "Settings");
  if (!run.config) return out + missing_note(run, "config");
  const json& file = *run.config;
  const json& config = file.value("config", json::object());
  std::string rows = setting_row("command", html::escape(file.value("command", "")));
  const bool contrastive = config.value("method", "") != "supervised";
  for (const char* key : kKeySettings)
    if (config.contains(key) && (contrastive || std::string(key) != "temperature"))
      rows += setting_row(key, setting_value(config[key], pointer("/config", key)));
  if (file.contains("labels")) {
    std::string names;
    for (const json& n : file["labels"]["names"])
      names += (names.empty() ? "" : ", ") + html::escape(n.get<std::string>());
    rows += setting_row("labels", html::escape(file["labels"]["kind"].get<std::string>()) + ": " + names);
  }
  rows += setting_row("created", html::escape(file.value("created_at", "")) + " by thorax " +
                                     html::escape(file.value("thorax_version", "")));
  std::string all;
  for (const auto& [key, value] : config.items())
    all += setting_row(key, setting_value(value, pointer("/config", key)));
  return out + element("div", " class=\"settings\"" + attribute("data-json", run.config_path),
                       element("table", " class=\"settings\" data-table=\"settings\"", element("tbody", "", rows)) +
                           element("details", "",
                                   element("summary", "", "Every setting (config.json)") +
                                       element("table", " class=\"settings\"", element("tbody", "", all))));
}

std::string curves_section(const RunInputs& run) {
  std::string out = element("h3", "", "Training curves");
  if (run.metrics.empty()) return out + missing_note(run, "metrics");
  std::string figures;
  for (const CurveChart& spec : kCurveCharts) figures += curve_figure(run, spec);
  return out + element("div", attribute("data-json", run.metrics_path),
                       curves_sentence(run) + element("div", " class=\"grid\"", figures));
}

std::string calibration_section(const RunInputs& run) {
  std::string out = element("h4", "", "Calibration");
  if (!run.eval_predictions) return out + missing_note(run, "eval_predictions");
  const Calibration c = calibration(*run.eval_predictions, 10);
  const std::string split = evaluated_split(*run.eval);
  if (c.predictions == 0)
    return out + element("p", " class=\"missing\" data-missing=\"calibration\"",
                         "No prediction on the " + html::escape(split) +
                             " images has a known label, so calibration cannot be measured.");
  const std::string ece =
      element("span", " data-calc=\"ece\"" + attribute("data-value", json(c.ece).dump()), html::fixed(c.ece, 3));
  return out +
         element(
             "div", " class=\"calibration\"" + attribute("data-csv", run.eval_predictions_path),
             element("p", "",
                     "Reliability on the " + html::escape(split) +
                         " images: " + element("span", " data-calc=\"predictions\"", std::to_string(c.predictions)) +
                         " " + html::escape(c.unit) + ", in " + std::to_string(c.bins.size()) +
                         " equal-width bins of the predicted probability. Expected calibration error: " + ece + ".") +
                 element("div", " class=\"side-by-side\"", reliability_chart(c) + bins_table(c)));
}

std::string gallery_section(const RunInputs& run, int limit) {
  std::string out = element("h3", "", "Grad-CAM");
  if (!run.explain) return out + missing_note(run, "explain");
  const json& explain = *run.explain;
  const std::vector<size_t> order = gallery_order(explain["images"]);
  const size_t shown = std::min(order.size(), static_cast<size_t>(std::max(limit, 0)));
  int unreadable = 0;
  std::string figures;
  for (size_t n = 0; n < shown; ++n) {
    const size_t i = order[n];
    const json& e = explain["images"][i];
    const std::string at = pointer("/images", i);
    figures +=
        element("figure", " class=\"overlay\"" + attribute("data-class", e["class"]) + attribute("data-src", at),
                element("div", " class=\"pair\"",
                        overlay_image(run, e, "overlay_gradcam", "Grad-CAM", unreadable) +
                            overlay_image(run, e, "overlay_gradcam_pp", "Grad-CAM++", unreadable)) +
                    element("figcaption", "",
                            element("b", "", html::escape(e["class"].get<std::string>())) + " · score " +
                                html::number(e["score"], pointer(at, "score")) + "<br>" +
                                html::escape(std::filesystem::path(e["image"].get<std::string>()).filename().string()) +
                                "<br>" + lesion_text(e, at)));
  }
  std::string intro =
      "Layer " + element("code", "", html::escape(explain.value("layer", ""))) + ". " + std::to_string(shown) + " of " +
      std::to_string(order.size()) + " (image, class) overlays shown" +
      (shown < order.size() ? " (entries with a marked lesion first; --gallery-limit sets how many)" : "") +
      ". A hit: the map's maximum falls in the lesion; IoU: of the thresholded map (by default at half "
      "its maximum) and the lesion; chance: the lesion's share of the image.";
  if (order.size() < explain["images"].size())
    intro += " " + std::to_string(explain["images"].size() - order.size()) +
             " entries have no overlay (explain ran with --no-overlays).";
  if (unreadable > 0) intro += " " + std::to_string(unreadable) + " overlay files could not be read (named below).";
  return out + element("div", " class=\"gallery\"" + attribute("data-json", run.explain_dir + "/explain.json"),
                       element("p", "", intro) + explain_summary(explain) +
                           element("div", " class=\"grid overlays\"", figures));
}

}  // namespace thorax::train::report
