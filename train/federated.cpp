#include "train/federated.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "models/registry.h"
#include "models/weights.h"
#include "nn/sha256.h"
#include "nn/state_dict.h"
#include "tensor/npy.h"
#include "train/comm/communicator.h"
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


std::string round_file(int round) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "round-%03d.safetensors", round);
  return buf;
}

// A site: its data, split and training images, opened once for the whole federation.
struct Site {
  std::string name, spec, dir;
  Experiment e;
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

// Where the sites run: all in this process, or one per MPI rank (rank k = site k). Whatever crosses between
// sites goes through gather() and sum(): the identity in one process, an MPI allgather / allreduce otherwise.
class SiteGroup {
 public:
  SiteGroup(size_t sites, bool mpi) : sites_(sites) {
    if (!mpi) {
      for (size_t k = 0; k < sites; ++k) mine_.push_back(k);
      return;
    }
    comm_ = &mpi_world();
    if (comm_->size() != static_cast<int>(sites))
      throw std::runtime_error("--mpi runs one site per MPI rank: start it with mpirun -np " + std::to_string(sites) +
                               " (this job has " + std::to_string(comm_->size()) + " ranks)");
    mine_ = {static_cast<size_t>(comm_->rank())};
  }
  const std::vector<size_t>& mine() const { return mine_; }
  bool writer() const { return !comm_ || comm_->rank() == 0; }
  bool distributed() const { return comm_ != nullptr; }

  // Every site's fixed-size record, in site order, from this process's records of its own sites (in site order).
  std::vector<uint8_t> gather(const std::vector<uint8_t>& mine) const {
    if (!comm_) return mine;
    std::vector<uint8_t> all(mine.size() * sites_);
    comm_->allgather(mine, all);
    return all;
  }
  std::vector<int64_t> gather_ints(const std::vector<int64_t>& mine) const {
    const auto* p = reinterpret_cast<const uint8_t*>(mine.data());
    const std::vector<uint8_t> all = gather(std::vector<uint8_t>(p, p + mine.size() * sizeof(int64_t)));
    std::vector<int64_t> out(all.size() / sizeof(int64_t));
    std::memcpy(out.data(), all.data(), all.size());
    return out;
  }
  // Floats of any count per process, concatenated in site order.
  std::vector<float> gather_floats(const std::vector<float>& mine) const {
    if (!comm_) return mine;
    const std::vector<int64_t> counts = gather_ints({static_cast<int64_t>(mine.size())});
    const int64_t most = *std::max_element(counts.begin(), counts.end());
    std::vector<float> padded(mine);
    padded.resize(static_cast<size_t>(most));
    const auto* p = reinterpret_cast<const uint8_t*>(padded.data());
    const std::vector<uint8_t> all = gather(std::vector<uint8_t>(p, p + padded.size() * sizeof(float)));
    std::vector<float> out;
    for (size_t k = 0; k < sites_; ++k) {
      const float* part = reinterpret_cast<const float*>(all.data()) + k * static_cast<size_t>(most);
      out.insert(out.end(), part, part + counts[k]);
    }
    return out;
  }
  // The server's sum of this process's (already summed) masked updates with every other process's.
  void sum(std::vector<uint32_t>& values) const {
    if (comm_) comm_->allreduce_sum(std::span<uint32_t>(values));
  }
  // This process's sites' keys with every other site. Across ranks, the lower rank of each pair draws the key and
  // sends it to the higher one alone.
  std::vector<PairKeys> pair_keys() const {
    std::vector<PairKeys> keys(sites_);
    if (!comm_) {
      for (size_t i = 0; i < sites_; ++i)
        for (size_t j = i + 1; j < sites_; ++j) keys[i][static_cast<int>(j)] = keys[j][static_cast<int>(i)] = random_key();
      return keys;
    }
    const int me = comm_->rank();
    for (int j = me + 1; j < static_cast<int>(sites_); ++j) {
      keys[me][j] = random_key();
      comm_->send(keys[me][j], j);
    }
    for (int i = 0; i < me; ++i) comm_->recv(keys[me][i], i);
    return keys;
  }

