#include "apps/pretrain_command.h"

#include <memory>

#include "apps/device_option.h"
#include "apps/train_options.h"

namespace thorax::apps {

void add_pretrain_command(CLI::App& app) {
  struct Options {
    train::TrainConfig c;
    std::string out;
    bool resume = false, epochs_given = false;
    int64_t stop_after = 0;
  };
  auto o = std::make_shared<Options>();
  // SimCLR's recipe where it fits a CPU: τ 0.1, a warm-up; Adam rather than LARS at the small batches a CPU
  // affords (LARS is there: --optimizer lars --lr 0.3). The views are milder than the paper's (crops of at least
  // 30% of the image instead of 8%, brightness/contrast ±0.4 instead of ±0.8): on Kermany radiographs at 64 px the
  // paper's views kept NT-Xent at chance, log(2N − 1), for 15 epochs, while these learn and their encoder lifts
  // fine-tuning on 10% of the labels (README, "The main job").
  o->c.method = "simclr";
  o->c.augment = "simclr?crop=0.3&jitter=0.4";
  o->c.optimizer = "adam";
  o->c.weight_decay = 1e-6;
  o->c.warmup_epochs = 1;
  o->c.batch_size = 64;
  auto* cmd = app.add_subcommand(
      "pretrain",
      "SimCLR pretraining: two augmented views of every training and validation image (never the test split's "
      "patients), encoder + 2-layer projection head, NT-Xent. Writes encoder.safetensors for thorax train --init, "
      "and split.json for its --split-file.\nExample: thorax pretrain --data folder:data/kermany/train --model "
      "resnet18 --res 128 --epochs 20 --out runs/simclr");
  cmd->add_option("--out", o->out, "Run directory to create (or, with --resume, to continue)")->required();
  cmd->add_flag("--resume", o->resume, "Continue the run in --out from its checkpoint-last");
  add_data_options(cmd, o->c);
  cmd->get_option("--augment")->capture_default_str();  // pretraining's views differ from train's: show them
  add_contrastive_options(cmd, o->c);
  add_optimization_options(cmd, o->c, &o->epochs_given);
  add_distributed_options(cmd, o->c);
  add_device_option(cmd);
  cmd->add_option("--stop-after", o->stop_after, "Stop after this many epochs of this invocation (resume later)")->group("");
  cmd->callback([o] { run_training(o->c, o->out, o->resume, o->epochs_given, o->stop_after); });
}

}  // namespace thorax::apps
