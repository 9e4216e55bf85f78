#include "apps/data_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "bench/loader_rate.h"
#include "data/dataset.h"
#include "data/loader.h"
#include "data/phantom.h"
#include "data/png_writer.h"
#include "data/random.h"
#include "data/stats.h"
#include "data/transforms.h"
#include "tensor/npy.h"

namespace thorax::apps {

namespace {

// Progress on long scans, on a terminal only (logs and tests stay clean).
std::function<void(const std::string&, int64_t, int64_t)> terminal_progress() {
  if (!::isatty(2)) return {};
  return [](const std::string& what, int64_t done, int64_t total) {
    if (total > 0)
      std::fprintf(stderr, "\r%s: %lld/%lld%s", what.c_str(), static_cast<long long>(done),
                   static_cast<long long>(total), done == total ? "\n" : "");
    else
      std::fprintf(stderr, "%s...\n", what.c_str());
  };
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct CommonOptions {
  std::string spec;
  bool strict = false, require_images = false;
  int threads = 2;
};

void add_common(CLI::App* cmd, CommonOptions& o) {
  cmd->add_option("--data", o.spec,
                  "Dataset spec: KIND:PATH?key=value&... (nih, chexpert, folder, npz, covid, embedded)")
      ->required();
  cmd->add_flag("--strict", o.strict, "Stop with an error at the first problem (damaged image, bad value, ...)");
  cmd->add_flag("--require-images", o.require_images, "Fail on a row whose image is absent");
  cmd->add_option("--threads", o.threads, "Worker threads (checking images, loading batches)")
      ->check(CLI::Range(1, 256));
}

data::OpenOptions open_options(const CommonOptions& o, data::Verify verify) {
  data::OpenOptions opt;
  opt.policy.strict = o.strict;
  opt.policy.require_images = o.require_images;
  opt.verify = verify;
  opt.threads = o.threads;
  opt.progress = terminal_progress();
  return opt;
}

void add_check(CLI::App* data) {
  auto o = std::make_shared<CommonOptions>();
  auto* cmd = data->add_subcommand("check", "Read a dataset, decode every image, and report what was used and skipped");
  add_common(cmd, *o);
  cmd->callback([o] {
    auto t0 = std::chrono::steady_clock::now();
    data::Dataset d = data::open_dataset(o->spec, open_options(*o, data::Verify::decode));
    std::printf("%s", d.report.summary().c_str());
    std::printf("labels (%s): %s\n", data::label_kind_name(d.labels.kind), data::join(d.labels.names).c_str());
    const int64_t unreadable = d.report.count(data::Problem::unreadable_image);
    std::printf("checked %lld images in %.1f s (%zu readable)\n", static_cast<long long>(d.size() + unreadable),
                seconds_since(t0), d.size());
  });
}

void add_stats(CLI::App* data) {
  auto o = std::make_shared<CommonOptions>();
  auto* cmd = data->add_subcommand("stats", "Class counts, prevalence, loss weights, patients, views, splits");
  add_common(cmd, *o);
  cmd->callback([o] {
    data::Dataset d = data::open_dataset(o->spec, open_options(*o, data::Verify::none));
    std::printf("%s", d.report.summary().c_str());
    const data::DatasetStats st = data::compute_stats(d);
    const bool multi_label = d.labels.kind == data::LabelKind::multi_label;
    std::printf("%lld images, %lld patients%s; labels %s\n", static_cast<long long>(st.images),
                static_cast<long long>(st.patients), d.patients_known ? "" : " (no patient ids: one per image)",
                data::label_kind_name(d.labels.kind));
    std::printf("%-28s %9s %9s %8s %10s %10s\n", "class", "positive", "negative", "masked", "prevalence",
                multi_label ? "pos_weight" : "weight");
    for (const auto& c : st.classes)
      std::printf("%-28s %9lld %9lld %8lld %9.2f%% %10.3f\n", c.name.c_str(), static_cast<long long>(c.positives),
                  static_cast<long long>(c.negatives), static_cast<long long>(c.masked), 100.0 * c.prevalence,
                  c.weight);
    if (multi_label) std::printf("%-28s %9lld\n", "(no positive class)", static_cast<long long>(st.no_positive));
    auto print_counts = [](const char* what, const std::map<std::string, int64_t>& m) {
      if (m.empty()) return;
      std::printf("%s:", what);
      for (const auto& [k, v] : m) std::printf(" %s %lld", k.c_str(), static_cast<long long>(v));
      std::printf("\n");
    };
    print_counts("views", st.views);
    print_counts("sex", st.sexes);
    print_counts("official split", st.splits);
    if (st.with_age > 0)
      std::printf("age: %d to %d, mean %.1f (%lld images with an age)\n", st.min_age, st.max_age, st.mean_age,
                  static_cast<long long>(st.with_age));
  });
}

void add_synth(CLI::App* data) {
  struct Options {
    std::string out, prevalence;
    int64_t n = 1000;
    int res = 256, threads = 2;
    uint64_t seed = 1;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = data->add_subcommand(
      "synth", "Generate phantom chest radiographs with known findings and masks, in the NIH layout");
  cmd->add_option("--out", o->out, "Folder to create (must not exist)")->required();
  cmd->add_option("--n", o->n, "Number of images")->check(CLI::Range(int64_t{1}, int64_t{10'000'000}));
  cmd->add_option("--res", o->res, "Image size in pixels (square)")->check(CLI::Range(64, 4096));
  cmd->add_option("--seed", o->seed, "Seed: the same seed gives the same set");
  cmd->add_option("--prevalence", o->prevalence, "Per-finding prevalence, e.g. Mass=0.1,Pneumothorax=0.05");
  cmd->add_option("--threads", o->threads, "Threads")->check(CLI::Range(1, 256));
  cmd->callback([o] {
    data::PhantomConfig c;
    c.n = o->n;
    c.res = o->res;
    c.seed = o->seed;
    for (const auto& item : data::split_list(o->prevalence)) {
      size_t eq = item.find('=');
      if (eq == std::string::npos)
        throw std::invalid_argument("--prevalence: '" + item + "' is not NAME=VALUE (e.g. Mass=0.1)");
      std::string name = item.substr(0, eq);
      if (c.prevalence.find(name) == c.prevalence.end())
        throw std::invalid_argument("--prevalence: no finding '" + name + "' (known: " +
                                    data::join(data::phantom_findings()) + ")");
      try {
        c.prevalence[name] = std::stod(item.substr(eq + 1));
      } catch (const std::exception&) {
        throw std::invalid_argument("--prevalence: '" + item.substr(eq + 1) + "' is not a number");
      }
    }
    auto t0 = std::chrono::steady_clock::now();
    auto progress = terminal_progress();
    data::write_phantom_set(c, o->out, o->threads, [&](int64_t d, int64_t t) {
      if (progress) progress("generating phantoms", d, t);
    });
    double secs = seconds_since(t0);
    // Read back what was written: the numbers printed are the set's own.
    data::DatasetSpec written;
    written.text = written.kind = "nih";
    written.path = o->out;
    written.options = {
        {"csv", "Data_Entry_2017.csv"}, {"images", "images"}, {"labels", data::join(data::phantom_findings(), ",")}};
    data::Dataset d = data::open_dataset(written);
    const data::DatasetStats st = data::compute_stats(d);
    std::printf("wrote %lld images of %lld patients (%dx%d) to %s in %.1f s (%.0f images/s)\n",
                static_cast<long long>(st.images), static_cast<long long>(st.patients), c.res, c.res, o->out.c_str(),
                secs, st.images / secs);
    for (const auto& cls : st.classes)
      std::printf("  %-14s %6lld  (%.1f%%)\n", cls.name.c_str(), static_cast<long long>(cls.positives),
                  100.0 * cls.prevalence);
    std::printf("  %-14s %6lld\n", "No Finding", static_cast<long long>(st.no_positive));
  });
}

// --pipeline takes JSON text, or @FILE for a file holding it.
data::Pipeline pipeline_from(const std::string& text, int size) {
  if (text.empty()) return data::default_pipeline(size);
  return data::Pipeline::parse(text[0] == '@' ? read_file_bytes(text.substr(1)) : text);
}

std::string labels_of(const data::Dataset& d, size_t i) {
  std::vector<std::string> on;
  for (int c = 0; c < d.labels.size(); ++c)
    if (d.samples[i].mask[c] && d.samples[i].target[c] >= 0.5f) on.push_back(d.labels.names[c]);
  return on.empty() ? "(none)" : data::join(on, "|");
}

void add_preview(CLI::App* data) {
  struct Options {
    CommonOptions common;
    std::string out, augment = "none", pipeline;
    int n = 16, size = 224, cols = 0;
    uint64_t seed = 0;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = data->add_subcommand("preview", "Save a PNG grid of model inputs (preprocessed and augmented samples)");
  add_common(cmd, o->common);
  cmd->add_option("--out", o->out, "PNG file to write")->required();
  cmd->add_option("--n", o->n, "Number of images")->check(CLI::Range(1, 1024));
  cmd->add_option("--size", o->size, "Output size when no pipeline is given")->check(CLI::Range(8, 4096));
  cmd->add_option("--augment", o->augment, "Augmentation: none, train, simclr (shows the two views side by side)");
  cmd->add_option("--pipeline", o->pipeline, "Preprocessing pipeline as JSON, or @FILE");
  cmd->add_option("--cols", o->cols, "Tiles per row (default: about square)");
  cmd->add_option("--seed", o->seed, "Which samples and which augmentations");
  cmd->callback([o] {
    data::Dataset d = data::open_dataset(o->common.spec, open_options(o->common, data::Verify::none));
    if (d.size() == 0) throw std::runtime_error(o->common.spec + " has no usable samples:\n" + d.report.summary());
    // Shown before normalization, so the tiles are the [0,1] images the model's normalize step would see.
    std::vector<data::PipelineStep> steps = pipeline_from(o->pipeline, o->size).steps();
    if (!steps.empty() && steps.back().op == "normalize") steps.pop_back();
    data::LoaderOptions lo;
    lo.pipeline = data::Pipeline(steps);
    const int h = lo.pipeline.output_height() ? lo.pipeline.output_height() : o->size;
    const int w = lo.pipeline.output_width() ? lo.pipeline.output_width() : o->size;
    lo.augment = data::augment_preset(o->augment, h, w);
    lo.seed = o->seed;
    const bool pairs = o->augment.rfind("simclr", 0) == 0;  // "simclr" or "simclr?options"
    std::vector<size_t> order(d.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    data::Rng rng(o->seed, data::stream_id(31, 0));
    rng.shuffle(order);
    order.resize(std::min<size_t>(order.size(), static_cast<size_t>(o->n)));
    data::Loader loader(d, order, lo);
    std::vector<data::Image> tiles;
    for (size_t k = 0; k < order.size(); ++k) {
      for (int view = 0; view < (pairs ? 2 : 1); ++view) tiles.push_back(loader.input(order[k], 0, view));
      std::printf("%3zu  %s  %s\n", k, d.samples[order[k]].id.c_str(), labels_of(d, order[k]).c_str());
    }
    int cols = o->cols > 0 ? o->cols * (pairs ? 2 : 1) : 0;
    if (cols == 0) {
      int per_row = 1;
      while (per_row * per_row < static_cast<int>(order.size())) ++per_row;
      cols = per_row * (pairs ? 2 : 1);
    }
    data::Image grid = data::make_grid(tiles, cols);
    data::write_png(o->out, grid);
    std::printf("wrote %s: %zu images%s, %dx%d pixels, augmentation %s\n", o->out.c_str(), order.size(),
                pairs ? " (two views each, side by side)" : "", grid.width, grid.height, o->augment.c_str());
  });
}

void add_throughput(CLI::App* data) {
  struct Options {
    CommonOptions common;
    std::string augment = "train", pipeline;
    int size = 224, batch = 32, images = 512;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = data->add_subcommand("throughput", "Measure loader images/s (decode + preprocessing + augmentation)");
  add_common(cmd, o->common);
  cmd->add_option("--size", o->size, "Output size")->check(CLI::Range(8, 4096));
  cmd->add_option("--augment", o->augment, "Augmentation: none, train, simclr");
  cmd->add_option("--pipeline", o->pipeline,
                  "Pipeline as JSON or @FILE (default: resize to size+32, CLAHE 2.0 on 8x8 tiles, normalize unit)");
  cmd->add_option("--batch", o->batch, "Batch size")->check(CLI::Range(1, 4096));
  cmd->add_option("--images", o->images, "Images to load (0: all)")->check(CLI::NonNegativeNumber);
  cmd->callback([o] {
    data::Dataset d = data::open_dataset(o->common.spec, open_options(o->common, data::Verify::none));
    bench::LoaderRateOptions lo;
    lo.pipeline = o->pipeline.empty() ? bench::loader_bench_pipeline(o->size) : pipeline_from(o->pipeline, o->size);
    lo.augment = o->augment;
    lo.size = o->size;
    lo.batch = o->batch;
    lo.threads = o->common.threads;
    lo.images = o->images;
    const bench::LoaderRate r = bench::measure_loader(d, lo);
    std::printf("%lld images (%s) in %.2f s on %d threads: %.1f images/s%s\n", static_cast<long long>(r.images),
                o->common.spec.c_str(), r.seconds, o->common.threads, r.images_per_second,
                r.two_views ? " (two views each)" : "");
    std::printf("pipeline %s; augmentation %s\n", lo.pipeline.to_json().dump().c_str(), o->augment.c_str());
  });
}

}  // namespace

void add_data_command(CLI::App& app) {
  auto* data = app.add_subcommand("data", "Datasets: check, stats, preview, synth, throughput");
  data->require_subcommand(1);
  add_check(data);
  add_stats(data);
  add_preview(data);
  add_synth(data);
  add_throughput(data);
}

}  // namespace thorax::apps
