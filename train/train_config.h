// Everything a training run depends on — supervised, SimCLR pretraining, or both at once (semi-supervised) —
// written to the run directory's config.json so the run can be repeated, resumed (`--resume`) and evaluated later
// with the same data, split and preprocessing.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace thorax::train {

struct TrainConfig {
  // supervised: the loss on labeled training images; simclr: NT-Xent on two views of every non-test image, no
  // labels (thorax pretrain); semi: both in one run — NT-Xent on every training image plus the supervised loss on
  // the labeled fraction (seed 001's SemSSXL recipe).
  std::string method = "supervised";
  // data
  std::string data;                    // dataset spec (data/spec.h)
  int64_t max_images = 0;              // cap on the images used (a patient-wise stratified subset); 0 = all
  std::string split = "auto";          // auto (the source's own lists when ≥ 5% of the images are on its test list, else by patient) | patient | official
  double val_fraction = 0.1, test_fraction = 0.1;
  std::string split_file;              // reuse this split.json (e.g. the pretraining run's) instead of making one
  double label_fraction = 1.0;         // of the training images (patient-wise, stratified)
  bool shuffle_labels = false;         // control run: labels permuted among the train and val images (seeded)
  // input
  int resolution = 224;
  int channels = 1;                    // model input channels: 1 (grayscale) or 3 (ImageNet-shaped weights)
  bool clahe = false;
  std::string normalize = "unit";      // unit | imagenet | xrv
  std::string augment = "train";       // data/augment.h presets: none | train | simclr
  bool cache = true;                   // keep decoded, resized images in memory between epochs
  // model
  std::string model = "resnet18";
  std::string init;                    // weights file for the encoder ("" = the architecture's own random init)
  bool init_classifier = false;       // init also loads the classifier: a federated round continues the global model
  bool freeze_encoder = false;         // linear probe: only the classifier trains
  int unfreeze_after = -1;             // with freeze_encoder: unfreeze everything after this many epochs (-1 never)
  // objective
  std::string loss = "auto";           // auto (multi-label: weighted_bce, multi-class: ce) | bce | weighted_bce | focal | ce
  double focal_gamma = 2.0, focal_alpha = 0.25;
  std::string class_weights = "none";  // multi-class cross-entropy: none | balanced (n / (C · count))
  bool oversample = false;             // multi-class: repeat minority-class images up to the largest class
  double label_smoothing = 0.0;
  // contrastive (simclr, semi)
  double temperature = 0.1;
  int projection_dim = 128;
  int projection_hidden = 0;           // 0: the encoder's feature width
  double contrastive_weight = 1.0;     // semi: weight of NT-Xent beside the supervised loss
  // optimization
  std::string optimizer = "adamw";     // sgd | adam | adamw | lars
  double lr = 1e-3, weight_decay = 1e-4, momentum = 0.9;
  double encoder_lr_scale = 1.0;       // the encoder's learning rate relative to the head's
  std::string scheduler = "cosine";    // cosine | plateau | none
  int warmup_epochs = 0;
  int plateau_patience = 2;
  double plateau_factor = 0.1;
  int epochs = 10, batch_size = 32, accumulate = 1;
  double clip_grad = 0.0;              // max global gradient norm; 0 = off
  std::string on_nonfinite = "stop";   // NaN/Inf in the loss or a gradient: stop (error naming step and layer) | skip the step
  int patience = 0;                    // early stopping: epochs without a better validation score; 0 = off
  std::string select = "auroc";        // what "better" means on validation: auroc (macro) | loss
  // run
  uint64_t seed = 0;
  int threads = 2;
  // data-parallel training under mpirun (train/data_parallel.h): each rank a shard of every batch; batch norm
  // with the global batch's statistics when sync_bn
  bool distributed = false;
  bool sync_bn = false;

  nlohmann::json to_json() const;
  static TrainConfig from_json(const nlohmann::json& j);  // missing keys keep their defaults
  void check() const;  // throws naming the option when a value is out of range or unknown
};

}  // namespace thorax::train
