// Training one model on one dataset into a run directory (train/run_dir.h), by the config's method:
//  - supervised: from scratch or from an encoder's weights (--init), optionally as a linear probe
//    (--freeze-encoder) that unfreezes later; a label fraction; weighted BCE / focal / cross-entropy;
//  - simclr (thorax pretrain): two augmented views of every non-test image, encoder + projection head, NT-Xent;
//    no labels, no validation; the result is encoder.safetensors (the model plus "projection.*" tensors);
//  - semi: both losses in one run, NT-Xent on all training images, the supervised loss on the labeled fraction.
// SGD / Adam / AdamW / LARS with cosine or plateau schedules; gradient accumulation; early stopping; a checkpoint
// every epoch (checkpoint-last) and at each best validation score (checkpoint-best); `resume` continues from
// checkpoint-last and ends with the same weights as a run that was never stopped. A supervised or semi run ends
// with the best checkpoint's predictions on val and test in predictions.csv.
#pragma once
#include <functional>
#include <string>

#include "train/train_config.h"

namespace thorax::train {

struct TrainSummary {
  int64_t epochs_run = 0;  // in this invocation
  int64_t epochs_total = 0;
  int64_t best_epoch = -1;  // 1-based
  double best_score = 0.0;
  std::string select;       // what best_score is ("val macro AUROC", "val loss")
  std::string stop_reason;  // "finished", "early stopping: ..."
  double seconds = 0.0;
  bool writer = true;  // false on the data-parallel ranks other than 0, which write and report nothing
};

struct TrainRunOptions {
  bool resume = false;
  int64_t epochs = 0;             // with resume: raise the run's epoch count to this (extend a finished run); 0 keeps it
  int64_t stop_after_epochs = 0;  // stop this invocation after so many epochs (tests of --resume); 0 = no limit
  bool progress = true;  // progress bars on stderr
  // Lines for the user (epoch summaries); progress bars go to stderr on their own.
  std::function<void(const std::string&)> print;
};

// Trains as `config` says into `out_dir`. With resume, `config` is ignored: the run's config.json is used.
TrainSummary train_run(TrainConfig config, const std::string& out_dir, const TrainRunOptions& options);

}  // namespace thorax::train
