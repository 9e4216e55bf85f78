#include "train/federated.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

#include "models/registry.h"
#include "models/weights.h"
#include "nn/sha256.h"
#include "nn/state_dict.h"
#include "nn/weights_file.h"
#include "train/experiment.h"
#include "train/inference.h"
#include "train/ledger.h"
#include "train/progress.h"
#include "train/run_dir.h"
#include "train/secure_aggregation.h"
#include "train/selection.h"
#include "train/trainer.h"

namespace thorax::train {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string round_file(int round) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "round-%03d.safetensors", round);
  return buf;
}

// A site: its data, split and training images, opened once for the whole federation.
struct Site {
  std::string name, spec, dir;
  Experiment e;
  std::vector<std::string> split;
};

// The float tensors of the model's state, in state_dict order: what FedAvg averages.
std::vector<Tensor> averaged_tensors(const models::Model& model) {
  std::vector<Tensor> out;
  for (const auto& [name, t] : model.state_dict())
    if (t.dtype() == DType::f32) out.push_back(t);
  return out;
}

std::vector<float> flatten(const std::vector<Tensor>& tensors) {
  std::vector<float> v;
  for (const Tensor& t : tensors) {
    const Tensor c = t.contiguous();
    v.insert(v.end(), c.data<float>(), c.data<float>() + c.numel());
  }
  return v;
}

// Pooled predictions of `model` on every site's test split.
double pooled_test_auroc(models::Model& model, const std::vector<Site>& sites, const TrainConfig& c) {
  Predictions all;
  for (const Site& s : sites) {
    Inference inference(s.e.dataset, s.e.test, make_pipeline(c), s.e.dataset.labels, c.batch_size, c.threads, false);
    const Predictions p = inference.run(model, s.e.split, "").predictions;
    if (all.rows() == 0) all.labels = p.labels;
    all.image.insert(all.image.end(), p.image.begin(), p.image.end());
    all.patient_id.insert(all.patient_id.end(), p.patient_id.begin(), p.patient_id.end());
    all.split.insert(all.split.end(), p.split.begin(), p.split.end());
    all.prob.insert(all.prob.end(), p.prob.begin(), p.prob.end());
    all.target.insert(all.target.end(), p.target.begin(), p.target.end());
    all.sex.insert(all.sex.end(), p.sex.begin(), p.sex.end());
    all.age.insert(all.age.end(), p.age.begin(), p.age.end());
    all.view.insert(all.view.end(), p.view.begin(), p.view.end());
  }
  return validation_score(all).macro_auroc;
}

nn::ModelCard card_for(const Site& first, const TrainConfig& c, const std::string& what) {
  nn::ModelCard card;
  card.label_kind = data::label_kind_name(first.e.dataset.labels.kind);
  card.classes = first.e.dataset.labels.names;
  card.preprocessing = make_pipeline(c).to_json();
  card.training_data = {{"method", what}};
  return card;
}

void write_text_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  fs::rename(tmp, path);
}

}  // namespace

