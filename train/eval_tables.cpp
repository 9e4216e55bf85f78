// eval_per_class.csv and eval.md, both rendered from eval.json (evaluation.h) so that every file shows the same
// numbers.
#include <cstdio>
#include <filesystem>
#include <string>

#include "tensor/npy.h"
#include "train/csv_field.h"
#include "train/evaluation.h"

namespace thorax::train {

namespace {

using json = nlohmann::json;

const char* const kMetrics[] = {"auroc", "auprc", "f1", "precision", "recall", "specificity", "accuracy"};
const char* const kMetricTitles[] = {"AUROC", "AUPRC", "F1", "precision", "recall", "specificity", "accuracy"};

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string number(const json& v, int digits) { return v.is_number() ? fixed(v.get<double>(), digits) : ""; }

// Why the metrics of a row are undefined, which resamples their intervals skipped, and which classes an average
// leaves out: "auroc: no positive images".
std::string notes(const json& row) {
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : "; ") + s; };
  for (const char* m : kMetrics) {
    if (!row.contains(m)) continue;
    const json& metric = row[m];
    if (metric.contains("reason"))
      add(std::string(m) + ": " + metric["reason"].get<std::string>());
    else if (metric.value("skipped", 0) > 0)
      add(std::string(m) + ": interval from " + std::to_string(metric["resamples"].get<int>()) + " resamples (" +
          std::to_string(metric["skipped"].get<int>()) + " without a value skipped)");
    if (metric.contains("excluded") && !metric["excluded"].empty()) {
      std::string names;
      for (const json& e : metric["excluded"])
        names +=
            (names.empty() ? "" : ", ") + e["class"].get<std::string>() + " (" + e["reason"].get<std::string>() + ")";
      add(std::string(m) + " leaves out " + names);
    }
  }
  return out;
}

// "0.812 [0.771, 0.850]", "0.812" without an interval, "n/a" when undefined.
std::string with_interval(const json& m) {
  if (!m.is_object() || !m["value"].is_number()) return "n/a";
  std::string s = fixed(m["value"].get<double>(), 3);
  if (m.value("low", json()).is_number() && m.value("high", json()).is_number())
    s += " [" + fixed(m["low"].get<double>(), 3) + ", " + fixed(m["high"].get<double>(), 3) + "]";
  return s;
}

std::string table_row(const std::vector<std::string>& cells) {
  std::string s = "|";
  for (const std::string& c : cells) s += " " + c + " |";
  return s + "\n";
}

std::string table_head(const std::vector<std::string>& titles, size_t left_aligned = 1) {
  std::string rule = "|";
  for (size_t i = 0; i < titles.size(); ++i) rule += i < left_aligned ? "---|" : "--:|";
  return table_row(titles) + rule + "\n";
}

}  // namespace

std::string eval_per_class_csv(const json& eval) {
  std::string text = "class,positives,negatives,masked,threshold";
  for (const char* m : kMetrics) text += std::string(",") + m + "," + m + "_low," + m + "_high";
  text += ",note\n";
  auto metric_cells = [&](const json& row) {
    std::string s;
    for (const char* m : kMetrics) {
      const json metric = row.value(m, json::object());
      s += "," + number(metric.value("value", json()), 6) + "," + number(metric.value("low", json()), 6) + "," +
           number(metric.value("high", json()), 6);
    }
    return s;
  };
  for (const json& row : eval["per_class"])
    text += csv_field(row["class"].get<std::string>()) + "," + std::to_string(row["positives"].get<int64_t>()) + "," +
            std::to_string(row["negatives"].get<int64_t>()) + "," + std::to_string(row["masked"].get<int64_t>()) + "," +
            number(row["threshold"], 6) + metric_cells(row) + "," + csv_field(notes(row)) + "\n";
  for (const char* average : {"macro", "micro"})
    text += std::string(average) + ",,,," + metric_cells(eval[average]) + "," + csv_field(notes(eval[average])) + "\n";
  return text;
}

void write_eval_per_class_csv(const std::string& path, const json& eval) {
  write_file_atomic(path, eval_per_class_csv(eval));
}