 private:
  size_t sites_;
  Communicator* comm_ = nullptr;
  std::vector<size_t> mine_;
};

// The global model's macro AUROC on every site's test split, pooled: each site predicts its own images and shares
// only probabilities and labels.
double pooled_test_auroc(models::Model& model, const std::vector<Site>& sites, const SiteGroup& group,
                         const TrainConfig& c) {
  std::vector<float> prob, target;
  data::LabelSpace labels;
  for (size_t k : group.mine()) {
    const Site& s = sites[k];
    labels = s.e.dataset.labels;
    Inference inference(s.e.dataset, s.e.test, make_pipeline(c), s.e.dataset.labels, c.batch_size, c.threads, false);
    const Predictions p = inference.run(model, s.e.split, "").predictions;
    prob.insert(prob.end(), p.prob.begin(), p.prob.end());
    target.insert(target.end(), p.target.begin(), p.target.end());
  }
  Predictions all;
  all.labels = labels;
  all.prob = group.gather_floats(prob);
  all.target = group.gather_floats(target);
  all.image.resize(all.prob.size() / std::max(1, labels.size()));
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

// The centralized comparison: one run on the union of the sites ("SPEC + SPEC ...") with the union of their splits —
// the same images in the same roles, pooled — for `epochs` epochs, scored like the global model.
double centralized_auroc(const std::vector<Site>& sites, const SiteGroup& group, const TrainConfig& base, int epochs,
                         const RunDir& run) {
  std::string spec;
  nlohmann::json split = {{"splits", nlohmann::json::object()}};
  for (size_t k = 0; k < sites.size(); ++k) {
    spec += (k ? " + " : "") + sites[k].spec;
    const nlohmann::json own = read_json_file((fs::path(sites[k].dir) / "split.json").string());
    for (const auto& [name, part] : own["splits"].items())
      for (const auto& id : part["images"])
        split["splits"][name]["images"].push_back(std::to_string(k) + ":" + id.get<std::string>());  // union ids
  }
  const std::string dir = run.path("centralized");
  fs::create_directories(dir);
  write_json_file((fs::path(dir) / "union-split.json").string(), split);
  TrainConfig c = base;
  c.data = spec;
  c.split_file = (fs::path(dir) / "union-split.json").string();
  c.epochs = epochs;
  TrainRunOptions ro;
  ro.progress = false;
  ro.print = [](const std::string&) {};
  const std::string out = (fs::path(dir) / "run").string();
  train_run(c, out, ro);
  std::unique_ptr<models::Model> central = models::load_model(RunDir(out).checkpoint_last()).model;
  return pooled_test_auroc(*central, sites, group, base);
}

// federation.json and report.md: the rounds beside the centralized run.
void write_reports(const FederatedConfig& fc, const TrainConfig& base, const FederatedSummary& summary,
                   const RunDir& run, const std::string& out_dir) {
  nlohmann::json j = {{"sites", fc.sites}, {"rounds", nlohmann::json::array()}, {"model", base.model},
                      {"local_epochs", fc.local_epochs}, {"sites_as_mpi_ranks", fc.mpi}, {"config", base.to_json()}};
  std::string md = "# Federated training\n\n" + std::to_string(fc.sites.size()) + " sites, FedAvg weighted by site size, " +
                   std::to_string(fc.local_epochs) + " local epochs per round, secure aggregation (fixed point, pairwise "
                   "masks mod 2^32); ledger: `thorax ledger verify " + out_dir + "`.\n\n" +
                   "| round | test macro AUROC | MB up | MB down | seconds |\n|---|---|---|---|---|\n";
  for (const FederatedRound& fr : summary.rounds) {
    j["rounds"].push_back({{"round", fr.round}, {"test_macro_auroc", fr.macro_auroc}, {"bytes_up", fr.bytes_up},
                           {"bytes_down", fr.bytes_down}, {"clipped", fr.clipped}, {"seconds", fr.seconds}});
    md += "| " + std::to_string(fr.round) + " | " + format_number("%.4f", fr.macro_auroc) + " | " + format_number("%.2f", fr.bytes_up / 1e6) +
          " | " + format_number("%.2f", fr.bytes_down / 1e6) + " | " + format_number("%.1f", fr.seconds) + " |\n";
  }
  if (summary.centralized_auroc >= 0) {
    j["centralized"] = {{"test_macro_auroc", summary.centralized_auroc}, {"seconds", summary.centralized_seconds},
                        {"epochs", fc.rounds * fc.local_epochs}};
    md += "| centralized (union, " + std::to_string(fc.rounds * fc.local_epochs) + " epochs) | " +
          format_number("%.4f", summary.centralized_auroc) + " | | | " + format_number("%.1f", summary.centralized_seconds) + " |\n";
  }
  write_json_file(run.path("federation.json"), j);
  write_file_atomic(run.path("report.md"), md);
}

}  // namespace

FederatedSummary federate(const FederatedConfig& fc, const std::string& out_dir,
                          const std::function<void(const std::string&)>& print_any) {
  if (fc.sites.size() < 2) throw std::runtime_error("federated training needs at least two --site");
  if (fc.rounds < 1 || fc.local_epochs < 1) throw std::runtime_error("--rounds and --local-epochs must be at least 1");
  const SiteGroup group(fc.sites.size(), fc.mpi);
  const bool writer = group.writer();
  const auto print = [&](const std::string& line) {
    if (writer) print_any(line);
  };
  RunDir run(out_dir);
  if (writer && (run.has("federation.json") || run.has(kLedgerFile)))
    throw std::runtime_error(out_dir + " already holds a federated run: choose another --out");
  TrainConfig base = fc.base;
  base.data = fc.sites[0];
  base.check();

  // This process's sites, each opened and split once (its split.json reused by every round's local run).
  std::vector<Site> sites(fc.sites.size());
  std::vector<int64_t> counts;  // train, val, test images of each of my sites
  std::string my_labels;
  for (size_t k : group.mine()) {
    Site& s = sites[k];
    s.name = "site-" + std::to_string(k + 1);
    s.spec = fc.sites[k];
    s.dir = run.path(s.name);
    TrainConfig c = base;
    c.data = s.spec;
    s.e = prepare_experiment(c, RunDir(s.dir));
    if (my_labels.empty()) my_labels = s.e.dataset.labels.describe();
    if (s.e.dataset.labels.describe() != my_labels)
      throw std::runtime_error("the sites must share one label space: " + fc.sites[group.mine()[0]] + " has " + my_labels +
                               ", " + s.spec + " has " + s.e.dataset.labels.describe());
    counts.insert(counts.end(), {static_cast<int64_t>(s.e.train.size()), static_cast<int64_t>(s.e.val.size()),
                                 static_cast<int64_t>(s.e.test.size())});
  }
  // Every site's label space (as a hash) and sizes: the label spaces must agree, the sizes weigh the updates.
  const std::string label_hash = nn::sha256_hex(my_labels);
  const std::vector<uint8_t> hashes = group.gather(std::vector<uint8_t>(label_hash.begin(), label_hash.end()));
  for (size_t k = 0; group.distributed() && k < fc.sites.size(); ++k)
    if (std::string(hashes.begin() + k * 64, hashes.begin() + (k + 1) * 64) != label_hash)
      throw std::runtime_error("the sites must share one label space: site " + std::to_string(k + 1) + " (" +
                               fc.sites[k] + ") has another than " + fc.sites[group.mine()[0]] + " (" + my_labels + ")");
  const std::vector<int64_t> sizes = group.gather_ints(counts);
  int64_t total = 0;
  for (size_t k = 0; k < fc.sites.size(); ++k) {
    total += sizes[3 * k];
    print("site-" + std::to_string(k + 1) + ": " + fc.sites[k] + " — train " + std::to_string(sizes[3 * k]) + ", val " +
          std::to_string(sizes[3 * k + 1]) + ", test " + std::to_string(sizes[3 * k + 2]) + " images");
  }
  const Site& first = sites[group.mine()[0]];
  const int64_t classes = first.e.dataset.labels.size();
  const FixedPoint fp = FixedPoint::for_sites(static_cast<int>(fc.sites.size()));
  const std::vector<PairKeys> keys = group.pair_keys();

  // The global model, round 0 — the same on every rank (one seed). Each process keeps its own copy of the current
  // global model to start its sites' local runs from (ranks need not share a file system).
  Generator gen(base.seed);
  std::unique_ptr<models::Model> global = models::create_model(base.model, {base.channels, classes}, gen);
  const std::vector<Tensor> global_tensors = averaged_tensors(*global);
  const nn::ModelCard card = card_for(first, base, "federated averaging");
  const std::string my_global = (fs::path(first.dir) / "global.safetensors").string();
  if (writer) models::save_model(run.path(round_file(0)), *global, card);
  const int64_t values = static_cast<int64_t>(flatten(global_tensors).size());
  print("federation: " + std::to_string(fc.sites.size()) + " sites" +
        (group.distributed() ? " (one per MPI rank)" : " (in this process)") + ", " + std::to_string(total) +
        " training images, " + base.model + " (" + std::to_string(values) + " averaged values), " +
        std::to_string(fc.rounds) + " rounds × " + std::to_string(fc.local_epochs) +
        " local epochs; updates in fixed point (±" + format_number("%g", fp.limit) + ", step " + format_number("%.2g", 1 / fp.scale) +
        ") under pairwise ChaCha20 masks");

  FederatedSummary summary;
  for (int r = 1; r <= fc.rounds; ++r) {
    const auto t0 = Clock::now();
    FederatedRound fr;
    fr.round = r;
    models::save_model(my_global, *global, card);
    const std::vector<float> before = flatten(global_tensors);
    std::vector<uint32_t> my_sum(before.size(), 0);
    std::vector<uint8_t> my_hashes;
    std::vector<int64_t> my_stats;  // per site: clipped values, bytes up, bytes down
    for (size_t k : group.mine()) {
      Site& s = sites[k];
      // Local training: the site's own run, from the global model, on its own split.
      TrainConfig c = base;
      c.data = s.spec;
      c.split_file = (fs::path(s.dir) / "split.json").string();
      c.init = my_global;
      c.init_classifier = true;
      c.epochs = fc.local_epochs;
      c.seed = base.seed + static_cast<uint64_t>(r) * 1000 + k;  // a new shuffle each round
      const std::string local_dir = (fs::path(s.dir) / ("round-" + std::to_string(r))).string();
      TrainRunOptions ro;
      ro.progress = false;
      ro.print = [](const std::string&) {};
      train_run(c, local_dir, ro);

      // The update, weighted by the site's share, quantized and masked: all the site sends.
      std::unique_ptr<models::Model> local = models::load_model(RunDir(local_dir).checkpoint_last()).model;
      const std::vector<float> after = flatten(averaged_tensors(*local));
      const double share = static_cast<double>(s.e.train.size()) / total;
      std::vector<float> update(after.size());
      for (size_t i = 0; i < after.size(); ++i) update[i] = static_cast<float>(share * (after[i] - before[i]));
      int64_t clipped = 0;
      std::vector<uint32_t> masked = quantize(update, fp, &clipped);
      add_pairwise_masks(masked, static_cast<int>(k), keys[k], static_cast<uint64_t>(r));
      nn::Sha256 h;
      h.update(masked.data(), masked.size() * sizeof(uint32_t));
      const std::string hex = h.hex_digest();
      my_hashes.insert(my_hashes.end(), hex.begin(), hex.end());
      my_stats.insert(my_stats.end(), {clipped, static_cast<int64_t>(masked.size() * sizeof(uint32_t)),
                                       static_cast<int64_t>(fs::file_size(my_global))});
      add_into(my_sum, masked);
      // The local run's checkpoints are not needed again (its config, split and metrics stay for inspection).
      fs::remove(RunDir(local_dir).checkpoint_last());
      fs::remove(RunDir(local_dir).checkpoint_best());
    }
    // The server: a wrapping sum of every site's masked update, in which the masks cancel.
    group.sum(my_sum);
    const std::vector<float> step = dequantize(my_sum, fp);
    size_t at = 0;
    for (Tensor t : global_tensors) {
      Tensor c = t.contiguous();
      float* p = c.data<float>();
      for (int64_t i = 0; i < c.numel(); ++i) p[i] = before[at + i] + step[at + i];
      if (!c.same(t)) t.copy_from(c);
      at += static_cast<size_t>(t.numel());
    }
    const std::vector<uint8_t> update_hashes = group.gather(my_hashes);
    const std::vector<int64_t> stats = group.gather_ints(my_stats);
    LedgerRecord record;
    record.round = r;
    for (size_t k = 0; k < fc.sites.size(); ++k) {
      record.sites.push_back("site-" + std::to_string(k + 1));
      record.samples.push_back(sizes[3 * k]);
      record.update_sha256.emplace_back(update_hashes.begin() + k * 64, update_hashes.begin() + (k + 1) * 64);
      fr.clipped += stats[3 * k];
      fr.bytes_up += stats[3 * k + 1];
      fr.bytes_down += stats[3 * k + 2];
    }
    record.model_file = round_file(r);
    if (writer) {
      models::save_model(run.path(record.model_file), *global, card);
      record.model_sha256 = sha256_file(run.path(record.model_file));
      append_ledger(out_dir, record);
    }
    fr.macro_auroc = pooled_test_auroc(*global, sites, group, base);
    fr.seconds = since(t0);
    summary.rounds.push_back(fr);
    print("round " + std::to_string(r) + "/" + std::to_string(fc.rounds) + " · test macro AUROC " +
          format_number("%.4f", fr.macro_auroc) + " · sent " + format_number("%.2f", fr.bytes_up / 1e6) + " MB up, " +
          format_number("%.2f", fr.bytes_down / 1e6) + " MB down" + (fr.clipped ? " · " + std::to_string(fr.clipped) + " values clipped" : "") +
          " · " + format_duration(fr.seconds));
  }

  if (fc.centralized && group.distributed()) {
    print("centralized comparison skipped: it needs every site's data in one process (run without --mpi for it)");
  } else if (fc.centralized) {
    const auto t0 = Clock::now();
    print("centralized: training on the union of the sites (" + std::to_string(fc.rounds * fc.local_epochs) + " epochs)...");
    summary.centralized_auroc = centralized_auroc(sites, group, base, fc.rounds * fc.local_epochs, run);
    summary.centralized_seconds = since(t0);
    print("centralized: test macro AUROC " + format_number("%.4f", summary.centralized_auroc) + " · " +
          format_duration(summary.centralized_seconds));
  }
  if (!writer) return summary;
  write_reports(fc, base, summary, run, out_dir);
  print("wrote " + run.path("federation.json") + ", " + run.path("report.md") + " and " + run.path(kLedgerFile));
  return summary;
}

}  // namespace thorax::train