FederatedSummary federate(const FederatedConfig& fc, const std::string& out_dir,
                          const std::function<void(const std::string&)>& print) {
  if (fc.sites.size() < 2) throw std::runtime_error("federated training needs at least two --site");
  if (fc.rounds < 1 || fc.local_epochs < 1) throw std::runtime_error("--rounds and --local-epochs must be at least 1");
  RunDir run(out_dir);
  if (run.has("federation.json") || run.has(kLedgerFile))
    throw std::runtime_error(out_dir + " already holds a federated run: choose another --out");
  TrainConfig base = fc.base;
  base.data = fc.sites[0];
  base.check();

  // The sites: each opened and split once (its split.json reused by every round's local run).
  std::vector<Site> sites;
  int64_t total = 0;
  for (size_t k = 0; k < fc.sites.size(); ++k) {
    Site s;
    s.name = "site-" + std::to_string(k + 1);
    s.spec = fc.sites[k];
    s.dir = run.path(s.name);
    TrainConfig c = base;
    c.data = s.spec;
    s.e = prepare_experiment(c, RunDir(s.dir));
    const data::LabelSpace& labels = s.e.dataset.labels;
    if (k > 0 && (labels.names != sites[0].e.dataset.labels.names || labels.kind != sites[0].e.dataset.labels.kind))
      throw std::runtime_error("the sites must share one label space: " + fc.sites[0] + " has " +
                               sites[0].e.dataset.labels.describe() + ", " + s.spec + " has " + labels.describe());
    total += static_cast<int64_t>(s.e.train.size());
    print(s.name + ": " + s.spec + " — train " + std::to_string(s.e.train.size()) + ", val " +
          std::to_string(s.e.val.size()) + ", test " + std::to_string(s.e.test.size()) + " images");
    sites.push_back(std::move(s));
  }
  const int64_t classes = sites[0].e.dataset.labels.size();
  const FixedPoint fp = FixedPoint::for_sites(static_cast<int>(sites.size()));

  // Pair keys, one per pair of sites, which the server never holds.
  std::vector<PairKeys> keys(sites.size());
  for (size_t i = 0; i < sites.size(); ++i)
    for (size_t j = i + 1; j < sites.size(); ++j) keys[i][static_cast<int>(j)] = keys[j][static_cast<int>(i)] = random_key();

  // The global model, round 0.
  Generator gen(base.seed);
  std::unique_ptr<models::Model> global = models::create_model(base.model, {base.channels, classes}, gen);
  const std::vector<Tensor> global_tensors = averaged_tensors(*global);
  const nn::ModelCard card = card_for(sites[0], base, "federated averaging");
  models::save_model(run.path(round_file(0)), *global, card);
  const int64_t values = static_cast<int64_t>(flatten(global_tensors).size());
  print("federation: " + std::to_string(sites.size()) + " sites, " + std::to_string(total) + " training images, " +
        base.model + " (" + std::to_string(values) + " averaged values), " + std::to_string(fc.rounds) + " rounds × " +
        std::to_string(fc.local_epochs) + " local epochs; updates in fixed point (±" + fmt("%g", fp.limit) +
        ", step " + fmt("%.2g", 1 / fp.scale) + ") under pairwise ChaCha20 masks");

  FederatedSummary summary;
  for (int r = 1; r <= fc.rounds; ++r) {
    const auto t0 = Clock::now();
    FederatedRound fr;
    fr.round = r;
    const std::string global_file = run.path(round_file(r - 1));
    const std::vector<float> before = flatten(global_tensors);
    std::vector<uint32_t> server_sum(before.size(), 0);
    LedgerRecord record;
    record.round = r;
    for (size_t k = 0; k < sites.size(); ++k) {
      Site& s = sites[k];
      // Local training: the site's own run, from the global model, on its own split.
      TrainConfig c = base;
      c.data = s.spec;
      c.split_file = (fs::path(s.dir) / "split.json").string();
      c.init = global_file;
      c.init_classifier = true;
      c.epochs = fc.local_epochs;
      c.seed = base.seed + static_cast<uint64_t>(r) * 1000 + k;  // a new shuffle each round
      const std::string local_dir = (fs::path(s.dir) / ("round-" + std::to_string(r))).string();
      TrainRunOptions ro;
      ro.progress = false;
      ro.print = [](const std::string&) {};
      train_run(c, local_dir, ro);
      fr.bytes_down += static_cast<int64_t>(fs::file_size(global_file));

      // The update, weighted by the site's share, quantized and masked: all the site sends.
      std::unique_ptr<models::Model> local = models::load_model(RunDir(local_dir).checkpoint_last()).model;
      const std::vector<float> after = flatten(averaged_tensors(*local));
      const double share = static_cast<double>(s.e.train.size()) / total;
      std::vector<float> update(after.size());
      for (size_t i = 0; i < after.size(); ++i) update[i] = static_cast<float>(share * (after[i] - before[i]));
      int64_t clipped = 0;
      std::vector<uint32_t> masked = quantize(update, fp, &clipped);
      add_pairwise_masks(masked, static_cast<int>(k), keys[k], static_cast<uint64_t>(r));
      fr.clipped += clipped;
      fr.bytes_up += static_cast<int64_t>(masked.size() * sizeof(uint32_t));
      nn::Sha256 h;
      h.update(masked.data(), masked.size() * sizeof(uint32_t));
      record.sites.push_back(s.name);
      record.samples.push_back(static_cast<int64_t>(s.e.train.size()));
      record.update_sha256.push_back(h.hex_digest());
      // The server: a wrapping sum, in which the masks cancel.
      add_into(server_sum, masked);
      // The local run's checkpoints are not needed again (its config, split and metrics stay for inspection).
      fs::remove(RunDir(local_dir).checkpoint_last());
      fs::remove(RunDir(local_dir).checkpoint_best());
    }
    const std::vector<float> step = dequantize(server_sum, fp);
    size_t at = 0;
    for (Tensor t : global_tensors) {
      Tensor c = t.contiguous();
      float* p = c.data<float>();
      for (int64_t i = 0; i < c.numel(); ++i) p[i] = before[at + i] + step[at + i];
      if (!c.same(t)) t.copy_from(c);
      at += static_cast<size_t>(t.numel());
    }
    record.model_file = round_file(r);
    models::save_model(run.path(record.model_file), *global, card);
    record.model_sha256 = sha256_file(run.path(record.model_file));
    append_ledger(out_dir, record);
    fr.macro_auroc = pooled_test_auroc(*global, sites, base);
    fr.seconds = since(t0);
    summary.rounds.push_back(fr);
    print("round " + std::to_string(r) + "/" + std::to_string(fc.rounds) + " · test macro AUROC " +
          fmt("%.4f", fr.macro_auroc) + " · sent " + fmt("%.2f", fr.bytes_up / 1e6) + " MB up, " +
          fmt("%.2f", fr.bytes_down / 1e6) + " MB down" + (fr.clipped ? " · " + std::to_string(fr.clipped) + " values clipped" : "") +
          " · " + format_duration(fr.seconds));
  }

  if (fc.centralized) {
    // The union of the sites with the union of their splits: the same images in the same roles, pooled.
    const auto t0 = Clock::now();
    std::string spec;
    nlohmann::json split = {{"splits", nlohmann::json::object()}};
    for (size_t k = 0; k < sites.size(); ++k) {
      spec += (k ? " + " : "") + sites[k].spec;
      const nlohmann::json own = read_json_file((fs::path(sites[k].dir) / "split.json").string());
      for (const auto& [name, part] : own["splits"].items())
        for (const auto& id : part["images"]) split["splits"][name]["images"].push_back(std::to_string(k) + ":" + id.get<std::string>());
    }
    const std::string dir = run.path("centralized");
    fs::create_directories(dir);
    write_json_file((fs::path(dir) / "union-split.json").string(), split);
    TrainConfig c = base;
    c.data = spec;
    c.split_file = (fs::path(dir) / "union-split.json").string();
    c.epochs = fc.rounds * fc.local_epochs;
    TrainRunOptions ro;
    ro.progress = false;
    ro.print = [](const std::string&) {};
    print("centralized: training on the union of the sites (" + std::to_string(c.epochs) + " epochs)...");
    train_run(c, (fs::path(dir) / "run").string(), ro);
    std::unique_ptr<models::Model> central = models::load_model(RunDir((fs::path(dir) / "run").string()).checkpoint_last()).model;
    summary.centralized_auroc = pooled_test_auroc(*central, sites, base);
    summary.centralized_seconds = since(t0);
    print("centralized: test macro AUROC " + fmt("%.4f", summary.centralized_auroc) + " · " +
          format_duration(summary.centralized_seconds));
  }

  // federation.json and report.md: the rounds beside the centralized run.
  nlohmann::json j = {{"sites", fc.sites}, {"rounds", nlohmann::json::array()}, {"model", base.model},
                      {"local_epochs", fc.local_epochs}, {"config", base.to_json()}};
  std::string md = "# Federated training\n\n" + std::to_string(sites.size()) + " sites, FedAvg weighted by site size, " +
                   std::to_string(fc.local_epochs) + " local epochs per round, secure aggregation (fixed point, pairwise "
                   "masks mod 2^32); ledger: `thorax ledger verify " + out_dir + "`.\n\n" +
                   "| round | test macro AUROC | MB up | MB down | seconds |\n|---|---|---|---|---|\n";
  for (const FederatedRound& fr : summary.rounds) {
    j["rounds"].push_back({{"round", fr.round}, {"test_macro_auroc", fr.macro_auroc}, {"bytes_up", fr.bytes_up},
                           {"bytes_down", fr.bytes_down}, {"clipped", fr.clipped}, {"seconds", fr.seconds}});
    md += "| " + std::to_string(fr.round) + " | " + fmt("%.4f", fr.macro_auroc) + " | " + fmt("%.2f", fr.bytes_up / 1e6) +
          " | " + fmt("%.2f", fr.bytes_down / 1e6) + " | " + fmt("%.1f", fr.seconds) + " |\n";
  }
  if (summary.centralized_auroc >= 0) {
    j["centralized"] = {{"test_macro_auroc", summary.centralized_auroc}, {"seconds", summary.centralized_seconds},
                        {"epochs", fc.rounds * fc.local_epochs}};
    md += "| centralized (union, " + std::to_string(fc.rounds * fc.local_epochs) + " epochs) | " +
          fmt("%.4f", summary.centralized_auroc) + " | | | " + fmt("%.1f", summary.centralized_seconds) + " |\n";
  }
  write_json_file(run.path("federation.json"), j);
  write_text_file(run.path("report.md"), md);
  print("wrote " + run.path("federation.json") + ", " + run.path("report.md") + " and " + run.path(kLedgerFile));
  return summary;
}

}  // namespace thorax::train
