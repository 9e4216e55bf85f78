#include "train/trainer.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>

#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "data/split.h"
#include "data/stats.h"
#include "models/model_spec.h"
#include "models/rare_disease.h"
#include "models/registry.h"
#include "models/weights.h"
#include "nn/adam.h"
#include "nn/lars.h"
#include "nn/sgd.h"
#include "nn/state_dict.h"
#include "nn/weights_file.h"
#include "tensor/crash_point.h"
#include "train/checkpoint.h"
#include "train/contrastive.h"
#include "train/data_parallel.h"
#include "train/experiment.h"
#include "train/inference.h"
#include "train/lr_schedule.h"
#include "train/objective.h"
#include "train/progress.h"
#include "train/run_dir.h"
#include "train/run_model.h"
#include "train/selection.h"

namespace thorax::train {

namespace {

constexpr const char* kProjection = "projection";


// Loads an encoder (pretrained or imported weights) into a new model: every tensor except the classifier's must
// be present with the same shape; the classifier keeps its fresh initialization.
void load_encoder(models::Model& model, const std::string& path, const std::string& classifier, bool with_classifier,
                  const std::function<void(const std::string&)>& print) {
  nn::WeightsFile file = nn::read_weights(path);
  nn::LoadOptions load;
  load.strict = false;
  load.ignore_prefixes = {"optim", kProjection};
  if (!with_classifier) load.ignore_prefixes.push_back(classifier);
  const nn::LoadReport r = nn::load_state_dict(model, file.tensors, load, path);
  if (!r.mismatched.empty())
    throw std::runtime_error(path + ": " + r.mismatched.front() + " (and " + std::to_string(r.mismatched.size() - 1) +
                             " more) — the weights were made for another architecture or channel count");
  if (!r.missing.empty())
    throw std::runtime_error(path + " lacks " + std::to_string(r.missing.size()) + " of the encoder's tensors (first: " +
                             r.missing.front() + ") — is it a " + model.architecture() + "?");
  print("init: " + std::to_string(r.loaded.size()) + " tensors from " + path + " (classifier '" + classifier +
        (with_classifier ? "' included; " : "' newly initialized; ") + std::to_string(r.ignored.size() + r.unexpected.size()) +
        " tensors of the file not used: its classifier, projection head or optimizer state)");
}

// The encoder's modules in eval mode (running statistics fixed, no dropout) while it is frozen.
void set_modes(models::Model& model, bool encoder_frozen, const std::string& classifier) {
  model.train(true);
  if (!encoder_frozen) return;
  for (auto& [name, m] : model.named_modules())
    if (!name.empty() && !nn::name_under_prefix(name, classifier)) m->train(false);
}

// The model spec, completed from the training labels where the architecture wants them: rare_disease's rare
// classes default to the least frequent ones (the seed's rule) unless the spec names them.
std::string model_spec_for(const std::string& spec, const data::Dataset& d, const std::vector<size_t>& train) {
  const models::ModelSpec parsed = models::parse_model_spec(spec);
  if (parsed.name != "rare_disease" || parsed.options.count("rare")) return spec;
  std::vector<int64_t> positives;
  for (const auto& cs : data::compute_stats(d, train).classes) positives.push_back(cs.positives);
  std::string rare;
  for (int64_t c : models::choose_rare_classes(positives)) rare += (rare.empty() ? "" : ",") + std::to_string(c);
  return spec + (spec.find('?') == std::string::npos ? "?" : "&") + "rare=" + rare;
}

// Refuses to start a run whose checkpoints cannot fit: checkpoint-last, checkpoint-best and the temporary copy
// of one being written, each the model's state plus the optimizer's (Adam keeps two values per weight).
void check_disk_room(const RunDir& run, const models::Model& model, const nn::Module* head, const TrainConfig& c) {
  double state = 0;
  for (const auto& [name, t] : model.state_dict()) state += static_cast<double>(t.numel()) * dtype_size(t.dtype());
  if (head)
    for (const auto& [name, t] : head->state_dict()) state += static_cast<double>(t.numel()) * dtype_size(t.dtype());
  const double slots = c.optimizer == "adam" || c.optimizer == "adamw" ? 2 : 1;
  const double needed = 3 * state * (1 + slots) + (1 << 20);
  std::error_code ec;
  const auto space = std::filesystem::space(run.root(), ec);
  if (ec) return;  // the writes themselves will say what is wrong
  if (static_cast<double>(space.available) < needed) {
    char text[256];
    std::snprintf(text, sizeof text, "%s has %.1f MB free but this run's checkpoints need about %.1f MB", run.root().c_str(),
                  space.available / 1e6, needed / 1e6);
    throw std::runtime_error(std::string(text) + " (checkpoint-last, checkpoint-best and a temporary copy while "
                             "writing): free some space or choose another --out");
  }
}

std::vector<size_t> merged(std::vector<size_t> a, const std::vector<size_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  std::sort(a.begin(), a.end());
  return a;
}

// One run: everything set up from the config, then epochs until done, early-stopped or asked to stop.
class TrainingRun {
 public:
  TrainingRun(TrainConfig config, const std::string& out_dir, const TrainRunOptions& options);
  ~TrainingRun();
  TrainSummary run();

