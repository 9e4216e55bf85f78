// report.html: the rows, curves and numbers of a small synthetic evaluation, escaping of awkward class names,
// the mapping of ROC points to pixels, calibration on a hand-worked case, and a page for runs that lack pieces.
// (tests/report/check_report.py checks a real run's page as headless Chromium renders it.)
#include "train/report.h"

#include <doctest/doctest.h>

#include <regex>

#include "tests/data/data_fixtures.h"
#include "tests/train/eval_fixtures.h"
#include "train/compare.h"
#include "train/evaluation.h"
#include "train/report_calibration.h"
#include "train/report_html.h"
#include "train/run_dir.h"
#include "train/svg.h"

using namespace thorax;
using namespace thorax::train;
using namespace thorax::train::testing;
using thorax::data::testing::TempDir;

namespace {

const std::string kAwkward = "A<b & \"c\" 'd'";
const std::string kAwkwardEscaped = "A&lt;b &amp; &quot;c&quot; &#39;d&#39;";

// 12 test images of 3 classes; Mass has no positive image, so its AUROC and ROC curve are undefined.
Predictions test_predictions() {
  const json names = {"Effusion", kAwkward, "Mass"};
  const json prob = {{0.9, 0.2, 0.1}, {0.8, 0.7, 0.3},  {0.35, 0.6, 0.2}, {0.7, 0.1, 0.05},
                     {0.3, 0.9, 0.4}, {0.2, 0.3, 0.1},  {0.35, 0.4, 0.2}, {0.1, 0.8, 0.3},
                     {0.6, 0.2, 0.6}, {0.05, 0.1, 0.1}, {0.4, 0.5, 0.2},  {0.15, 0.05, 0.7}};
  const json target = {{1, 0, 0}, {1, 1, 0}, {1, 1, 0}, {0, 0, 0}, {0, 1, 0}, {0, 0, 0},
                       {0, 0, 0}, {0, 1, 0}, {1, 0, 0}, {0, 0, 0}, {0, 1, 0}, {0, 0, 0}};
  return predictions_from(names, prob, target, data::LabelKind::multi_label);
}

json synthetic_eval(const Predictions& test) {
  Predictions val;
  val.labels = test.labels;
  EvalOptions o;
  o.bootstrap.resamples = 50;
  json eval = evaluate(val, test, o);
  eval["source"] = {{"run", "synthetic"}, {"model_file", "none"}, {"data", "none"}, {"split", "test"}};
  return eval;
}

RunInputs synthetic_run(const json& eval, const Predictions& test) {
  RunInputs r;
  r.dir = "runs/synthetic";
  r.eval_path = "runs/synthetic/eval-test/eval.json";
  r.eval = eval;
  r.eval_predictions_path = "runs/synthetic/eval-test/predictions.csv";
  r.eval_predictions = test;
  r.metrics_path = "runs/synthetic/metrics.jsonl";
  r.metrics = {{{"epoch", 1}, {"train_loss", 0.9}, {"val_loss", 0.8}, {"val_macro_auroc", 0.6}, {"lr", 1e-3}},
               {{"epoch", 2}, {"train_loss", 0.7}, {"val_loss", 0.75}, {"val_macro_auroc", 0.7}, {"lr", 5e-4}}};
  r.missing = {{"config", "runs/synthetic has no config.json, so its settings are unknown."},
               {"explain", "runs/synthetic has no explain/explain.json."}};
  return r;
}

std::string page_of(const RunInputs& run) {
  ReportInputs in;
  in.title = "report of " + kAwkward;
  in.runs = {run};
  return render_report(in);
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// The text of the element whose data-src is `pointer`, or "(absent)".
std::string shown_at(const std::string& html, const std::string& pointer) {
  std::smatch m;
  const std::regex re("data-src=\"" + pointer + "\"[^>]*>([^<]*)<");
  return std::regex_search(html, m, re) ? m[1].str() : "(absent)";
}

// The <svg> element carrying `attributes`.
std::string svg_with(const std::string& html, const std::string& attributes) {
  const size_t at = html.find(attributes);
  REQUIRE_MESSAGE(at != std::string::npos, "no element with " << attributes);
  const size_t begin = html.rfind("<svg", at), end = html.find("</svg>", at);
  REQUIRE((begin != std::string::npos && end != std::string::npos));
  return html.substr(begin, end - begin);
}

struct Box {
  double x, y, width, height;
};

Box plot_area(const std::string& svg) {
  std::smatch m;
  const std::regex re(R"re(data-plot-area="" x="([-0-9.]+)" y="([-0-9.]+)" width="([-0-9.]+)" height="([-0-9.]+)")re");
  REQUIRE(std::regex_search(svg, m, re));
  return {std::stod(m[1]), std::stod(m[2]), std::stod(m[3]), std::stod(m[4])};
}

std::vector<std::pair<double, double>> polyline_points(const std::string& svg) {
  std::smatch m;
  REQUIRE(std::regex_search(svg, m, std::regex("<polyline points=\"([^\"]+)\"")));
  std::vector<std::pair<double, double>> out;
  const std::string points = m[1];
  const std::regex pair_re("([-0-9.]+),([-0-9.]+)");
  for (auto it = std::sregex_iterator(points.begin(), points.end(), pair_re); it != std::sregex_iterator(); ++it)
    out.emplace_back(std::stod((*it)[1]), std::stod((*it)[2]));
  return out;
}

}  // namespace

TEST_CASE("html helpers: entities, RFC 4648 base64 vectors, numbers that name their source") {
  CHECK(html::escape(kAwkward) == kAwkwardEscaped);
  CHECK(html::escape("plain") == "plain");
  const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [in, out] : vectors) CHECK(html::base64(in) == out);
  CHECK(html::base64(std::string("\xff\x00\x80", 3)) == "/wCA");
  CHECK(html::number(json(0.81249), "/a/b") == "<span data-src=\"/a/b\" data-value=\"0.81249\">0.812</span>");
  CHECK(html::number(json(17), "/n") == "<span data-src=\"/n\" data-value=\"17\">17</span>");
  CHECK(html::number(json(), "/n").find(">n/a<") != std::string::npos);
  CHECK(html::pointer("/per_class", "a/b~c") == "/per_class/a~1b~0c");
}

