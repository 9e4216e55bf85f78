#include "apps/cv_command.h"

#include <cstdio>
#include <memory>

#include "apps/train_options.h"
#include "train/cross_validation.h"

namespace thorax::apps {

void add_cv_command(CLI::App& app) {
  struct Options {
    train::TrainConfig c;
    std::string out;
    bool semi = false, epochs_given = false;
    train::CvOptions cv;
  };
  auto o = std::make_shared<Options>();
  o->cv.eval.bootstrap.resamples = 200;
  auto* cmd = app.add_subcommand(
      "cv",
      "Patient-grouped, stratified k-fold cross-validation: each fold tests once (the next fold validates), each "
      "round a full run in OUT/fold-N; prints every fold's metrics and their mean ± sd (OUT/cv.json, OUT/cv.md). "
      "An interrupted cv continues where it stopped.\nExample: thorax cv --folds 5 --data folder:data/kermany/train "
      "--model resnet18 --res 64 --epochs 3 --out runs/cv");
  cmd->add_option("--out", o->out, "Folder for the fold runs and the summary")->required();
  cmd->add_option("--folds", o->cv.folds, "Number of folds (≥ 3)");
  cmd->add_option("--resamples", o->cv.eval.bootstrap.resamples, "Bootstrap resamples per fold's evaluation (0: none)");
  add_data_options(cmd, o->c);
  add_supervised_options(cmd, o->c, &o->semi, &o->epochs_given);
  cmd->callback([o] {
    if (o->semi) o->c.method = "semi";
    o->cv.eval.bootstrap.seed = o->c.seed;
    o->cv.eval.bootstrap.threads = o->c.threads;
    const nlohmann::json cv = train::cross_validate(o->c, o->out, o->cv);
    std::printf("%swrote %s/cv.json and cv.md\n", train::cv_markdown(cv).c_str(), o->out.c_str());
  });
}

}  // namespace thorax::apps