 private:
  struct EpochTotals {
    double loss = 0, contrastive = 0, top1 = 0;
    int64_t images = 0, batches = 0, skipped = 0;  // skipped: optimizer steps dropped for NaN/Inf (--on-nonfinite skip)
  };
  EpochTotals train_epoch(int64_t epoch, bool frozen);
  Tensor batch_loss(const data::Batch& batch, EpochTotals& totals);
  void finish();
  Companions companions() { return head_ ? Companions{{kProjection, head_.get()}} : Companions{}; }
  std::string first_nonfinite_gradient() const;
  std::string first_nonfinite_output(const Tensor& images);

  TrainConfig c_;
  TrainRunOptions opt_;
  std::optional<DataParallel> dp_;  // --distributed
  bool writer_ = true;              // writes the run's files and prints: rank 0 (or the only process)
  std::function<void(const std::string&)> print_;
  RunDir run_;
  bool supervised_, contrastive_;
  std::optional<Experiment> e_;
  data::Pipeline pipeline_;
  models::ModelInfo info_;
  std::unique_ptr<models::Model> model_;
  std::shared_ptr<nn::Sequential> head_;
  std::unique_ptr<nn::Optimizer> optimizer_;
  std::optional<Objective> objective_;
  std::vector<uint8_t> labeled_;  // semi: per dataset sample, whether its labels count
  std::unique_ptr<data::Loader> loader_;
  std::unique_ptr<Inference> validation_;
  std::optional<LrSchedule> schedule_;
  TrainState state_;
  std::vector<nlohmann::json> history_;
  nn::ModelCard card_;
  nn::NamedTensors named_params_;  // the model's and the projection head's, for naming a layer that went NaN
};

TrainingRun::TrainingRun(TrainConfig c, const std::string& out_dir, const TrainRunOptions& opt)
    : opt_(opt), run_(out_dir) {
  print_ = opt.print ? opt.print : [](const std::string& s) {
    std::printf("%s\n", s.c_str());
    std::fflush(stdout);
  };
  // A run killed before its first checkpoint resumes from its first epoch, with its config.json.
  const bool from_checkpoint = opt.resume && run_.has("checkpoint-last.safetensors");
  if (opt.resume) {
    if (!run_.has("config.json"))
      throw std::runtime_error(out_dir + " holds no run to resume (no config.json): start one with --data ... --out " +
                               out_dir);
    c = TrainConfig::from_json(read_json_file(run_.config()).at("config"));
    c.epochs = static_cast<int>(std::max<int64_t>(c.epochs, opt.epochs));
  }
  if (c.distributed) {
    dp_.emplace(mpi_world());
    writer_ = dp_->writer();
    // The other ranks wait until rank 0 has checked the folder and written split.json, then read that split:
    // every rank trains on the same one.
    if (!writer_) dp_->comm().barrier();
  }
  if (!writer_) print_ = [](const std::string&) {};
  if (!opt.resume && writer_ && run_.has("config.json"))
    throw std::runtime_error(out_dir + " already holds a run (config.json): use --resume to continue it, or another --out");
  // A split.json without config.json is left by a start that was refused (no room for the checkpoints): this
  // start makes its own split, from its own settings.
  if (!opt.resume && writer_ && run_.has("split.json")) std::filesystem::remove(run_.split());
  c.check();
  c_ = c;
  supervised_ = c.method != "simclr";
  contrastive_ = c.method != "supervised";
  omp_set_num_threads(c.threads);

  e_.emplace(prepare_experiment(c, run_));
  const Experiment& e = *e_;
  const data::Dataset& d = e.dataset;
  pipeline_ = make_pipeline(c);
  info_ = models::model_info(c.model);
  print_("data: " + c.data + " — " + std::to_string(d.size()) + " images (" + data::label_kind_name(d.labels.kind) +
         ", " + std::to_string(d.labels.size()) + " classes); train " + std::to_string(e.train.size()) +
         (e.train.size() < e.train_pool ? " labeled of " + std::to_string(e.train_pool) : "") + ", val " +
         std::to_string(e.val.size()) + ", test " + std::to_string(e.test.size()) +
         (c.method == "simclr" ? " (pretraining on train + val images, labels unused)" : "") +
         (c.shuffle_labels && c.method != "simclr" ? " — labels shuffled among train and val (control run)" : ""));
  if (dp_ && writer_) dp_->comm().barrier();  // split.json is written: the other ranks may read it

  Generator gen(c.seed);
  model_ = models::create_model(model_spec_for(c.model, d, e.train), {c.channels, static_cast<int64_t>(d.labels.size())}, gen);
  if (!c.init.empty() && !from_checkpoint) load_encoder(*model_, c.init, info_.classifier, c.init_classifier, print_);
  // All parameters go to the optimizer, frozen or not, so its groups (and checkpointed state) stay the same when
  // the encoder is unfrozen later; frozen parameters get no gradient and the optimizers skip them.
  std::vector<nn::ParamGroup> groups(2);
  groups[0].lr = c.lr * c.encoder_lr_scale;
  groups[1].lr = c.lr;
  for (auto& g : groups) g.weight_decay = c.weight_decay;
  for (const auto& [name, p] : model_->named_parameters())
    groups[nn::name_under_prefix(name, info_.classifier) ? 1 : 0].params.push_back(p);
  if (contrastive_) {
    int64_t width = 0;
    for (const auto& [name, p] : model_->named_parameters())
      if (name == info_.classifier + ".weight") width = p.size(1);
    head_ = make_projection_head(width, c.projection_hidden, c.projection_dim);
    nn::reset_parameters(*head_, gen);
    for (const Tensor& p : head_->parameters()) groups[1].params.push_back(p);
  }
  named_params_ = model_->named_parameters();
  if (head_)
    for (const auto& [name, p] : head_->named_parameters()) named_params_.emplace_back(std::string(kProjection) + "." + name, p);
  if (c.optimizer == "sgd") {
    nn::SgdOptions o;
    o.momentum = c.momentum;
    optimizer_ = std::make_unique<nn::Sgd>(groups, o);
  } else if (c.optimizer == "lars") {
    nn::LarsOptions o;
    o.momentum = c.momentum;
    optimizer_ = std::make_unique<nn::Lars>(groups, o);
  } else if (c.optimizer == "adam") {
    optimizer_ = std::make_unique<nn::Adam>(groups);
  } else {
    optimizer_ = std::make_unique<nn::AdamW>(groups);
  }
  // Checked before config.json makes the folder a run: a refused start leaves nothing to --resume.
  if (writer_) check_disk_room(run_, *model_, head_.get(), c);
  if (!opt.resume && writer_)
    write_json_file(run_.config(), {{"command", c.method == "simclr" ? "pretrain" : "train"},
                                    {"config", c.to_json()},
                                    {"labels", d.labels.to_json()},
                                    {"pipeline", pipeline_.to_json()},
                                    {"thorax_version", nn::thorax_version()},
                                    {"created_at", nn::utc_timestamp()},
                                    {"processes", dp_ ? dp_->size() : 1}});
  std::string loss_text;
  if (supervised_) {
    objective_.emplace(c, d, e.train);
    loss_text = objective_->describe();
  }
  if (contrastive_)
    loss_text += std::string(loss_text.empty() ? "" : " + ") + (c.method == "semi" ? format_number("%g × ", c.contrastive_weight) : "") +
                 "NT-Xent (τ " + format_number("%g", c.temperature) + ", projection " + std::to_string(c.projection_dim) + ")";
  print_("model: " + c.model + " (" + std::to_string(model_->num_parameters()) + " parameters), loss " + loss_text +
         ", " + c.optimizer + " lr " + format_number("%g", c.lr) + ", " + c.scheduler + " schedule");

  // What each epoch iterates over: the labeled subset (supervised), every non-test image (simclr), or every
  // training image with the labeled ones marked (semi).
  std::vector<size_t> rows;
  if (c.method == "supervised") {
    rows = c.oversample ? oversample(d, e.train, c.seed) : e.train;
  } else if (c.method == "simclr") {
    rows = merged(data::indices_of(e.split, "train"), e.val);
  } else {
    rows = data::indices_of(e.split, "train");
    labeled_.assign(d.size(), 0);
    for (size_t i : e.train) labeled_[i] = 1;
  }
  data::LoaderOptions lo;
  lo.batch_size = c.batch_size;
  lo.shuffle = true;
  lo.drop_last = rows.size() > static_cast<size_t>(c.batch_size);  // no tiny last batch for batch norm / NT-Xent
  lo.seed = c.seed;
  lo.threads = c.threads;
  lo.pipeline = pipeline_;
  lo.augment = data::augment_preset(c.augment, c.resolution, c.resolution);
  lo.two_views = contrastive_;
  lo.cache = c.cache;
  if (dp_) {
    lo.shard = dp_->rank();
    lo.shards = dp_->size();
  }
  loader_ = std::make_unique<data::Loader>(d, rows, lo);
  if (supervised_) validation_ = std::make_unique<Inference>(d, e.val, pipeline_, d.labels, c.batch_size, c.threads, c.cache);

  const int64_t steps_per_epoch = (loader_->batches_per_epoch() + c.accumulate - 1) / c.accumulate;
  schedule_.emplace(c.scheduler, steps_per_epoch * c.epochs, steps_per_epoch * c.warmup_epochs, c.plateau_patience,
                    c.plateau_factor);
  if (opt.resume && writer_) {
    // A run killed while writing leaves its temporary files (name.tmp.PID): never read, removed here.
    int64_t partial = 0;
    for (const auto& entry : std::filesystem::directory_iterator(run_.root()))
      if (entry.path().filename().string().find(".tmp.") != std::string::npos)
        partial += std::filesystem::remove(entry.path()) ? 1 : 0;
    if (partial > 0) print_("resume: removed " + std::to_string(partial) + " partial file(s) left by the interrupted run");
  }
  if (opt.resume && !from_checkpoint) print_("resume: no checkpoint was written yet, so the run starts over from epoch 1");
  if (from_checkpoint) {
    state_ = load_checkpoint(run_.checkpoint_last(), *model_, *optimizer_, companions());
    schedule_->load_state(state_.schedule);
    history_ = read_jsonl_file(run_.metrics());
    history_.resize(std::min<size_t>(history_.size(), static_cast<size_t>(state_.epoch)));
    print_("resume: from epoch " + std::to_string(state_.epoch) + " of " + std::to_string(c.epochs));
  }
  if (dp_) {
    // Every rank starts from rank 0's weights (they agree already when all drew them from the same seed).
    dp_->broadcast(model_->state_dict());
    if (head_) dp_->broadcast(head_->state_dict());
    dp_->sync_batch_norm(c.sync_bn);
    print_("distributed: " + std::to_string(dp_->size()) + " processes, each building its share of every batch of " +
           std::to_string(c.batch_size) + "; gradients summed over the processes in buckets; batch norm " +
           (c.sync_bn ? "synchronized (global batch statistics)" : "per process") +
           (contrastive_ ? "; NT-Xent's negatives are each process's own images" : ""));
  }

  card_.label_kind = data::label_kind_name(d.labels.kind);
  card_.classes = d.labels.names;
  card_.preprocessing = pipeline_.to_json();
  card_.training_data = {{"dataset", c.data},
                         {"method", c.method},
                         {"images", rows.size()},
                         {"labeled_images", c.method == "simclr" ? 0 : e.train.size()},
                         {"train_pool_images", e.train_pool},
                         {"val_images", e.val.size()},
                         {"test_images", e.test.size()},
                         {"label_fraction", c.label_fraction},
                         {"split", "split.json of the run"}};
}

Tensor TrainingRun::batch_loss(const data::Batch& batch, EpochTotals& t) {
  const int64_t n = batch.images.size(0);
  // Both views go through the encoder as one batch of 2N (batch-norm statistics over both, as SimCLR's global BN).
  const Tensor x = contrastive_ ? cat({batch.images, batch.views2}, 0) : batch.images;
  // Semi-supervised: only the labeled images' labels count, in the loss and for models that read labels
  // (rare_disease's memory); the others' are zeroed (no positives to learn from) and masked out.
  Tensor targets = batch.targets, masks = batch.masks;
  int64_t labeled = n;
  if (!labeled_.empty()) {
    std::vector<float> keep(n);
    labeled = 0;
    for (int64_t i = 0; i < n; ++i) {
      keep[i] = labeled_[batch.indices[i]] ? 1.0f : 0.0f;
      labeled += labeled_[batch.indices[i]];
    }
    const Tensor rows = Tensor::from_vector(keep, {n, 1});
    targets = targets * rows;
    masks = masks * rows;
  }
  // Pretraining shows the model no labels at all.
  const Tensor y = !supervised_ ? Tensor() : contrastive_ ? cat({targets, targets}, 0) : targets;
  const models::ModelOutput out = model_->run(x, y);
  Tensor loss;
  if (supervised_ && labeled > 0) {
    const Tensor logits = contrastive_ ? narrow(out.logits, 0, 0, n) : out.logits;
    loss = (*objective_)(logits, targets, masks);
    // inception_v3's auxiliary classifier, weighted as torchvision's training recipe does.
    if (out.aux_logits.defined())
      loss = loss + 0.4 * (*objective_)(contrastive_ ? narrow(out.aux_logits, 0, 0, n) : out.aux_logits, targets,
                                        masks);
  }
  if (out.aux_loss.defined()) loss = loss.defined() ? loss + out.aux_loss : out.aux_loss;
  if (contrastive_) {
    const ContrastiveResult cr = contrastive_loss((*head_)(out.features), c_.temperature);
    const Tensor weighted = c_.method == "semi" ? cr.loss * c_.contrastive_weight : cr.loss;
    loss = loss.defined() ? loss + weighted : weighted;
    t.contrastive += cr.loss.item() * n;
    t.top1 += cr.top1 * n;
  }
  return loss;
}

TrainingRun::EpochTotals TrainingRun::train_epoch(int64_t epoch, bool frozen) {
  model_->unfreeze("");
  if (frozen) {
    model_->freeze("");
    model_->unfreeze(info_.classifier);
  }
  set_modes(*model_, frozen, info_.classifier);
  if (head_) head_->train(true);
  // Dropout and stochastic depth draw from the default generator: a fixed state per epoch makes a resumed run
  // draw the same masks as an uninterrupted one.
  default_generator().set_state(c_.seed, static_cast<uint64_t>(epoch) << 40);

  const int64_t batches = loader_->batches_per_epoch();
  Progress bar("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(c_.epochs), batches, writer_ && opt_.progress);
  loader_->start_epoch(epoch);
  data::Batch batch;
  EpochTotals t;
  optimizer_->zero_grad();
  const bool skip_nonfinite = c_.on_nonfinite == "skip";
  bool bad_step = false;  // a batch of the current step had a NaN/Inf loss
  auto where = [&] {
    return "at epoch " + std::to_string(epoch + 1) + ", step " + std::to_string(state_.step + 1) + " (batch " +
           std::to_string(t.batches + 1) + ")";
  };
  while (loader_->next(batch)) {
    Tensor loss = batch_loss(batch, t);
    const double value = loss.item();
    const bool finite = std::isfinite(value);
    if (!finite && !skip_nonfinite) {
      const std::string layer = first_nonfinite_output(batch.images);
      throw std::runtime_error("the training loss became " + std::to_string(value) + " " + where() + " (" +
                               (layer.empty() ? "every layer's output is finite: the loss itself overflowed"
                                              : "the first layer with a NaN or Inf output: " + layer) +
                               "): lower --lr, use --clip-grad, or --on-nonfinite skip");
    }
    // Data-parallel: this rank's share of the global batch's mean loss (train/data_parallel.h). A NaN loss still
    // goes through backward there, so that every rank sums its gradients and all of them skip the step together.
    const double share = dp_ ? static_cast<double>(batch.images.size(0)) / batch.global_size : 1.0;
    if (finite || dp_) autograd::backward(c_.accumulate > 1 || share != 1.0 ? loss * (share / c_.accumulate) : loss);
    bad_step = bad_step || !finite;
    if (finite) t.loss += value * batch.images.size(0);
    t.images += batch.images.size(0);
    ++t.batches;
    if (t.batches % c_.accumulate == 0 || t.batches == batches) {
      std::vector<Tensor> all;
      for (const auto& g : optimizer_->groups()) all.insert(all.end(), g.params.begin(), g.params.end());
      if (dp_) dp_->sum_gradients(all);
      const std::string bad = first_nonfinite_gradient();
      if (!bad.empty() && !skip_nonfinite)
        throw std::runtime_error("the gradient of " + bad + " became NaN or Inf " + where() +
                                 ": lower --lr, use --clip-grad, or --on-nonfinite skip");
      if (!bad.empty() || bad_step) {
        // Skipped: no update, and the schedule moves on as if the step had been taken (a resumed run agrees).
        print_("  skipped step " + std::to_string(state_.step + 1) + " of epoch " + std::to_string(epoch + 1) + ": " +
               (bad.empty() ? std::string("the loss was NaN or Inf") : "the gradient of " + bad + " was NaN or Inf"));
        ++t.skipped;
        bad_step = false;
        optimizer_->zero_grad();
        ++state_.step;
        continue;
      }
      if (c_.clip_grad > 0) nn::clip_grad_norm(all, c_.clip_grad);
      optimizer_->set_lr_factor(schedule_->factor(state_.step));
      optimizer_->step();
      optimizer_->zero_grad();
      ++state_.step;
    }
    bar.update(t.batches, "loss " + format_number("%.4f", t.loss / t.images) + " · " + format_number("%.1f", t.images / bar.elapsed()) + " img/s");
  }
  if (dp_) {
    // The epoch's totals over every rank's images.
    // (t.skipped needs no sum: all ranks skip a step together.)
    const std::vector<double> all = dp_->sum({t.loss, t.contrastive, t.top1, static_cast<double>(t.images)});
    t.loss = all[0];
    t.contrastive = all[1];
    t.top1 = all[2];
    t.images = static_cast<int64_t>(all[3]);
  }
  bar.finish("loss " + format_number("%.4f", t.loss / std::max<int64_t>(t.images, 1)) + " · " +
             format_number("%.1f", t.images / bar.elapsed()) + " img/s");
  return t;
}

TrainSummary TrainingRun::run() {
  const auto started = std::chrono::steady_clock::now();
  const bool higher_is_better = c_.select == "auroc";
  TrainSummary summary;
  summary.select = !supervised_ ? "last epoch" : higher_is_better ? "val macro AUROC" : "val loss";
  summary.stop_reason = "finished";
  while (state_.epoch < c_.epochs) {
    const int64_t epoch = state_.epoch;
    const bool frozen = c_.freeze_encoder && (c_.unfreeze_after < 0 || epoch < c_.unfreeze_after);
    const auto t0 = std::chrono::steady_clock::now();
    const EpochTotals t = train_epoch(epoch, frozen);
    const double train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double images = std::max<double>(static_cast<double>(t.images), 1.0);

    nlohmann::json line = {{"epoch", epoch + 1}, {"train_loss", t.loss / images}, {"lr", optimizer_->groups().back().lr},
                           {"train_images_per_s", t.images / train_seconds}};
    std::string text = "epoch " + std::to_string(epoch + 1) + "/" + std::to_string(c_.epochs) + " · train loss " +
                       format_number("%.4f", t.loss / images);
    if (t.skipped > 0) {
      line["skipped_steps"] = t.skipped;
      text += " · " + std::to_string(t.skipped) + " steps skipped (NaN/Inf)";
    }
    if (contrastive_) {
      line["contrastive_loss"] = t.contrastive / images;
      line["contrastive_top1"] = t.top1 / images;
      text += " · NT-Xent " + format_number("%.4f", t.contrastive / images) + " · pair top-1 " + format_number("%.3f", t.top1 / images);
    }
    bool improved = true;  // simclr: the latest encoder is the result
    if (supervised_ && writer_) {
      const InferenceResult val = validation_->run(*model_, e_->split, opt_.progress ? "  validation" : "");
      const double val_loss = (*objective_)(val.logits_tensor(), val.targets_tensor(), val.masks_tensor()).item();
      const Selection sel = validation_score(val.predictions);
      const double score = higher_is_better ? sel.macro_auroc : val_loss;
      improved = state_.best_epoch < 0 || (higher_is_better ? score > state_.best_score : score < state_.best_score);
      if (improved) state_.best_score = score;
      line["val_loss"] = val_loss;
      line["val_macro_auroc"] = sel.macro_auroc;
      line["val_auroc_classes"] = sel.classes_used;
      line["encoder_frozen"] = frozen;
      text += " · val loss " + format_number("%.4f", val_loss) + " · val AUROC " +
              (sel.classes_used > 0 ? format_number("%.4f", sel.macro_auroc) : std::string("n/a")) + (improved ? " (best)" : "");
    }
    // Data-parallel: rank 0 validated; every rank follows its verdict (plateau schedule, early stopping).
    if (dp_) improved = dp_->from_writer({improved ? 1.0 : 0.0})[0] != 0.0;
    schedule_->end_epoch(improved);
    state_.epoch = epoch + 1;
    if (improved) {
      state_.best_epoch = state_.epoch;
      state_.epochs_since_best = 0;
    } else {
      ++state_.epochs_since_best;
    }
    state_.schedule = schedule_->state();
    state_.rng_seed = default_generator().seed();
    state_.rng_offset = default_generator().offset();
    line["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    history_.push_back(line);
    if (writer_) {
      write_jsonl_file(run_.metrics(), history_);
      if (improved) save_checkpoint(run_.checkpoint_best(), *model_, *optimizer_, state_, card_, companions());
      save_checkpoint(run_.checkpoint_last(), *model_, *optimizer_, state_, card_, companions());
    }
    crash_point("after-epoch");
    print_(text + " · lr " + format_number("%.3g", line["lr"].get<double>()) + " · " + format_number("%.1f", t.images / train_seconds) + " img/s");
    ++summary.epochs_run;
    if (supervised_ && c_.patience > 0 && state_.epochs_since_best >= c_.patience) {
      summary.stop_reason = "early stopping: no better " + summary.select + " for " + std::to_string(c_.patience) + " epochs";
      break;
    }
    if (opt_.stop_after_epochs > 0 && summary.epochs_run >= opt_.stop_after_epochs && state_.epoch < c_.epochs) {
      summary.stop_reason = "stopped after " + std::to_string(summary.epochs_run) + " epochs as asked (resume to continue)";
      break;
    }
  }
  summary.writer = writer_;
  summary.epochs_total = state_.epoch;
  summary.best_epoch = state_.best_epoch;
  summary.best_score = state_.best_score;
  if (writer_ && (summary.stop_reason == "finished" || summary.stop_reason.rfind("early", 0) == 0)) finish();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

bool has_nonfinite(const Tensor& t) {
  if (!t.defined() || t.dtype() != DType::f32) return false;
  const Tensor c = t.contiguous();
  const float* v = c.data<float>();
  for (int64_t i = 0; i < c.numel(); ++i)
    if (!std::isfinite(v[i])) return true;
  return false;
}

// Notes the first module, in the order their forward passes finish, whose output holds NaN or Inf.
class NonfiniteFinder : public nn::ForwardObserver {
 public:
  explicit NonfiniteFinder(const nn::Module& root) {
    for (const auto& [name, m] : root.named_modules()) names_[m] = name.empty() ? "(the model's output)" : name;
  }
  void on_forward(const nn::Module& m, const Tensor&, const Tensor& output) override {
    if (first.empty() && has_nonfinite(output)) first = names_[&m];
  }
  std::string first;

 private:
  std::map<const nn::Module*, std::string> names_;
};

std::string TrainingRun::first_nonfinite_gradient() const {
  for (const auto& [name, p] : named_params_)
    if (has_nonfinite(p.grad())) return name;
  return "";
}

// Where a blow-up starts: the batch through the model once more, without a graph, watching every layer's output.
std::string TrainingRun::first_nonfinite_output(const Tensor& images) {
  autograd::NoGrad no_grad;
  NonfiniteFinder finder(*model_);
  nn::ObserverScope scope(*model_, finder);
  model_->run(images);
  return finder.first;
}

TrainingRun::~TrainingRun() {
  if (dp_) dp_->sync_batch_norm(false);
}

void TrainingRun::finish() {
  if (!supervised_) {
    // The pretrained encoder, for `thorax train --init`: the model's tensors under their torchvision names plus
    // the projection head's under "projection." (ignored by --init, kept for continued pretraining).
    nn::NamedTensors head;
    for (auto& [name, t] : head_->state_dict()) head.emplace_back(std::string(kProjection) + "." + name, t);
    models::save_model(run_.path("encoder.safetensors"), *model_, card_, head);
    print_("wrote " + run_.path("encoder.safetensors") + " (use it with thorax train --init)");
    return;
  }
  // The best epoch's predictions on val and test, for `thorax eval`, `compare` and the report.
  models::LoadedModel best = load_run_model(run_);
  Inference final_pass(e_->dataset, merged(e_->val, e_->test), pipeline_, e_->dataset.labels, c_.batch_size,
                       c_.threads, false);
  write_predictions_csv(run_.predictions(), final_pass.run(*best.model, e_->split, opt_.progress ? "predictions (best epoch)" : "").predictions);
}

}  // namespace

TrainSummary train_run(TrainConfig config, const std::string& out_dir, const TrainRunOptions& options) {
  return TrainingRun(std::move(config), out_dir, options).run();
}

}  // namespace thorax::train