TEST_CASE("report: every class has its table row and ROC figure, each number as eval.json has it, names escaped") {
  const Predictions test = test_predictions();
  const json eval = synthetic_eval(test);
  const std::string page = page_of(synthetic_run(eval, test));

  CHECK(page.find("A<b") == std::string::npos);  // never unescaped, in text or attributes
  CHECK(page.find("<title>report of " + kAwkwardEscaped + "</title>") != std::string::npos);
  for (size_t k = 0; k < 3; ++k) {
    const std::string name = eval["per_class"][k]["class"];
    CAPTURE(name);
    const std::string attr = "data-class=\"" + html::escape(name) + "\"";
    CHECK(count(page, "<tr " + attr + ">") == 1);
    CHECK(count(page, "<figure class=\"roc\" data-chart=\"roc\" " + attr + ">") == 1);
    const std::string at = "/per_class/" + std::to_string(k);
    CHECK(shown_at(page, at + "/positives") == std::to_string(eval["per_class"][k]["positives"].get<int>()));
    for (const char* metric : {"auroc", "auprc", "f1", "precision", "recall", "specificity", "accuracy"}) {
      const json& m = eval["per_class"][k][metric];
      if (!m["value"].is_number()) {
        CHECK(shown_at(page, at + "/" + metric + "/value") == "n/a");
        continue;
      }
      for (const char* bound : {"value", "low", "high"})
        if (m[bound].is_number())
          CHECK(shown_at(page, at + "/" + metric + "/" + bound) == html::fixed(m[bound].get<double>(), 3));
    }
  }
  CHECK(eval["per_class"][2]["auroc"]["value"].is_null());
  CHECK(page.find("No ROC curve for Mass: no positive images.") != std::string::npos);
  CHECK(count(page, "data-chart=\"roc\" data-class=") ==
        2 * 3 - 1);  // figures of 3 classes, SVGs of the 2 with a curve
  CHECK(shown_at(page, "/macro/auroc/value") == html::fixed(eval["macro"]["auroc"]["value"].get<double>(), 3));
  CHECK(count(page, "<tr data-average=\"macro\">") == 1);
  CHECK(count(page, "<tr data-average=\"micro\">") == 1);
  CHECK(page.find("<p class=\"missing\" data-missing=\"explain\">runs/synthetic has no explain/explain.json.</p>") !=
        std::string::npos);
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("http://") == page.find("http://www.w3.org/2000/svg"));  // the SVG namespace is the only URL
}