std::string eval_markdown(const json& eval) {
  const json& boot = eval["bootstrap"];
  const json& labels = eval["labels"];
  const bool multi_class = labels["kind"] == "multi-class";
  std::string md = "# Evaluation\n\n";
  md += std::to_string(eval["images"].get<int64_t>()) + " test images of " +
        std::to_string(eval["patients"].get<int64_t>()) + " patients; " + labels["kind"].get<std::string>() + ", " +
        std::to_string(labels["names"].size()) + " classes. ";
  const json& th = eval["thresholds"];
  const std::string rule = th["rule"];
  if (rule == "argmax")
    md += "Decisions: the class of highest probability (argmax). ";
  else if (rule == "fixed")
    md += "Thresholds: 0.5 for every class (no validation predictions). ";
  else
    md += "Thresholds: chosen per class on " + std::to_string(eval["validation_images"].get<int64_t>()) +
          " validation images by " + (rule == "youden" ? std::string("Youden's J") : std::string("F1")) + ". ";
  if (boot["resamples"].get<int>() > 0)
    md += "Intervals: " + fixed(100 * boot["level"].get<double>(), 0) + "% percentile bootstrap over " +
          std::to_string(boot["units"].get<int64_t>()) + " " + boot["unit"].get<std::string>() + "s (" +
          std::to_string(boot["resamples"].get<int>()) + " resamples, seed " +
          std::to_string(boot["seed"].get<uint64_t>()) + ").\n\n";
  else
    md += "No bootstrap intervals (0 resamples).\n\n";

  std::vector<std::string> titles = {"class", "positives", "negatives"};
  for (const char* t : kMetricTitles) titles.push_back(t);
  titles.push_back(multi_class ? "decision" : "threshold");
  md += table_head(titles);
  std::string undefined;
  for (const json& row : eval["per_class"]) {
    std::vector<std::string> cells = {row["class"], std::to_string(row["positives"].get<int64_t>()),
                                      std::to_string(row["negatives"].get<int64_t>())};
    for (const char* m : kMetrics) cells.push_back(with_interval(row[m]));
    cells.push_back(multi_class ? "argmax" : fixed(row["threshold"].get<double>(), 3));
    md += table_row(cells);
    if (std::string n = notes(row); !n.empty()) undefined += "- " + row["class"].get<std::string>() + ": " + n + "\n";
  }
  for (const char* average : {"macro", "micro"}) {
    const json& a = eval[average];
    std::vector<std::string> cells = {average, "", ""};
    for (const char* m : kMetrics) cells.push_back(a.contains(m) ? with_interval(a[m]) : "");
    cells.push_back("");
    md += table_row(cells);
    if (std::string n = notes(a); !n.empty()) undefined += "- " + std::string(average) + ": " + n + "\n";
  }
  md += "\n";
  if (multi_class) {
    md += "Accuracy: " + with_interval(eval["multi_class"]["accuracy"]) +
          ". Macro F1: " + with_interval(eval["macro"]["f1"]) + ".\n\n";
  } else {
    md += "Hamming loss: " + with_interval(eval["hamming_loss"]) + ".\n\n";
  }
  if (!undefined.empty()) md += "Notes (n/a: undefined; averages; resamples skipped):\n\n" + undefined + "\n";

  if (multi_class) {
    md += "## Confusion matrix\n\nRows: true class; columns: predicted class (argmax).\n\n";
    std::vector<std::string> head = {"true \\ predicted"};
    for (const json& n : labels["names"]) head.push_back(n);
    md += table_head(head);
    const json& counts = eval["multi_class"]["confusion_matrix"]["counts"];
    for (size_t i = 0; i < counts.size(); ++i) {
      std::vector<std::string> cells = {labels["names"][i]};
      for (const json& c : counts[i]) cells.push_back(std::to_string(c.get<int64_t>()));
      md += table_row(cells);
    }
    md += "\n";
  }

  const json& sub = eval["subgroups"];
  md += "## Subgroups\n\nGroups of fewer than " + std::to_string(sub["min_images"].get<int>()) +
        " images are skipped.\n\n";
  md += table_head({"attribute", "group", "images", "patients", "macro AUROC", "macro F1"}, 2);
  std::string left_out;
  for (const json& a : sub["attributes"]) {
    const std::string name = a["attribute"];
    for (const json& g : a["groups"])
      md += table_row({name, g["group"], std::to_string(g["images"].get<int64_t>()),
                       std::to_string(g["patients"].get<int64_t>()), with_interval(g["macro"]["auroc"]),
                       with_interval(g["macro"]["f1"])});
    for (const json& s : a["skipped"])
      left_out += "- " + name + " " + s["group"].get<std::string>() + ": " +
                  std::to_string(s["images"].get<int64_t>()) + " images (" + s["reason"].get<std::string>() + ")\n";
    if (a["unknown"].get<int64_t>() > 0)
      left_out += "- " + name + " unknown: " + std::to_string(a["unknown"].get<int64_t>()) + " images\n";
  }
  if (!left_out.empty()) md += "\nNot in the table:\n\n" + left_out;
  md += "\n## Rare and common classes\n\n";
  const json& rc = eval["rare_common"];
  if (rc.contains("reason")) {
    md += "Not computed: " + rc["reason"].get<std::string>() + ".\n";
  } else {
    md += "Rare: training prevalence below " + fixed(100 * rc["below"].get<double>(), 1) + "%.\n\n";
    md += table_head({"group", "classes", "macro AUROC"}, 2);
    for (const char* g : {"rare", "common"}) {
      std::string names;
      for (const json& n : rc[g]["classes"]) names += (names.empty() ? "" : ", ") + n.get<std::string>();
      md += table_row({g, names.empty() ? "(none)" : names, with_interval(rc[g]["macro_auroc"])});
    }
  }
  return md;
}

void write_eval_markdown(const std::string& path, const json& eval) { write_file_atomic(path, eval_markdown(eval)); }

std::string eval_headline(const json& eval) {
  return "macro AUROC " + with_interval(eval["macro"]["auroc"]) + " · macro F1 " + with_interval(eval["macro"]["f1"]) +
         " · " + std::to_string(eval["images"].get<int64_t>()) + " images";
}

std::string write_eval_files(const std::string& dir, const Predictions& predictions, const json& eval) {
  std::filesystem::create_directories(dir);
  const std::filesystem::path d(dir);
  write_predictions_csv((d / "predictions.csv").string(), predictions);
  write_eval_json((d / "eval.json").string(), eval);
  write_eval_per_class_csv((d / "eval_per_class.csv").string(), eval);
  write_eval_markdown((d / "eval.md").string(), eval);
  return dir + "/{predictions.csv, eval.json, eval_per_class.csv, eval.md}";
}

}  // namespace thorax::train
