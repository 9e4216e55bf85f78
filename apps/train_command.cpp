#include "apps/train_command.h"

#include <memory>

#include "apps/device_option.h"
#include "apps/train_options.h"

namespace thorax::apps {

void add_train_command(CLI::App& app) {
  struct Options {
    train::TrainConfig c;
    std::string out;
    bool resume = false, epochs_given = false, semi = false;
    int64_t stop_after = 0;
  };
  auto o = std::make_shared<Options>();
  train::TrainConfig& c = o->c;
  auto* cmd = app.add_subcommand(
      "train",
      "Train a classifier into a run directory: config.json, split.json, metrics.jsonl, checkpoint-last/-best, "
      "predictions.csv.\nExample: thorax train --data folder:data/kermany/train --model resnet18 --res 128 "
      "--epochs 5 --out runs/kermany");
  cmd->add_option("--out", o->out, "Run directory to create (or, with --resume, to continue)")->required();
  cmd->add_flag("--resume", o->resume, "Continue the run in --out from its checkpoint-last (its config.json is used)");
  add_data_options(cmd, c);
  add_supervised_options(cmd, c, &o->semi, &o->epochs_given);
  add_distributed_options(cmd, c);
  add_device_option(cmd);
  cmd->add_option("--stop-after", o->stop_after, "Stop after this many epochs of this invocation (resume later)")->group("");
  cmd->callback([o] {
    if (o->semi) o->c.method = "semi";
    run_training(o->c, o->out, o->resume, o->epochs_given, o->stop_after);
  });
}

}  // namespace thorax::apps
