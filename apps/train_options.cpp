#include "apps/train_options.h"

#include <cstdio>

#include "train/progress.h"
#include "train/trainer.h"

namespace thorax::apps {

void add_data_options(CLI::App* cmd, train::TrainConfig& c) {
  const char* g = "Data";
  cmd->add_option("--data", c.data, "Dataset spec: KIND:PATH?key=value&... (nih, chexpert, folder, npz, covid, embedded)")->group(g);
  cmd->add_option("--max-images", c.max_images, "Use at most this many images (a patient-wise stratified subset); 0 = all")->group(g);
  cmd->add_option("--split", c.split, "auto | patient | official: the source's own test list (auto: when it holds ≥ 5% of the images), or a patient-wise random split")->group(g);
  cmd->add_option("--split-file", c.split_file, "Reuse this split.json (e.g. the pretraining run's) instead of making a split")->group(g);
  cmd->add_option("--val-fraction", c.val_fraction, "Fraction of patients for validation")->group(g);
  cmd->add_option("--test-fraction", c.test_fraction, "Fraction of patients held out for testing (never trained or pretrained on)")->group(g);
  cmd->add_option("--res", c.resolution, "Input resolution in pixels (square)")->group(g);
  cmd->add_option("--channels", c.channels, "Model input channels: 1, or 3 for ImageNet-shaped weights")->group(g);
  cmd->add_flag("--clahe", c.clahe, "Apply CLAHE (clip 2, 8x8 tiles) after resizing")->group(g);
  cmd->add_option("--normalize", c.normalize, "unit ([0,1]) | imagenet | xrv")->group(g);
  cmd->add_option("--augment", c.augment, "none | train (crop, rotation, brightness/contrast) | simclr (SimCLR's strong views), each changeable by "
                  "options: PRESET?crop=0.3&flip=0.5&rotate=10&jitter=0.4&jitter_p=0.8&blur=0.5&translate=0.1&scale=0.1")->group(g);
  cmd->add_flag("!--no-cache", c.cache, "Decode images every epoch instead of keeping them in memory")->group(g);
  cmd->add_option("--model", c.model, "Architecture (thorax model list)")->group("Model");
  cmd->add_option("--seed", c.seed, "Seed of the split, initialization, shuffling and augmentation");
  cmd->add_option("--threads", c.threads, "Threads for compute and data loading");
}

void add_distributed_options(CLI::App* cmd, train::TrainConfig& c) {
  cmd->add_flag("--distributed", c.distributed, "Data-parallel training under mpirun (mpirun -np N thorax train --distributed ...): "
                "each process builds its share of every batch, gradients are summed over the processes, rank 0 writes the run")->group("Distributed");
  cmd->add_flag("--sync-bn", c.sync_bn, "With --distributed: batch norm with the statistics of the whole batch over every process")->group("Distributed");
}

void add_optimization_options(CLI::App* cmd, train::TrainConfig& c, bool* epochs_given) {
  const char* g = "Optimization";
  cmd->add_option("--optimizer", c.optimizer, "sgd | adam | adamw | lars")->group(g);
  cmd->add_option("--lr", c.lr, "Learning rate")->group(g);
  cmd->add_option("--weight-decay", c.weight_decay, "Weight decay")->group(g);
  cmd->add_option("--momentum", c.momentum, "SGD and LARS momentum")->group(g);
  cmd->add_option("--scheduler", c.scheduler, "cosine | plateau | none")->group(g);
  cmd->add_option("--warmup-epochs", c.warmup_epochs, "Linear warm-up epochs")->group(g);
  cmd->add_option("--epochs", c.epochs, "Epochs (with --resume: extend the run to this many)")
      ->group(g)
      ->each([epochs_given](const std::string&) { *epochs_given = true; });
  cmd->add_option("--batch", c.batch_size, "Batch size")->group(g);
  cmd->add_option("--accumulate", c.accumulate, "Accumulate gradients over this many batches per step")->group(g);
  cmd->add_option("--clip-grad", c.clip_grad, "Clip the global gradient norm (0 = off)")->group(g);
  cmd->add_option("--on-nonfinite", c.on_nonfinite, "NaN or Inf in the loss or a gradient: stop (an error naming the step "
                  "and the layer) | skip (drop that step, count it in metrics.jsonl, go on)")->group(g);
}

void add_contrastive_options(CLI::App* cmd, train::TrainConfig& c) {
  const char* g = "Contrastive (SimCLR)";
  cmd->add_option("--temperature", c.temperature, "NT-Xent temperature τ")->group(g);
  cmd->add_option("--proj-dim", c.projection_dim, "Projection head output width")->group(g);
  cmd->add_option("--proj-hidden", c.projection_hidden, "Projection head hidden width (0: the encoder's feature width)")->group(g);
}

void add_supervised_options(CLI::App* cmd, train::TrainConfig& c, bool* semi, bool* epochs_given) {
  cmd->add_option("--label-fraction", c.label_fraction, "Train on this fraction of the training images' labels (patient-wise, stratified)")->group("Data");
  cmd->add_flag("--shuffle-labels", c.shuffle_labels, "Control run: permute the labels among the training and validation images (test labels stay true: the model should score at chance)")->group("Data");
  const char* model = "Model";
  cmd->add_option("--init", c.init, "Initialize the encoder from a weights file (thorax pretrain's encoder.safetensors, or imported weights)")->group(model);
  cmd->add_flag("--freeze-encoder", c.freeze_encoder, "Train only the classifier (linear probe)")->group(model);
  cmd->add_option("--unfreeze-after", c.unfreeze_after, "With --freeze-encoder: train everything after this many epochs")->group(model);
  cmd->add_option("--encoder-lr-scale", c.encoder_lr_scale, "Encoder learning rate relative to the head's")->group(model);
  cmd->add_flag("--semi-supervised", *semi, "Add NT-Xent on all training images to the supervised loss on the labeled ones (SemSSXL)")->group(model);
  const char* loss = "Loss";
  cmd->add_option("--loss", c.loss, "auto | bce | weighted_bce | focal | ce")->group(loss);
  cmd->add_option("--focal-gamma", c.focal_gamma, "Focal loss focusing parameter")->group(loss);
  cmd->add_option("--focal-alpha", c.focal_alpha, "Focal loss weight of positives (negative: off)")->group(loss);
  cmd->add_option("--class-weights", c.class_weights, "Multi-class: none | balanced")->group(loss);
  cmd->add_flag("--oversample", c.oversample, "Multi-class: repeat minority-class images up to the largest class")->group(loss);
  cmd->add_option("--label-smoothing", c.label_smoothing, "Multi-class cross-entropy label smoothing")->group(loss);
  add_contrastive_options(cmd, c);
  cmd->add_option("--contrastive-weight", c.contrastive_weight, "With --semi-supervised: weight of NT-Xent")->group("Contrastive (SimCLR)");
  add_optimization_options(cmd, c, epochs_given);
  const char* optim = "Optimization";
  cmd->add_option("--plateau-patience", c.plateau_patience, "Plateau: epochs without improvement before lowering the rate")->group(optim);
  cmd->add_option("--plateau-factor", c.plateau_factor, "Plateau: factor applied to the rate")->group(optim);
  cmd->add_option("--patience", c.patience, "Early stopping: epochs without a better validation score (0 = off)")->group(optim);
  cmd->add_option("--select", c.select, "Best epoch by: auroc (val macro AUROC) | loss (val loss)")->group(optim);
}

void run_training(const train::TrainConfig& c, const std::string& out, bool resume, bool epochs_given, int64_t stop_after) {
  if (!resume && c.data.empty()) throw std::runtime_error("--data is required (e.g. --data embedded)");
  train::TrainRunOptions run;
  run.resume = resume;
  run.stop_after_epochs = stop_after;
  if (resume && epochs_given) run.epochs = c.epochs;
  const train::TrainSummary s = train::train_run(c, out, run);
  if (!s.writer) return;  // data-parallel: rank 0 reports
  std::printf("%s after %lld epochs in %s", s.stop_reason.c_str(), static_cast<long long>(s.epochs_total),
              train::format_duration(s.seconds).c_str());
  if (s.select != "last epoch")
    std::printf("; best %s %.4f at epoch %lld", s.select.c_str(), s.best_score, static_cast<long long>(s.best_epoch));
  std::printf("; run directory %s\n", out.c_str());
}

}  // namespace thorax::apps