TEST_CASE("report: ROC points land at their pixel in the plot area, (0,0) bottom left and (1,1) top right") {
  const Predictions test = test_predictions();
  const json eval = synthetic_eval(test);
  const std::string page = page_of(synthetic_run(eval, test));
  for (size_t k = 0; k < 2; ++k) {
    const std::string name = eval["curves"][k]["class"];
    CAPTURE(name);
    const std::string svg = svg_with(page, "data-chart=\"roc\" data-class=\"" + html::escape(name) + "\" data-src=");
    const Box box = plot_area(svg);
    const auto fpr = eval["curves"][k]["roc"]["fpr"].get<std::vector<double>>();
    const auto tpr = eval["curves"][k]["roc"]["tpr"].get<std::vector<double>>();
    const auto points = polyline_points(svg);
    REQUIRE(points.size() == fpr.size());
    REQUIRE(fpr.size() >= 3);
    for (size_t i = 0; i < fpr.size(); ++i) {
      CHECK(std::abs(points[i].first - (box.x + fpr[i] * box.width)) <= 0.006);
      CHECK(std::abs(points[i].second - (box.y + box.height - tpr[i] * box.height)) <= 0.006);
    }
    CHECK(std::abs(points.front().first - box.x) <= 0.006);  // the curve starts at (0, 0): bottom left
    CHECK(std::abs(points.front().second - (box.y + box.height)) <= 0.006);
    CHECK(std::abs(points.back().first - (box.x + box.width)) <= 0.006);  // and ends at (1, 1): top right
    CHECK(std::abs(points.back().second - box.y) <= 0.006);
  }
}

TEST_CASE("svg charts: a point maps into the plot box; automatic axes cover the data with round ticks") {
  svg::Chart c;
  c.x = {"x", 0, 1, false};
  c.y = {"y", 0, 1, false};
  c.series.push_back({"s", {0.25}, {0.75}, {}, true, true});
  const svg::Frame f = svg::frame(c);
  const Box box = plot_area(svg::render(c));
  CHECK(f.px(0.25) == doctest::Approx(box.x + 0.25 * box.width).epsilon(1e-3));
  CHECK(f.py(0.75) == doctest::Approx(box.y + 0.25 * box.height).epsilon(1e-3));
  CHECK(svg::render(c).find("<circle cx=\"" + html::fixed(box.x + 0.25 * box.width, 2)) != std::string::npos);

  svg::Chart a;
  a.x = {"epoch", NAN, NAN, true};
  a.y = {"loss", NAN, NAN, false};
  a.series.push_back({"train", {1, 2, 3}, {2.31, 1.7, NAN}, {}, true, false});
  const svg::Frame g = svg::frame(a);
  CHECK(g.y0 <= 1.7);
  CHECK(g.y1 >= 2.31);
  CHECK(g.x_ticks == std::vector<double>{1, 2, 3});
  CHECK(count(svg::render(a), "<polyline") == 1);  // the NaN ends the line rather than drawing to zero
}

TEST_CASE("calibration: equal-width bins and the expected calibration error of a hand-worked case") {
  Predictions p = predictions_from({"finding"}, {{0.05}, {0.15}, {0.15}, {0.95}, {1.0}, {0.5}},
                                   {{0}, {1}, {0}, {1}, {1}, {nullptr}}, data::LabelKind::multi_label);
  const Calibration c = calibration(p, 10);
  CHECK(c.predictions == 5);  // the unknown label is left out
  REQUIRE(c.bins.size() == 10);
  CHECK(c.bins[0].count == 1);
  CHECK(c.bins[1].count == 2);
  CHECK(c.bins[1].mean_predicted == doctest::Approx(0.15).epsilon(1e-6));
  CHECK(c.bins[1].observed == doctest::Approx(0.5));
  CHECK(c.bins[9].count == 2);  // 0.95 and 1.0: the last bin includes 1
  CHECK(c.bins[5].count == 0);
  CHECK(std::isnan(c.bins[5].observed));
  // (1·0.05 + 2·0.35 + 2·0.025) / 5
  CHECK(c.ece == doctest::Approx((0.05 + 0.7 + 0.05) / 5).epsilon(1e-6));

  Predictions mc = predictions_from({"a", "b"}, {{0.72, 0.28}, {0.17, 0.83}, {0.45, 0.55}}, {{1, 0}, {1, 0}, {0, 1}},
                                    data::LabelKind::multi_class);
  const Calibration t = calibration(mc, 10);
  CHECK(t.predictions == 3);  // one top class per image: 0.72 right, 0.83 wrong, 0.55 right
  CHECK(t.bins[7].count == 1);
  CHECK(t.bins[7].observed == 1.0);
  CHECK(t.bins[8].observed == 0.0);
  CHECK(t.bins[5].observed == 1.0);
  CHECK(t.ece == doctest::Approx((0.28 + 0.83 + 0.45) / 3).epsilon(1e-6));
}

