// The evaluation part of a run's report section, rendered from eval.json (schema thorax-eval-1, evaluation.h):
// how it was evaluated, the per-class table with intervals and the averages, the confusion matrix (multi-class),
// a ROC curve per class, subgroups, rare vs common classes. Every number is a pointer into eval.json.
#include <iterator>
#include <string>
#include <vector>

#include "train/report_html.h"
#include "train/report_sections.h"
#include "train/svg.h"

namespace thorax::train::report {

namespace {

using json = nlohmann::json;
using html::attribute;
using html::element;
using html::pointer;

const char* const kMetrics[] = {"auroc", "auprc", "f1", "precision", "recall", "specificity", "accuracy"};
const char* const kMetricTitles[] = {"AUROC", "AUPRC", "F1", "precision", "recall", "specificity", "accuracy"};

std::string field_cell(const json& value, const std::string& ptr, const std::string& field) {
  return element("td", attribute("data-field", field), html::number(value, ptr));
}

std::string setup_sentence(const json& eval) {
  const json& labels = eval["labels"];
  const std::string split = evaluated_split(eval);
  std::string s = html::number(eval["images"], "/images") + " " + (split == "all" ? "" : html::escape(split) + " ") +
                  "images of " + html::number(eval["patients"], "/patients") + " patients; " +
                  html::escape(labels["kind"].get<std::string>()) + ", " + std::to_string(labels["names"].size()) +
                  " classes. ";
  const json& th = eval["thresholds"];
  const std::string rule = th["rule"];
  if (rule == "argmax")
    s += "Decisions: the class of highest probability. ";
  else if (rule == "fixed")
    s += "Thresholds: 0.5 for every class (there were no validation predictions). ";
  else
    s += "Thresholds: chosen per class on " + html::number(eval["validation_images"], "/validation_images") +
         " validation images by " + (rule == "youden" ? "Youden&#39;s J" : "F1") + ". ";
  const json& boot = eval["bootstrap"];
  if (boot["resamples"].get<int>() > 0)
    s += "Intervals: " + html::percent(boot["level"], "/bootstrap/level") + " " +
         html::escape(boot["method"].get<std::string>()) + " bootstrap over " +
         html::number(boot["units"], "/bootstrap/units") + " " + html::escape(boot["unit"].get<std::string>()) + "s (" +
         html::number(boot["resamples"], "/bootstrap/resamples") + " resamples, seed " +
         html::number(boot["seed"], "/bootstrap/seed") + ").";
  else
    s += "No bootstrap intervals (0 resamples).";
  return element("p", "", s);
}

std::string source_sentence(const json& eval) {
  if (!eval.contains("source")) return "";
  const json& src = eval["source"];
  return element("p", " class=\"source\"",
                 "Model " + element("code", "", html::escape(src.value("model_file", ""))) + ", data " +
                     element("code", "", html::escape(src.value("data", ""))) + ", split " +
                     element("code", "", html::escape(src.value("split", ""))) + ".");
}

std::string per_class_table(const json& eval) {
  const bool multi_class = eval["labels"]["kind"] == "multi-class";
  std::vector<std::string> titles = {"class", "positives", "negatives"};
  titles.insert(titles.end(), std::begin(kMetricTitles), std::end(kMetricTitles));
  titles.push_back(multi_class ? "decision" : "threshold");
  std::string rows;
  for (size_t i = 0; i < eval["per_class"].size(); ++i) {
    const json& row = eval["per_class"][i];
    const std::string at = pointer("/per_class", i);
    std::string cells = element("th", " scope=\"row\"", html::escape(row["class"].get<std::string>())) +
                        field_cell(row["positives"], pointer(at, "positives"), "positives") +
                        field_cell(row["negatives"], pointer(at, "negatives"), "negatives");
    for (const char* m : kMetrics) cells += html::metric_cell(row[m], pointer(at, m), m);
    cells += multi_class ? element("td", " data-field=\"threshold\"", "argmax")
                         : field_cell(row["threshold"], pointer(at, "threshold"), "threshold");
    rows += element("tr", attribute("data-class", row["class"]), cells);
  }
  for (const char* average : {"macro", "micro"}) {
    std::string cells = element("th", " scope=\"row\"", average) + "<td></td><td></td>";
    for (const char* m : kMetrics)
      cells += eval[average].contains(m) ? html::metric_cell(eval[average][m], pointer(pointer("", average), m), m)
                                         : "<td></td>";
    rows += element("tr", attribute("data-average", average), cells + "<td></td>");
  }
  return html::table(" class=\"metrics\" data-table=\"per-class\"", titles, rows);
}

// What the averages leave out and which metrics are undefined, as the list below the table.
std::string table_notes(const json& eval) {
  std::string items;
  for (const char* average : {"macro", "micro"})
    for (size_t k = 0; k < std::size(kMetrics); ++k) {
      const char* m = kMetrics[k];
      if (!eval[average].contains(m) || !eval[average][m].contains("excluded")) continue;
      std::string names;
      for (const json& e : eval[average][m]["excluded"])
        names += (names.empty() ? "" : ", ") + html::escape(e["class"].get<std::string>()) + " (" +
                 html::escape(e["reason"].get<std::string>()) + ")";
      if (!names.empty())
        items += element("li", "", std::string(average) + " " + kMetricTitles[k] + " leaves out " + names);
    }
  const bool multi_class = eval["labels"]["kind"] == "multi-class";
  const std::string summary =
      multi_class ? "Accuracy " + html::number(eval["multi_class"]["accuracy"]["value"], "/multi_class/accuracy/value")
                  : "Hamming loss " + html::number(eval["hamming_loss"]["value"], "/hamming_loss/value");
  return element("p", "", summary + ". n/a: undefined on these images (the reason shows on hover).") +
         (items.empty() ? "" : element("ul", " class=\"notes\"", items));
}

std::string confusion_matrix(const json& eval) {
  if (eval["labels"]["kind"] != "multi-class") return "";
  const json& names = eval["labels"]["names"];
  std::vector<std::string> titles = {"true \\ predicted"};
  for (const json& n : names) titles.push_back(n);
  std::string rows;
  const json& counts = eval["multi_class"]["confusion_matrix"]["counts"];
  for (size_t i = 0; i < counts.size(); ++i) {
    std::string cells = element("th", " scope=\"row\"", html::escape(names[i].get<std::string>()));
    for (size_t j = 0; j < counts[i].size(); ++j)
      cells +=
          element("td", "", html::number(counts[i][j], pointer(pointer("/multi_class/confusion_matrix/counts", i), j)));
    rows += element("tr", attribute("data-class", names[i]), cells);
  }
  return element("h4", "", "Confusion matrix") +
         element("p", "", "Rows: true class; columns: the predicted class (argmax).") +
         html::table(" class=\"metrics\" data-table=\"confusion\"", titles, rows);
}

std::string roc_figure(const json& eval, size_t k) {
  const std::string name = eval["per_class"][k]["class"];
  const std::string auroc_at = pointer(pointer("/per_class", k), "auroc");
  const json& auroc = eval["per_class"][k]["auroc"];
  std::string caption = html::escape(name);
  if (auroc["value"].is_number()) {
    caption += " · AUROC " + html::number(auroc["value"], pointer(auroc_at, "value"));
    if (auroc["low"].is_number() && auroc["high"].is_number())
      caption += " [" + html::number(auroc["low"], pointer(auroc_at, "low")) + ", " +
                 html::number(auroc["high"], pointer(auroc_at, "high")) + "]";
  }
  size_t c = 0;
  while (c < eval["curves"].size() && eval["curves"][c]["class"] != name) ++c;
  const std::string attrs = " class=\"roc\" data-chart=\"roc\"" + attribute("data-class", name);
  if (c == eval["curves"].size() || !eval["curves"][c]["roc"].is_object()) {
    const std::string reason = c == eval["curves"].size() ? "eval.json holds no curves (evaluated without them)"
                                                          : eval["curves"][c].value("reason", "undefined");
    return element("figure", attrs,
                   element("p", " class=\"no-curve\"" + attribute("data-reason", reason),
                           "No ROC curve for " + html::escape(name) + ": " + html::escape(reason) + ".") +
                       element("figcaption", "", caption));
  }
  const json& roc = eval["curves"][c]["roc"];
  svg::Chart chart;
  chart.attributes = " data-chart=\"roc\"" + attribute("data-class", name) +
                     attribute("data-src", pointer(pointer("/curves", c), "roc"));
  chart.title = "ROC curve of " + name;
  chart.x = {"false positive rate", 0, 1, false};
  chart.y = {"true positive rate", 0, 1, false};
  chart.diagonal = true;
  chart.legend = false;
  chart.width = 260;
  chart.height = 240;
  chart.series.push_back(
      {"roc", roc["fpr"].get<std::vector<double>>(), roc["tpr"].get<std::vector<double>>(), {}, true, false});
  return element("figure", attrs, svg::render(chart) + element("figcaption", "", caption));
}

std::string roc_grid(const json& eval) {
  std::string figures;
  for (size_t k = 0; k < eval["per_class"].size(); ++k) figures += roc_figure(eval, k);
  return element("h4", "", "ROC curves") +
         element("p", "",
                 "One per class, on the " + html::escape(evaluated_split(eval)) +
                     " images; the dashed diagonal is a classifier that guesses.") +
         element("div", " class=\"grid\"", figures);
}

std::string subgroups(const json& eval) {
  const json& sub = eval["subgroups"];
  std::string rows, left_out;
  for (size_t a = 0; a < sub["attributes"].size(); ++a) {
    const json& attr = sub["attributes"][a];
    const std::string at = pointer("/subgroups/attributes", a), name = attr["attribute"];
    for (size_t g = 0; g < attr["groups"].size(); ++g) {
      const json& group = attr["groups"][g];
      const std::string gat = pointer(pointer(at, "groups"), g);
      rows += element("tr", attribute("data-subgroup", name + ":" + group["group"].get<std::string>()),
                      element("th", " scope=\"row\"", html::escape(name)) +
                          element("td", " class=\"text\"", html::escape(group["group"].get<std::string>())) +
                          field_cell(group["images"], pointer(gat, "images"), "images") +
                          field_cell(group["patients"], pointer(gat, "patients"), "patients") +
                          html::metric_cell(group["macro"]["auroc"], pointer(pointer(gat, "macro"), "auroc"), "auroc") +
                          html::metric_cell(group["macro"]["f1"], pointer(pointer(gat, "macro"), "f1"), "f1"));
    }
    for (size_t s = 0; s < attr["skipped"].size(); ++s) {
      const json& skipped = attr["skipped"][s];
      left_out += element("li", "",
                          html::escape(name + " " + skipped["group"].get<std::string>()) + ": " +
                              html::number(skipped["images"], pointer(pointer(pointer(at, "skipped"), s), "images")) +
                              (skipped["images"] == 1 ? " image (" : " images (") +
                              html::escape(skipped["reason"].get<std::string>()) + ")");
    }
    if (attr["unknown"].get<int64_t>() > 0)
      left_out += element("li", "",
                          html::escape(name) + " unknown: " + html::number(attr["unknown"], pointer(at, "unknown")) +
                              (attr["unknown"] == 1 ? " image" : " images"));
  }
  std::string out = element("h4", "", "Subgroups") +
                    element("p", "",
                            "Sex, view position and age bands; groups of fewer than " +
                                html::number(sub["min_images"], "/subgroups/min_images") + " images are not scored.");
  if (!rows.empty())
    out += html::table(" class=\"metrics\" data-table=\"subgroups\"",
                       {"attribute", "group", "images", "patients", "macro AUROC", "macro F1"}, rows, {1});
  else
    out += element("p", " class=\"missing\" data-missing=\"subgroups\"", "No subgroup is large enough to be scored.");
  if (!left_out.empty()) out += element("p", "", "Not scored:") + element("ul", " class=\"notes\"", left_out);
  return out;
}

std::string rare_common(const json& eval) {
  const json& rc = eval["rare_common"];
  std::string out = element("h4", "", "Rare and common classes");
  if (rc.contains("reason"))
    return out + element("p", " class=\"missing\" data-missing=\"rare_common\"",
                         "Not computed: " + html::escape(rc["reason"].get<std::string>()) + ".");
  std::string rows;
  for (const char* group : {"rare", "common"}) {
    std::string names;
    for (const json& n : rc[group]["classes"])
      names += (names.empty() ? "" : ", ") + html::escape(n.get<std::string>());
    rows += element("tr", attribute("data-group", group),
                    element("th", " scope=\"row\"", group) +
                        element("td", " class=\"text\"", names.empty() ? "(none)" : names) +
                        html::metric_cell(rc[group]["macro_auroc"],
                                          pointer(pointer("/rare_common", group), "macro_auroc"), "auroc"));
  }
  return out +
         element("p", "",
                 "A class is rare when its training prevalence is below " +
                     html::number(rc["below"], "/rare_common/below") + ".") +
         html::table(" class=\"metrics\" data-table=\"rare-common\"", {"group", "classes", "macro AUROC"}, rows, {1});
}

}  // namespace

std::string evaluated_split(const json& eval) {
  return eval.contains("source") ? eval["source"].value("split", std::string("test")) : "test";
}

std::string evaluation_section(const RunInputs& run) {
  if (!run.eval) return element("h3", "", "Evaluation") + missing_note(run, "eval");
  const json& eval = *run.eval;
  return element("h3", "", "Evaluation") + element("div",
                                                   " class=\"evaluation\"" + attribute("data-json", run.eval_path),
                                                   setup_sentence(eval) + source_sentence(eval) +
                                                       element("div", " class=\"wide\"", per_class_table(eval)) +
                                                       table_notes(eval) + confusion_matrix(eval) + roc_grid(eval) +
                                                       calibration_section(run) + subgroups(eval) + rare_common(eval));
}

}  // namespace thorax::train::report
