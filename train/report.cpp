#include "train/report.h"

#include <filesystem>
#include <stdexcept>
#include <vector>

#include "nn/model_card.h"
#include "tensor/npy.h"
#include "train/report_html.h"
#include "train/report_sections.h"
#include "train/run_dir.h"

namespace thorax::train {

namespace fs = std::filesystem;

namespace {

using json = nlohmann::json;
using html::attribute;
using html::element;
using html::pointer;

// A JSON file the report reads, with the keys it needs; `schema` "" for files without one (explain.json).
json read_checked(const std::string& path, const std::string& schema, const std::vector<const char*>& keys,
                  const std::string& writer) {
  json j = read_json_file(path);
  if (!schema.empty() && j.value("schema", std::string()) != schema)
    throw std::runtime_error(path + ": schema '" + j.value("schema", std::string("(none)")) + "' is not " + schema +
                             " — write it with " + writer);
  for (const char* key : keys)
    if (!j.contains(key)) throw std::runtime_error(path + " has no '" + key + "' — write it with " + writer);
  return j;
}

const std::vector<const char*> kEvalKeys = {
    "labels",       "images",      "patients",  "validation_images", "per_class", "macro",       "micro",
    "hamming_loss", "multi_class", "bootstrap", "thresholds",        "subgroups", "rare_common", "curves"};
const std::vector<const char*> kCompareKeys = {"a",         "b",         "images", "patients",
                                               "bootstrap", "per_class", "macro",  "verdict"};
const std::vector<const char*> kExplainKeys = {"layer", "images", "summary"};

// The rows of the evaluated split (eval.json's source), or every row when it evaluated all images.
Predictions evaluated_rows(const std::string& path, const json& eval) {
  const data::LabelKind kind =
      eval["labels"]["kind"] == "multi-class" ? data::LabelKind::multi_class : data::LabelKind::multi_label;
  const Predictions all = read_predictions_csv(path, kind);
  const std::string split = report::evaluated_split(eval);
  return split == "all" ? all : select_split(all, split);
}

RunInputs load_run(const std::string& dir, const ReportOptions& o) {
  if (!fs::is_directory(dir)) throw std::runtime_error("run directory " + dir + " does not exist");
  const RunDir run(dir, false);
  RunInputs r;
  r.dir = dir;
  r.config_path = run.config();
  if (fs::exists(r.config_path))
    r.config = read_json_file(r.config_path);
  else
    r.missing.emplace_back("config", dir + " has no config.json, so its settings are unknown.");
  r.metrics_path = run.metrics();
  r.metrics = read_jsonl_file(r.metrics_path);
  if (r.metrics.empty())
    r.missing.emplace_back("metrics",
                           dir + " has no metrics.jsonl with epochs in it, so there are no training curves.");
  // A SimCLR pretraining run has an encoder and no classifier: nothing to evaluate or explain.
  const bool pretraining = r.config && r.config->value("config", json::object()).value("method", "") == "simclr";
  const std::string no_classifier = dir +
                                    " is a SimCLR pretraining run, without a classifier to evaluate or explain: see "
                                    "the runs fine-tuned from its encoder.";
  const std::string eval_dir = run.path(o.eval_dir);
  r.eval_path = (fs::path(eval_dir) / "eval.json").string();
  r.eval_predictions_path = (fs::path(eval_dir) / "predictions.csv").string();
  if (fs::exists(r.eval_path)) {
    r.eval = read_checked(r.eval_path, "thorax-eval-1", kEvalKeys, "thorax eval");
    if (fs::exists(r.eval_predictions_path))
      r.eval_predictions = evaluated_rows(r.eval_predictions_path, *r.eval);
    else
      r.missing.emplace_back("eval_predictions",
                             eval_dir + " has no predictions.csv, so there is no calibration diagram.");
  } else {
    r.missing.emplace_back("eval", pretraining ? no_classifier
                                               : dir + " has no " + o.eval_dir + "/eval.json: run `thorax eval --run " +
                                                     dir + "` for its metrics, ROC curves, calibration and subgroups.");
  }
  r.explain_dir = run.path("explain");
  if (fs::exists(r.explain_dir + "/explain.json"))
    r.explain = read_checked(r.explain_dir + "/explain.json", "", kExplainKeys, "thorax explain");
  else
    r.missing.emplace_back("explain", pretraining ? no_classifier
                                                  : dir + " has no explain/explain.json: run `thorax explain --run " +
                                                        dir + " --split test` for a Grad-CAM gallery.");
  return r;
}

// `path` names the directory of one of the report's runs: a link to its section, else the path as text.
std::string run_link(const ReportInputs& in, const std::string& path) {
  for (size_t i = 0; i < in.runs.size(); ++i) {
    std::error_code ec;
    if (in.runs[i].dir == path || fs::equivalent(in.runs[i].dir, path, ec))
      return "<a href=\"#run-" + std::to_string(i) + "\">" + html::escape(path) + "</a>";
  }
  return element("code", "", html::escape(path));
}

std::string runs_table(const ReportInputs& in) {
  std::string rows;
  for (size_t i = 0; i < in.runs.size(); ++i) {
    const RunInputs& r = in.runs[i];
    const json config = r.config ? r.config->value("config", json::object()) : json::object();
    std::string cells =
        element("th", " scope=\"row\"", run_link(in, r.dir)) +
        element("td", " class=\"text\"", html::escape(config.value("method", std::string("?")))) +
        element(
            "td", " class=\"text\"",
            html::escape(config.value("init", std::string()).empty() ? "random" : config["init"].get<std::string>())) +
        element("td", attribute("data-json", r.config_path),
                config.contains("label_fraction") ? html::raw_number(config["label_fraction"], "/config/label_fraction")
                                                  : "?");
    if (r.eval) {
      const json& e = *r.eval;
      cells += element("td", " data-field=\"images\"", html::number(e["images"], "/images")) +
               html::metric_cell(e["macro"]["auroc"], "/macro/auroc", "auroc") +
               html::metric_cell(e["macro"]["auprc"], "/macro/auprc", "auprc") +
               html::metric_cell(e["macro"]["f1"], "/macro/f1", "f1");
    } else {
      cells += "<td colspan=\"4\" class=\"na\">not evaluated</td>";
    }
    rows += element("tr", attribute("data-run", r.dir) + (r.eval ? attribute("data-json", r.eval_path) : ""), cells);
  }
  return element(
      "section", " id=\"runs\"",
      element("h2", "", "Runs side by side") +
          element("p", "",
                  "Macro averages on the images each run was evaluated on, with their bootstrap intervals. "
                  "Overlapping intervals do not show that two runs differ or agree; the paired "
                  "comparisons below do.") +
          html::table(" class=\"metrics\" data-table=\"runs\"",
                      {"run", "method", "init", "labeled fraction", "images", "macro AUROC", "macro AUPRC", "macro F1"},
                      rows, {1, 2}));
}

std::string comparison_section(const ReportInputs& in, const std::string& file, const json& c, size_t index) {
  const json& boot = c["bootstrap"];
  std::string rows;
  auto cells = [&](const json& row, const std::string& at) {
    return html::metric_cell(row["auroc_a"], pointer(at, "auroc_a"), "auroc_a") +
           html::metric_cell(row["auroc_b"], pointer(at, "auroc_b"), "auroc_b") +
           html::metric_cell(row["difference"], pointer(at, "difference"), "difference") +
           element("td", " data-field=\"fraction_at_most_zero\"",
                   html::number(row["fraction_at_most_zero"], pointer(at, "fraction_at_most_zero")));
  };
  for (size_t i = 0; i < c["per_class"].size(); ++i) {
    const json& row = c["per_class"][i];
    rows += element("tr", attribute("data-class", row["class"]),
                    element("th", " scope=\"row\"", html::escape(row["class"].get<std::string>())) +
                        cells(row, pointer("/per_class", i)));
  }
  rows += element(
      "tr", " data-average=\"macro\"",
      element("th", " scope=\"row\"", "macro (" + html::number(c["macro"]["classes"], "/macro/classes") + " classes)") +
          cells(c["macro"], "/macro"));
  const std::string setup =
      "A = " + run_link(in, c["a"].get<std::string>()) + ", B = " + run_link(in, c["b"].get<std::string>()) + ". " +
      html::escape(c.value("split", "")) + " split: " + html::number(c["images"], "/images") + " images of " +
      html::number(c["patients"], "/patients") + " patients; " + html::percent(boot["level"], "/bootstrap/level") +
      " " + html::escape(boot["method"].get<std::string>()) + " bootstrap over " +
      html::number(boot["units"], "/bootstrap/units") + " " + html::escape(boot["unit"].get<std::string>()) + "s, " +
      html::number(boot["resamples"], "/bootstrap/resamples") + " resamples, seed " +
      html::number(boot["seed"], "/bootstrap/seed") + ".";
  return element("section",
                 " class=\"comparison\" id=\"comparison-" + std::to_string(index) + "\"" + attribute("data-json", file),
                 element("h3", "",
                         "B − A: " + html::escape(c["b"].get<std::string>()) + " against " +
                             html::escape(c["a"].get<std::string>())) +
                     element("p", "", setup) +
                     html::table(" class=\"metrics\" data-table=\"compare\"",
                                 {"class", "AUROC A", "AUROC B", "B − A", "share of resamples with B − A ≤ 0"}, rows) +
                     element("p", " class=\"verdict\"", html::escape(c["verdict"].get<std::string>())));
}

std::string run_section(const RunInputs& r, size_t index, int gallery_limit) {
  return element(
      "section", " class=\"run\" id=\"run-" + std::to_string(index) + "\"" + attribute("data-run", r.dir),
      element("h2", "", "Run " + std::to_string(index + 1) + ": " + element("code", "", html::escape(r.dir))) +
          report::settings_section(r) + report::curves_section(r) + report::evaluation_section(r) +
          report::gallery_section(r, gallery_limit));
}

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2329;margin:0;background:#f6f7f9}
header,main{max-width:1180px;margin:0 auto;padding:0 20px}
header{padding-top:18px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:19px;border-bottom:2px solid #d0d5dc;padding-bottom:4px;margin-top:34px}
h3{font-size:16px;margin:22px 0 6px}
h4{font-size:14px;margin:18px 0 6px}
section.run,section#runs,section#comparisons{background:#fff;border:1px solid #e1e4e8;border-radius:6px;padding:4px 18px 18px;margin:18px 0}
nav a{margin-right:14px}
code{font:12px ui-monospace,monospace;background:#eef1f4;padding:1px 4px;border-radius:3px}
table{border-collapse:collapse;margin:6px 0;font-size:12.5px}
th,td{padding:3px 8px;border-bottom:1px solid #e6e8eb;text-align:right;vertical-align:top}
th[scope=row],thead th:first-child,th.text,td.text{text-align:left}
thead th{border-bottom:2px solid #c9ced5;font-weight:600}
tr[data-average] th,tr[data-average] td{background:#f3f6fa}
table.settings th{text-align:left;font-weight:500;color:#555}
table.settings td{text-align:left}
.ci{display:block;color:#6a737d;font-size:11px;white-space:nowrap}
.na{color:#8a939c}
.missing{color:#8a5a00;background:#fff8e5;border-left:3px solid #e3b341;padding:6px 10px}
.grid{display:flex;flex-wrap:wrap;gap:10px}
figure{margin:0;background:#fff}
figure.roc{width:260px}
.no-curve{height:200px;margin:0;display:flex;align-items:center;justify-content:center;text-align:center;color:#8a939c;border:1px dashed #d0d5dc}
figcaption{font-size:12px;text-align:center;color:#333}
.side-by-side{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
.wide{overflow-x:auto}
.chart text{font-size:11px;fill:#333;stroke:none}
.chart .grid{stroke:#eceef1}
.chart .plot-area{fill:none;stroke:#9aa2ab}
.chart .reference{stroke:#9aa2ab;stroke-dasharray:4 3}
.chart polyline,.chart .legend line{fill:none;stroke-width:2}
.chart circle{stroke:none}
.chart .tick{fill:#555}
.overlays figure{width:300px;border:1px solid #e6e8eb;padding:6px}
.pair{display:flex;gap:6px}
.pair img{width:140px;height:140px;image-rendering:pixelated;display:block}
.small{font-size:11px;color:#555;text-align:center}
.hit{color:#1a7f37;font-weight:600}.miss{color:#b42318;font-weight:600}
.verdict{font-weight:600}
ul.notes{color:#555;font-size:12.5px;margin:4px 0}
.source{color:#555;font-size:12.5px}
)";

}  // namespace

ReportInputs load_report_inputs(const ReportOptions& o) {
  if (o.runs.empty()) throw std::invalid_argument("a report needs at least one run directory (--runs DIR...)");
  ReportInputs in;
  in.title = o.title;
  in.gallery_limit = o.gallery_limit;
  for (const std::string& dir : o.runs) in.runs.push_back(load_run(dir, o));
  for (const std::string& file : o.comparisons)
    in.comparisons.emplace_back(file,
                                read_checked(file, "thorax-compare-1", kCompareKeys, "thorax compare --json FILE"));
  return in;
}

std::string render_report(const ReportInputs& in) {
  std::string nav;
  if (in.runs.size() > 1) nav += "<a href=\"#runs\">runs side by side</a>";
  if (!in.comparisons.empty()) nav += "<a href=\"#comparisons\">paired comparisons</a>";
  for (size_t i = 0; i < in.runs.size(); ++i)
    nav += "<a href=\"#run-" + std::to_string(i) + "\">run " + std::to_string(i + 1) + "</a>";
  std::string body = element(
      "header", "",
      element("h1", "", html::escape(in.title)) +
          element("p", "",
                  "Made by thorax " + html::escape(nn::thorax_version()) + " from " + std::to_string(in.runs.size()) +
                      " run director" + (in.runs.size() == 1 ? "y" : "ies") +
                      (in.comparisons.empty() ? ""
                                              : " and " + std::to_string(in.comparisons.size()) + " paired comparison" +
                                                    (in.comparisons.size() == 1 ? "" : "s")) +
                      ". Intervals are percentile bootstrap intervals, their level stated with each evaluation; "
                      "n/a marks a metric that is undefined on those images.") +
          element("nav", "", nav));
  std::string main;
  if (in.runs.size() > 1) main += runs_table(in);
  if (!in.comparisons.empty()) {
    std::string sections;
    for (size_t i = 0; i < in.comparisons.size(); ++i)
      sections += comparison_section(in, in.comparisons[i].first, in.comparisons[i].second, i);
    main += element("section", " id=\"comparisons\"",
                    element("h2", "", "Paired comparisons") +
                        element("p", "",
                                "AUROC of two runs on the same images; each bootstrap resample draws the same "
                                "patients for both, so the interval of B − A accounts for what they share.") +
                        sections);
  }
  for (size_t i = 0; i < in.runs.size(); ++i) main += run_section(in.runs[i], i, in.gallery_limit);
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src "
         "'unsafe-inline'\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
         html::escape(in.title) + "</title><style>" + kStyle + "</style></head>\n<body>" + body +
         element("main", "", main) + "</body></html>\n";
}

size_t write_report(const std::string& path, const ReportInputs& inputs) {
  const std::string page = render_report(inputs);
  write_file_atomic(path, page);
  return page.size();
}

}  // namespace thorax::train