TEST_CASE("report from run directories: a bare run gets one sentence per missing piece; overlays are inlined") {
  TempDir dir;
  const std::string bare = dir / "bare", full = dir / "full";
  std::filesystem::create_directories(bare);
  ReportOptions o;
  o.runs = {bare};
  const std::string page = render_report(load_report_inputs(o));
  for (const char* piece : {"config", "metrics", "eval", "explain"})
    CHECK(count(page, std::string("data-missing=\"") + piece + "\"") == 1);
  CHECK(page.find("run `thorax eval --run " + bare + "`") != std::string::npos);

  // A run with every piece: config, metrics, an evaluation with its predictions, a Grad-CAM overlay.
  const Predictions test = test_predictions();
  RunDir run(full);
  write_json_file(run.config(),
                  {{"command", "train"}, {"config", {{"method", "supervised"}, {"lr", 0.001}, {"model", "resnet18"}}}});
  write_jsonl_file(run.metrics(), {{{"epoch", 1}, {"train_loss", 0.5}, {"lr", 0.001}}});
  std::filesystem::create_directories(run.path("eval-test"));
  write_eval_json(run.path("eval-test/eval.json"), synthetic_eval(test));
  write_predictions_csv(run.path("eval-test/predictions.csv"), test);
  data::testing::write_test_png(run.path("explain/overlays/x_Effusion_gradcam.png"), 4, 4, 9);
  write_json_file(run.path("explain/explain.json"), {{"layer", "layer4"},
                                                     {"images",
                                                      {{{"image", "x.png"},
                                                        {"class", "Effusion"},
                                                        {"score", 1.25},
                                                        {"overlay_gradcam", "overlays/x_Effusion_gradcam.png"},
                                                        {"lesion",
                                                         {{"area_fraction", 0.1},
                                                          {"gradcam", {{"hit", true}, {"iou", 0.4}}},
                                                          {"gradcam_pp", {{"hit", false}, {"iou", 0.2}}}}}}}},
                                                     {"summary", json::array()},
                                                     {"skipped", json::array()}});
  o.runs = {full, bare};
  const ReportInputs in = load_report_inputs(o);
  CHECK(in.runs[0].missing.empty());
  const std::string both = render_report(in);
  const std::string png = read_file_bytes(run.path("explain/overlays/x_Effusion_gradcam.png"));
  CHECK(both.find("src=\"data:image/png;base64," + html::base64(png) + "\"") != std::string::npos);
  CHECK(shown_at(both, "/images/0/score") == "1.250");
  CHECK(shown_at(both, "/images/0/lesion/gradcam/hit") == "hit");
  CHECK(shown_at(both, "/images/0/lesion/gradcam_pp/hit") == "miss");
  CHECK(shown_at(both, "/config/lr") == "0.001");
  CHECK(count(both, "<table class=\"metrics\" data-table=\"runs\">") == 1);  // two runs: side by side
  CHECK(count(both, "data-calc=\"ece\"") == 1);
  CHECK(count(both, "<tr data-bin=") == 10);

  ReportOptions nowhere;
  nowhere.runs = {dir / "nowhere"};
  CHECK_THROWS_WITH_AS(load_report_inputs(nowhere), ("run directory " + (dir / "nowhere") + " does not exist").c_str(),
                       std::runtime_error);
  write_json_file(run.path("eval-test/eval.json"), {{"schema", "thorax-eval-0"}});
  CHECK_THROWS_WITH(load_report_inputs(o), (run.path("eval-test/eval.json") +
                                            ": schema 'thorax-eval-0' is not thorax-eval-1 — write it with thorax eval")
                                               .c_str());
}

TEST_CASE("report: a paired comparison shows both runs' AUROC, the difference with its interval and the verdict") {
  const Predictions a = test_predictions();
  Predictions b = a;
  for (size_t i = 0; i < b.prob.size(); ++i)
    b.prob[i] = std::isnan(b.target[i]) ? b.prob[i] : 0.5f * b.prob[i] + 0.5f * b.target[i];
  BootstrapOptions boot;
  boot.resamples = 50;
  const json c = compare(a, b, "runs/a", "runs/b", "test", boot);
  ReportInputs in;
  in.title = "comparison";
  in.runs = {synthetic_run(synthetic_eval(a), a)};
  in.comparisons = {{"cmp.json", c}};
  const std::string page = render_report(in);
  CHECK(count(page, "<section class=\"comparison\" id=\"comparison-0\" data-json=\"cmp.json\">") == 1);
  CHECK(shown_at(page, "/macro/difference/value") == html::fixed(c["macro"]["difference"]["value"].get<double>(), 3));
  CHECK(shown_at(page, "/per_class/0/auroc_b/value") ==
        html::fixed(c["per_class"][0]["auroc_b"]["value"].get<double>(), 3));
  CHECK(page.find(html::escape(c["verdict"].get<std::string>())) != std::string::npos);
  CHECK(count(page, "<tr data-class=\"" + kAwkwardEscaped + "\">") == 2);  // the run's table and the comparison's
}
