#include "train/train_config.h"

#include <stdexcept>
#include <vector>

#include "data/augment.h"

namespace thorax::train {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(
    TrainConfig, method, data, max_images, split, val_fraction, test_fraction, split_file, label_fraction, shuffle_labels, resolution, channels, clahe,
    normalize, augment, cache, model, init, init_classifier, freeze_encoder, unfreeze_after, loss, focal_gamma, focal_alpha,
    class_weights, oversample, label_smoothing, temperature, projection_dim, projection_hidden, contrastive_weight,
    optimizer, lr, weight_decay, momentum, encoder_lr_scale, scheduler,
    warmup_epochs, plateau_patience, plateau_factor, epochs, batch_size, accumulate, clip_grad, on_nonfinite, patience, select,
    seed, threads, distributed, sync_bn)

nlohmann::json TrainConfig::to_json() const {
  nlohmann::json j = *this;
  return j;
}

TrainConfig TrainConfig::from_json(const nlohmann::json& j) {
  TrainConfig c;
  try {
    c = j.get<TrainConfig>();
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("training configuration: ") + e.what());
  }
  return c;
}

namespace {

void require(bool ok, const std::string& sentence) {
  if (!ok) throw std::runtime_error(sentence);
}

void require_one_of(const std::string& option, const std::string& value, const std::vector<std::string>& allowed) {
  for (const auto& a : allowed)
    if (value == a) return;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  throw std::runtime_error(option + " '" + value + "' is not one of: " + list);
}

}  // namespace

void TrainConfig::check() const {
  require_one_of("method", method, {"supervised", "simclr", "semi"});
  require(!data.empty(), "--data is required (a dataset spec such as folder:/path/to/train or embedded)");
  require(max_images >= 0, "--max-images must be 0 (all) or positive");
  require_one_of("--split", split, {"auto", "patient", "official"});
  require(val_fraction > 0 && test_fraction >= 0 && val_fraction + test_fraction < 1,
          "--val-fraction and --test-fraction must be positive and sum to less than 1");
  require(label_fraction > 0 && label_fraction <= 1, "--label-fraction must be in (0, 1]");
  require(resolution >= 16 && resolution <= 2048, "--res must be between 16 and 2048 pixels");
  require(channels == 1 || channels == 3, "--channels must be 1 or 3");
  require_one_of("--normalize", normalize, {"unit", "imagenet", "xrv"});
  data::augment_preset(augment, 8, 8);  // throws, with the reason, on an unknown preset or option
  require(unfreeze_after < 0 || freeze_encoder, "--unfreeze-after needs --freeze-encoder");
  require_one_of("--on-nonfinite", on_nonfinite, {"stop", "skip"});
  require(!sync_bn || distributed, "--sync-bn synchronizes batch norm across the processes of --distributed training");
  require_one_of("--loss", loss, {"auto", "bce", "weighted_bce", "focal", "ce"});
  require(focal_gamma >= 0, "--focal-gamma must be ≥ 0");
  require_one_of("--class-weights", class_weights, {"none", "balanced"});
  require(label_smoothing >= 0 && label_smoothing < 1, "--label-smoothing must be in [0, 1)");
  require_one_of("--optimizer", optimizer, {"sgd", "adam", "adamw", "lars"});
  require(temperature > 0, "--temperature must be positive");
  require(projection_dim >= 1 && projection_hidden >= 0, "--proj-dim must be positive and --proj-hidden ≥ 0");
  require(contrastive_weight >= 0, "--contrastive-weight must be ≥ 0");
  require(lr > 0, "--lr must be positive");
  require(weight_decay >= 0, "--weight-decay must be ≥ 0");
  require(encoder_lr_scale >= 0, "--encoder-lr-scale must be ≥ 0");
  require_one_of("--scheduler", scheduler, {"cosine", "plateau", "none"});
  require(warmup_epochs >= 0 && warmup_epochs < std::max(epochs, 1), "--warmup-epochs must be less than --epochs");
  require(plateau_factor > 0 && plateau_factor < 1, "--plateau-factor must be in (0, 1)");
  require(epochs >= 1, "--epochs must be at least 1");
  require(batch_size >= 1, "--batch must be at least 1");
  require(accumulate >= 1, "--accumulate must be at least 1");
  require(clip_grad >= 0, "--clip-grad must be ≥ 0");
  require(patience >= 0, "--patience must be ≥ 0");
  require_one_of("--select", select, {"auroc", "loss"});
  require(threads >= 1 && threads <= 256, "--threads must be between 1 and 256");
}

}  // namespace thorax::train
